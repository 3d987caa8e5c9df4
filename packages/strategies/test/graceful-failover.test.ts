/**
 * Graceful (planned) failovers when the plan changes under them: the primary region is lost in the middle of one,
 * the operator switches the run to ungraceful, and the run completes. Pilot light and warm standby have this in
 * support/standby-cases.ts; here multi-site, with the region lost at two points (while the survivor scales out,
 * and after the drain, just before the switchover). And backup & restore's graceful failover: a planned move that
 * fences the primary and restores a fresh snapshot of it, against its ungraceful one.
 */
import { type Run, type RunReport } from '@firedrill/core';
import { describe, expect, it } from 'vitest';
import { type CaseWorld, caseState, failedSteps, runCase, STRATEGY_CASES } from './support/strategy-cases.js';
import { applicationWrites } from './backup-restore-fixture.js';
import { recordMeasurement } from './support/standby-cases.js';
import { at, writeHeartbeats } from './support/strategy-on-sandbox.js';

const { multiSite, backupRestore } = STRATEGY_CASES;

/** Loses the primary region when `stepId` has `on`, and has the operator switch to ungraceful `afterMs` later. */
function outageThenSwitch(w: CaseWorld, stepId: string, on: 'step.started' | 'step.succeeded', afterMs: number, seen: { outageAt?: number; switchedAt?: number }) {
  return (run: Run): void => {
    run.events.on(on, (e) => {
      if (e.stepId !== stepId || seen.outageAt !== undefined) return;
      seen.outageAt = w.clock.now();
      w.sandbox.faults.regionOutage(w.primary);
      void w.clock.sleep(afterMs).then(async () => {
        seen.switchedAt = w.clock.now();
        await run.switchToUngraceful('sre@example.com', `${w.primary} is gone`);
      });
    });
  };
}

const stepOf = (report: RunReport, id: string) => report.steps.find((s) => s.id === id);

describe('multi-site: the primary region is lost during a graceful failover; the operator switches to ungraceful', () => {
  it.each([
    { when: 'while the survivor scales out', stepId: 'scale-recovery-tracking-asg-us-east-1', on: 'step.succeeded' as const, seed: 71 },
    { when: 'after the drain, before the switchover', stepId: 'drain-primary-weight-in-sync', on: 'step.succeeded' as const, seed: 72 },
  ])('$when: the run waits for the operator, fails over with AllowDataLoss and completes; RTO and RPO against the truth', async ({ stepId, on, seed }) => {
    const w = await multiSite.world(seed);
    await writeHeartbeats(w.sandbox, w.clock, w.app, 10_000);
    const seen: { outageAt?: number; switchedAt?: number } = {};
    const { report } = await runCase(multiSite, w, { operation: 'failover', mode: 'graceful', during: outageThenSwitch(w, stepId, on, 60_000, seen) });
    expect(report.status, failedSteps(report)).toBe('succeeded');
    expect(report.mode).toBe('ungraceful');
    expect(report.operatorActions).toContainEqual(expect.objectContaining({ action: 'switch-mode', by: 'sre@example.com' }));
    // The switchover never went through; one failover with data loss did, after the operator's switch.
    expect(w.sandbox.calls({ command: 'SwitchoverGlobalCluster', outcome: 'ok' })).toEqual([]);
    const failovers = w.sandbox.calls({ command: 'FailoverGlobalCluster', outcome: 'ok' });
    expect(failovers.map((c) => (c.input as { AllowDataLoss: boolean }).AllowDataLoss)).toEqual([true]);
    expect(failovers[0]!.at).toBeGreaterThanOrEqual(seen.switchedAt!);
    // Final state through the SDK (the recovery region and Route 53 answer): drained, writer moved, survivor at full size.
    const state = await caseState({ ...w, primary: w.recovery });
    const weight = (region: string) => Object.entries(state.records).find(([k]) => k.endsWith(w.names.dns!.setIdentifiers[region]!))?.[1].weight;
    expect([weight(w.primary), weight(w.recovery)]).toEqual([0, 50]);
    expect(state.globalClusters[w.names.database.globalClusterIdentifier!]).toEqual({ [`${w.recovery}:${w.names.database.recovery!.identifier}`]: 'writer', [`${w.primary}:${w.names.database.primary.identifier}`]: 'secondary' });
    expect(state.groups[`${w.recovery}:${w.names.compute.recovery!.autoScalingGroupName}`]).toMatchObject({ min: 8, desired: 8, max: 16, inService: 8 });
    expect(w.sandbox.truth.dnsTarget(w.names.dns!.recordName).regions).toEqual([w.recovery]);
    expect(w.sandbox.truth.splitBrainDetected).toBe(false);
    // Measured from the disaster the run declared — the move of the writer, once the operator switched (Firedrill
    // cannot know when the region went: the minute before the switch is in neither figure) — against the truth.
    const disasterAt = at(report.disasterAt);
    expect(disasterAt).toBe(at(stepOf(report, 'move-writer-to-recovery')!.startedAt));
    expect(disasterAt).toBeGreaterThanOrEqual(Math.floor(seen.switchedAt!)); // report times are to the ms
    const served = w.sandbox.truth.firstHealthyAt(w.recovery, disasterAt, w.app)!;
    expect(report.rto.source).toBe('health-probe');
    expect(Math.abs(report.rto.seconds! - (served - disasterAt) / 1000)).toBeLessThanOrEqual(1);
    const truth = w.sandbox.truth.lostWrites(w.app, { disasterAt });
    expect(report.rpo.source).toBe('heartbeat');
    expect(Math.abs(report.rpo.seconds! * 1000 - truth.rpoMs)).toBeLessThanOrEqual(1_000);
  });
});

describe('backup & restore: a graceful failover is a planned move that loses nothing', () => {
  it('fences the primary, restores a fresh snapshot of it in the recovery region, then moves DNS: one writer at all times, RPO 0 and RTO against the truth', async () => {
    const w = await backupRestore.world(73);
    await writeHeartbeats(w.sandbox, w.clock, w.app, 10_000);
    // The application keeps writing through the move, to whichever database accepts it (refusals while fenced).
    const writes = applicationWrites(w, 1_000);
    const { report } = await runCase(backupRestore, w, { operation: 'failover', mode: 'graceful' });
    await w.clock.sleep(30_000);
    writes.stop();
    expect(report.status, failedSteps(report)).toBe('succeeded');
    expect(report.mode).toBe('graceful');
    const primaryId = w.names.database.primary.identifier;
    const restoredId = (w.plan.resources['database'] as { recovery: { identifier: string } }).recovery.identifier;
    // The order that makes it safe: fence → fresh snapshot → copy → restore from that copy → DNS.
    const ended = (id: string) => at(stepOf(report, id)!.endedAt);
    const started = (id: string) => at(stepOf(report, id)!.startedAt);
    expect(stepOf(report, 'pick-snapshot')!.status).toBe('skipped');
    expect(ended('fence-primary-writers')).toBeLessThanOrEqual(started('snapshot-primary-database'));
    expect(ended('wait-recovery-snapshot')).toBeLessThanOrEqual(started('restore-database'));
    expect(ended('unfence-restored-database')).toBeLessThanOrEqual(started('switch-dns-to-recovery'));
    const restoreCall = w.sandbox.calls({ command: 'RestoreDBInstanceFromDBSnapshot', outcome: 'ok' });
    expect(restoreCall.map((c) => (c.input as { DBSnapshotIdentifier: string }).DBSnapshotIdentifier)).toEqual([expect.stringMatching(new RegExp(`^${primaryId}-failover-`))]);

    // Never two writers, and no write the application was told succeeded is lost; it was refused only while moving.
    expect(w.sandbox.truth.splitBrainEpisodes()).toEqual([]);
    const disasterAt = at(report.disasterAt);
    const truth = w.sandbox.truth.lostWrites(w.app, { disasterAt });
    expect(truth.lost).toEqual([]);
    expect(truth.survivor).toBe(`${w.recovery}:${restoredId}`);
    expect(writes.acked.length).toBeGreaterThan(0);
    expect(writes.acked.at(-1)!.at, 'the application writes to the recovery region after the move').toBeGreaterThan(ended('wait-dns-recovery-in-sync'));
    expect(writes.refusedAt.length).toBeGreaterThan(0);
    expect(Math.min(...writes.refusedAt)).toBeGreaterThanOrEqual(started('fence-primary-writers'));
    // RPO 0, measured from the fresh snapshot Firedrill took after its own fence (verified), as the truth says.
    expect(report.rpo).toMatchObject({ source: 'snapshot', seconds: 0 });
    expect(report.rpo.verified).toBeUndefined();
    expect(truth.rpoMs).toBe(0);
    // RTO: from the declared move until the recovery region served, by the health probe, against the truth.
    const served = w.sandbox.truth.firstHealthyAt(w.recovery, disasterAt, w.app)!;
    expect(report.rto.source).toBe('health-probe');
    expect(Math.abs(report.rto.seconds! - (served - disasterAt) / 1000)).toBeLessThanOrEqual(1);
    recordMeasurement(`backup-restore graceful: RTO ${report.rto.seconds} s (truth ${(served - disasterAt) / 1000} s), RPO ${report.rpo.seconds} s (truth ${truth.rpoMs / 1000} s)`);

    // Final AWS state through the SDK: the primary fenced and still there (failback retires it), the restored
    // database writable in the recovery region, users sent there.
    const state = await caseState(w);
    expect(state.databases[`${w.primary}:${primaryId}`]).toMatchObject({ status: 'available', readOnly: true });
    expect(state.databases[`${w.recovery}:${restoredId}`]).toMatchObject({ status: 'available', readOnly: false });
    expect(w.sandbox.truth.dnsTarget(w.names.dns!.recordName).regions).toEqual([w.recovery]);
    // The fresh snapshot and its copy only carried the data across: deleted once users were on the recovery region.
    expect(state.snapshots.filter((s) => s.includes(`${primaryId}-failover-`))).toEqual([]);
    expect(stepOf(report, 'delete-failover-snapshots')!.status).toBe('succeeded');
  });

  it('the primary region is lost while the fresh snapshot is taken; the operator switches to ungraceful: the newest copy already there is restored, RPO against the truth', async () => {
    const w = await backupRestore.world(75);
    await writeHeartbeats(w.sandbox, w.clock, w.app, 10_000);
    const seen: { outageAt?: number; switchedAt?: number } = {};
    const { report } = await runCase(backupRestore, w, { operation: 'failover', mode: 'graceful', during: outageThenSwitch(w, 'wait-primary-snapshot', 'step.started', 60_000, seen) });
    expect(report.status, failedSteps(report)).toBe('succeeded');
    expect(report.mode).toBe('ungraceful');
    expect(stepOf(report, 'fence-primary-writers')!.status).toBe('succeeded');
    for (const id of ['wait-primary-snapshot', 'copy-snapshot-to-recovery', 'wait-recovery-snapshot', 'delete-failover-snapshots']) expect(stepOf(report, id)!.status, id).toBe('skipped');
    expect(stepOf(report, 'pick-snapshot')!.status).toBe('succeeded');
    const restored = w.sandbox.calls({ command: 'RestoreDBInstanceFromDBSnapshot', outcome: 'ok' }).map((c) => (c.input as { DBSnapshotIdentifier: string }).DBSnapshotIdentifier);
    expect(restored).toEqual([w.names.database.recoverySnapshots!.at(-1)]);
    expect(w.sandbox.truth.splitBrainEpisodes()).toEqual([]);
    // The RPO is the restored copy's age, verified (no fence it rests on), and the truth agrees.
    const disasterAt = at(report.disasterAt);
    const truth = w.sandbox.truth.lostWrites(w.app, { disasterAt });
    expect(report.rpo.source).toBe('snapshot');
    expect(report.rpo.verified).toBeUndefined();
    expect(report.rpo.seconds).toBeGreaterThan(0);
    expect(Math.abs(report.rpo.seconds! * 1000 - truth.rpoMs)).toBeLessThanOrEqual(1);
    recordMeasurement(`backup-restore graceful → ungraceful: RTO ${report.rto.seconds} s, RPO ${report.rpo.seconds} s (truth ${truth.rpoMs / 1000} s, ${truth.lost.length} writes lost)`);
    // Route 53's control plane (us-east-1) is down with the region: the health-checked failover records move users
    // once the checkers have seen the recovery endpoint healthy (RequestInterval × FailureThreshold = 30 s).
    await w.clock.sleep(60_000);
    expect(w.sandbox.truth.dnsTarget(w.names.dns!.recordName).regions).toEqual([w.recovery]);
  });

  it('an ungraceful failover restores the newest copy already in the recovery region, as before: no fence, no fresh snapshot', async () => {
    const w = await backupRestore.world(74);
    w.sandbox.faults.regionOutage(w.primary);
    const { report } = await runCase(backupRestore, w, { operation: 'failover', mode: 'ungraceful' });
    expect(report.status, failedSteps(report)).toBe('succeeded');
    for (const id of ['fence-primary-writers', 'snapshot-primary-database', 'copy-snapshot-to-recovery']) expect(stepOf(report, id)!.status).toBe('skipped');
    expect(w.sandbox.calls({ command: 'CreateDBSnapshot' })).toEqual([]);
    const restored = w.sandbox.calls({ command: 'RestoreDBInstanceFromDBSnapshot', outcome: 'ok' }).map((c) => (c.input as { DBSnapshotIdentifier: string }).DBSnapshotIdentifier);
    expect(restored).toEqual([w.names.database.recoverySnapshots!.at(-1)]);
    expect(report.rpo.source).toBe('snapshot');
    expect(report.rpo.seconds).toBeGreaterThan(0);
    expect(report.rpo.verified).toBeUndefined();
    const truth = w.sandbox.truth.lostWrites(w.app, { disasterAt: at(report.disasterAt) });
    expect(Math.abs(report.rpo.seconds! * 1000 - truth.rpoMs)).toBeLessThanOrEqual(1);
  });
});

describe('a graceful failover given an outage to inject (as a library caller reusing a drill set-up)', () => {
  it.each([STRATEGY_CASES.pilotLight, STRATEGY_CASES.warmStandby, STRATEGY_CASES.backupRestore].map((c) => ({ c, label: c.label })))('$label: the primary stays up, the failover fences it and succeeds', async ({ c }) => {
    const w = await c.world(71);
    const over = await runCase(c, w, { operation: 'failover', mode: 'graceful', injectOutage: true });
    expect(over.report.status, failedSteps(over.report)).toBe('succeeded');
    expect(w.sandbox.world.faults.outages).toEqual([]);
    expect(w.sandbox.truth.splitBrainDetected).toBe(false);
  });
});
