/**
 * A failback retires the primary-region database as stale. Run where no failover left the writer in the recovery
 * region — a mistaken command, a CI retry, a second failback — that database is production's writer: the failback
 * must stop before its first change, and AWS must be exactly as it was.
 */
import { type StepDefinition, StepFailure } from '@firedrill/core';
import { describe, expect, it } from 'vitest';
import { caseState, failedSteps, runCase, STRATEGY_CASES, type CaseWorld, type StrategyCase } from './support/strategy-cases.js';

const { backupRestore, pilotLight, warmStandby } = STRATEGY_CASES;
const READ = /^(Describe|List|Get|Head)/;

/** A failback on `w` as it is now: refused by its first step, no AWS change, nothing but reads in the call log. */
async function expectFailbackRefused(c: StrategyCase, w: CaseWorld, why: RegExp): Promise<void> {
  const before = await caseState(w);
  const from = w.sandbox.calls().length;
  const back = await runCase(c, w, { operation: 'failback' });
  expect(back.report.status).toBe('failed'); // refused: nothing to roll back
  const failed = back.report.steps.filter((s) => s.status === 'failed');
  expect(failed.map((s) => s.id), failedSteps(back.report)).toEqual(['confirm-failed-over']);
  expect(failed[0]!.error?.message).toMatch(why);
  expect(failed[0]!.error?.message).toContain('nothing was changed');
  expect(back.report.steps.filter((s) => s.status === 'succeeded').map((s) => s.id)).toEqual([]);
  expect(w.sandbox.calls().slice(from).filter((call) => !READ.test(call.command)).map((call) => `${call.service}:${call.command}`)).toEqual([]);
  // Deletions and restores take minutes: give any that were started the time to show.
  await w.clock.sleep(30 * 60_000);
  expect(await caseState(w)).toEqual(before);
  expect(w.sandbox.truth.splitBrainDetected).toBe(false);
}

describe('a failback with no failover to undo changes nothing', () => {
  it.each([pilotLight, warmStandby].map((c) => ({ c, label: c.label })))('$label: on a healthy deployment, the replica is still a replica', async ({ c }) => {
    const w = await c.world(61);
    await expectFailbackRefused(c, w, new RegExp(`NotFailedOver: ${w.names.database.recovery!.identifier} in ${w.recovery} is a read replica of .*${w.names.database.primary.identifier}`));
  });

  it('backup-restore: on a healthy deployment, there is no restored database', async () => {
    const w = await backupRestore.world(62);
    await expectFailbackRefused(backupRestore, w, /NotFailedOver: there is no DB instance \S+ in us-west-2/);
  });

  it.each([pilotLight, warmStandby, backupRestore].map((c) => ({ c, label: c.label })))('$label: a second failback after a completed one', async ({ c }) => {
    const w = await c.world(63);
    const over = await runCase(c, w, { operation: 'failover', mode: 'graceful' });
    expect(over.report.status, failedSteps(over.report)).toBe('succeeded');
    const back = await runCase(c, w, { operation: 'failback' });
    expect(back.report.status, failedSteps(back.report)).toBe('succeeded');
    await w.clock.sleep(30 * 60_000);
    await expectFailbackRefused(c, w, /NotFailedOver: /);
  });
  it.each([pilotLight, warmStandby].map((c) => ({ c, label: c.label })))('$label: after a failback that cut the writes over and stopped, a new one is refused (resume that one)', async ({ c }) => {
    const w = await c.world(64);
    const over = await runCase(c, w, { operation: 'failover', mode: 'graceful' });
    expect(over.report.status, failedSteps(over.report)).toBe('succeeded');
    // The first failback fails right after its cutover (fence of the recovery writer, promotion of the copy), and
    // keeps what it did (rollback: never), as a quit or crashed runbook would leave it.
    const stop: StepDefinition = { id: 'operator-stops-here', kind: 'action', title: 'stop', dependsOn: ['unfence-primary-writers'], act: async () => { throw new StepFailure('stopped', { code: 'Stopped', retryable: false }); } };
    const first = await runCase(c, w, { operation: 'failback', extraSteps: [stop], rollback: 'never' });
    expect(first.report.steps.find((s) => s.id === 'unfence-primary-writers')?.status).toBe('succeeded');
    await expectFailbackRefused(c, w, new RegExp(`NotFailedOver: ${w.names.database.recovery!.identifier} in ${w.recovery} is fenced \\(read-only\\): an earlier failback already moved the writes back`));
  });
});
