/**
 * Pilot light and warm standby after the primary region is lost: promote the replica and wait (DBInstanceAvailable,
 * 30/1800 s), then scale the recovery group to production size and wait (GroupInService, 15/120 s — it compares
 * InService with MinSize, so the runbook raises MinSize with DesiredCapacity), then point DNS at the recovery region.
 */
import { autoScalingSdk, rdsSdk } from '../aws-sdk.js';
import { pointDnsAt } from './dns-cutover.js';
import { MAX_WAIT_S, type NaiveRunbook } from './runbook.js';

export const standbyRunbook: NaiveRunbook = async (ctx) => {
  const { names, plan } = ctx.setup;
  const recovery = names.recoveryRegion;
  const rds = ctx.rds(recovery);
  const replica = names.database.recovery!.identifier;
  await rds.send(new rdsSdk.PromoteReadReplicaCommand({ DBInstanceIdentifier: replica }));
  await rdsSdk.waitUntilDBInstanceAvailable({ client: rds, maxWaitTime: MAX_WAIT_S }, { DBInstanceIdentifier: replica });

  const asg = ctx.autoScaling(recovery);
  const group = names.compute.recovery!.autoScalingGroupName;
  const sizes = productionSizes(plan);
  await asg.send(new autoScalingSdk.UpdateAutoScalingGroupCommand({ AutoScalingGroupName: group, MinSize: sizes.min, DesiredCapacity: sizes.desired, MaxSize: sizes.max }));
  await autoScalingSdk.waitUntilGroupInService({ client: asg, maxWaitTime: MAX_WAIT_S }, { AutoScalingGroupNames: [group] });

  await pointDnsAt(ctx, recovery);
};

/** The production capacity the plan scales the recovery group to (Firedrill's failover uses the same). */
function productionSizes(plan: { resources: unknown }): { min: number; desired: number; max: number } {
  const text = JSON.stringify(plan.resources);
  const m = /"capacity":\{"min":(\d+),"desired":(\d+),"max":(\d+)\}/.exec(text);
  return m ? { min: Number(m[1]), desired: Number(m[2]), max: Number(m[3]) } : { min: 4, desired: 4, max: 8 };
}
