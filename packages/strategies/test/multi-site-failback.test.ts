import { StepFailure, startRun } from '@firedrill/core';
import { describe, expect, it } from 'vitest';
import { sandboxHealthProbe, sandboxHeartbeatProbe } from '../../sandbox/src/index.js';
import { multiSiteStrategy } from '../src/strategies/multi-site.js';
import { multiSiteFixture, type MultiSiteFixture, trueRestoredThroughDns } from './support/multi-site-scenario.js';
import { at, runStrategy, sandboxAws, writeHeartbeats } from './support/strategy-on-sandbox.js';

/** Weights of the primary's record, in the order the ChangeResourceRecordSets calls set them. */
function primaryWeightsSet(f: MultiSiteFixture, from = 0): number[] {
  const setId = f.names.dns!.setIdentifiers[f.primary];
  return f.sandbox.calls({ command: 'ChangeResourceRecordSets', outcome: 'ok' })
    .filter((c) => c.seq > from)
    .flatMap((c) => (c.input as { ChangeBatch: { Changes: { ResourceRecordSet: { SetIdentifier: string; Weight: number } }[] } }).ChangeBatch.Changes)
    .filter((ch) => ch.ResourceRecordSet.SetIdentifier === setId)
    .map((ch) => ch.ResourceRecordSet.Weight);
}

async function expectPlanTopology(f: MultiSiteFixture): Promise<void> {
  expect(await f.weights()).toEqual({ [f.primary]: 50, [f.recovery]: 50 });
  expect(await f.writerRegion()).toBe(f.primary);
  expect(await f.capacity(f.primary)).toBe('4/4/8');
  expect(await f.capacity(f.recovery)).toBe('4/4/8');
  expect(f.sandbox.truth.dnsTarget(f.names.dns!.recordName).regions.sort()).toEqual([f.primary, f.recovery].sort());
  expect(f.sandbox.truth.splitBrainDetected).toBe(false);
}

describe('multi-site failback', () => {
  it('after a regional outage: rejoins, switches the writer back, ramps 10 % → 50 % → 100 %, restores the topology', async () => {
    const f = await multiSiteFixture(7);
    await writeHeartbeats(f.sandbox, f.clock, f.names.app, 10_000);
    f.sandbox.faults.regionOutage(f.primary, { at: f.clock.now(), until: f.clock.now() + 20 * 60_000 });
    const failover = await runStrategy({ strategy: multiSiteStrategy, plan: f.plan, sandbox: f.sandbox, clock: f.clock, app: f.names.app, operation: 'failover', mode: 'ungraceful', health: { recordName: f.names.dns!.recordName } });
    expect(failover.report.status).toBe('succeeded');
    const before = f.sandbox.calls().at(-1)!.seq;

    // The failback starts while the primary region is still down: it waits for the rejoin.
    const { report } = await runStrategy({ strategy: multiSiteStrategy, plan: f.plan, sandbox: f.sandbox, clock: f.clock, app: f.names.app, operation: 'failback', health: { recordName: f.names.dns!.recordName } });
    expect(report.status).toBe('succeeded');
    expect(primaryWeightsSet(f, before)).toEqual([5, 25, 50]);
    await expectPlanTopology(f);
    const switchover = f.sandbox.calls({ command: 'SwitchoverGlobalCluster', outcome: 'ok' })[0]!;
    expect(switchover.at).toBeGreaterThanOrEqual(at(failover.report.startedAt) + 20 * 60_000);
    // Each stage starts only after the previous one carried traffic and the primary passed its health check.
    const stages = f.sandbox.calls({ command: 'ChangeResourceRecordSets', outcome: 'ok' }).filter((c) => c.seq > before).map((c) => c.at);
    expect(stages[1]! - stages[0]!).toBeGreaterThanOrEqual(60_000);
    // The failback's RTO is measured from the switchover (the moment users are affected); no write is lost.
    expect(report.disasterAt).toBe(report.steps.find((s) => s.id === 'switch-writer-to-primary')!.startedAt);
    expect(report.rpo.seconds).toBeLessThanOrEqual(1);
    expect(f.sandbox.truth.lostWrites(f.names.app, { disasterAt: at(report.disasterAt) }).rpoMs).toBeLessThanOrEqual(1_000);
  });

  it.each([8, 9])('live drill (graceful): failover, hold, failback — both phases measured (seed %i)', async (seed) => {
    const f = await multiSiteFixture(seed);
    const { report } = await runStrategy({
      strategy: multiSiteStrategy, plan: f.plan, sandbox: f.sandbox, clock: f.clock, app: f.names.app, operation: 'drill', drill: 'live', mode: 'graceful',
      health: { recordName: f.names.dns!.recordName },
      phaseHealth: { failback: sandboxHealthProbe({ sandbox: f.sandbox, recordName: f.names.dns!.recordName, intervalMs: 1_000, consecutive: 3 }) },
    });
    expect(report.status).toBe('succeeded');
    await expectPlanTopology(f);
    expect(f.sandbox.truth.lostWrites(f.names.app).lost).toEqual([]);
    expect(report.rpo.seconds).toBeLessThan(1);
    expect(report.phases?.map((p) => p.name)).toEqual(['failover', 'failback']);
    // Each phase's outage is its switchover: the endpoint serves again when the new writer is available.
    const [failoverPhase, failbackPhase] = report.phases!;
    const switchovers = f.sandbox.calls({ command: 'SwitchoverGlobalCluster', outcome: 'ok' });
    expect(switchovers).toHaveLength(2);
    const healthyAfter = (t: number): number => f.sandbox.truth.firstHealthyAt(f.recovery, t + 1, f.names.app)!;
    expect(Math.abs(at(failoverPhase!.restoredAt) - healthyAfter(switchovers[0]!.at))).toBeLessThanOrEqual(1_000);
    expect(Math.abs(at(failbackPhase!.restoredAt) - healthyAfter(switchovers[1]!.at))).toBeLessThanOrEqual(1_000);
  });
});

describe('multi-site live drill, ungraceful (a game day loses the primary region)', () => {
  it('injects the outage first, recovers on the survivor scaled to all of production, then fails back to the plan topology', async () => {
    const f = await multiSiteFixture(12);
    await writeHeartbeats(f.sandbox, f.clock, f.names.app, 10_000);
    const aws = sandboxAws(f.plan, f.clock, f.sandbox);
    const recordName = f.names.dns!.recordName;
    const built = multiSiteStrategy.build({
      plan: f.plan, operation: 'drill', drill: 'live', mode: 'ungraceful', aws, runId: 'multi-site-live-ungraceful',
      injectDisaster: async () => void f.sandbox.faults.regionOutage(f.primary),
    });
    // The disaster step comes first: every failover step waits for the region to be lost. Beside it, the drill
    // only reads the survivor's size (the failback returns it there), which changes nothing.
    const declare = built.steps.find((s) => s.declaresDisaster)!;
    expect(declare.id).toBe('declare-disaster');
    const record = `drill-record-recovery-${f.names.compute.recovery!.autoScalingGroupName}-size`;
    expect(built.steps.filter((s) => !s.dependsOn?.length).map((s) => s.id)).toEqual([record, declare.id]);
    const run = await startRun({
      subject: { plan: f.plan.metadata.name, strategy: 'multi-site', target: 'sandbox', objectives: { rtoMs: f.plan.objectives.rto, rpoMs: f.plan.objectives.rpo } },
      operation: 'drill', drill: 'live', mode: 'ungraceful', runId: 'multi-site-live-ungraceful', steps: built.steps, clock: f.clock, store: false,
      probes: {
        health: sandboxHealthProbe({ sandbox: f.sandbox, app: f.names.app, recordName, intervalMs: 1_000, consecutive: 3 }),
        heartbeat: sandboxHeartbeatProbe({ sandbox: f.sandbox, app: f.names.app, intervalMs: 1_000 }),
        phaseHealth: { failback: sandboxHealthProbe({ sandbox: f.sandbox, app: f.names.app, recordName, intervalMs: 1_000, consecutive: 3 }) },
      },
    });
    // As on a game day: the region comes back once the failover has restored service.
    const off = run.events.on('service.restored', () => {
      off();
      f.sandbox.faults.endRegionOutage(f.primary, f.clock.now());
    });
    const report = await run.completion;
    expect(report.status).toBe('succeeded');
    const disasterAt = at(report.disasterAt);
    expect(f.sandbox.world.faults.outages.map((o) => [o.region, o.at])).toEqual([[f.primary, disasterAt]]);
    expect(f.sandbox.calls({ command: 'FailoverGlobalCluster', outcome: 'ok' }).map((c) => (c.input as { AllowDataLoss: boolean }).AllowDataLoss)).toEqual([true]);
    // The failover phase: served again when the survivor has all 8 instances InService and the writer, as the truth says.
    const failover = report.phases![0]!;
    const group = f.sandbox.world.autoScaling[f.recovery]![f.names.compute.recovery!.autoScalingGroupName]!;
    const launched = group.instances.map((i) => i.lifecycle.find((c) => c.value === 'InService')?.at).filter((t): t is number => t !== undefined && t > disasterAt).sort((a, b) => a - b);
    const truth = trueRestoredThroughDns(f, disasterAt);
    expect(truth).toBeGreaterThanOrEqual(launched[3]!);
    expect(Math.abs(at(failover.restoredAt) - truth)).toBeLessThanOrEqual(1_000);
    expect(Math.abs(failover.rto.seconds! * 1000 - (truth - disasterAt))).toBeLessThanOrEqual(1_000);
    // Its RPO is what the lost region had not replicated, measured to within the heartbeat interval.
    expect(Math.abs(report.rpo.seconds! * 1000 - f.sandbox.truth.lostWrites(f.names.app, { disasterAt }).rpoMs)).toBeLessThanOrEqual(1_000);
    expect(report.phases!.map((p) => p.name)).toEqual(['failover', 'failback']);
    await expectPlanTopology(f);
  });
});

describe('multi-site isolated drill (drain test)', () => {
  it('drains the primary while both regions stay up, proves the recovery region carries the service alone, restores everything', async () => {
    const f = await multiSiteFixture(10);
    const { report } = await runStrategy({ strategy: multiSiteStrategy, plan: f.plan, sandbox: f.sandbox, clock: f.clock, app: f.names.app, operation: 'drill', drill: 'isolated', health: { recordName: f.names.dns!.recordName } });
    expect(report.status).toBe('succeeded');
    await expectPlanTopology(f);
    expect(primaryWeightsSet(f)).toEqual([0, 50]);
    // No outage: the service stayed healthy through DNS while only the recovery region answered.
    expect(report.rto.seconds).toBe(0);
    expect(f.sandbox.calls({ command: 'FailoverGlobalCluster' })).toHaveLength(0);
    expect(f.sandbox.calls({ command: 'SwitchoverGlobalCluster' })).toHaveLength(0);
  });

  it('leaves nothing behind when it fails mid-drill', async () => {
    const f = await multiSiteFixture(11);
    // Something fails while the primary is drained and the recovery fleet is at full size.
    const kill = { id: 'test-mid-drill-failure', title: 'Test: a failure mid-drill', kind: 'action' as const, dependsOn: ['drill-drain-primary-weight-in-sync'],
      act: async () => {
        throw new StepFailure('the game-day lead pulled the plug', { code: 'Aborted', retryable: false });
      } };
    const { report } = await runStrategy({ strategy: multiSiteStrategy, plan: f.plan, sandbox: f.sandbox, clock: f.clock, app: f.names.app, operation: 'drill', drill: 'isolated', extraSteps: [kill], health: { recordName: f.names.dns!.recordName } });
    expect(report.status).not.toBe('succeeded');
    await f.clock.sleep(10 * 60_000);
    expect(await f.weights()).toEqual({ [f.primary]: 50, [f.recovery]: 50 });
    expect(await f.capacity(f.recovery)).toBe('4/4/8');
    expect(await f.writerRegion()).toBe(f.primary);
  });
});
