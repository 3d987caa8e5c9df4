import { AutoScalingClient, UpdateAutoScalingGroupCommand } from '@aws-sdk/client-auto-scaling';
import { ChangeResourceRecordSetsCommand, GetChangeCommand, GetHealthCheckStatusCommand, PriorRequestNotComplete, Route53Client, TestDNSAnswerCommand } from '@aws-sdk/client-route-53';
import { describe, expect, it } from 'vitest';
import { buildWarmStandbyScenario } from '../src/index.js';
import { VirtualClock } from '@firedrill/core';

describe('Route 53', () => {
  it('keeps a change PENDING until INSYNC and refuses the next change meanwhile (PriorRequestNotComplete)', async () => {
    const clock = new VirtualClock();
    const { sandbox, names } = await buildWarmStandbyScenario({ clock });
    const r53 = sandbox.client(Route53Client, 'us-west-2');
    const dns = names.dns!;
    const upsert = (weightless: string) =>
      new ChangeResourceRecordSetsCommand({
        HostedZoneId: dns.hostedZoneId,
        ChangeBatch: { Changes: [{ Action: 'UPSERT', ResourceRecordSet: { Name: `x.${dns.zoneName}`, Type: 'CNAME', TTL: 60, ResourceRecords: [{ Value: weightless }] } }] },
      });
    const change = await r53.send(upsert('a.example.com'));
    expect(change.ChangeInfo?.Status).toBe('PENDING');
    const refused = await r53.send(upsert('b.example.com')).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(PriorRequestNotComplete);
    expect(refused).toMatchObject({ name: 'PriorRequestNotComplete', $fault: 'client', $metadata: { httpStatusCode: 400 } });
    const start = clock.now();
    let status = change.ChangeInfo!.Status;
    while (status === 'PENDING') {
      await clock.sleep(5_000);
      status = (await r53.send(new GetChangeCommand({ Id: change.ChangeInfo!.Id }))).ChangeInfo!.Status;
    }
    expect(status).toBe('INSYNC');
    expect(clock.now() - start).toBeLessThanOrEqual(61_000);
    expect(sandbox.calls({ service: 'route53' })[0]!.region).toBe('us-east-1');
  });

  it('rejects an invalid batch (InvalidChangeBatch) and fails over DNS when the primary turns unhealthy', async () => {
    const clock = new VirtualClock();
    const { sandbox, names } = await buildWarmStandbyScenario({ clock });
    const r53 = sandbox.client(Route53Client, 'us-east-1');
    const dns = names.dns!;
    const invalid = await r53
      .send(new ChangeResourceRecordSetsCommand({ HostedZoneId: dns.hostedZoneId, ChangeBatch: { Changes: [{ Action: 'DELETE', ResourceRecordSet: { Name: `nope.${dns.zoneName}`, Type: 'A', TTL: 60, ResourceRecords: [{ Value: '10.0.0.1' }] } }] } }))
      .catch((e: unknown) => e);
    expect(invalid).toMatchObject({ name: 'InvalidChangeBatch' });
    const answer = await r53.send(new TestDNSAnswerCommand({ HostedZoneId: dns.hostedZoneId, RecordName: dns.recordName, RecordType: 'CNAME' }));
    expect(answer.RecordData).toEqual([names.endpoints[names.primaryRegion]]);
    // Fencing the only writer makes both endpoints unhealthy: Route 53 then answers as if all were healthy.
    sandbox.dataPlane.fenceWriters(names.app);
    await clock.sleep(31_000); // 10 s interval × 3 failures
    const status = await r53.send(new GetHealthCheckStatusCommand({ HealthCheckId: dns.healthChecks[names.primaryRegion] }));
    expect(status.HealthCheckObservations![0]!.StatusReport!.Status).toMatch(/^Failure/);
    expect(sandbox.truth.dnsTarget(dns.recordName).regions).toEqual([names.primaryRegion]);
    // With the writer back and the primary's compute gone, the SECONDARY answers once the checker notices.
    sandbox.dataPlane.unfenceWriters(names.app);
    await sandbox.client(AutoScalingClient, names.primaryRegion).send(
      new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: names.compute.primary!.autoScalingGroupName, MinSize: 0, DesiredCapacity: 0 }),
    );
    await clock.sleep(31_000);
    expect(sandbox.truth.dnsTarget(dns.recordName).regions).toEqual([names.recoveryRegion]);
  });
});
