/**
 * The data plane's load rule: an endpoint is healthy only while its capacity in service covers the share of
 * production traffic DNS sends it (README: "Load"). The ground truth uses the same rule.
 */
import { AutoScalingClient, UpdateAutoScalingGroupCommand } from '@aws-sdk/client-auto-scaling';
import { DescribeDBInstancesCommand, FailoverGlobalClusterCommand, PromoteReadReplicaCommand, RDSClient, RestoreDBInstanceFromDBSnapshotCommand } from '@aws-sdk/client-rds';
import { describe, expect, it } from 'vitest';
import { trafficShare } from '../src/application-health.js';
import { buildBackupRestoreScenario, buildInRegionAuroraScenario, buildMultiSiteScenario, buildWarmStandbyScenario, type Sandbox } from '../src/index.js';
import { VirtualClock } from './virtual-clock.js';

const START = '2026-11-22T03:00:00Z';

async function until(clock: VirtualClock, done: () => boolean | Promise<boolean>, stepMs = 1_000): Promise<void> {
  for (let i = 0; i < 10_000 && !(await done()); i++) await clock.sleep(stepMs);
}

function share(sandbox: Sandbox, app: string, region: string): number {
  return trafficShare(sandbox.world, sandbox.world.applications[app]!, region, sandbox.clock.now());
}

describe('load: an endpoint carries the share of production traffic DNS sends it', () => {
  it('a warm standby of 1 instance is healthy while idle, overloaded once DNS fails over to it, healthy again at production capacity', async () => {
    const clock = new VirtualClock({ start: START });
    const { sandbox, names } = await buildWarmStandbyScenario({ clock, apiLatency: 0 });
    const { app, primaryRegion, recoveryRegion } = names;
    // The primary runs 4 InService: that is production's load.
    expect(sandbox.world.applications[app]!.productionCapacity).toBe(4);
    expect(share(sandbox, app, primaryRegion)).toBe(1);
    expect(share(sandbox, app, recoveryRegion)).toBe(0);
    expect(sandbox.dataPlane.endpointHealth(primaryRegion).healthy).toBe(true);
    const disasterAt = clock.now();
    sandbox.faults.regionOutage(primaryRegion);
    const rds = sandbox.client(RDSClient, recoveryRegion);
    await rds.send(new PromoteReadReplicaCommand({ DBInstanceIdentifier: names.database.recovery!.identifier }));
    await until(clock, async () => (await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: names.database.recovery!.identifier }))).DBInstances![0]!.DBInstanceStatus === 'available', 10_000);
    // Route 53's checks see the promoted standby healthy 30 s later (10 s × 3) and send it everything.
    await clock.sleep(40_000);
    expect(share(sandbox, app, recoveryRegion)).toBe(1);
    const overloaded = sandbox.dataPlane.endpointHealth(recoveryRegion);
    expect(overloaded.healthy).toBe(false);
    expect(overloaded.reasons.join()).toMatch(/overloaded: 1 in service for 100% of production traffic, which needs 4/);
    // Users are sent there (the checks last saw it idle) and get errors.
    expect(sandbox.truth.dnsTarget(names.dns!.recordName).regions).toEqual([recoveryRegion]);
    // Its own checks then fail too: both records unhealthy, Route 53 answers the primary, which is down.
    await clock.sleep(30_000);
    expect(sandbox.dataPlane.endpointHealth(recoveryRegion).healthy).toBe(false);
    expect(sandbox.truth.dnsTarget(names.dns!.recordName).regions).toEqual([primaryRegion]);
    const scaledAt = clock.now();
    const asg = sandbox.client(AutoScalingClient, recoveryRegion);
    await asg.send(new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: names.compute.recovery!.autoScalingGroupName, MinSize: 4, DesiredCapacity: 4, MaxSize: 8 }));
    await until(clock, () => sandbox.dataPlane.endpointHealth(recoveryRegion).healthy);
    const healthyAt = clock.now();
    expect(healthyAt).toBeGreaterThan(scaledAt);
    // The truth agrees: the endpoint is served from the moment the 4th instance is InService (to the probing step).
    const firstHealthyAfterScale = sandbox.truth.firstHealthyAt(recoveryRegion, scaledAt)!;
    expect(firstHealthyAfterScale).toBeGreaterThan(scaledAt);
    expect(healthyAt - firstHealthyAfterScale).toBeLessThan(1_000);
    const group = sandbox.world.autoScaling[recoveryRegion]![names.compute.recovery!.autoScalingGroupName]!;
    const inService = group.instances.map((i) => i.lifecycle.find((c) => c.value === 'InService')!.at).sort((a, b) => a - b);
    expect(firstHealthyAfterScale).toBe(inService[3]);
    // DNS answers the standby once its checks have seen it healthy.
    await clock.sleep(31_000);
    expect(sandbox.truth.dnsTarget(names.dns!.recordName).regions).toEqual([recoveryRegion]);
    expect(disasterAt).toBeLessThan(scaledAt);
  });

  it('weighted records split the load by weight: a region scaled below its share is overloaded, the other is not', async () => {
    const clock = new VirtualClock({ start: START });
    const { sandbox, names } = await buildMultiSiteScenario({ clock, apiLatency: 0 });
    const { app, primaryRegion, recoveryRegion } = names;
    // Active/active: both fleets of 4 carry production together, so its load is 8 (not the largest site's 4).
    const load = sandbox.world.applications[app]!.productionCapacity!;
    expect(load).toBe(8);
    expect(share(sandbox, app, primaryRegion)).toBe(0.5);
    expect(share(sandbox, app, recoveryRegion)).toBe(0.5);
    expect(sandbox.dataPlane.endpointHealth(primaryRegion).healthy).toBe(true);
    expect(sandbox.dataPlane.endpointHealth(recoveryRegion).healthy).toBe(true);
    // 50% of a load of 8 needs 4: three instances cannot carry it.
    const asg = sandbox.client(AutoScalingClient, primaryRegion);
    await asg.send(new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: names.compute.primary!.autoScalingGroupName, MinSize: 3, DesiredCapacity: 3 }));
    await until(clock, () => !sandbox.dataPlane.endpointHealth(primaryRegion).healthy);
    expect(sandbox.dataPlane.endpointHealth(primaryRegion).reasons.join()).toMatch(/overloaded: 3 in service for 50% of production traffic, which needs 4/);
    expect(sandbox.dataPlane.endpointHealth(recoveryRegion).healthy).toBe(true);
  });

  it('active/active, one region lost: the survivor takes all of production (8) and is overloaded with its 4 until it is scaled to 8', async () => {
    const clock = new VirtualClock({ start: START });
    const { sandbox, names } = await buildMultiSiteScenario({ clock, apiLatency: 0, regions: ['us-west-2', 'us-east-1'] });
    const { app, primaryRegion, recoveryRegion } = names;
    const rds = sandbox.client(RDSClient, recoveryRegion);
    sandbox.faults.regionOutage(primaryRegion);
    await rds.send(new FailoverGlobalClusterCommand({ GlobalClusterIdentifier: names.database.globalClusterIdentifier!, TargetDbClusterIdentifier: names.database.recovery!.arn, AllowDataLoss: true }));
    await until(clock, () => sandbox.dataPlane.endpointHealth(recoveryRegion).reasons.every((r) => !/writer/.test(r)), 5_000);
    // Route 53's checks stop answering the lost region 30 s after it went down: the survivor gets everything.
    await clock.sleep(40_000);
    expect(share(sandbox, app, recoveryRegion)).toBe(1);
    const overloaded = sandbox.dataPlane.endpointHealth(recoveryRegion);
    expect(overloaded.healthy).toBe(false);
    expect(overloaded.reasons.join()).toMatch(/overloaded: 4 in service for 100% of production traffic, which needs 8/);
    const scaledAt = clock.now();
    const asg = sandbox.client(AutoScalingClient, recoveryRegion);
    await asg.send(new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: names.compute.recovery!.autoScalingGroupName, MinSize: 8, DesiredCapacity: 8, MaxSize: 16 }));
    await until(clock, () => sandbox.dataPlane.endpointHealth(recoveryRegion).healthy);
    // Healthy from the moment the 8th instance is InService, as the truth says.
    const group = sandbox.world.autoScaling[recoveryRegion]![names.compute.recovery!.autoScalingGroupName]!;
    const inService = group.instances.map((i) => i.lifecycle.find((c) => c.value === 'InService')?.at).filter((x): x is number => x !== undefined).sort((a, b) => a - b);
    expect(inService).toHaveLength(8);
    expect(sandbox.truth.firstHealthyAt(recoveryRegion, scaledAt)).toBe(inService[7]);
  });

  it('the default production load counts the sites DNS sends traffic to when the application is defined', async () => {
    const clock = new VirtualClock({ start: START });
    // Weighted, but only the primary takes traffic: production is its fleet of 4.
    const drained = await buildMultiSiteScenario({ clock, apiLatency: 0, layout: { dns: { weights: { primary: 100, recovery: 0 } } } });
    expect(share(drained.sandbox, drained.names.app, drained.names.recoveryRegion)).toBe(0);
    expect(drained.sandbox.world.applications[drained.names.app]!.productionCapacity).toBe(4);
    // Weights that follow the fleets (75/25 over 6 and 2): the sum, 8.
    const proportional = await buildMultiSiteScenario({ clock, apiLatency: 0, layout: { dns: { weights: { primary: 75, recovery: 25 } }, compute: { primary: { capacity: [6, 6, 12] }, recovery: { capacity: [2, 2, 8] } } } });
    expect(proportional.sandbox.world.applications[proportional.names.app]!.productionCapacity).toBe(8);
    // Weights that do not (60/40 over 2 + 2): the load at which the heavier-weighted region is full, 2 ÷ 0.6 — both
    // endpoints serve as defined (the sum, 4, would overload the 60 % region from the start).
    const uneven = await buildMultiSiteScenario({ clock, apiLatency: 0, layout: { dns: { weights: { primary: 60, recovery: 40 } }, compute: { primary: { capacity: [2, 2, 6] }, recovery: { capacity: [2, 2, 6] } } } });
    expect(uneven.sandbox.world.applications[uneven.names.app]!.productionCapacity).toBe(3.33);
    for (const region of [uneven.names.primaryRegion, uneven.names.recoveryRegion]) expect(uneven.sandbox.dataPlane.endpointHealth(region).healthy).toBe(true);
    // No DNS in front: every site is called directly and takes all the traffic it gets, so the largest is production.
    const direct = await buildMultiSiteScenario({ clock, apiLatency: 0, layout: { dns: false } });
    expect(direct.sandbox.world.applications[direct.names.app]!.productionCapacity).toBe(4);
    // Given explicitly, it is kept.
    const { sandbox, names } = direct;
    sandbox.defineApplication({ ...sandbox.world.applications[names.app]!, productionCapacity: 6 });
    expect(sandbox.world.applications[names.app]!.productionCapacity).toBe(6);
  });

  it('with no DNS record in front, the endpoint takes all of production traffic', async () => {
    const clock = new VirtualClock({ start: START });
    const { sandbox, names } = await buildInRegionAuroraScenario({ clock, apiLatency: 0 });
    const { app, primaryRegion } = names;
    expect(sandbox.world.applications[app]!.productionCapacity).toBe(2);
    expect(share(sandbox, app, primaryRegion)).toBe(1);
    expect(sandbox.dataPlane.endpointHealth(primaryRegion).healthy).toBe(true);
    const asg = sandbox.client(AutoScalingClient, primaryRegion);
    await asg.send(new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: names.compute.primary!.autoScalingGroupName, MinSize: 1, DesiredCapacity: 1 }));
    await until(clock, () => !sandbox.dataPlane.endpointHealth(primaryRegion).healthy);
    expect(sandbox.dataPlane.endpointHealth(primaryRegion).reasons.join()).toMatch(/overloaded: 1 in service for 100% of production traffic, which needs 2/);
  });

  it('an application defined with productionCapacity 0 keeps only the one-instance rule', async () => {
    const clock = new VirtualClock({ start: START });
    const { sandbox, names } = await buildWarmStandbyScenario({ clock, apiLatency: 0 });
    sandbox.defineApplication({ ...sandbox.world.applications[names.app]!, productionCapacity: 0 });
    sandbox.faults.regionOutage(names.primaryRegion);
    const rds = sandbox.client(RDSClient, names.recoveryRegion);
    await rds.send(new PromoteReadReplicaCommand({ DBInstanceIdentifier: names.database.recovery!.identifier }));
    await until(clock, () => sandbox.dataPlane.endpointHealth(names.recoveryRegion).healthy, 10_000);
    await clock.sleep(60_000);
    expect(sandbox.dataPlane.endpointHealth(names.recoveryRegion).healthy).toBe(true);
  });
});

describe('truth: the RPO of a database restored from a snapshot', () => {
  it('is the disaster time minus the snapshot capture time (copies keep the original capture time)', async () => {
    const clock = new VirtualClock({ start: START });
    const { sandbox, names } = await buildBackupRestoreScenario({ clock, apiLatency: 0 });
    const { app, primaryRegion, recoveryRegion } = names;
    for (let seq = 1; seq <= 10; seq++) {
      sandbox.dataPlane.writeHeartbeat(app, { seq });
      await clock.sleep(1_000);
    }
    const disasterAt = clock.now();
    sandbox.faults.regionOutage(primaryRegion);
    const copy = names.database.recoverySnapshots!.at(-1)!;
    const rds = sandbox.client(RDSClient, recoveryRegion);
    await rds.send(new RestoreDBInstanceFromDBSnapshotCommand({ DBInstanceIdentifier: `${app}-db-restored`, DBSnapshotIdentifier: copy }));
    await until(clock, async () => (await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: `${app}-db-restored` }))).DBInstances![0]!.DBInstanceStatus === 'available', 10_000);
    const snapshot = sandbox.world.rds[recoveryRegion]!.snapshots[copy]!;
    expect(snapshot.copiedAt).toBeGreaterThan(snapshot.createdAt);
    const truth = sandbox.truth.lostWrites(app, { disasterAt });
    expect(truth.survivor).toBe(`${recoveryRegion}:${app}-db-restored`);
    expect(truth.lost.map((w) => w.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(truth.dataAsOfSource).toBe('snapshot');
    expect(truth.dataAsOf).toBe(snapshot.createdAt);
    expect(truth.rpoMs).toBe(disasterAt - snapshot.createdAt);
    expect(truth.rpoMs).toBeGreaterThan(60 * 60_000);
  });
});
