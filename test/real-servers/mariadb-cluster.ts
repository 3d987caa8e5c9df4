/**
 * A real MariaDB primary with a replica (GTID replication through a replication user, no
 * --skip-grant-tables), on 127.0.0.1 and in a temporary folder. The servers run as the `mysql` user. The
 * application connects as `firedrill` (password) to database `app`, without SUPER or READ ONLY ADMIN, so
 * `read_only` fences it; administration goes through the unix sockets as root (unix_socket auth).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { LocalReplicatedPair } from './local-failover-steps.js';
import { ensureInstalled, freePort, logTail, PORT_TAKEN, run, temporaryFolder, waitUntil } from './local-processes.js';

/** One server of the pair. */
export interface MariadbNode {
  readonly name: 'primary' | 'replica';
  /** Changes only if the port picked was taken before the server bound it (see `#startServer`). */
  port: number;
  readonly serverId: number;
  readonly dataDir: string;
  readonly socket: string;
  process?: ChildProcess;
}

const OS_USER = 'mysql';
const APP_PASSWORD = 'heartbeat-secret-pw';
const REPLICATION_PASSWORD = 'replication-secret-pw';

const mariadbd = (): string => (existsSync('/usr/sbin/mariadbd') ? '/usr/sbin/mariadbd' : 'mariadbd');

/**
 * @example
 * const cluster = await MariadbCluster.start();
 * await cluster.cutReplication(); // STOP SLAVE IO_THREAD: a known lag begins
 * await cluster.crashPrimary();   // SIGKILL
 * await cluster.promoteStandby(); // apply the relay log, RESET SLAVE ALL, read_only OFF
 * await cluster.stop();
 */
export class MariadbCluster implements LocalReplicatedPair {
  readonly promoteHow = 'STOP SLAVE, RESET SLAVE ALL, read_only OFF';

  private constructor(
    readonly root: string,
    readonly primary: MariadbNode,
    readonly replica: MariadbNode,
  ) {}

  /** The application password; tests check it never reaches a journal or report. */
  static readonly appPassword = APP_PASSWORD;

  /** Installs MariaDB if missing, then starts the primary and a replica replicating from it. */
  static async start(): Promise<MariadbCluster> {
    await ensureInstalled('mariadb');
    const root = temporaryFolder('firedrill-maria-', OS_USER);
    const node = async (name: 'primary' | 'replica', serverId: number): Promise<MariadbNode> => ({
      name,
      serverId,
      port: await freePort(),
      dataDir: join(root, name),
      socket: join(root, `${name}.sock`),
    });
    const cluster = new MariadbCluster(root, await node('primary', 1), await node('replica', 2));
    try {
      await cluster.#install();
      await Promise.all([cluster.#startServer(cluster.primary), cluster.#startServer(cluster.replica)]);
      await cluster.#setUpReplication();
    } catch (error) {
      await cluster.stop();
      throw error;
    }
    return cluster;
  }

  /** The application's connection URL to a server (or a proxy) on `port`. */
  appUrl(port: number): string {
    return `mysql://firedrill:${APP_PASSWORD}@127.0.0.1:${port}/app`;
  }

  /** Runs SQL as root over the node's socket; returns rows, tab-separated. */
  async sql(node: MariadbNode, statements: string): Promise<string[][]> {
    const { stdout } = await run('mariadb', ['--no-defaults', `--socket=${node.socket}`, '-uroot', '-N', '-B', '-e', statements], { timeoutMs: 10_000 });
    return stdout.split('\n').filter((l) => l.length > 0).map((l) => l.split('\t'));
  }

  /** `SHOW SLAVE STATUS` of the replica, as a record. */
  async replicaStatus(): Promise<Record<string, string>> {
    const { stdout } = await run('mariadb', ['--no-defaults', `--socket=${this.replica.socket}`, '-uroot', '-e', 'SHOW SLAVE STATUS\\G'], { timeoutMs: 10_000 });
    const status: Record<string, string> = {};
    for (const line of stdout.split('\n')) {
      const match = /^\s*(\w+):\s?(.*)$/.exec(line);
      if (match) status[match[1]!] = match[2]!;
    }
    return status;
  }

  /** Stops the replica's IO thread: from now on the replica receives nothing from the primary. */
  async cutReplication(): Promise<void> {
    await this.sql(this.replica, 'STOP SLAVE IO_THREAD');
    await waitUntil('the replica IO thread to stop', async () => (await this.replicaStatus())['Slave_IO_Running'] === 'No');
  }

  /** Kills the primary (SIGKILL): nothing more is sent to anyone. */
  async crashPrimary(): Promise<void> {
    const child = this.primary.process;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }

  /** Fences the primary: `read_only` (the application user has no privilege to bypass it). */
  async fencePrimary(): Promise<void> {
    await this.sql(this.primary, 'SET GLOBAL read_only = ON');
  }

  /** Whether the replica has applied every transaction the primary has logged (graceful switchover). */
  async standbyCaughtUp(): Promise<boolean> {
    const [[position = ''] = []] = await this.sql(this.primary, 'SELECT @@gtid_binlog_pos');
    const [[waited] = []] = await this.sql(this.replica, `SELECT MASTER_GTID_WAIT('${position}', 0.05)`);
    return waited === '0';
  }

  /** Promotes the replica: applies what it received, forgets the primary, accepts writes. */
  async promoteStandby(): Promise<void> {
    await waitUntil('the replica to apply its relay log', async () => {
      const s = await this.replicaStatus();
      return s['Slave_SQL_Running'] !== 'Yes' || (s['Relay_Master_Log_File'] === s['Master_Log_File'] && s['Read_Master_Log_Pos'] === s['Exec_Master_Log_Pos']);
    });
    await this.sql(this.replica, 'STOP SLAVE; RESET SLAVE ALL; SET GLOBAL read_only = OFF');
  }

  /** Whether `node` accepts application writes. */
  async isWriter(node: MariadbNode): Promise<boolean> {
    return (await this.sql(node, 'SELECT @@global.read_only'))[0]?.[0] === '0';
  }

  /** The heartbeat row a server holds for `source`, read directly. */
  async heartbeatOn(node: MariadbNode, source: string, table = 'firedrill_heartbeat'): Promise<{ seq: number; at: number } | undefined> {
    const rows = await this.sql(node, `SELECT seq, at_ms FROM app.${table} WHERE source = '${source.replace(/'/g, "''")}'`).catch((error: Error) => {
      if (/doesn't exist/.test(error.message)) return [];
      throw error;
    });
    return rows[0] ? { seq: Number(rows[0][0]), at: Number(rows[0][1]) } : undefined;
  }

  get standbyPort(): number {
    return this.replica.port;
  }

  standbyHeartbeat(source: string): Promise<{ seq: number; at: number } | undefined> {
    return this.heartbeatOn(this.replica, source);
  }

  standbyIsWriter(): Promise<boolean> {
    return this.isWriter(this.replica);
  }

  /** Kills both servers and removes the folder. Safe to call twice. */
  async stop(): Promise<void> {
    for (const node of [this.replica, this.primary]) {
      const child = node.process;
      if (child && child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGKILL');
        await exited;
      }
    }
    rmSync(this.root, { recursive: true, force: true });
  }

  async #install(): Promise<void> {
    // One install, copied: both servers start from the same empty data directory.
    await run('mariadb-install-db', ['--no-defaults', `--datadir=${this.primary.dataDir}`, `--user=${OS_USER}`, '--skip-test-db', '--auth-root-authentication-method=socket'], {
      timeoutMs: 120_000,
    });
    cpSync(this.primary.dataDir, this.replica.dataDir, { recursive: true });
    await run('chown', ['-R', `${OS_USER}:${OS_USER}`, this.replica.dataDir]).catch(() => {});
  }

  /** Starts a server; if its port was taken meanwhile (another test's server, a client's local port), on another one. */
  async #startServer(node: MariadbNode): Promise<void> {
    const errorLog = join(this.root, `${node.name}.err`);
    for (let attempt = 1; ; attempt++) {
      try {
        await this.#startServerOnce(node, errorLog);
        return;
      } catch (error) {
        const log = logTail(errorLog);
        if (attempt < 3 && PORT_TAKEN.test(log)) {
          node.process?.kill('SIGKILL');
          node.port = await freePort();
          continue;
        }
        throw new Error(`${(error as Error).message}\n--- ${errorLog} ---\n${log}`);
      }
    }
  }

  async #startServerOnce(node: MariadbNode, errorLog: string): Promise<void> {
    const tmp = join(this.root, `${node.name}-tmp`);
    mkdirSync(tmp, { recursive: true });
    await run('chown', [`${OS_USER}:${OS_USER}`, tmp]).catch(() => {});
    const args = [
      '--no-defaults',
      `--datadir=${node.dataDir}`,
      `--socket=${node.socket}`,
      `--port=${node.port}`,
      '--bind-address=127.0.0.1',
      `--pid-file=${join(this.root, `${node.name}.pid`)}`,
      `--log-error=${errorLog}`,
      `--tmpdir=${tmp}`,
      `--user=${OS_USER}`,
      `--server-id=${node.serverId}`,
      '--log-bin=mariadb-bin',
      '--log-slave-updates',
      '--binlog-format=ROW',
      '--gtid-strict-mode=ON',
      '--skip-name-resolve',
      '--innodb-buffer-pool-size=32M',
      '--innodb-log-file-size=16M',
      '--max-connections=50',
      ...(node.name === 'replica' ? ['--read-only=ON'] : []),
    ];
    node.process = spawn(mariadbd(), args, { stdio: 'ignore' });
    node.process.on('error', () => {});
    await waitUntil(`MariaDB ${node.name} to accept connections (log: ${errorLog})`, async () => {
      if (node.process?.exitCode !== null) throw new Error(`mariadbd exited with code ${node.process?.exitCode}`);
      await this.sql(node, 'SELECT 1');
      return true;
    }, { timeoutMs: 60_000, everyMs: 100 });
  }

  async #setUpReplication(): Promise<void> {
    const { primary, replica } = this;
    // Written to the primary's binary log, so the replica gets the users and the database through replication.
    await this.sql(
      primary,
      `CREATE USER 'replicator'@'127.0.0.1' IDENTIFIED BY '${REPLICATION_PASSWORD}';
       GRANT REPLICATION SLAVE ON *.* TO 'replicator'@'127.0.0.1';
       CREATE DATABASE app;
       CREATE USER 'firedrill'@'127.0.0.1' IDENTIFIED BY '${APP_PASSWORD}';
       GRANT ALL PRIVILEGES ON app.* TO 'firedrill'@'127.0.0.1';`,
    );
    await this.sql(
      replica,
      `SET GLOBAL gtid_slave_pos = '';
       CHANGE MASTER TO MASTER_HOST = '127.0.0.1', MASTER_PORT = ${primary.port}, MASTER_USER = 'replicator',
         MASTER_PASSWORD = '${REPLICATION_PASSWORD}', MASTER_USE_GTID = slave_pos, MASTER_CONNECT_RETRY = 1;
       START SLAVE;`,
    );
    await waitUntil('the replica to replicate from the primary', async () => {
      const s = await this.replicaStatus();
      if (s['Last_IO_Error'] || s['Last_SQL_Error']) throw new Error(`replication error: ${s['Last_IO_Error'] || s['Last_SQL_Error']}`);
      return s['Slave_IO_Running'] === 'Yes' && s['Slave_SQL_Running'] === 'Yes' && (await this.sql(replica, "SELECT count(*) FROM mysql.user WHERE user = 'firedrill'"))[0]?.[0] === '1';
    });
  }
}
