import type { Clock } from './clock.js';
import { StepFailure, StepTimeoutFailure } from './errors.js';
import type { ResolvedPollPolicy } from './policy.js';

/**
 * What one look at a condition found. `progress` is any short text describing the state seen
 * (for example `"modifying"`); when it changes, polling speeds up again. `detail` says more (an error's message)
 * without counting as a change; a timeout names the last one.
 */
export type PollOutcome<T> =
  | { status: 'success'; value: T }
  | { status: 'failure'; error: Error }
  | { status: 'retry'; progress?: string; retryAfterMs?: number; detail?: string };

/** Options of {@link pollUntil}. */
export interface PollOptions {
  clock: Clock;
  policy: ResolvedPollPolicy;
  /** Give up after this long (milliseconds). */
  timeoutMs?: number;
  /** What is being waited for, for the timeout message. */
  what?: string;
  signal?: AbortSignal;
  /** Called after every poll, e.g. to journal progress changes. */
  onPoll?: (info: { attempt: number; outcome: PollOutcome<unknown>; nextDelayMs?: number }) => void;
}

/**
 * Polls `check` until it reports success (returns its value) or failure (throws its error), with
 * bounded, adaptive intervals: start at `initialInterval`, grow by `backoffCoefficient` up to
 * `maximumInterval` while nothing changes, and drop back to `initialInterval` whenever the observed
 * `progress` changes — a resource that starts moving is about to finish. A `retryAfterMs` from the check
 * (for example a rate limiter's advice) is honoured within the bounds. All waiting is on the `Clock`.
 *
 * @example
 * const db = await pollUntil(async () => {
 *   const status = await describeStatus();
 *   return status === 'available' ? { status: 'success', value: status } : { status: 'retry', progress: status };
 * }, { clock, policy: resolveStepPolicy().poll, timeoutMs: 600_000, what: 'replica promotion' });
 */
export async function pollUntil<T>(check: (attempt: number) => Promise<PollOutcome<T>>, options: PollOptions): Promise<T> {
  const { clock, policy, signal } = options;
  const started = clock.now();
  const deadline = options.timeoutMs === undefined ? Infinity : started + options.timeoutMs;
  let delay = policy.initialIntervalMs;
  let lastProgress: string | undefined;
  for (let attempt = 1; ; attempt++) {
    signal?.throwIfAborted();
    const outcome = await check(attempt);
    if (typeof outcome !== 'object' || outcome === null || !['success', 'failure', 'retry'].includes((outcome as { status?: unknown }).status as string)) {
      // A step author's slip, not a state to wait out: say so now instead of polling it to the timeout.
      throw new StepFailure(
        `${options.what ?? 'wait'}: its poll answered ${JSON.stringify(outcome) ?? String(outcome)}; a poll answers { status: 'success', value }, { status: 'retry', progress? } or { status: 'failure', error }`,
        { code: 'InvalidPollOutcome', retryable: false },
      );
    }
    if (outcome.status === 'success') {
      options.onPoll?.({ attempt, outcome });
      return outcome.value;
    }
    if (outcome.status === 'failure') {
      options.onPoll?.({ attempt, outcome });
      throw outcome.error;
    }
    if (attempt > 1 && outcome.progress !== lastProgress) delay = policy.initialIntervalMs;
    lastProgress = outcome.progress;
    let next = Math.max(delay, Math.min(outcome.retryAfterMs ?? 0, policy.maximumIntervalMs));
    const remaining = deadline - clock.now();
    if (remaining <= 0) {
      const last = outcome.detail ?? outcome.progress;
      throw new StepTimeoutFailure(options.what ?? 'wait', options.timeoutMs ?? 0, { ranMs: clock.now() - started, ...(last === undefined ? {} : { last }) });
    }
    next = Math.min(next, remaining);
    options.onPoll?.({ attempt, outcome, nextDelayMs: next });
    await clock.sleep(next, signal);
    delay = Math.min(delay * policy.backoffCoefficient, policy.maximumIntervalMs);
  }
}
