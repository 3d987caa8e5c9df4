/** Options shared by the PostgreSQL and MySQL heartbeat probes, checked once. */
import { type ConnectionReference, describeConnectionReference, type SecretResolver } from './connection-reference.js';

/** Options of the PostgreSQL and MySQL heartbeat probes. */
export interface SqlHeartbeatProbeOptions {
  /** Where the writer's connection URL comes from; resolved at each (re)connect, never journaled. */
  connection: ConnectionReference;
  /** Time between heartbeats; the RPO is measured to ± this. */
  intervalMs: number;
  /** Heartbeat table, created if missing. @default 'firedrill_heartbeat' */
  table?: string;
  /** Row key: one row per source, so plans sharing a database do not mix. @default 'firedrill' */
  source?: string;
  /** Environment for `fromEnv` references. @default process.env */
  env?: Readonly<Record<string, string | undefined>>;
  /** Resolver for `secret` references. */
  secrets?: SecretResolver;
  /** Limit on opening a connection. @default 5000 */
  connectTimeoutMs?: number;
  /** Limit on one statement (server and client side). @default 5000 */
  statementTimeoutMs?: number;
  /**
   * After failover, refuse to read from a server that is still a standby (the endpoint has not moved yet):
   * the engine then retries the read. @default true
   */
  requireWriter?: boolean;
}

/** The options checked and defaulted. */
export interface ResolvedSqlHeartbeatOptions extends Required<Omit<SqlHeartbeatProbeOptions, 'env' | 'secrets'>> {
  env?: SqlHeartbeatProbeOptions['env'];
  secrets?: SecretResolver;
}

const TABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/** Checks and defaults heartbeat options: a wrong option is a `TypeError` now, not a failed drill later. */
export function resolveSqlHeartbeatOptions(kind: string, options: SqlHeartbeatProbeOptions): ResolvedSqlHeartbeatOptions {
  const table = options.table ?? 'firedrill_heartbeat';
  if (!TABLE_NAME.test(table)) throw new TypeError(`${kind} heartbeat: table must match ${TABLE_NAME} (letters, digits, _), got "${table}"`);
  if (!(options.intervalMs > 0)) throw new TypeError(`${kind} heartbeat: intervalMs must be a positive number of milliseconds, got ${options.intervalMs}`);
  const source = options.source ?? 'firedrill';
  if (source.length === 0 || source.length > 191) throw new TypeError(`${kind} heartbeat: source must be 1 to 191 characters`);
  describeConnectionReference(options.connection); // validates the reference
  return {
    ...options,
    table,
    source,
    connectTimeoutMs: options.connectTimeoutMs ?? 5_000,
    statementTimeoutMs: options.statementTimeoutMs ?? 5_000,
    requireWriter: options.requireWriter ?? true,
  };
}
