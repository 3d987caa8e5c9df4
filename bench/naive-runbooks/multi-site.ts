/**
 * Multi-site graceful drill: scale the survivor to full size (MinSize and DesiredCapacity raised: GroupInService
 * compares InService with MinSize), weight the primary to 0 and wait INSYNC, then switch the global writer over —
 * that switchover is the outage users see — and wait for the target cluster (no SDK waiter knows global clusters).
 */
import { rdsSdk, autoScalingSdk, route53Sdk } from '../aws-sdk.js';
import { MAX_WAIT_S, type NaiveRunbook } from './runbook.js';

export const multiSiteRunbook: NaiveRunbook = async (ctx) => {
  const { names } = ctx.setup;
  const recovery = names.recoveryRegion;
  const asg = ctx.autoScaling(recovery);
  const group = names.compute.recovery!.autoScalingGroupName;
  await asg.send(new autoScalingSdk.UpdateAutoScalingGroupCommand({ AutoScalingGroupName: group, MinSize: 8, DesiredCapacity: 8, MaxSize: 16 }));
  await autoScalingSdk.waitUntilGroupInService({ client: asg, maxWaitTime: MAX_WAIT_S }, { AutoScalingGroupNames: [group] });

  const dns = names.dns!;
  const route53 = ctx.route53();
  const records = (await route53.send(new route53Sdk.ListResourceRecordSetsCommand({ HostedZoneId: dns.hostedZoneId }))).ResourceRecordSets ?? [];
  const primaryRecord = records.find((r) => r.SetIdentifier === dns.setIdentifiers[names.primaryRegion])!;
  const change = await route53.send(new route53Sdk.ChangeResourceRecordSetsCommand({ HostedZoneId: dns.hostedZoneId, ChangeBatch: { Changes: [{ Action: 'UPSERT', ResourceRecordSet: { ...primaryRecord, Weight: 0 } }] } }));
  await route53Sdk.waitUntilResourceRecordSetsChanged({ client: route53, maxWaitTime: MAX_WAIT_S }, { Id: change.ChangeInfo!.Id! });

  const rds = ctx.rds(recovery);
  ctx.declareDisaster();
  await rds.send(new rdsSdk.SwitchoverGlobalClusterCommand({ GlobalClusterIdentifier: names.database.globalClusterIdentifier!, TargetDbClusterIdentifier: names.database.recovery!.arn }));
  await rdsSdk.waitUntilDBClusterAvailable({ client: rds, maxWaitTime: MAX_WAIT_S }, { DBClusterIdentifier: names.database.recovery!.identifier });
};
