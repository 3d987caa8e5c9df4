/**
 * An isolated drill's cleanup under the faults it will meet on a bad day: copies of production's data must not be
 * given up on because the recovery region was unreachable for a while or answered 5xx half the time, the run must
 * not wait on a deletion AWS refused, and whatever is left the run's error names, with the commands that delete it.
 */
import type { RunReport } from '@firedrill/core';
import { describe, expect, it } from 'vitest';
import { DRILL_CLEANUP_TIMEOUT_MS } from '../src/steps/drill-cleanup-steps.js';
import { denyCommand } from './support/deny-command.js';
import { drillResidue } from './support/drill-residue.js';
import { type CaseWorld, caseState, failedSteps, runCase, STRATEGY_CASES, type StrategyCase } from './support/strategy-cases.js';

/** Per strategy: the cleanup step (the copies are measured when it starts), the proof and the scope step. */
const DRILLS: [StrategyCase, { cleanup: string; proof: string; scope: string }][] = [
  [STRATEGY_CASES.backupRestore, { cleanup: 'delete-drill-copies', proof: 'verify-nothing-left', scope: 'drill-scope' }],
  [STRATEGY_CASES.pilotLight, { cleanup: 'delete-drill-resources', proof: 'verify-nothing-left', scope: 'drill-scope' }],
  [STRATEGY_CASES.warmStandby, { cleanup: 'delete-drill-resources', proof: 'verify-nothing-left', scope: 'drill-scope' }],
];

const HOUR = 60 * 60_000;
const stepStatus = (report: RunReport, id: string): string | undefined => report.steps.find((s) => s.id === id)?.status;

/** What the drill left, read once the faults are over (the test's own reads must not meet them). */
async function residueAfterFaults(w: CaseWorld, runId: string): Promise<string[]> {
  w.sandbox.faults.endRegionOutage(w.recovery);
  w.sandbox.world.faults.transientErrors.length = 0;
  return drillResidue(w.sandbox, [w.primary, w.recovery], runId);
}

/** Runs the isolated drill (rollback `always`, as plans run it), switching `fault` on as the step `at` starts. */
async function drill(c: StrategyCase, w: CaseWorld, runId: string, options: { at?: string; fault?: () => void; plugins?: ReturnType<typeof denyCommand>[] } = {}) {
  return runCase(c, w, {
    operation: 'drill', drill: 'isolated', rollback: 'always', runId, ...(options.plugins ? { plugins: options.plugins } : {}),
    during: (run) => {
      run.events.subscribe((e) => {
        if (e.type === 'step.started' && e.stepId === options.at) options.fault?.();
      });
    },
  });
}

describe.each(DRILLS)('isolated drill cleanup under faults, $label', (c, d) => {
  it('the recovery region goes down for 3 hours as the cleanup starts: the deletes are re-issued once it is back, the proof holds, the drill succeeds', async () => {
    const w = await c.world(51);
    const before = await caseState(w);
    const runId = `${w.plan.metadata.name}-drill-down51`;
    let back = 0;
    const { report } = await drill(c, w, runId, {
      at: d.cleanup,
      fault: () => {
        back = w.clock.now() + 3 * HOUR;
        w.sandbox.faults.regionOutage(w.recovery, { until: back });
      },
    });
    const ended = w.clock.now();
    expect(report.status, failedSteps(report)).toBe('succeeded');
    expect(stepStatus(report, d.proof)).toBe('succeeded');
    // It waited for the region, not past it: the copies went within minutes of its return.
    expect(back).toBeGreaterThan(0);
    expect(ended).toBeGreaterThan(back);
    expect(ended - back).toBeLessThan(30 * 60_000);
    expect(await residueAfterFaults(w, runId)).toEqual([]);
    expect(await caseState(w)).toEqual(before);
  });

  it('a recovery-region outage from 6 minutes into the drill to 3 hours: the drill fails, and its rollback deletes the copies once the region is back', async () => {
    const w = await c.world(52);
    const runId = `${w.plan.metadata.name}-drill-down52`;
    const start = w.clock.now();
    w.sandbox.faults.regionOutage(w.recovery, { at: start + 6 * 60_000, until: start + 3 * HOUR });
    const { report } = await drill(c, w, runId);
    expect(report.status, JSON.stringify(report.error)).toBe('rolled-back');
    expect(stepStatus(report, d.scope)).toBe('compensated');
    expect(w.clock.now() - start).toBeLessThan(3.5 * HOUR);
    expect(await residueAfterFaults(w, runId)).toEqual([]);
  });

  it('the recovery region stays down past the cleanup\'s budget: the run ends at the budget (4 h), not later, naming the copy it could not delete and how', async () => {
    const w = await c.world(55);
    const runId = `${w.plan.metadata.name}-drill-down55`;
    let cleanupStart = 0;
    const { report } = await drill(c, w, runId, {
      at: d.cleanup,
      fault: () => {
        cleanupStart = w.clock.now();
        w.sandbox.faults.regionOutage(w.recovery, { until: cleanupStart + 10 * HOUR });
      },
    });
    expect(report.status).toBe('failed');
    expect(w.clock.now() - cleanupStart).toBeGreaterThanOrEqual(DRILL_CLEANUP_TIMEOUT_MS);
    expect(w.clock.now() - cleanupStart).toBeLessThan(DRILL_CLEANUP_TIMEOUT_MS + 15 * 60_000);
    const left = await residueAfterFaults(w, runId);
    const copy = left.find((r) => r.startsWith('db '))!.split(' ')[1]!;
    const error = report.error?.message ?? '';
    expect(error).toContain(`aws rds delete-db-instance --region ${w.recovery} --db-instance-identifier ${copy} --skip-final-snapshot`);
    expect(error).toContain(`aws resourcegroupstaggingapi get-resources --region ${w.recovery} --tag-filters Key=firedrill:run-id,Values=${runId}`);
  });

  it('half of all RDS and EC2 calls answer 5xx from the start of the cleanup: it keeps at it until everything is gone, and the drill succeeds', async () => {
    const w = await c.world(53);
    const runId = `${w.plan.metadata.name}-drill-5xx53`;
    const { report } = await drill(c, w, runId, {
      at: d.cleanup,
      fault: () => {
        w.sandbox.faults.transientErrors({ service: 'rds', rate: 0.5 });
        w.sandbox.faults.transientErrors({ service: 'ec2', rate: 0.5 });
      },
    });
    expect(report.status, `${failedSteps(report)} ${report.error?.message}`).toBe('succeeded');
    expect(stepStatus(report, d.proof)).toBe('succeeded');
    expect(await residueAfterFaults(w, runId)).toEqual([]);
  });

  it('AccessDenied on DeleteDBInstance: the cleanup stops at once, and the run\'s error names the copy, its parameter group and the commands that delete them', async () => {
    const w = await c.world(54);
    const runId = `${w.plan.metadata.name}-drill-deny54`;
    const start = w.clock.now();
    const { report } = await drill(c, w, runId, { plugins: [denyCommand('DeleteDBInstance')] });
    expect(report.status).toBe('failed');
    // No wait on a deletion that was refused: the run ends minutes after the copy is up, not hours.
    expect(w.clock.now() - start).toBeLessThan(45 * 60_000);
    const left = await residueAfterFaults(w, runId);
    const copy = left.find((r) => r.startsWith('db '))!.split(' ')[1]!;
    const group = left.find((r) => r.startsWith('parameter-group '))!.split(' ')[1]!;
    const error = report.error?.message ?? '';
    expect(error).toContain(`aws rds delete-db-instance --region ${w.recovery} --db-instance-identifier ${copy} --skip-final-snapshot`);
    expect(error).toContain(`aws rds delete-db-parameter-group --region ${w.recovery} --db-parameter-group-name ${group}`);
    expect(error).toMatch(/AccessDenied: rds:DeleteDBInstance/);
    // Exactly what is left, nothing else: the snapshot and instances the drill made did go.
    expect(left.map((r) => r.split(' ').slice(0, 2).join(' ')).sort()).toEqual([`db ${copy}`, `parameter-group ${group}`]);
  });
});
