/**
 * The DNS step of the standby runbooks: make the recovery record PRIMARY (UPSERT) and wait INSYNC. With us-east-1
 * down, Route 53's control plane refuses the change: the runbook notes it and stops there, as a script would; the
 * health-checked failover records still move users (data plane), which the truth sees.
 */
import { route53Sdk } from '../aws-sdk.js';
import { MAX_WAIT_S, type RunbookContext } from './runbook.js';

export async function pointDnsAt(ctx: RunbookContext, region: string): Promise<void> {
  const dns = ctx.setup.names.dns!;
  const route53 = ctx.route53();
  try {
    const records = (await route53.send(new route53Sdk.ListResourceRecordSetsCommand({ HostedZoneId: dns.hostedZoneId }))).ResourceRecordSets ?? [];
    const record = records.find((r) => r.SetIdentifier === dns.setIdentifiers[region]);
    if (record === undefined) throw new Error(`no record ${dns.setIdentifiers[region]}`);
    const change = await route53.send(new route53Sdk.ChangeResourceRecordSetsCommand({
      HostedZoneId: dns.hostedZoneId,
      ChangeBatch: { Changes: [{ Action: 'UPSERT', ResourceRecordSet: record.Failover ? { ...record, Failover: 'PRIMARY' } : { ...record, Weight: 100 } }] },
    }));
    await route53Sdk.waitUntilResourceRecordSetsChanged({ client: route53, maxWaitTime: MAX_WAIT_S }, { Id: change.ChangeInfo!.Id! });
  } catch (e) {
    ctx.note(`DNS change refused: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
  }
}
