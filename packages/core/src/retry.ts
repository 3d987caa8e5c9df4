import pRetry from 'p-retry';
import type { Clock } from './clock.js';
import { errorCode } from './errors.js';
import type { ResolvedRetryPolicy } from './policy.js';

/** Options of {@link retryWithPolicy}. */
export interface RetryOptions {
  policy: ResolvedRetryPolicy;
  /** Delays between attempts are slept on this clock, so retries cost no real time on a virtual clock. */
  clock: Clock;
  signal?: AbortSignal;
  /** Extra say on retryability; the error's own `retryable: false` and `policy.nonRetryable` always win. */
  isRetryable?: (error: unknown) => boolean;
  /** Called before each retry with the error and the delay about to be slept. */
  onRetry?: (error: unknown, attempt: number, delayMs: number) => void | Promise<void>;
  /** Source of jitter, injectable for reproducible runs. @default Math.random */
  random?: () => number;
  /**
   * No retry starts at or after this instant (epoch ms on `clock`), and no delay sleeps past it: a deadline for
   * retries that are otherwise unbounded (`maximumAttempts: Infinity`).
   */
  until?: number;
}

/** The delay before retry number `retry` (1-based), before jitter. */
export function backoffDelay(policy: ResolvedRetryPolicy, retry: number): number {
  const raw = policy.initialIntervalMs * policy.backoffCoefficient ** (retry - 1);
  return Math.min(raw, policy.maximumIntervalMs);
}

/** A failure that is the service's, not the request's (`StepFailure.transient`). */
export function isTransientError(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { transient?: unknown }).transient === true;
}

/** True when `policy` allows another attempt at `error`. */
export function isRetryableError(error: unknown, policy: ResolvedRetryPolicy): boolean {
  if (typeof error === 'object' && error !== null && (error as { retryable?: unknown }).retryable === false) return false;
  const code = errorCode(error);
  const name = error instanceof Error ? error.name : undefined;
  return !policy.nonRetryable.some((c) => c === code || c === name);
}

/**
 * Runs `attempt` under a {@link ResolvedRetryPolicy} using p-retry for the attempt bookkeeping and abort
 * handling. p-retry's own timers are switched off (zero delays) and the backoff is slept on the `Clock`
 * inside `shouldRetry`, which p-retry calls only when an attempt is left — so the policy is honoured
 * exactly and a virtual clock pays no real time. Once `maximumAttempts` is spent, a transient failure is still
 * retried while less than `transientForMs` has passed since the first attempt.
 *
 * @example
 * await retryWithPolicy(() => rds.send(cmd), { policy: resolveStepPolicy().retry, clock, signal });
 */
export async function retryWithPolicy<T>(attempt: (attemptNumber: number) => Promise<T>, options: RetryOptions): Promise<T> {
  const { policy, clock, signal } = options;
  const random = options.random ?? Math.random;
  const firstAttemptAt = clock.now();
  return pRetry(attempt, {
    retries: policy.transientForMs > 0 ? Number.POSITIVE_INFINITY : policy.maximumAttempts - 1,
    minTimeout: 0,
    maxTimeout: 0,
    factor: 1,
    signal,
    shouldRetry: async ({ error, attemptNumber }) => {
      if (signal?.aborted) return false;
      if (!isRetryableError(error, policy)) return false;
      if (options.isRetryable && !options.isRetryable(error)) return false;
      // Past maximumAttempts only a transient failure goes on, and only until transientFor has passed.
      const counted = attemptNumber < policy.maximumAttempts;
      if (!counted && !isTransientError(error)) return false;
      const deadline = Math.min(options.until ?? Infinity, counted ? Infinity : firstAttemptAt + policy.transientForMs);
      const left = deadline - clock.now();
      if (left <= 0) return false;
      const base = backoffDelay(policy, attemptNumber);
      const delay = Math.min(left, Math.round(policy.jitter ? base / 2 + (random() * base) / 2 : base));
      await options.onRetry?.(error, attemptNumber, delay);
      await clock.sleep(delay, signal);
      return true;
    },
  });
}
