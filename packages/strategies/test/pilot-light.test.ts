import { StepFailure, VirtualClock } from '@firedrill/core';
import { describe, expect, it } from 'vitest';
import { buildPilotLightScenario, planForScenario } from '../../sandbox/src/index.js';
import { pilotLight } from '../src/strategies/pilot-light.js';
import { runOnSandbox, sandboxEnvironment, trueRestoredAt } from './support/run-on-sandbox.js';
import { denyCommand } from './support/deny-command.js';
import { checkFindingCases, failbackCases, isolatedDrillCases, liveDrillCapacityCases, type StandbyUnderTest, ungracefulFailbackCases, ungracefulFailoverCases } from './support/standby-cases.js';
import { parsePlan } from '@firedrill/core';
import { drillLeftovers } from '../src/strategies/standby-isolated-drill.js';
import { readTopology } from './support/topology.js';

const start = '2026-11-22T03:00:00Z';

describe('pilot light on the sandbox', () => {
  it.each([1, 2, 3])('graceful failover (seed %i): fences, loses nothing, measures RTO within 1 s of the truth', async (seed) => {
    const clock = new VirtualClock({ start });
    const scenario = await buildPilotLightScenario({ clock, seed });
    const { sandbox, names } = scenario;
    const { report, disasterAt, aws } = await runOnSandbox({ scenario, clock, plan: planForScenario(names), strategy: pilotLight, operation: 'failover', mode: 'graceful' });

    expect(report.status, JSON.stringify(report.steps.filter((s) => s.status === 'failed').map((s) => [s.id, s.error?.message]))).toBe('succeeded');
    const topology = await readTopology(aws, names);
    expect(topology.writerRegion).toBe(names.recoveryRegion);
    expect(topology.dnsRegions).toEqual([names.recoveryRegion]);
    expect(topology.recoveryCapacity).toEqual({ min: 4, desired: 4, max: 8, inService: 4 });
    expect(report.rpo).toMatchObject({ seconds: 0, source: 'heartbeat' });
    expect(sandbox.truth.lostWrites(names.app, { disasterAt }).lost).toEqual([]);
    const truth = trueRestoredAt(sandbox, names.dns!.recordName, names.app, disasterAt)!;
    expect(Math.abs(report.rto.seconds! - (truth - disasterAt) / 1000)).toBeLessThanOrEqual(1);
    expect(sandbox.truth.splitBrainDetected).toBe(false);
  });
});

describe('pilot light: the graceful catch-up wait reads CloudWatch', () => {
  // PostgreSQL: ReplicaLag only grows once the source is fenced; the source's OldestReplicationSlotLag at 0 says the
  // replica has received everything (a wait on ReplicaLag 0 never ended on real RDS for PostgreSQL).
  it('waits for the source\'s slot lag to read 0 in a minute that began after the fence, then promotes: RPO 0 against the truth', async () => {
    const clock = new VirtualClock({ start });
    const scenario = await buildPilotLightScenario({ clock, seed: 12 });
    const { sandbox, names } = scenario;
    // Replication runs 3 s behind: the replica is still missing writes when the fence goes up.
    sandbox.faults.replicationLag(names.app, 3_000);
    const { report, disasterAt } = await runOnSandbox({ scenario, clock, plan: planForScenario(names), strategy: pilotLight, operation: 'failover', mode: 'graceful' });
    expect(report.status, JSON.stringify(report.steps.filter((s) => s.status === 'failed').map((s) => [s.id, s.error?.message]))).toBe('succeeded');

    const fence = report.steps.find((s) => s.id === 'fence-primary-writers')!;
    const wait = report.steps.find((s) => s.id === 'wait-replica-caught-up')!;
    const promote = report.steps.find((s) => s.id === 'promote-replica')!;
    // The metrics are per-minute figures published when the minute is over: the first minute that can prove the
    // fenced primary's writes all arrived begins after the fence and ends a minute later. Nothing earlier counts.
    const fencedAt = Date.parse(fence.endedAt!);
    const firstWholeMinuteEnds = Math.ceil(fencedAt / 60_000) * 60_000 + 60_000;
    expect(Date.parse(wait.endedAt!)).toBeGreaterThanOrEqual(firstWholeMinuteEnds);
    expect(Date.parse(wait.endedAt!)).toBeLessThan(firstWholeMinuteEnds + 30_000);
    expect(Date.parse(promote.startedAt!)).toBeGreaterThanOrEqual(Date.parse(wait.endedAt!));

    expect(report.rpo).toMatchObject({ seconds: 0, source: 'heartbeat' });
    expect(sandbox.truth.lostWrites(names.app, { disasterAt }).lost).toEqual([]);
    expect(sandbox.truth.splitBrainDetected).toBe(false);
  });
});

const underTest: StandbyUnderTest = { strategy: pilotLight, build: buildPilotLightScenario, standby: { min: 0, desired: 0, max: 0 } };

describe('pilot light: ungraceful failover in a us-east-1 outage (Route 53 control plane down)', () => {
  ungracefulFailoverCases(underTest);
});

describe('pilot light: failback and live drill', () => {
  failbackCases(underTest);
  liveDrillCapacityCases(underTest);
  ungracefulFailbackCases(underTest);
});

describe('pilot light: isolated drills, errors', () => {
  isolatedDrillCases(underTest);
  checkFindingCases(underTest);

  it('an isolated drill brings up a tagged copy, probes it and leaves nothing behind; production is untouched', async () => {
    const clock = new VirtualClock({ start });
    const scenario = await buildPilotLightScenario({ clock, seed: 7 });
    const { sandbox, names } = scenario;
    // The replica has been replicating for a few minutes, so CloudWatch has published ReplicaLag datapoints (the
    // replica-lag RPO evidence); a world built this instant has none.
    await clock.sleep(3 * 60_000);
    const { report, aws, plan } = await runOnSandbox({ scenario, clock, plan: planForScenario(names, { rollback: 'always' }), strategy: pilotLight, operation: 'drill', drill: 'isolated', runId: 'tracking-app-drill-iso7' });
    expect(report.status, JSON.stringify(report.steps.filter((s) => s.status === 'failed').map((s) => [s.id, s.error?.message]))).toBe('succeeded');
    // Measured on the copy (isolated-drill-measured.test.ts holds the figures against the truth).
    expect(report.rto.source).toBe('health-probe');
    expect(report.rpo.source).toBe('heartbeat');
    expect(report.rpo.seconds).toBeGreaterThan(0);
    expect(await drillLeftovers(aws, { group: 'tracking-db-replica-drill-drill-iso7', snapshot: 'tracking-db-replica-drill-drill-iso7', database: 'tracking-db-drill-drill-iso7', tags: {} }, 'tracking-app-drill-iso7')).toEqual([]);
    const topology = await readTopology(aws, names);
    expect(topology.writerRegion).toBe(names.primaryRegion);
    expect(topology.recoveryCapacity.desired).toBe(0);
    expect(sandbox.truth.dnsTarget(names.dns!.recordName).regions).toEqual([names.primaryRegion]);
    expect(sandbox.truth.splitBrainDetected).toBe(false);
    void plan;
    assertOnlyPlanOrDrillResources(sandbox.calls(), sandbox.world, 'tracking-app-drill-iso7');
  });

  it('a missing replica stops the promotion with a message naming the resource and region, and rolls back', async () => {
    const clock = new VirtualClock({ start });
    const scenario = await buildPilotLightScenario({ clock, seed: 9 });
    const { sandbox, names } = scenario;
    const plan = planForScenario(names);
    (plan.resources['database'] as { recovery: { identifier: string } }).recovery.identifier = 'tracking-db-gone';
    const { report, aws } = await runOnSandbox({ scenario, clock, plan, strategy: pilotLight, operation: 'failover', mode: 'graceful' });
    expect(report.status).toMatch(/rolled-back|failed/);
    const step = report.steps.find((s) => s.status === 'failed')!;
    expect(step.error?.message).toMatch(/DBInstanceNotFound.*tracking-db-gone.*us-west-2/);
    // The fence was undone: the primary takes writes again.
    expect((await readTopology(aws, names)).writerRegion).toBe(names.primaryRegion);
    expect(sandbox.truth.dnsTarget(names.dns!.recordName).regions).toEqual([names.primaryRegion]);
    expect(sandbox.truth.splitBrainDetected).toBe(false);
  });

  it('AccessDenied on PromoteReadReplica stops the step (no retries) with the IAM action to add, and unfences the primary', async () => {
    const clock = new VirtualClock({ start });
    const scenario = await buildPilotLightScenario({ clock, seed: 10 });
    const { sandbox, names } = scenario;
    const { report, aws } = await runOnSandbox({ scenario, clock, plan: planForScenario(names), strategy: pilotLight, operation: 'failover', plugins: [denyCommand('PromoteReadReplica')] });
    const step = report.steps.find((s) => s.id === 'promote-replica')!;
    expect(step.status).toBe('failed');
    expect(step.attempts).toBe(1);
    expect(step.error?.message).toMatch(/AccessDenied: rds:PromoteReadReplica on tracking-db-replica in us-west-2 was denied\. Add rds:PromoteReadReplica/);
    expect((await readTopology(aws, names)).writerRegion).toBe(names.primaryRegion);
    expect(sandbox.truth.splitBrainDetected).toBe(false);
    void StepFailure;
  });
});

/** Every mutating call touched a resource of the plan, or a drill copy named or tagged with the run id. */
function assertOnlyPlanOrDrillResources(calls: { command: string; input: unknown }[], world: { ec2: Record<string, { instances: Record<string, { tags: { Value: string }[] }> }> }, runId: string): void {
  const planNames = ['tracking-db', 'tracking-db-replica', 'tracking-asg-us-east-1', 'tracking-asg-us-west-2', 'tracking-db-params'];
  for (const call of calls) {
    if (/^(Describe|List|Get)/.test(call.command)) continue;
    const text = JSON.stringify(call.input);
    const ids = (call.input as { InstanceIds?: string[] }).InstanceIds ?? [];
    const taggedDrill = ids.length > 0 && ids.every((id) => Object.values(world.ec2).some((r) => r.instances[id]?.tags.some((t) => t.Value === runId)));
    const ok = taggedDrill || text.includes(runId) || text.includes(runId.slice(-9)) || planNames.some((n) => text.includes(`"${n}"`));
    expect(ok, `${call.command} ${text}`).toBe(true);
  }
}
