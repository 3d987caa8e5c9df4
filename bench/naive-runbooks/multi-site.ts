/**
 * Multi-site (active/active) by hand, one AWS call after another, each followed by the AWS SDK v3's default waiter.
 *
 * Ungraceful (the live drill: the primary region is lost, its outage injected before the script starts): the calls
 * of the design's failover — move the writer (FailoverGlobalCluster with AllowDataLoss; no SDK waiter knows global
 * clusters, so DBClusterAvailable on the target cluster), scale the survivor to full size (MinSize and
 * DesiredCapacity raised: GroupInService compares InService with MinSize), set the lost region's weight to 0 and
 * wait INSYNC. A careful operator moves the writer first (nothing serves without one) and the capacity second (the
 * survivor now carries all of production); the weight goes last, since Route 53's health checks already stop
 * answering the lost region within 30 s, and the weight keeps it out when it comes back. That order is the most
 * favourable to the script: its DNS wait is off the outage.
 *
 * Graceful (a planned move): scale the survivor and wait, weight the primary to 0 and wait INSYNC, then switch the
 * global writer over — that switchover is the outage users see — and wait for the target cluster.
 */
import { rdsSdk, autoScalingSdk, route53Sdk } from '../aws-sdk.js';
import { MAX_WAIT_S, type NaiveRunbook, type RunbookContext } from './runbook.js';

async function scaleSurvivor(ctx: RunbookContext): Promise<void> {
  const { names } = ctx.setup;
  const asg = ctx.autoScaling(names.recoveryRegion);
  const group = names.compute.recovery!.autoScalingGroupName;
  // The plan's full capacity (8/8/16): the survivor carries what both fleets of 4 carried.
  await asg.send(new autoScalingSdk.UpdateAutoScalingGroupCommand({ AutoScalingGroupName: group, MinSize: 8, DesiredCapacity: 8, MaxSize: 16 }));
  await autoScalingSdk.waitUntilGroupInService({ client: asg, maxWaitTime: MAX_WAIT_S }, { AutoScalingGroupNames: [group] });
}

async function drainPrimaryWeight(ctx: RunbookContext): Promise<void> {
  const { names } = ctx.setup;
  const dns = names.dns!;
  const route53 = ctx.route53();
  const records = (await route53.send(new route53Sdk.ListResourceRecordSetsCommand({ HostedZoneId: dns.hostedZoneId }))).ResourceRecordSets ?? [];
  const primaryRecord = records.find((r) => r.SetIdentifier === dns.setIdentifiers[names.primaryRegion])!;
  const change = await route53.send(new route53Sdk.ChangeResourceRecordSetsCommand({ HostedZoneId: dns.hostedZoneId, ChangeBatch: { Changes: [{ Action: 'UPSERT', ResourceRecordSet: { ...primaryRecord, Weight: 0 } }] } }));
  await route53Sdk.waitUntilResourceRecordSetsChanged({ client: route53, maxWaitTime: MAX_WAIT_S }, { Id: change.ChangeInfo!.Id! });
}

async function moveWriter(ctx: RunbookContext, how: 'failover' | 'switchover'): Promise<void> {
  const { names } = ctx.setup;
  const rds = ctx.rds(names.recoveryRegion);
  const target = { GlobalClusterIdentifier: names.database.globalClusterIdentifier!, TargetDbClusterIdentifier: names.database.recovery!.arn };
  await rds.send(how === 'failover' ? new rdsSdk.FailoverGlobalClusterCommand({ ...target, AllowDataLoss: true }) : new rdsSdk.SwitchoverGlobalClusterCommand(target));
  await rdsSdk.waitUntilDBClusterAvailable({ client: rds, maxWaitTime: MAX_WAIT_S }, { DBClusterIdentifier: names.database.recovery!.identifier });
}

export const multiSiteRunbook: NaiveRunbook = async (ctx) => {
  if (ctx.setup.mode === 'ungraceful') {
    await moveWriter(ctx, 'failover');
    await scaleSurvivor(ctx);
    await drainPrimaryWeight(ctx);
    return;
  }
  await scaleSurvivor(ctx);
  await drainPrimaryWeight(ctx);
  ctx.declareDisaster();
  await moveWriter(ctx, 'switchover');
};
