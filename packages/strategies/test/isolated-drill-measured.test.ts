/**
 * An isolated drill measures its copy, not production. Production keeps serving and keeps its writer throughout, so
 * the plan's own probes (production's endpoint, production's writer) would report RTO 0 and RPO 0 for any drill —
 * a weekly drill that always "passes". These tests run each drill the way the CLI does (the plan's probes, the
 * strategy's on top) and hold the report against the sandbox's truth: when the copy really served, and which
 * acknowledged write really was the newest on it.
 */
import { describe, expect, it } from 'vitest';
import type { RunReport } from '@firedrill/core';
import { writeHeartbeats } from './support/strategy-on-sandbox.js';
import { failedSteps, runCase, STRATEGY_CASES, type CaseWorld, type StrategyCase } from './support/strategy-cases.js';

interface CopyTruth {
  /** When the copy's database and every drill instance were up, in the world. */
  servingAt: number;
  /** The acknowledged write newest on the copy (by acknowledgement), when it was first readable. */
  newestAckedAt: number | undefined;
  /** The copy's network, and the replica's (a copy in RDS's default VPC is out of the application's reach). */
  copyNetwork: unknown;
  replicaNetwork: unknown;
}

/** Reads the truth about the drill copy the moment its database is seen available (before cleanup deletes it). */
function watchCopy(w: CaseWorld, runId: string, copyStep: string): { truth: () => CopyTruth | undefined; during: Parameters<typeof runCase>[2]['during'] } {
  let truth: CopyTruth | undefined;
  return {
    truth: () => truth,
    during: (run) => {
      run.events.subscribe((e) => {
        if (e.type !== 'step.succeeded' || e.stepId !== copyStep) return;
        const rds = w.sandbox.world.rds[w.recovery]!;
        const copy = Object.values(rds.instances).find((i) => i.tags.some((t) => t.Key === 'firedrill:run-id' && t.Value === runId))!;
        const availableAt = copy.status.find((c) => c.value === 'available')!.at;
        const instances = Object.values(w.sandbox.world.ec2[w.recovery]!.instances).filter((i) => i.tags.some((t) => t.Key === 'firedrill:run-id' && t.Value === runId));
        const runningAt = Math.max(availableAt, ...instances.map((i) => i.state.find((c) => c.value === 'running')?.at ?? Infinity));
        const onCopy = new Set(w.sandbox.dataPlane.visibleWrites(`${w.recovery}:${copy.id}`).map((x) => x.id));
        const acked = (w.sandbox.world.acknowledgedWrites[w.app] ?? []).filter((x) => onCopy.has(x.id));
        const replica = rds.instances[w.names.database.recovery!.identifier]!;
        truth = { servingAt: runningAt, newestAckedAt: acked.at(-1)?.ackedAt, copyNetwork: copy.network, replicaNetwork: replica.network };
      });
    },
  };
}

const cases: [StrategyCase, { copyStep: string }][] = [
  [STRATEGY_CASES.pilotLight, { copyStep: 'wait-drill-database' }],
  [STRATEGY_CASES.warmStandby, { copyStep: 'wait-drill-database' }],
];

const disasterOf = (r: RunReport): number => Date.parse(r.disasterAt!);

describe.each(cases)('isolated drill of $label: measured on the copy', (c, d) => {
  it.each([1, 2, 3])('seed %i: RTO is when the copy served (within one probe interval), RPO is what the copy holds (within one heartbeat)', async (seed) => {
    const w = await c.world(seed);
    // Replication has run a while: the replica holds the production heartbeats of the drill's steady state.
    await w.clock.sleep(3 * 60_000);
    const runId = `${w.plan.metadata.name}-iso-measured-${seed}`;
    const copy = watchCopy(w, runId, d.copyStep);
    const { report } = await runCase(c, w, { operation: 'drill', drill: 'isolated', rollback: 'always', runId, during: copy.during });
    expect(report.status, failedSteps(report)).toBe('succeeded');
    const truth = copy.truth()!;
    const disasterAt = disasterOf(report);

    // RTO: the copy probed directly, not production (which was never down: it would read 0).
    expect(report.rto.source).toBe('health-probe');
    const trueRto = (truth.servingAt - disasterAt) / 1000;
    expect(trueRto).toBeGreaterThan(60);
    expect(Math.abs(report.rto.seconds! - trueRto)).toBeLessThanOrEqual(1);
    // A copy restored from a snapshot is not how a failover recovers (it promotes the replica): reported, not judged.
    expect(report.rto.met).toBeNull();
    expect(report.rto.note).toMatch(/promotes the replica/);

    // RPO: the newest heartbeat on the copy, against what production had acknowledged at the drill's moment.
    expect(report.rpo.source).toBe('heartbeat');
    expect(truth.newestAckedAt).toBeDefined();
    const trueRpo = Math.max(0, disasterAt - truth.newestAckedAt!) / 1000;
    expect(Math.abs(report.rpo.seconds! - trueRpo)).toBeLessThanOrEqual(1);
    expect(report.rpo.met).toBe(report.rpo.seconds! <= report.rpo.objectiveSeconds!);
    // The copy came up where the replica serves (its subnet group and security groups), not in the default VPC.
    expect(truth.replicaNetwork).toMatchObject({ subnetGroup: expect.stringMatching(/-subnets$/) });
    expect(truth.copyNetwork).toEqual(truth.replicaNetwork);
  });

  it('replication 20 s behind: the drill reports the copy 20 s stale, not the live writer\'s 0', async () => {
    const w = await c.world(5);
    w.sandbox.faults.replicationLag(w.app, 20_000);
    // The application writes all along (its own beats, a second a piece): the copy holds them up to 20 s back.
    await writeHeartbeats(w.sandbox, w.clock, w.app, 3 * 60_000, 100_000);
    const runId = `${w.plan.metadata.name}-iso-lag-5`;
    const copy = watchCopy(w, runId, d.copyStep);
    const { report } = await runCase(c, w, { operation: 'drill', drill: 'isolated', rollback: 'always', runId, during: copy.during });
    expect(report.status, failedSteps(report)).toBe('succeeded');
    const trueRpo = Math.max(0, disasterOf(report) - copy.truth()!.newestAckedAt!) / 1000;
    expect(trueRpo).toBeGreaterThanOrEqual(19);
    expect(report.rpo.source).toBe('heartbeat');
    expect(Math.abs(report.rpo.seconds! - trueRpo)).toBeLessThanOrEqual(1);
  });
});

describe('isolated drill of multi-site (a drain test)', () => {
  it('reports how long users went unserved during the drain (0: the survivor scaled first), not judged as a failover RTO', async () => {
    const c = STRATEGY_CASES.multiSite;
    const w = await c.world(4);
    const { report } = await runCase(c, w, { operation: 'drill', drill: 'isolated', rollback: 'always', runId: 'checkout-drain-4' });
    expect(report.status, failedSteps(report)).toBe('succeeded');
    expect(report.rto).toMatchObject({ seconds: 0, source: 'health-probe', met: null, note: expect.stringMatching(/not a failover's RTO/) });
    // The truth: the service through DNS never stopped answering during the drill.
    const served = w.sandbox.truth.firstHealthyAt(w.recovery, Date.parse(report.disasterAt!), w.app);
    expect(served).toBe(Date.parse(report.disasterAt!));
  });
});
