import { formatDuration } from './duration.js';

/**
 * The small, closed family of failures a step can end with. Retryability is a property of the error
 * (the way Temporal's `ApplicationFailure.nonRetryable` is), not an `instanceof` guess, so errors that
 * cross package copies keep their meaning.
 */

/** Serialisable description of an error, as stored in the journal and the report. */
export interface ErrorInfo {
  name: string;
  message: string;
  /** Machine-readable code, e.g. an AWS error name such as `DBInstanceNotFound`. */
  code?: string;
  retryable?: boolean;
  /** The service's failure, not the request's (see {@link StepFailureOptions.transient}). */
  transient?: boolean;
}

/** Options of {@link StepFailure}. */
export interface StepFailureOptions {
  /** A code such as `AccessDenied` or `InvalidDBInstanceState`; matched against `nonRetryable`. */
  code?: string;
  /** Whether trying again may help. @default true */
  retryable?: boolean;
  /**
   * The failure was the service's, not the request's: a 5xx, throttling (the service answered that it is
   * overloaded). Retrying later is what helps, so such failures are retried for the policy's `retry.transientFor` even once `maximumAttempts` is spent.
   * @default false
   */
  transient?: boolean;
  cause?: unknown;
}

/**
 * A failure raised by step code. Strategies classify AWS errors into it; step authors throw it when
 * they know whether a retry can help.
 *
 * @example
 * throw new StepFailure('Replica tracking-db-replica not found in us-west-2 (DescribeDBInstances). Check resources.database.recovery.identifier.', { code: 'DBInstanceNotFound', retryable: false });
 */
export class StepFailure extends Error {
  override readonly name: string = 'StepFailure';
  readonly code: string | undefined;
  readonly retryable: boolean;
  readonly transient: boolean;

  constructor(message: string, options: StepFailureOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = options.code;
    this.retryable = options.retryable ?? true;
    this.transient = options.retryable !== false && options.transient === true;
  }
}

/** What a {@link StepTimeoutFailure} knows beyond its limit, so that it says how long the work really ran and why it stopped. */
export interface TimeoutDetail {
  /** What was seen last: a wait's progress or its last poll's error, an attempt's last failed AWS call. */
  last?: string;
  /** How long it ran in all, from the first attempt (or the wait's start) to giving up. */
  ranMs?: number;
  /** Attempts made, each under its own timeout (action and probe steps); more than one: the step was retried. */
  attempts?: number;
  /** How many of those attempts ran into the timeout (the last one did). */
  timedOut?: number;
  /** The retry policy's `maximumAttempts`, the reason a retried step gave up. */
  maximumAttempts?: number;
}

const seconds = (ms: number): string => `${Math.round(ms / 1000)}s`;

function timeoutMessage(what: string, timeoutMs: number, detail: TimeoutDetail): string {
  const seen = detail.last ? `; last seen: ${detail.last}` : '';
  const ran = detail.ranMs ?? timeoutMs;
  const attempts = detail.attempts ?? 1;
  if (attempts > 1) {
    // A per-attempt limit, retried: "within 60s" alone would hide that the step ran for many minutes.
    const why = detail.maximumAttempts === attempts ? ` (retry.maximumAttempts: ${attempts})` : '';
    const which = detail.timedOut === attempts ? 'each attempt' : `the last attempt (${detail.timedOut ?? 1} of ${attempts})`;
    return `${what} gave up after ${attempts} attempts over ${formatDuration(ran)}${why}: ${which} ran into the ${seconds(timeoutMs)} timeout, a limit on one attempt, not on the step${seen}`;
  }
  // A wait checks its deadline between polls: a poll that overran it shows here rather than being hidden.
  const overran = ran >= timeoutMs + 1_000 ? ` (it ran ${formatDuration(ran)}: a poll kept it past its limit)` : '';
  return `${what} did not finish within ${seconds(timeoutMs)}${overran}${seen}`;
}

/**
 * A step attempt, wait or probe ran past its timeout. Retryable: the next attempt gets a fresh timeout.
 * Its message says how long the work really ran when that is more than the limit (a retried step, a slow poll).
 */
export class StepTimeoutFailure extends StepFailure {
  override readonly name = 'StepTimeoutFailure';
  /** `detail`: what was seen last (a string, as a wait's progress) or everything known — see {@link TimeoutDetail}. */
  constructor(what: string, timeoutMs: number, detail?: string | TimeoutDetail) {
    super(timeoutMessage(what, timeoutMs, typeof detail === 'string' ? { last: detail } : (detail ?? {})), { code: 'Timeout', retryable: true });
  }
}

/** A poll reached a terminal failure state (for example an instance that went to `failed`). Not retryable. */
export class WaitFailedFailure extends StepFailure {
  override readonly name = 'WaitFailedFailure';
  constructor(message: string, code = 'WaitFailed') {
    super(message, { code, retryable: false });
  }
}

/** The run was aborted (by the operator, or because the run is shutting down). */
export class RunAbortedError extends Error {
  override readonly name = 'RunAbortedError';
}

/** Reads `code` the way every Firedrill layer does: `code`, then `Code`, then `name`. */
export function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const e = error as { code?: unknown; Code?: unknown; name?: unknown };
  if (typeof e.code === 'string') return e.code;
  if (typeof e.Code === 'string') return e.Code;
  return typeof e.name === 'string' ? e.name : undefined;
}

/** Turns anything thrown into an {@link ErrorInfo} for the journal. */
export function toErrorInfo(error: unknown): ErrorInfo {
  if (error instanceof Error) {
    const retryable = (error as { retryable?: unknown }).retryable;
    const info: ErrorInfo = { name: error.name, message: error.message };
    const code = errorCode(error);
    if (code !== undefined && code !== error.name) info.code = code;
    else if (code !== undefined && error instanceof StepFailure) info.code = code;
    if (typeof retryable === 'boolean') info.retryable = retryable;
    if ((error as { transient?: unknown }).transient === true) info.transient = true;
    return info;
  }
  return { name: 'Error', message: String(error) };
}
