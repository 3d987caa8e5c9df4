/**
 * The call log: one entry per command the sandbox answered. Tests use it to prove exactly-once effects
 * (RunInstances with one ClientToken launched once) and that an IAM policy covers every call made.
 */
import type { ServiceName } from './errors.js';

/** One call. */
export interface CallLogEntry {
  /** Position in the log, from 1. */
  seq: number;
  service: ServiceName;
  region: string;
  /** The operation name without the `Command` suffix, e.g. `PromoteReadReplica`. */
  command: string;
  /** The input as JSON (bodies replaced by their size). */
  input: unknown;
  /** `'ok'`, or the error's `name` (`InvalidDBInstanceStateFault`, `RequestLimitExceeded`, `TimeoutError`). */
  outcome: string;
  /** The AWS error code (`InvalidDBInstanceState`) or network code (`ETIMEDOUT`) on failure. */
  errorCode?: string;
  /** When the service handled it (epoch ms, the sandbox clock). */
  at: number;
  requestId?: string;
}

/** A filter over the call log. */
export interface CallLogQuery {
  service?: ServiceName;
  region?: string;
  command?: string;
  outcome?: string;
}

/** Entries matching `query`, in order. */
export function queryCallLog(log: readonly CallLogEntry[], query: CallLogQuery = {}): CallLogEntry[] {
  return log.filter(
    (e) =>
      (query.service === undefined || e.service === query.service) &&
      (query.region === undefined || e.region === query.region) &&
      (query.command === undefined || e.command === query.command) &&
      (query.outcome === undefined || e.outcome === query.outcome),
  );
}

/** A JSON copy of a command input: Dates as ISO strings, binary bodies as `<N bytes>`. */
export function toLoggableInput(input: unknown, depth = 0): unknown {
  if (input === null || input === undefined || typeof input !== 'object') return input;
  if (input instanceof Date) return input.toISOString();
  if (input instanceof Uint8Array) return `<${input.byteLength} bytes>`;
  if (depth > 8) return '<nested>';
  if (Array.isArray(input)) return input.map((v) => toLoggableInput(v, depth + 1));
  if (typeof (input as { pipe?: unknown }).pipe === 'function') return '<stream>';
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(input)) if (v !== undefined) out[k] = toLoggableInput(v, depth + 1);
  return out;
}
