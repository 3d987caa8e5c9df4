/**
 * Test cases both standby strategies (pilot light, warm standby) must pass on the sandbox, registered by each
 * strategy's test file: the same behaviour, measured against the sandbox's truth, for both.
 */
import { DescribeAutoScalingGroupsCommand } from '@aws-sdk/client-auto-scaling';
import { DeleteDBInstanceCommand, DescribeDBInstancesCommand } from '@aws-sdk/client-rds';
import { parsePlan, type RunReport, VirtualClock } from '@firedrill/core';
import { expect, it } from 'vitest';
import { planForScenario, type Sandbox, type Scenario, type ScenarioNames, type ScenarioOptions } from '../../../sandbox/src/index.js';
import type { AwsEnvironment } from '../../src/aws-environment.js';
import { runSuffix } from '../../src/strategies/standby-failback.js';
import { drillLeftovers } from '../../src/strategies/standby-isolated-drill.js';
import type { Strategy } from '../../src/strategy.js';
import { denyCommand } from './deny-command.js';
import { inServiceBetween, resizeFleet } from './fleet-history.js';
import { runOnSandbox, sandboxEnvironment, trueRestoredAt } from './run-on-sandbox.js';
import { readTopology } from './topology.js';
import { writeHeartbeats } from './strategy-on-sandbox.js';

/** The strategy under test and how to build its scenario. */
export interface StandbyUnderTest {
  strategy: Strategy;
  build: (options: ScenarioOptions) => Promise<Scenario>;
  /** The recovery fleet on standby, as the plan says. */
  standby: { min: number; desired: number; max: number };
}

export const START = '2026-11-22T03:00:00Z';

/** The failed steps of a report, for assertion messages. */
export const failures = (report: RunReport): string => JSON.stringify(report.steps.filter((s) => s.status === 'failed').map((s) => [s.id, s.error?.message]));

/** Measured vs true RTO/RPO, printed so the numbers can be reported. */
const measured: string[] = [];
export function recordMeasurement(line: string): void {
  measured.push(line);
  console.info(`[measured] ${line}`);
}

/** Ungraceful failover in a us-east-1 outage: Route 53's control plane is down, the failover records do the cutover. */
export function ungracefulFailoverCases(s: StandbyUnderTest): void {
  it.each([1, 2, 3])('ungraceful failover in a us-east-1 outage (seed %i): data-plane DNS cutover; RTO and RPO against the truth', async (seed) => {
    const clock = new VirtualClock({ start: START });
    const scenario = await s.build({ clock, seed });
    const { sandbox, names } = scenario;
    expect(names.primaryRegion).toBe('us-east-1');
    sandbox.faults.replicationLag(names.app, 4_000);
    // The application writes for a while; the outage hits while writes are in flight.
    await writeHeartbeats(sandbox, clock, names.app, 30_000);
    const { report, disasterAt, aws, run } = await runOnSandbox({ scenario, clock, plan: planForScenario(names), strategy: s.strategy, operation: 'failover', mode: 'ungraceful', injectOutage: true });
    expect(report.status, failures(report)).toBe('succeeded');
    expect(report.steps.find((x) => x.id === 'fence-primary-writers')?.status).toBe('skipped');
    const switched = run.state().steps['switch-dns-to-recovery']?.result as { dataPlaneCutover?: boolean; note: string };
    expect(switched.dataPlaneCutover).toBe(true);
    expect(switched.note).toMatch(/Route 53 control plane unreachable .*move users to us-west-2 by themselves \(data plane\).*re-pointed by failback/);
    expect((run.state().steps['wait-switch-dns-to-recovery-in-sync']?.result as { progress?: string } | undefined)?.progress).toMatch(/skipped/);
    // Final state, read through the SDK from the recovery region (us-east-1's API is down): the writer, the
    // fleet; and what DNS answers (the record set itself could not be changed).
    const state = await recoveryState(aws, names);
    expect(state.writer).toEqual({ identifier: names.database.recovery!.identifier, standalone: true, status: 'available' });
    expect(state.capacity).toEqual({ min: 4, desired: 4, max: 8, inService: 4 });
    expect(sandbox.truth.dnsTarget(names.dns!.recordName).regions).toEqual([names.recoveryRegion]);
    // RTO against the truth: the first moment DNS answered a healthy recovery endpoint.
    const restored = trueRestoredAt(sandbox, names.dns!.recordName, names.app, disasterAt)!;
    expect(restored).toBeGreaterThanOrEqual(sandbox.truth.firstHealthyAt(names.recoveryRegion, disasterAt, names.app)!);
    expect(report.rto.source).toBe('health-probe');
    expect(Math.abs(report.rto.seconds! - (restored - disasterAt) / 1000)).toBeLessThanOrEqual(1);
    const truth = sandbox.truth.lostWrites(names.app, { disasterAt });
    expect(truth.lost.length).toBeGreaterThan(0);
    expect(report.rpo.source).toBe('heartbeat');
    expect(Math.abs(report.rpo.seconds! * 1000 - truth.rpoMs)).toBeLessThanOrEqual(1_000);
    expect(sandbox.truth.splitBrainDetected).toBe(false);
    recordMeasurement(`${s.strategy.name} ungraceful seed ${seed}: RTO ${report.rto.seconds} s (truth ${(restored - disasterAt) / 1000} s), RPO ${report.rpo.seconds} s (truth ${truth.rpoMs / 1000} s)`);
  });

  it('an outage in the middle of a graceful failover (catch-up stuck): the operator switches to ungraceful and the run completes', async () => {
    const clock = new VirtualClock({ start: START });
    const scenario = await s.build({ clock, seed: 6 });
    const { sandbox, names } = scenario;
    sandbox.faults.replicationLag(names.app, 20_000);
    await writeHeartbeats(sandbox, clock, names.app, 30_000);
    let outageAt = Number.NaN;
    const { report, disasterAt } = await runOnSandbox({
      scenario, clock, plan: planForScenario(names), strategy: s.strategy, operation: 'failover', mode: 'graceful',
      during: (run) => {
        run.events.on('step.succeeded', (e) => {
          if (e.stepId !== 'fence-primary-writers') return;
          outageAt = clock.now();
          sandbox.faults.regionOutage(names.primaryRegion);
          // The catch-up wait sees "replication stopped" and keeps waiting: the operator decides.
          void clock.sleep(60_000).then(() => run.switchToUngraceful('sre', 'us-east-1 is gone'));
        });
      },
    });
    expect(report.status, failures(report)).toBe('succeeded');
    expect(report.mode).toBe('ungraceful');
    expect(['skipped', 'failed']).not.toContain(report.steps.find((x) => x.id === 'promote-replica')?.status);
    expect(sandbox.truth.dnsTarget(names.dns!.recordName).regions).toEqual([names.recoveryRegion]);
    expect(sandbox.truth.splitBrainDetected).toBe(false);
    // Measured from the run's start (the graceful failover declared the disaster first) against the truth: users
    // were served again when DNS answered a healthy recovery endpoint; the fence came before the outage, so what was
    // lost is what had not replicated when the writes stopped (20 s of lag), not the minute the operator took.
    expect(disasterAt).toBeLessThan(outageAt);
    const restored = trueRestoredAt(sandbox, names.dns!.recordName, names.app, disasterAt)!;
    expect(Math.abs(report.rto.seconds! - (restored - disasterAt) / 1000)).toBeLessThanOrEqual(1);
    const truth = sandbox.truth.lostWrites(names.app, { disasterAt });
    expect(truth.lost.length).toBeGreaterThan(0);
    expect(report.rpo.source).toBe('heartbeat');
    expect(Math.abs(report.rpo.seconds! * 1000 - truth.rpoMs)).toBeLessThanOrEqual(1_000);
    recordMeasurement(`${s.strategy.name} graceful → ungraceful: RTO ${report.rto.seconds} s (truth ${(restored - disasterAt) / 1000} s), RPO ${report.rpo.seconds} s (truth ${truth.rpoMs / 1000} s)`);
  });
}

/** The recovery region's database and fleet, read back through the SDK. */
async function recoveryState(aws: AwsEnvironment, names: ScenarioNames): Promise<{ writer: unknown; capacity: unknown }> {
  const { recovery } = names.database;
  const db = (await aws.clients('recovery').rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: recovery!.identifier }))).DBInstances![0]!;
  const g = (await aws.clients('recovery').autoScaling.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [names.compute.recovery!.autoScalingGroupName] }))).AutoScalingGroups![0]!;
  return {
    writer: { identifier: db.DBInstanceIdentifier, standalone: !db.ReadReplicaSourceDBInstanceIdentifier, status: db.DBInstanceStatus },
    capacity: { min: g.MinSize, desired: g.DesiredCapacity, max: g.MaxSize, inService: (g.Instances ?? []).filter((i) => i.LifecycleState === 'InService').length },
  };
}

/** Failback, live drill, and the failback after an ungraceful failover once the primary region returns. */
export function failbackCases(s: StandbyUnderTest): void {
  it('failover then failback leaves the topology as it was (writer, DNS, capacities, replication direction, names)', async () => {
    const clock = new VirtualClock({ start: START });
    const scenario = await s.build({ clock, seed: 4 });
    const { sandbox, names } = scenario;
    const before = await readTopology(sandboxEnvironment(parsePlan(planForScenario(names)), sandbox, clock), names);
    const over = await runOnSandbox({ scenario, clock, plan: planForScenario(names), strategy: s.strategy, operation: 'failover' });
    expect(over.report.status, failures(over.report)).toBe('succeeded');
    const { back, episodes, fencedAt } = await failbackReadingTruthAtFence(s, scenario, clock);
    expect(back.report.status, failures(back.report)).toBe('succeeded');
    const after = await readTopology(back.aws, names);
    expect(after.writerRegion).toBe(names.primaryRegion);
    expect(after.dnsRegions).toEqual([names.primaryRegion]);
    expect(sandbox.truth.dnsTarget(names.dns!.recordName).regions).toEqual([names.primaryRegion]);
    expect(after.recoveryCapacity).toEqual({ ...s.standby, inService: s.standby.desired });
    expect(after.primaryCapacity).toEqual(before.primaryCapacity);
    expect(after.databases).toEqual(before.databases);
    // The recovery replica replicates FROM the primary again (read back through the SDK).
    expect(after.databases[`${names.recoveryRegion}:${names.database.recovery!.identifier}`]?.source).toMatch(new RegExp(`${names.primaryRegion}.*:db:${names.database.primary.identifier}$`));
    // The failback's outage is the cutover (fence of the recovery writer → DNS on the primary), measured.
    const truth = trueRestoredAt(sandbox, names.dns!.recordName, names.app, back.disasterAt)!;
    expect(back.report.rto.source).toBe('health-probe');
    expect(back.report.rto.seconds!).toBeGreaterThan(0);
    expect(Math.abs(back.report.rto.seconds! - (truth - back.disasterAt) / 1000)).toBeLessThanOrEqual(1);
    // Nothing lost; the heartbeat RPO is measured from the fence, so it is within one heartbeat interval of 0.
    expect(back.report.rpo.source).toBe('heartbeat');
    expect(back.report.rpo.seconds!).toBeLessThanOrEqual(1);
    expect(sandbox.truth.lostWrites(names.app).lost).toEqual([]);
    expect(sandbox.truth.splitBrainDetected).toBe(false);
    recordMeasurement(`${s.strategy.name} failback: RTO ${back.report.rto.seconds} s (truth ${(truth - back.disasterAt) / 1000} s), RPO ${back.report.rpo.seconds} s`);
  });

  it('a live drill measures the failover and the failback as two phases', async () => {
    const clock = new VirtualClock({ start: START });
    const scenario = await s.build({ clock, seed: 5 });
    const { sandbox, names } = scenario;
    // The failback replaces the promoted instance (same name, new record), which erases the sandbox's history of
    // it: take the failover's truth when the failback begins.
    let overTruth = Number.NaN;
    const { report, aws, disasterAt } = await runOnSandbox({
      scenario, clock, plan: planForScenario(names), strategy: s.strategy, operation: 'drill', drill: 'live', mode: 'graceful',
      during: (run) => {
        run.events.on('step.started', (e) => {
          if (e.stepId === 'begin-failback') overTruth = trueRestoredAt(sandbox, names.dns!.recordName, names.app, run.state().disasterAt!)!;
        });
      },
    });
    expect(report.status, failures(report)).toBe('succeeded');
    const phases = report.phases as unknown as { name: string; startedAt: string; rto: { seconds: number | null } }[];
    expect(phases.map((p) => p.name)).toEqual(['failover', 'failback']);
    expect(Math.abs(phases[0]!.rto.seconds! - (overTruth - disasterAt) / 1000)).toBeLessThanOrEqual(1);
    const failbackStart = Date.parse(phases[1]!.startedAt);
    const backTruth = trueRestoredAt(sandbox, names.dns!.recordName, names.app, failbackStart)!;
    expect(phases[1]!.rto.seconds!).toBeGreaterThan(0);
    expect(Math.abs(phases[1]!.rto.seconds! - (backTruth - failbackStart) / 1000)).toBeLessThanOrEqual(1);
    const after = await readTopology(aws, names);
    expect(after.writerRegion).toBe(names.primaryRegion);
    expect(after.recoveryCapacity.desired).toBe(s.standby.desired);
    expect(sandbox.truth.splitBrainDetected).toBe(false);
    recordMeasurement(`${s.strategy.name} live drill: failover RTO ${phases[0]!.rto.seconds} s (truth ${(overTruth - disasterAt) / 1000} s), failback RTO ${phases[1]!.rto.seconds} s (truth ${(backTruth - failbackStart) / 1000} s)`);
  });
}

/** A live drill on fleets an operator sized off the plan: both end at the size they had before, none serves on fewer. */
export function liveDrillCapacityCases(s: StandbyUnderTest): void {
  it('a live drill returns both fleets to their pre-drill sizes and never shrinks the primary that takes users back', async () => {
    const clock = new VirtualClock({ start: START });
    const scenario = await s.build({ clock, seed: 7 });
    const { sandbox, names } = scenario;
    // The plan says primary 4/4/8, recovery 4/4/8 when it serves and its standby size otherwise.
    const primary = names.compute.primary!.autoScalingGroupName;
    const recovery = names.compute.recovery!.autoScalingGroupName;
    await resizeFleet(sandbox, clock, names.primaryRegion, primary, [5, 6, 12]);
    await resizeFleet(sandbox, clock, names.recoveryRegion, recovery, [1, 2, 8]);
    const { report, aws } = await runOnSandbox({ scenario, clock, plan: planForScenario(names), strategy: s.strategy, operation: 'drill', drill: 'live', mode: 'graceful' });
    expect(report.status, failures(report)).toBe('succeeded');
    const after = await readTopology(aws, names);
    expect(after.writerRegion).toBe(names.primaryRegion);
    expect(after.primaryCapacity).toEqual({ min: 5, desired: 6, max: 12, inService: 6 });
    expect(after.recoveryCapacity).toEqual({ min: 1, desired: 2, max: 8, inService: 2 });
    // Every user returns to the primary: its fleet never ran on fewer than the 6 instances it served with.
    expect(inServiceBetween(sandbox, names.primaryRegion, primary, Date.parse(report.startedAt), Date.parse(report.endedAt!))).toEqual({ fewest: 6, atEnd: 6 });
  });
}

/** Isolated drills: nothing left behind, even after a permanent error half way. */
export function isolatedDrillCases(s: StandbyUnderTest): void {
  it('an isolated drill that fails half way (AccessDenied on RunInstances) still deletes every drill resource', async () => {
    const clock = new VirtualClock({ start: START });
    const scenario = await s.build({ clock, seed: 8 });
    const { sandbox, names } = scenario;
    const runId = `${names.app}-app-drill-iso8`;
    const { report, aws } = await runOnSandbox({
      scenario, clock, plan: planForScenario(names, { rollback: 'always' }), strategy: s.strategy, operation: 'drill', drill: 'isolated', runId,
      plugins: [denyCommand('RunInstances')],
    });
    expect(report.status).not.toBe('succeeded');
    expect(report.steps.find((x) => x.id === 'launch-drill-instance')?.status).toBe('failed');
    const sfx = runSuffix(runId);
    expect(await drillLeftovers(aws, { group: `${names.database.recovery!.identifier}-drill-${sfx}`, snapshot: `${names.database.recovery!.identifier}-drill-${sfx}`, database: `${names.database.primary.identifier}-drill-${sfx}`, tags: {} }, runId)).toEqual([]);
    const topology = await readTopology(aws, names);
    expect(topology.writerRegion).toBe(names.primaryRegion);
    expect(topology.recoveryCapacity.desired).toBe(s.standby.desired);
    expect(sandbox.truth.splitBrainDetected).toBe(false);
  });
}

/** Readiness findings that name the resource, the region and what to do. */
export function checkFindingCases(s: StandbyUnderTest): void {
  it('check: replica lag over the RPO objective, the AMI missing in the recovery region, a deleted replica', async () => {
    const clock = new VirtualClock({ start: START });
    const { sandbox, names } = await s.build({ clock, seed: 11 });
    const plan = parsePlan(planForScenario(names));
    const aws = sandboxEnvironment(plan, sandbox, clock);
    const fresh = await s.strategy.check({ plan, aws });
    expect(fresh.filter((f) => f.status === 'fail')).toEqual([]);
    // Lag: writes keep coming while the replica falls 90 s behind (objective: 60 s).
    sandbox.faults.replicationLag(names.app, 90_000);
    await writeHeartbeats(sandbox, clock, names.app, 120_000);
    const lagging = await s.strategy.check({ plan, aws });
    expect(lagging).toContainEqual(expect.objectContaining({ status: 'fail', check: 'replication-lag', resource: `rds:${names.database.recovery!.identifier}`, region: names.recoveryRegion, message: expect.stringMatching(/over the RPO objective of 60 s/) }));
    // The AMI of the recovery launch template is deregistered.
    const { DeregisterImageCommand } = await import('@aws-sdk/client-ec2');
    await aws.clients('recovery').ec2.send(new DeregisterImageCommand({ ImageId: names.compute.recovery!.imageId }));
    const noAmi = await s.strategy.check({ plan, aws });
    expect(noAmi).toContainEqual(expect.objectContaining({ status: 'fail', check: 'ami-in-recovery-region', region: names.recoveryRegion, action: expect.stringMatching(new RegExp(`copy the AMI to ${names.recoveryRegion}`)) }));
    // The replica is deleted.
    await aws.clients('recovery').rds.send(new DeleteDBInstanceCommand({ DBInstanceIdentifier: names.database.recovery!.identifier, SkipFinalSnapshot: true }));
    await clock.sleep(10 * 60_000);
    const gone = await s.strategy.check({ plan, aws });
    expect(gone).toContainEqual(expect.objectContaining({ status: 'fail', check: 'replica-exists', resource: `rds:${names.database.recovery!.identifier}`, region: names.recoveryRegion, action: expect.stringMatching(/create .* as a cross-region read replica/) }));
  });
}

/**
 * Failback after an ungraceful failover, once the primary region returns. Finding (asserted, not hidden): the
 * old primary is a standalone writer again the moment its region returns — real RDS too: clients in its region
 * can write to it — so two writers exist until the failback's first call fences it. The window is unavoidable
 * (no API can fence a database in a region that is down); the failback keeps it to its first calls.
 */
export function ungracefulFailbackCases(s: StandbyUnderTest): void {
  it('after an ungraceful failover, the failback fences the returned old primary first; the two-writer window is its first seconds', async () => {
    const clock = new VirtualClock({ start: START });
    const scenario = await s.build({ clock, seed: 12 });
    const { sandbox, names } = scenario;
    await writeHeartbeats(sandbox, clock, names.app, 10_000);
    const over = await runOnSandbox({ scenario, clock, plan: planForScenario(names), strategy: s.strategy, operation: 'failover', mode: 'ungraceful', injectOutage: true });
    expect(over.report.status, failures(over.report)).toBe('succeeded');
    expect(sandbox.truth.splitBrainDetected).toBe(false);
    const returnedAt = clock.now();
    sandbox.faults.endRegionOutage(names.primaryRegion, returnedAt);
    const callsBefore = sandbox.calls().length;
    const { back, episodes, fencedAt } = await failbackReadingTruthAtFence(s, scenario, clock);
    expect(back.report.status, failures(back.report)).toBe('succeeded');
    // The first mutating call of the failback is the fence of the old primary.
    const mutations = sandbox.calls().slice(callsBefore).filter((c) => !/^(Describe|List|Get)/.test(c.command));
    expect(mutations[0]).toMatchObject({ command: 'ModifyDBParameterGroup', region: names.primaryRegion });
    // What is true: two writers from the region's return until the fence, and never after.
    expect(episodes.length).toBeGreaterThan(0);
    for (const e of episodes) {
      expect(e.at).toBeGreaterThanOrEqual(returnedAt);
      expect(e.at).toBeLessThan(fencedAt);
      expect(e.writers).toContain(`${names.primaryRegion}:${names.database.primary.identifier}`);
    }
    expect(fencedAt - returnedAt).toBeLessThanOrEqual(5_000);
    expect(sandbox.truth.splitBrainEpisodes().filter((e) => e.at >= fencedAt)).toEqual([]);
    const after = await readTopology(back.aws, names);
    expect(after.writerRegion).toBe(names.primaryRegion);
    expect(sandbox.truth.dnsTarget(names.dns!.recordName).regions).toEqual([names.primaryRegion]);
    recordMeasurement(`${s.strategy.name} ungraceful failback: two writers for ${(fencedAt - returnedAt) / 1000} s after the region returned (until the fence)`);
  });
}

/**
 * Runs a failback and reads the split-brain truth when its fence of the old primary lands: the failback later
 * replaces the old primary's record (same name), which erases its history in the sandbox.
 */
async function failbackReadingTruthAtFence(
  s: StandbyUnderTest,
  scenario: Awaited<ReturnType<StandbyUnderTest['build']>>,
  clock: VirtualClock,
): Promise<{ back: Awaited<ReturnType<typeof runOnSandbox>>; episodes: ReturnType<Sandbox['truth']['splitBrainEpisodes']>; fencedAt: number }> {
  const { sandbox, names } = scenario;
  let episodes: ReturnType<Sandbox['truth']['splitBrainEpisodes']> = [];
  let fencedAt = Number.NaN;
  const back = await runOnSandbox({
    scenario, clock, plan: planForScenario(names), strategy: s.strategy, operation: 'failback',
    during: (run) => {
      run.events.on('step.succeeded', (e) => {
        if (e.stepId !== 'fence-stale-primary') return;
        fencedAt = clock.now();
        episodes = sandbox.truth.splitBrainEpisodes();
      });
    },
  });
  return { back, episodes, fencedAt };
}
