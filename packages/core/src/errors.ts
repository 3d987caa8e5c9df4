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
   * The failure was the service's, not the request's: a 5xx, throttling, a network failure. Retrying later is what
   * helps, so such failures are retried for the policy's `retry.transientFor` even once `maximumAttempts` is spent.
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

/** A step attempt, wait or probe ran past its timeout. Retryable: the next attempt gets a fresh timeout. */
export class StepTimeoutFailure extends StepFailure {
  override readonly name = 'StepTimeoutFailure';
  /** `last`: what the wait saw last (its progress, or the error its last poll threw), so the timeout says why. */
  constructor(what: string, timeoutMs: number, last?: string) {
    super(`${what} did not finish within ${Math.round(timeoutMs / 1000)}s${last ? `; last seen: ${last}` : ''}`, { code: 'Timeout', retryable: true });
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
