/**
 * A real PostgreSQL primary with an asynchronous streaming standby, on 127.0.0.1 and in a temporary folder:
 * initdb, pg_basebackup -R, pg_ctl. Servers run as the `postgres` user when we are root. The application
 * connects as `firedrill` (password, scram-sha-256) to database `app`; administration goes through the
 * servers' unix sockets as `postgres`.
 */
import { appendFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LocalReplicatedPair } from './local-failover-steps.js';
import { ensureInstalled, freePort, logTail, PORT_TAKEN, postgresBinDir, run, temporaryFolder, waitUntil } from './local-processes.js';

/** One server of the pair. */
export interface PostgresNode {
  readonly name: 'primary' | 'standby';
  /** Changes only if the port picked was taken before the server bound it (see `#start`). */
  port: number;
  readonly dataDir: string;
  readonly logFile: string;
}

const OS_USER = 'postgres';
const APP_PASSWORD = 'heartbeat-secret-pw';
const REPLICATION_PASSWORD = 'replication-secret-pw';

/**
 * @example
 * const cluster = await PostgresCluster.start();
 * process.env.DATABASE_URL = cluster.appUrl(cluster.primary.port);
 * await cluster.cutReplication();  // the standby stops receiving WAL: a known lag begins
 * await cluster.crashPrimary();    // pg_ctl stop -m immediate
 * await cluster.promoteStandby();  // pg_ctl promote
 * await cluster.stop();            // both servers stopped, the folder removed
 */
export class PostgresCluster implements LocalReplicatedPair {
  readonly promoteHow = 'pg_ctl promote';

  private constructor(
    readonly root: string,
    readonly bin: string,
    readonly primary: PostgresNode,
    readonly standby: PostgresNode,
  ) {}

  /** The password of the application role; tests check it never reaches a journal or report. */
  static readonly appPassword = APP_PASSWORD;

  /** Installs PostgreSQL if missing, then starts the primary and its streaming standby. */
  static async start(): Promise<PostgresCluster> {
    await ensureInstalled('postgres');
    const bin = postgresBinDir();
    if (!bin) throw new Error('PostgreSQL binaries not found under /usr/lib/postgresql/<major>/bin after install');
    const root = temporaryFolder('firedrill-pg-', OS_USER);
    const [primaryPort, standbyPort] = [await freePort(), await freePort()];
    const node = (name: 'primary' | 'standby', port: number): PostgresNode => ({ name, port, dataDir: join(root, name), logFile: join(root, `${name}.log`) });
    const cluster = new PostgresCluster(root, bin, node('primary', primaryPort), node('standby', standbyPort));
    try {
      await cluster.#initPrimary();
      await cluster.#cloneStandby();
      await cluster.waitStreaming();
    } catch (error) {
      await cluster.stop();
      throw error;
    }
    return cluster;
  }

  /** The application's connection URL to a server (or a proxy) listening on `port`. */
  appUrl(port: number): string {
    return `postgres://firedrill:${APP_PASSWORD}@127.0.0.1:${port}/app`;
  }

  /** Runs SQL as the superuser over the node's unix socket; returns the rows, tab-separated. */
  async sql(node: PostgresNode, ...statements: string[]): Promise<string[][]> {
    const args = ['-h', this.root, '-p', String(node.port), '-U', 'postgres', '-d', 'app', '-X', '-A', '-t', '-q', '-F', '\t', '-v', 'ON_ERROR_STOP=1'];
    for (const s of statements) args.push('-c', s);
    const { stdout } = await run(join(this.bin, 'psql'), args, { timeoutMs: 10_000 });
    return stdout.split('\n').filter((l) => l.length > 0).map((l) => l.split('\t'));
  }

  /** Waits until the standby's walreceiver is streaming from the primary. */
  async waitStreaming(): Promise<void> {
    await waitUntil('the standby to stream from the primary', async () => (await this.sql(this.standby, "SELECT status FROM pg_stat_wal_receiver"))[0]?.[0] === 'streaming');
  }

  /**
   * Stops the standby receiving WAL (its walreceiver ends; replay of what it has continues): from now on
   * every commit on the primary is one the standby will not have.
   */
  async cutReplication(): Promise<void> {
    await this.sql(this.standby, "ALTER SYSTEM SET primary_conninfo = ''", 'SELECT pg_reload_conf()');
    await waitUntil('the standby walreceiver to stop', async () => (await this.sql(this.standby, 'SELECT count(*) FROM pg_stat_wal_receiver'))[0]?.[0] === '0');
  }

  /** Stops the primary hard: no shutdown checkpoint, nothing more sent to anyone. */
  async crashPrimary(): Promise<void> {
    await this.#pgCtl('stop', this.primary, ['-m', 'immediate']);
  }

  /** Fences the primary: new transactions are read-only, application sessions are ended. */
  async fencePrimary(): Promise<void> {
    await this.sql(this.primary, 'ALTER SYSTEM SET default_transaction_read_only = on', 'SELECT pg_reload_conf()');
    await waitUntil('the primary to refuse writes', async () => (await this.sql(this.primary, 'SHOW default_transaction_read_only'))[0]?.[0] === 'on');
    await this.sql(this.primary, "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE usename = 'firedrill'");
  }

  /** Whether the standby has replayed everything the primary has written (graceful switchover). */
  async standbyCaughtUp(): Promise<boolean> {
    const [[primaryLsn] = []] = await this.sql(this.primary, 'SELECT pg_current_wal_lsn()');
    const [[behind] = []] = await this.sql(this.standby, `SELECT pg_wal_lsn_diff('${primaryLsn}', pg_last_wal_replay_lsn()) > 0`);
    return behind === 'f';
  }

  /** Promotes the standby to a writer and waits until it accepts writes. */
  async promoteStandby(): Promise<void> {
    await this.#pgCtl('promote', this.standby, ['-w', '-t', '30']);
  }

  /** Whether `node` is a writer now (not in recovery). */
  async isWriter(node: PostgresNode): Promise<boolean> {
    return (await this.sql(node, 'SELECT pg_is_in_recovery()'))[0]?.[0] === 'f';
  }

  /** The heartbeat row `(seq, at_ms)` a server holds for `source`, read directly (not through a probe). */
  async heartbeatOn(node: PostgresNode, source: string, table = 'firedrill_heartbeat'): Promise<{ seq: number; at: number } | undefined> {
    const rows = await this.sql(node, `SELECT seq, at_ms FROM ${table} WHERE source = '${source.replace(/'/g, "''")}'`);
    return rows[0] ? { seq: Number(rows[0][0]), at: Number(rows[0][1]) } : undefined;
  }

  get standbyPort(): number {
    return this.standby.port;
  }

  standbyHeartbeat(source: string): Promise<{ seq: number; at: number } | undefined> {
    return this.heartbeatOn(this.standby, source);
  }

  standbyIsWriter(): Promise<boolean> {
    return this.isWriter(this.standby);
  }

  /** Stops both servers (hard) and removes the folder. Safe to call twice. */
  async stop(): Promise<void> {
    for (const node of [this.standby, this.primary]) {
      await this.#pgCtl('stop', node, ['-m', 'immediate']).catch(() => {});
    }
    rmSync(this.root, { recursive: true, force: true });
  }

  async #pgCtl(action: string, node: PostgresNode, extra: string[]): Promise<void> {
    await run(join(this.bin, 'pg_ctl'), [action, '-D', node.dataDir, ...extra], { asUser: OS_USER, timeoutMs: 60_000 });
  }

  /** Starts a server; if its port was taken meanwhile, on another one (the last `port =` line of the config wins). */
  async #start(node: PostgresNode): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await run(join(this.bin, 'pg_ctl'), ['start', '-D', node.dataDir, '-l', node.logFile, '-w', '-t', '60'], { asUser: OS_USER, timeoutMs: 70_000 });
        return;
      } catch (error) {
        const log = logTail(node.logFile);
        if (attempt < 3 && PORT_TAKEN.test(log)) {
          node.port = await freePort();
          appendFileSync(join(node.dataDir, 'postgresql.conf'), `port = ${node.port}\n`);
          continue;
        }
        throw new Error(`${(error as Error).message}\n--- ${node.logFile} ---\n${log}`);
      }
    }
  }

  async #initPrimary(): Promise<void> {
    const { primary } = this;
    const pwfile = join(this.root, 'superuser.pw');
    writeFileSync(pwfile, 'unused-superuser-pw\n', { mode: 0o644 });
    await run(join(this.bin, 'initdb'), ['-D', primary.dataDir, '-U', 'postgres', '--auth-local=trust', '--auth-host=scram-sha-256', `--pwfile=${pwfile}`, '-N', '-E', 'UTF8', '--locale=C'], {
      asUser: OS_USER,
      timeoutMs: 120_000,
    });
    appendFileSync(
      join(primary.dataDir, 'postgresql.conf'),
      [
        `listen_addresses = '127.0.0.1'`,
        `port = ${primary.port}`,
        `unix_socket_directories = '${this.root}'`,
        `wal_level = replica`,
        `max_wal_senders = 5`,
        `hot_standby = on`,
        `synchronous_commit = on`,
        `synchronous_standby_names = ''`,
        `fsync = off`,
        `shared_buffers = 32MB`,
        `max_connections = 40`,
        `wal_receiver_status_interval = 1s`,
        '',
      ].join('\n'),
    );
    await this.#start(primary);
    await run(join(this.bin, 'psql'), ['-h', this.root, '-p', String(primary.port), '-U', 'postgres', '-d', 'postgres', '-X', '-q', '-v', 'ON_ERROR_STOP=1',
      '-c', `CREATE ROLE replicator WITH REPLICATION LOGIN PASSWORD '${REPLICATION_PASSWORD}'`,
      '-c', `CREATE ROLE firedrill WITH LOGIN PASSWORD '${APP_PASSWORD}'`,
      '-c', 'CREATE DATABASE app OWNER firedrill']);
  }

  async #cloneStandby(): Promise<void> {
    const { primary, standby } = this;
    await run(
      join(this.bin, 'pg_basebackup'),
      ['-d', `host=127.0.0.1 port=${primary.port} user=replicator password=${REPLICATION_PASSWORD}`, '-D', standby.dataDir, '-R', '-X', 'stream', '-c', 'fast', '--no-sync'],
      { asUser: OS_USER, timeoutMs: 120_000 },
    );
    appendFileSync(join(standby.dataDir, 'postgresql.conf'), `port = ${standby.port}\n`);
    await this.#start(standby);
  }
}
