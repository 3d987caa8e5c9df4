/**
 * Backup & restore after the primary region is lost: restore the newest recovery-region snapshot and wait
 * (DBInstanceAvailable, 30/1800 s), then launch the instances and wait (InstanceRunning, 15/120 s), then point DNS at
 * the recovery region and wait INSYNC (30/120 s). One after another, the same calls as Firedrill's failover.
 */
import { ec2Sdk, rdsSdk, route53Sdk } from '../aws-sdk.js';
import { MAX_WAIT_S, type NaiveRunbook } from './runbook.js';
import { pointDnsAt } from './dns-cutover.js';

export const backupRestoreRunbook: NaiveRunbook = async (ctx) => {
  const { names, plan } = ctx.setup;
  const recovery = names.recoveryRegion;
  const rds = ctx.rds(recovery);
  const restored = `${names.app}-db-restored`;
  await rds.send(new rdsSdk.RestoreDBInstanceFromDBSnapshotCommand({
    DBInstanceIdentifier: restored, DBSnapshotIdentifier: names.database.recoverySnapshots!.at(-1)!, DBParameterGroupName: 'tracking-pg-dr', DBInstanceClass: 'db.r6g.large',
  }));
  await rdsSdk.waitUntilDBInstanceAvailable({ client: rds, maxWaitTime: MAX_WAIT_S }, { DBInstanceIdentifier: restored });

  const ec2 = ctx.ec2(recovery);
  // As many instances as the plan's recovery compute says (Firedrill launches the same count).
  const count = recoveryInstanceCount(plan);
  const launched = await ec2.send(new ec2Sdk.RunInstancesCommand({
    MinCount: count, MaxCount: count, ImageId: names.compute.recoveryImageId, InstanceType: 'm6i.large', LaunchTemplate: { LaunchTemplateName: `${names.app}-${recovery}`, Version: '$Default' },
  }));
  await ec2Sdk.waitUntilInstanceRunning({ client: ec2, maxWaitTime: MAX_WAIT_S }, { InstanceIds: (launched.Instances ?? []).map((i) => i.InstanceId!) });

  await pointDnsAt(ctx, recovery);
  void route53Sdk;
};

/** `recovery.count` of the plan's `ec2-instances` resource (1 when absent, as Firedrill's failover). */
function recoveryInstanceCount(plan: { resources: unknown }): number {
  const resources = Object.values(plan.resources as Record<string, { kind?: string; recovery?: { count?: number } }>);
  return resources.find((r) => r.kind === 'ec2-instances')?.recovery?.count ?? 1;
}
