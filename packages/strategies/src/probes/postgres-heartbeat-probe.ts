/**
 * The PostgreSQL heartbeat probe (node-postgres): one row per source, upserted every interval on the writer,
 * read back after failover on the promoted one. RDS for PostgreSQL, Aurora PostgreSQL or any PostgreSQL ≥ 9.5.
 */
import type { DataStoreLocation, Heartbeat, HeartbeatProbe } from '@firedrill/core';
import pg from 'pg';
import { describeConnectionReference } from './connection-reference.js';
import { HeartbeatConnection, HeartbeatConnectionError, type HeartbeatDriver } from './heartbeat-connection.js';
import { type ResolvedSqlHeartbeatOptions, resolveSqlHeartbeatOptions, type SqlHeartbeatProbeOptions } from './sql-heartbeat-options.js';

/** Whether a driver error says the table is not there (nothing written to this store yet). */
const isUndefinedTable = (error: unknown): boolean => (error as { code?: string }).code === '42P01';

function postgresDriver(options: ResolvedSqlHeartbeatOptions): HeartbeatDriver<pg.Client> {
  return {
    async connect(url, onBroken) {
      const client = new pg.Client({
        connectionString: url,
        connectionTimeoutMillis: options.connectTimeoutMs,
        statement_timeout: options.statementTimeoutMs,
        query_timeout: options.statementTimeoutMs,
        application_name: 'firedrill-heartbeat',
        keepAlive: true,
      });
      // A server that goes away while the client is idle emits 'error': drop it, reconnect on next use.
      client.on('error', onBroken);
      client.on('end', onBroken);
      await client.connect();
      return client;
    },
    close(client) {
      client.end().catch(() => {});
      // end() waits for the server; a fenced or vanished server must not hold the probe up.
      (client as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy();
    },
  };
}

/**
 * Writes `(seq, at)` to a PostgreSQL writer every interval and, after failover, reads the newest heartbeat
 * on the promoted writer. Every statement is a single autocommitted statement (no transaction is ever held
 * open); the write is one upserted row per source, so the table never grows. The table is created with
 * `CREATE TABLE IF NOT EXISTS` on each new connection before its first write.
 *
 * @example
 * const heartbeat = new PostgresHeartbeatProbe({ connection: { fromEnv: 'DATABASE_URL' }, intervalMs: 1000, source: 'orders' });
 * const run = await startRun({ …, clock: realClock, probes: { heartbeat } });
 * await run.completion;
 * heartbeat.close();
 */
export class PostgresHeartbeatProbe implements HeartbeatProbe {
  readonly target: string;
  readonly intervalMs: number;
  readonly #options: ResolvedSqlHeartbeatOptions;
  readonly #writer: HeartbeatConnection<pg.Client>;
  readonly #table: string;

  constructor(options: SqlHeartbeatProbeOptions) {
    this.#options = resolveSqlHeartbeatOptions('postgres', options);
    this.intervalMs = options.intervalMs;
    this.#table = `"${this.#options.table}"`;
    this.target = `postgres ${this.#options.table} (source ${this.#options.source}) via ${describeConnectionReference(options.connection)}`;
    this.#writer = this.#connection();
  }

  async write(beat: Heartbeat, signal: AbortSignal): Promise<void> {
    await this.#writer.use(
      signal,
      (client) =>
        client.query(
          `INSERT INTO ${this.#table} (source, seq, at_ms, written_at) VALUES ($1, $2, $3, now())
           ON CONFLICT (source) DO UPDATE SET seq = EXCLUDED.seq, at_ms = EXCLUDED.at_ms, written_at = now()
           WHERE ${this.#table}.at_ms <= EXCLUDED.at_ms`,
          [this.#options.source, beat.seq, beat.at],
        ),
      (client) => this.#createTable(client),
    );
  }

  /**
   * Reads the newest heartbeat on the writer the endpoint reaches now, over a fresh connection (a kept one
   * could still reach the old writer). `undefined` when no heartbeat was ever written there.
   */
  async readNewest(signal: AbortSignal): Promise<Heartbeat | undefined> {
    this.#writer.close();
    return this.#read(this.#connection(), signal, this.#options.requireWriter);
  }

  /**
   * Reads the newest heartbeat on one copy of the database at its own endpoint (an isolated drill's restored copy),
   * with the connection's credentials. The copy is never a writer the endpoint leads to: no writer check.
   */
  async readNewestOn(store: DataStoreLocation, signal: AbortSignal): Promise<Heartbeat | undefined> {
    if (store.address === undefined) throw new HeartbeatConnectionError(`${this.target}: ${store.identifier} in ${store.region} has no endpoint to read from yet`, 'no-endpoint');
    return this.#read(this.#connection({ host: store.address, ...(store.port ? { port: store.port } : {}) }), signal, false);
  }

  async #read(reader: HeartbeatConnection<pg.Client>, signal: AbortSignal, requireWriter: boolean): Promise<Heartbeat | undefined> {
    try {
      return await reader.use(signal, async (client) => {
        if (requireWriter) {
          const recovery = await client.query<{ standby: boolean }>('SELECT pg_is_in_recovery() AS standby');
          if (recovery.rows[0]?.standby) {
            throw new HeartbeatConnectionError(`${this.target}: the endpoint still reaches a standby (pg_is_in_recovery() is true); the new writer is not reachable yet`, 'standby');
          }
        }
        try {
          const result = await client.query<{ seq: string; at_ms: string }>(`SELECT seq, at_ms FROM ${this.#table} WHERE source = $1`, [this.#options.source]);
          const row = result.rows[0];
          return row ? { seq: Number(row.seq), at: Number(row.at_ms) } : undefined;
        } catch (error) {
          if (isUndefinedTable(error)) return undefined;
          throw error;
        }
      });
    } finally {
      reader.close();
    }
  }

  /** Closes the probe's connection (call it when the run has ended). */
  close(): void {
    this.#writer.close();
  }

  #connection(endpoint?: { host: string; port?: number }): HeartbeatConnection<pg.Client> {
    return new HeartbeatConnection({
      reference: this.#options.connection,
      driver: postgresDriver(this.#options),
      ...(endpoint ? { endpoint } : {}),
      ...(this.#options.env ? { env: this.#options.env } : {}),
      ...(this.#options.secrets ? { secrets: this.#options.secrets } : {}),
    });
  }

  async #createTable(client: pg.Client): Promise<void> {
    // Two sessions creating the table at once: the loser sees a duplicate type or relation; the table is there.
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${this.#table} (
         source text PRIMARY KEY,
         seq bigint NOT NULL,
         at_ms bigint NOT NULL,
         written_at timestamptz NOT NULL DEFAULT now()
       )`,
    ).catch((error: unknown) => {
      if (!['23505', '42P07'].includes((error as { code?: string }).code ?? '')) throw error;
    });
  }
}
