/**
 * How long an isolated drill's cleanup may take. The copies it deletes hold production's data, so the cleanup
 * outlasts errors that pass (5xx, throttling, a recovery region out of reach for hours) — but not forever: at the
 * deadline the run ends naming what is left and how to delete it.
 */
import type { Clock } from '@firedrill/core';
import type { DrillResource } from './drill-resources.js';

/**
 * How long an isolated drill's cleanup keeps deleting through errors that pass, in all, from its first attempt:
 * 4 hours — longer than most regional outages, short enough that a scheduled drill ends the same morning.
 */
export const DRILL_CLEANUP_TIMEOUT_MS = 4 * 60 * 60_000;

/**
 * One drill's cleanup time, shared by its cleanup step and its scope step's compensation: the deadline is set when
 * the first of them starts, so the compensation after a cleanup that ran out of time makes one last pass, not a
 * second cleanup as long. It lives in the process: a resumed run starts a new budget.
 *
 * @example
 * const budget = new DrillCleanupBudget();
 * const scope = { aws, runId, parameterGroups: [copy], budget };
 * const steps = [drillScopeStep({ id: 'drill-scope', ...scope }), cleanUpDrillStep({ id: 'delete-drill-copies', ...scope, dependsOn })];
 */
export class DrillCleanupBudget {
  #deadline: number | undefined;
  /** What the last look found (`undefined` before any look succeeded): named when a later look cannot be made. */
  lastSeen: { at: number; left: DrillResource[] } | undefined;

  /** @param timeoutMs How long in all (ms). @default DRILL_CLEANUP_TIMEOUT_MS */
  constructor(readonly timeoutMs: number = DRILL_CLEANUP_TIMEOUT_MS) {
    if (!Number.isFinite(timeoutMs) || timeoutMs < 0) throw new TypeError(`DrillCleanupBudget: timeoutMs must be a number of milliseconds ≥ 0, got ${timeoutMs}`);
  }

  /** The deadline (epoch ms), set the first time it is asked for. */
  deadline(clock: Clock): number {
    this.#deadline ??= clock.now() + this.timeoutMs;
    return this.#deadline;
  }
}
