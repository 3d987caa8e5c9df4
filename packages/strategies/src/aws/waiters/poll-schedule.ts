/** Inputs of {@link nextPollDelay}. */
export interface PollScheduleInput {
  /** Time since the wait began (ms). */
  elapsedMs: number;
  /** Typical duration of the operation (ms), if known. */
  expectedMs?: number;
  /** The dense interval used near the expected completion. @default 2000 */
  denseIntervalMs: number;
  /** The longest interval ever used. @default 30000 */
  maxIntervalMs: number;
}

/**
 * When to look next, tuned for RTO: every second between a resource becoming ready and Firedrill noticing adds
 * straight to the measured recovery time, but polls spend a rate budget shared with every other step.
 *
 * - **Expected duration known** (`expectedMs`, e.g. ~5 min for a read-replica promotion): nothing useful can be
 *   seen early, so the delay is half the time left until 80 % of the expected duration (at most `maxIntervalMs`):
 *   a few sparse polls that close in geometrically on the 80 % mark. From 80 % to twice the expected duration, poll
 *   every `denseIntervalMs` (2 s: a change is noticed ~1 s after it happens, on average). Past twice the expected
 *   duration the operation is overdue and possibly stuck; the delay grows by a tenth of the overrun, so a
 *   stuck wait does not burn the budget for the whole timeout.
 * - **Unknown duration** (a snapshot copy, a restore: minutes to hours with size): the delay is a tenth of the
 *   elapsed time, between `denseIntervalMs` and `maxIntervalMs`, so noticing late costs at most ~10 % of the
 *   operation's own duration (and ~1 s for short ones).
 *
 * Example, promotion expected in 300 s: polls at 0, 30, 60, 90, 120, 150, 180, 210, 225, 232, 236, 238, 240,
 * then every 2 s: ~13 polls in the first four minutes instead of 120, and a 1 s average notice delay at the end.
 *
 * The runner also honours the rate limiter: a poll is never scheduled before the limiter has a token for it.
 */
export function nextPollDelay(input: PollScheduleInput): number {
  const { elapsedMs, expectedMs, denseIntervalMs, maxIntervalMs } = input;
  const clamp = (ms: number): number => Math.min(maxIntervalMs, Math.max(denseIntervalMs, ms));
  if (expectedMs === undefined || expectedMs <= 0) return clamp(elapsedMs / 10);
  const denseFrom = 0.8 * expectedMs;
  if (elapsedMs < denseFrom) return clamp((denseFrom - elapsedMs) / 2);
  const overdueFrom = 2 * expectedMs;
  if (elapsedMs <= overdueFrom) return denseIntervalMs;
  return clamp(denseIntervalMs + (elapsedMs - overdueFrom) / 10);
}
