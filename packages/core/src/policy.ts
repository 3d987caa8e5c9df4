import { type Duration, parseDuration } from './duration.js';

/**
 * How a step is retried, as data (compiled once to p-retry by {@link compileRetryPolicy}).
 * Mirrors Temporal's RetryPolicy so SREs who know one know the other.
 */
export interface RetryPolicy {
  /** Delay before the first retry. @default "1s" */
  initialInterval?: Duration;
  /** Multiplier applied to the delay after each retry. @default 2 */
  backoffCoefficient?: number;
  /** Upper bound of one delay. @default "30s" */
  maximumInterval?: Duration;
  /** Attempts in all, the first included; 1 means never retry. @default 5 */
  maximumAttempts?: number;
  /**
   * How long, from the step's first attempt, failures that are the service's (`StepFailure.transient`: for AWS,
   * 5xx and throttling) are still retried once `maximumAttempts` is spent. A region under load answers 5xx for
   * minutes; five attempts in fifteen seconds would fail — and roll back — a failover that one more minute saves.
   * @default "10m"
   */
  transientFor?: Duration;
  /** Error codes (or names) that fail the step at once. @default [] */
  nonRetryable?: readonly string[];
  /** Randomise each delay in [delay/2, delay] so concurrent steps do not retry in lockstep. @default true */
  jitter?: boolean;
}

/** How a `wait` step polls its condition: bounded, adaptive intervals. */
export interface PollPolicy {
  /** First delay between polls, and the delay after any observed progress. @default "1s" */
  initialInterval?: Duration;
  /** Largest delay between polls. @default "5s" */
  maximumInterval?: Duration;
  /** Growth of the delay while nothing changes. @default 1.5 */
  backoffCoefficient?: number;
}

/** Everything a step declares about time and failure. */
export interface StepPolicy {
  /** Limit on one attempt (for waits: on the whole wait). @default "15m" */
  timeout?: Duration;
  retry?: RetryPolicy;
  poll?: PollPolicy;
}

/** {@link RetryPolicy} with every field resolved to numbers (milliseconds). */
export interface ResolvedRetryPolicy {
  initialIntervalMs: number;
  backoffCoefficient: number;
  maximumIntervalMs: number;
  maximumAttempts: number;
  /** 0: transient failures count like any other. */
  transientForMs: number;
  nonRetryable: readonly string[];
  jitter: boolean;
}

/** {@link PollPolicy} resolved to milliseconds. */
export interface ResolvedPollPolicy {
  initialIntervalMs: number;
  maximumIntervalMs: number;
  backoffCoefficient: number;
}

/** {@link StepPolicy} resolved to milliseconds. */
export interface ResolvedStepPolicy {
  timeoutMs: number;
  retry: ResolvedRetryPolicy;
  poll: ResolvedPollPolicy;
}

/** Defaults every step starts from. */
export const DEFAULT_STEP_POLICY: ResolvedStepPolicy = {
  timeoutMs: 15 * 60_000,
  retry: {
    initialIntervalMs: 1_000,
    backoffCoefficient: 2,
    maximumIntervalMs: 30_000,
    maximumAttempts: 5,
    transientForMs: 10 * 60_000,
    nonRetryable: [],
    jitter: true,
  },
  poll: { initialIntervalMs: 1_000, maximumIntervalMs: 5_000, backoffCoefficient: 1.5 },
};

function durationField(where: string, value: Duration | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  try {
    return parseDuration(value);
  } catch (error) {
    throw new TypeError(`${where}: ${(error as Error).message}`);
  }
}

function numberField(where: string, value: number | undefined, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min) {
    throw new TypeError(`${where}: expected a number ≥ ${min}, got ${JSON.stringify(value)}`);
  }
  return value;
}

/**
 * Validates and resolves a policy, layering `overrides` over `base`. A wrong option is a `TypeError`
 * at once (naming the field), never a strange failure later.
 *
 * @example
 * resolveStepPolicy({ timeout: '20m', retry: { maximumAttempts: 3 } }).timeoutMs // 1_200_000
 */
export function resolveStepPolicy(
  overrides: StepPolicy = {},
  base: ResolvedStepPolicy = DEFAULT_STEP_POLICY,
  where = 'policy',
): ResolvedStepPolicy {
  const r = overrides.retry ?? {};
  const p = overrides.poll ?? {};
  const retry: ResolvedRetryPolicy = {
    initialIntervalMs: durationField(`${where}.retry.initialInterval`, r.initialInterval, base.retry.initialIntervalMs),
    backoffCoefficient: numberField(`${where}.retry.backoffCoefficient`, r.backoffCoefficient, base.retry.backoffCoefficient, 1),
    maximumIntervalMs: durationField(`${where}.retry.maximumInterval`, r.maximumInterval, base.retry.maximumIntervalMs),
    maximumAttempts: numberField(`${where}.retry.maximumAttempts`, r.maximumAttempts, base.retry.maximumAttempts, 1),
    transientForMs: durationField(`${where}.retry.transientFor`, r.transientFor, base.retry.transientForMs),
    nonRetryable: r.nonRetryable ?? base.retry.nonRetryable,
    jitter: r.jitter ?? base.retry.jitter,
  };
  if (!Number.isInteger(retry.maximumAttempts)) {
    throw new TypeError(`${where}.retry.maximumAttempts: expected a whole number, got ${retry.maximumAttempts}`);
  }
  const poll: ResolvedPollPolicy = {
    initialIntervalMs: durationField(`${where}.poll.initialInterval`, p.initialInterval, base.poll.initialIntervalMs),
    maximumIntervalMs: durationField(`${where}.poll.maximumInterval`, p.maximumInterval, base.poll.maximumIntervalMs),
    backoffCoefficient: numberField(`${where}.poll.backoffCoefficient`, p.backoffCoefficient, base.poll.backoffCoefficient, 1),
  };
  if (poll.maximumIntervalMs < poll.initialIntervalMs) {
    throw new TypeError(`${where}.poll.maximumInterval: must not be shorter than poll.initialInterval`);
  }
  return { timeoutMs: durationField(`${where}.timeout`, overrides.timeout, base.timeoutMs), retry, poll };
}
