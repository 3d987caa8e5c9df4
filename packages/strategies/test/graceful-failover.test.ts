/**
 * Graceful (planned) failovers when the plan changes under them: the primary region is lost in the middle of one,
 * the operator switches the run to ungraceful, and the run completes. Pilot light and warm standby have this in
 * support/standby-cases.ts; here multi-site, with the region lost at two points (while the survivor scales out,
 * and after the drain, just before the switchover). Backup & restore has no graceful failover: its known defect is
 * kept below as an expected failure.
 */
import { type Run, type RunReport } from '@firedrill/core';
import { describe, expect, it } from 'vitest';
import { caseState, failedSteps, runCase, STRATEGY_CASES } from './support/strategy-cases.js';
import { at, writeHeartbeats } from './support/strategy-on-sandbox.js';

const { multiSite, backupRestore } = STRATEGY_CASES;

/** Loses the primary region when `stepId` has `on`, and has the operator switch to ungraceful `afterMs` later. */
function outageThenSwitch(w: Awaited<ReturnType<typeof multiSite.world>>, stepId: string, on: 'step.started' | 'step.succeeded', afterMs: number, seen: { outageAt?: number; switchedAt?: number }) {
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

describe('backup & restore has no graceful failover', () => {
  // Known defect (reported; backup-restore failover code belongs to another change): the strategy ignores the mode,
  // so a graceful failover — the CLI's default for `firedrill failover` — restores the newest copy while the primary
  // still takes writes: two writers, every write since the snapshot lost, and a heartbeat RPO of 0 that says
  // otherwise. Flip to `it` once graceful either fences and restores a fresh snapshot (RPO 0) or is refused before
  // any AWS call; this body accepts both.
  it.fails('a graceful failover with the primary up either refuses before any call, or never has two writers and loses nothing', async () => {
    const w = await backupRestore.world(73);
    await writeHeartbeats(w.sandbox, w.clock, w.app, 10_000);
    const from = w.sandbox.calls().at(-1)?.seq ?? 0;
    let run: Awaited<ReturnType<typeof runCase>>;
    try {
      run = await runCase(backupRestore, w, { operation: 'failover', mode: 'graceful' });
    } catch (error) {
      expect((error as Error).message).toMatch(/graceful/);
      expect(w.sandbox.calls().filter((c) => c.seq > from)).toEqual([]);
      return;
    }
    expect(run.report.status, failedSteps(run.report)).toBe('succeeded');
    expect(w.sandbox.truth.splitBrainDetected).toBe(false);
    expect(w.sandbox.truth.lostWrites(w.app).lost).toEqual([]);
  });
});
