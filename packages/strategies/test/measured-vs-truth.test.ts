/**
 * RTO and RPO as the report measures them against the sandbox's ground truth, over several seeds (each seed draws
 * other latencies), where the strategies' own files had fewer than three seeds or none for a mode: backup & restore
 * with the application writing until the region is lost, and in-region failovers run ungraceful with writes in
 * flight. Tolerances: RTO within 1 s (the health probe's interval), RPO within one heartbeat interval (1 s).
 */
import { describe, expect, it } from 'vitest';
import { type CaseWorld, failedSteps, runCase, STRATEGY_CASES } from './support/strategy-cases.js';
import { at, writeHeartbeats } from './support/strategy-on-sandbox.js';

const { backupRestore, inRegionAurora, inRegionMultiAz } = STRATEGY_CASES;
const SEEDS = [81, 82, 83];

describe('backup & restore failover measured against the truth', () => {
  it.each(SEEDS)('seed %i: the application writes until the region is lost; RTO and RPO (snapshot) match what the restore really lost', async (seed) => {
    const w = await backupRestore.world(seed);
    // The application writes every second for two minutes, then the primary region is lost in the middle of it.
    await writeHeartbeats(w.sandbox, w.clock, w.app, 120_000);
    const disasterAt = w.clock.now();
    w.sandbox.faults.regionOutage(w.primary, { at: disasterAt });
    const { report } = await runCase(backupRestore, w, { operation: 'failover', mode: 'ungraceful' });
    expect(report.status, failedSteps(report)).toBe('succeeded');
    expect(at(report.disasterAt)).toBe(disasterAt);

    const truth = w.sandbox.truth.lostWrites(w.app, { disasterAt });
    expect(truth.survivor).toBe(`${w.recovery}:${w.app}-db-restored`);
    expect(truth.dataAsOfSource).toBe('snapshot');
    // Every write of the last two minutes is lost (the newest copy is hours old): the RPO is real, not 0.
    expect(truth.lost.length).toBeGreaterThanOrEqual(120);
    expect(report.rpo.source).toBe('snapshot');
    expect(Math.abs(report.rpo.seconds! * 1000 - truth.rpoMs)).toBeLessThanOrEqual(1_000);

    const served = w.sandbox.truth.firstHealthyAt(w.recovery, disasterAt, w.app)!;
    expect(report.rto.source).toBe('health-probe');
    expect(Math.abs(report.rto.seconds! - (served - disasterAt) / 1000)).toBeLessThanOrEqual(1);
    // The plan probes the recovery endpoint itself; users follow through DNS once Route 53's health checks (10 s × 3) see it.
    await w.clock.sleep(60_000);
    expect(w.sandbox.truth.dnsTarget(w.names.dns!.recordName).regions).toEqual([w.recovery]);
  });
});

/** When the region's endpoint served again after the failover call the run made (FailoverDBCluster or the reboot). */
function servedAfterFailover(w: CaseWorld, command: string): number {
  const call = w.sandbox.calls({ command, outcome: 'ok' })[0]!;
  return w.sandbox.truth.firstHealthyAt(w.primary, call.at + 1, w.app)!;
}

describe('in-region failover run ungraceful, measured against the truth', () => {
  it.each([
    ...SEEDS.map((seed) => ({ c: inRegionAurora, seed, command: 'FailoverDBCluster' })),
    ...SEEDS.map((seed) => ({ c: inRegionMultiAz, seed, command: 'RebootDBInstance' })),
  ])('$c.label, seed $seed: writes in flight; RTO within 1 s and RPO within a heartbeat of the truth (nothing acknowledged is lost)', async ({ c, seed, command }) => {
    const w = await c.world(seed);
    await writeHeartbeats(w.sandbox, w.clock, w.app, 30_000);
    const { report } = await runCase(c, w, { operation: 'failover', mode: 'ungraceful' });
    expect(report.status, failedSteps(report)).toBe('succeeded');
    expect(report.mode).toBe('ungraceful');
    const disasterAt = at(report.disasterAt);
    expect(Math.abs(report.rto.seconds! - (servedAfterFailover(w, command) - disasterAt) / 1000)).toBeLessThanOrEqual(1);
    const truth = w.sandbox.truth.lostWrites(w.app, { disasterAt });
    expect(truth.lost).toEqual([]);
    expect(report.rpo.source).toBe('heartbeat');
    expect(Math.abs(report.rpo.seconds! * 1000 - truth.rpoMs)).toBeLessThanOrEqual(1_000);
    expect(w.sandbox.truth.splitBrainDetected).toBe(false);
  });
});

describe('a live drill measures its failback\'s data loss too', () => {
  const { pilotLight, warmStandby, multiSite } = STRATEGY_CASES;
  it.each([
    ...[91, 92].map((seed) => ({ c: pilotLight, seed })),
    ...[91, 92].map((seed) => ({ c: warmStandby, seed })),
    ...[91, 92].map((seed) => ({ c: multiSite, seed })),
  ])('$c.label, seed $seed: the failback phase\'s RPO (heartbeats written from the failover\'s end to the move back) is within a heartbeat of what it really lost', async ({ c, seed }) => {
    const w = await c.world(seed);
    // As `firedrill drill --live` on the sandbox: the region is lost at the disaster and back once service is restored.
    const { report } = await runCase(c, w, {
      operation: 'drill', drill: 'live', mode: 'ungraceful', injectOutage: true,
      during: (run) => void run.events.on('service.restored', () => w.sandbox.faults.endRegionOutage(w.primary)),
    });
    expect(report.status, failedSteps(report)).toBe('succeeded');
    const [failover, failback] = report.phases!;
    expect(failback!.name).toBe('failback');
    expect(failback!.rpo.source).toBe('heartbeat');
    // The truth: of the writes acknowledged between the failover's restoration and the failback's, those the final
    // writer lacks; the loss runs from the newest it kept to the last it lost (0 when none was lost).
    const from = at(failover!.restoredAt);
    const until = at(failback!.restoredAt);
    const acked = (w.sandbox.world.acknowledgedWrites[w.app] ?? []).filter((x) => x.ackedAt >= from && x.ackedAt <= until);
    expect(acked.length).toBeGreaterThan(10);
    const survivor = w.sandbox.truth.lostWrites(w.app).survivor!;
    const kept = new Set(w.sandbox.dataPlane.visibleWrites(survivor).map((x) => x.id));
    const lost = acked.filter((x) => !kept.has(x.id));
    const newestKept = acked.filter((x) => kept.has(x.id)).at(-1)!;
    const trueLossS = lost.length === 0 ? 0 : (lost.at(-1)!.ackedAt - newestKept.ackedAt) / 1000;
    expect(Math.abs(failback!.rpo.seconds! - trueLossS)).toBeLessThanOrEqual(1);
    expect(failback!.rpo.met).toBe(true);
  });
});
