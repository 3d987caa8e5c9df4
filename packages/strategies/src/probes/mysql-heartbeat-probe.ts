/**
 * The MySQL heartbeat probe (mysql2): the same contract as the PostgreSQL one, for RDS MySQL, RDS MariaDB,
 * Aurora MySQL and self-managed MySQL ≥ 5.7 / MariaDB ≥ 10.3.
 */
import type { DataStoreLocation, Heartbeat, HeartbeatProbe } from '@firedrill/core';
import mysql from 'mysql2/promise';
import { describeConnectionReference } from './connection-reference.js';
import { HeartbeatConnection, HeartbeatConnectionError, type HeartbeatDriver } from './heartbeat-connection.js';
import { type ResolvedSqlHeartbeatOptions, resolveSqlHeartbeatOptions, type SqlHeartbeatProbeOptions } from './sql-heartbeat-options.js';

type Connection = mysql.Connection;

/** ER_NO_SUCH_TABLE: nothing was ever written to this store. */
const isNoSuchTable = (error: unknown): boolean => (error as { errno?: number }).errno === 1146;

function mysqlDriver(options: ResolvedSqlHeartbeatOptions): HeartbeatDriver<Connection> {
  return {
    async connect(url, onBroken) {
      const connection = await mysql.createConnection({
        uri: url,
        connectTimeout: options.connectTimeoutMs,
        enableKeepAlive: true,
        supportBigNumbers: true,
      });
      // A server that goes away while the connection is idle emits 'error': drop it, reconnect on next use.
      connection.on('error', onBroken);
      connection.on('end', onBroken);
      return connection;
    },
    close(connection) {
      connection.destroy();
    },
  };
}

/**
 * Writes `(seq, at)` to a MySQL or MariaDB writer every interval and, after failover, reads the newest
 * heartbeat on the promoted writer. Single autocommitted statements only (never a transaction held open);
 * one upserted row per source; the table (InnoDB) is created with `CREATE TABLE IF NOT EXISTS` on each
 * new connection before its first write. The connection URL names the database: `mysql://user:pw@host:3306/app`.
 *
 * @example
 * const heartbeat = new MysqlHeartbeatProbe({ connection: { secret: 'prod/orders-db' }, secrets, intervalMs: 1000 });
 * const run = await startRun({ …, clock: realClock, probes: { heartbeat } });
 * await run.completion;
 * heartbeat.close();
 */
export class MysqlHeartbeatProbe implements HeartbeatProbe {
  readonly target: string;
  readonly intervalMs: number;
  readonly #options: ResolvedSqlHeartbeatOptions;
  readonly #writer: HeartbeatConnection<Connection>;
  readonly #table: string;

  constructor(options: SqlHeartbeatProbeOptions) {
    this.#options = resolveSqlHeartbeatOptions('mysql', options);
    this.intervalMs = options.intervalMs;
    this.#table = `\`${this.#options.table}\``;
    this.target = `mysql ${this.#options.table} (source ${this.#options.source}) via ${describeConnectionReference(options.connection)}`;
    this.#writer = this.#connection();
  }

  async write(beat: Heartbeat, signal: AbortSignal): Promise<void> {
    await this.#writer.use(
      signal,
      // Assignments run left to right: `seq` compares with the old `at_ms` before `at_ms` moves on, so a late
      // write never moves the heartbeat back.
      (connection) =>
        connection.query({
          sql: `INSERT INTO ${this.#table} (source, seq, at_ms) VALUES (?, ?, ?)
                ON DUPLICATE KEY UPDATE seq = IF(VALUES(at_ms) >= at_ms, VALUES(seq), seq), at_ms = GREATEST(at_ms, VALUES(at_ms))`,
          values: [this.#options.source, beat.seq, beat.at],
          timeout: this.#options.statementTimeoutMs,
        }),
      (connection) => this.#createTable(connection),
    );
  }

  /**
   * Reads the newest heartbeat on the writer the endpoint reaches now, over a fresh connection. With
   * `requireWriter`, a server with `read_only` on (a replica, or a fenced old primary) is refused.
   */
  async readNewest(signal: AbortSignal): Promise<Heartbeat | undefined> {
    this.#writer.close();
    return this.#read(this.#connection(), signal, this.#options.requireWriter);
  }

  /**
   * Reads the newest heartbeat on one copy of the database at its own endpoint (an isolated drill's restored copy,
   * read-only by design), with the connection's credentials: no writer check.
   */
  async readNewestOn(store: DataStoreLocation, signal: AbortSignal): Promise<Heartbeat | undefined> {
    if (store.address === undefined) throw new HeartbeatConnectionError(`${this.target}: ${store.identifier} in ${store.region} has no endpoint to read from yet`, 'no-endpoint');
    return this.#read(this.#connection({ host: store.address, ...(store.port ? { port: store.port } : {}) }), signal, false);
  }

  async #read(reader: HeartbeatConnection<Connection>, signal: AbortSignal, requireWriter: boolean): Promise<Heartbeat | undefined> {
    try {
      return await reader.use(signal, async (connection) => {
        if (requireWriter) {
          const [modes] = await connection.query<mysql.RowDataPacket[]>({ sql: 'SELECT @@global.read_only AS ro', timeout: this.#options.statementTimeoutMs });
          if (Number(modes[0]?.['ro']) === 1) {
            throw new HeartbeatConnectionError(`${this.target}: the endpoint reaches a read-only server (a replica or a fenced primary); the new writer is not reachable yet`, 'read-only');
          }
        }
        try {
          const [rows] = await connection.query<mysql.RowDataPacket[]>({
            sql: `SELECT seq, at_ms FROM ${this.#table} WHERE source = ?`,
            values: [this.#options.source],
            timeout: this.#options.statementTimeoutMs,
          });
          const row = rows[0];
          return row ? { seq: Number(row['seq']), at: Number(row['at_ms']) } : undefined;
        } catch (error) {
          if (isNoSuchTable(error)) return undefined;
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

  #connection(endpoint?: { host: string; port?: number }): HeartbeatConnection<Connection> {
    return new HeartbeatConnection({
      reference: this.#options.connection,
      driver: mysqlDriver(this.#options),
      ...(endpoint ? { endpoint } : {}),
      ...(this.#options.env ? { env: this.#options.env } : {}),
      ...(this.#options.secrets ? { secrets: this.#options.secrets } : {}),
    });
  }

  async #createTable(connection: Connection): Promise<void> {
    await connection.query({
      sql: `CREATE TABLE IF NOT EXISTS ${this.#table} (
              source VARCHAR(191) NOT NULL PRIMARY KEY,
              seq BIGINT NOT NULL,
              at_ms BIGINT NOT NULL,
              written_at TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3)
            ) ENGINE=InnoDB`,
      timeout: this.#options.statementTimeoutMs,
    });
  }
}
