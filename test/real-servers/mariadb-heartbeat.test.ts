import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FileRunStore, realClock, startRun } from '../../packages/core/src/index.js';
import { MysqlHeartbeatProbe } from '../../packages/strategies/src/probes/index.js';
import { lossTruth, recordingAcks } from './heartbeat-truth.js';
import { ensureInstalled } from './local-processes.js';
import { MariadbCluster } from './mariadb-cluster.js';
import { localFailoverSteps } from './local-failover-steps.js';
import { TcpProxy } from './tcp-proxy.js';

const INTERVAL = 200;

describe('MySQL heartbeat probe on a real MariaDB primary and replica', () => {
  let cluster: MariadbCluster | undefined;
  let proxy: TcpProxy | undefined;
  let dir: string | undefined;

  beforeAll(() => ensureInstalled('mariadb'), 15 * 60_000);
  afterEach(async () => {
    await proxy?.close();
    await cluster?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
    cluster = proxy = dir = undefined;
  });

  async function setUp(source: string): Promise<{ cluster: MariadbCluster; proxy: TcpProxy; probe: MysqlHeartbeatProbe; store: FileRunStore }> {
    cluster = await MariadbCluster.start();
    proxy = await TcpProxy.start({ host: '127.0.0.1', port: cluster.primary.port });
    dir = mkdtempSync(join(tmpdir(), 'firedrill-maria-run-'));
    const probe = new MysqlHeartbeatProbe({ connection: { fromEnv: 'APP_DATABASE_URL' }, env: { APP_DATABASE_URL: cluster.appUrl(proxy.port) }, intervalMs: INTERVAL, source });
    return { cluster, proxy, probe, store: new FileRunStore(dir) };
  }

  it('ungraceful: the RPO it reports equals the heartbeats truly lost, within one interval', { timeout: 60_000 }, async () => {
    const source = 'maria-ungraceful';
    const { cluster, proxy, probe, store } = await setUp(source);
    const { probe: recording, acked, attempted } = recordingAcks(probe);
    let cut = { startedAt: 0, endedAt: 0 };
    const run = await startRun({
      subject: { plan: 'local-mariadb-ungraceful', objectives: { rtoMs: 60_000, rpoMs: 10_000 } },
      operation: 'drill',
      mode: 'ungraceful',
      steps: localFailoverSteps({ cluster, proxy, mode: 'ungraceful', source, lagMs: 1_000, onCut: (w) => (cut = w) }),
      clock: realClock,
      store,
      probes: { heartbeat: recording },
    });
    const report = await run.completion;
    probe.close();
    expect(report.status).toBe('succeeded');

    // Truth, read directly from the servers: the promoted standby's newest heartbeat, and every heartbeat
    // the primary acknowledged after it — written, confirmed, and gone.
    const survivor = await cluster.heartbeatOn(cluster.replica, source);
    expect(await cluster.isWriter(cluster.replica)).toBe(true);
    const disasterAt = Date.parse(report.disasterAt!);
    const { lost, lostSinceMs, unacknowledgedBetween } = lossTruth(acked, attempted, survivor!.seq, disasterAt);
    expect(lost.length).toBeGreaterThanOrEqual(3); // a real loss: ~1 s of heartbeats every 200 ms
    expect(lost.every((b) => b.at <= disasterAt)).toBe(true);

    const measuredMs = report.rpo.seconds! * 1000;
    console.info(
      `mariadb ungraceful: RPO measured ${measuredMs} ms; truly lost ${lost.length} acknowledged heartbeats, the oldest written ${lostSinceMs} ms before the crash` +
        `${unacknowledgedBetween ? ` (${unacknowledgedBetween} unacknowledged write(s) just before it)` : ''}; cut-to-crash ${disasterAt - cut.endedAt} ms`,
    );
    expect(report.rpo).toMatchObject({ source: 'heartbeat', precisionSeconds: INTERVAL / 1000 });
    expect(run.state().rpo?.detail).toMatchObject({ newestSeq: survivor!.seq });
    // Never less than the truth (every lost acknowledged write is covered), and at most one interval more
    // (the gap between the newest surviving heartbeat and the first lost one; 25 ms for timer jitter; a
    // write that timed out in between widens the gap by its interval).
    expect(measuredMs).toBeGreaterThanOrEqual(lostSinceMs);
    expect(measuredMs - lostSinceMs).toBeLessThanOrEqual((1 + unacknowledgedBetween) * INTERVAL + 25);
    // And the lag the test created: from the cut to the crash.
    expect(measuredMs).toBeGreaterThanOrEqual(disasterAt - cut.endedAt - INTERVAL);
    expect(measuredMs).toBeLessThanOrEqual(disasterAt - cut.startedAt + (1 + unacknowledgedBetween) * INTERVAL + 25);

    // The password never reaches the journal or the report.
    const journal = readFileSync(run.journalPath!, 'utf8') + readFileSync(store.reportPath(report.runId), 'utf8');
    expect(journal).not.toContain(MariadbCluster.appPassword);
  });

  it('graceful switchover (fence, catch up, promote): RPO 0, and heartbeats resume on the new writer', { timeout: 60_000 }, async () => {
    const source = 'maria-graceful';
    const { cluster, proxy, probe, store } = await setUp(source);
    const { probe: recording, acked } = recordingAcks(probe);
    const run = await startRun({
      subject: { plan: 'local-mariadb-graceful', objectives: { rtoMs: 60_000, rpoMs: 10_000 } },
      operation: 'failover',
      mode: 'graceful',
      steps: localFailoverSteps({ cluster, proxy, mode: 'graceful', source }),
      clock: realClock,
      store,
      probes: { heartbeat: recording },
    });
    const report = await run.completion;
    expect(report.status).toBe('succeeded');
    expect(report.rpo).toMatchObject({ seconds: 0, source: 'heartbeat', met: true });
    // Truth: nothing the primary acknowledged is missing on the promoted standby.
    const survivor = await cluster.heartbeatOn(cluster.replica, source);
    expect(survivor!.seq).toBe(Math.max(...acked.map((b) => b.seq)));

    // The endpoint moved: the same probe reconnects and writes to the new writer.
    await probe.write({ seq: 10_000, at: Date.now() }, new AbortController().signal);
    expect((await cluster.heartbeatOn(cluster.replica, source))?.seq).toBe(10_000);
    probe.close();
  });

  it('creates its table idempotently and never holds a transaction open', { timeout: 30_000 }, async () => {
    const { cluster, probe } = await setUp('maria-hygiene');
    const signal = new AbortController().signal;
    expect(await probe.readNewest(signal)).toBeUndefined(); // no table yet: no heartbeat, no error
    const second = new MysqlHeartbeatProbe({ connection: { fromEnv: 'U' }, env: { U: cluster.appUrl(cluster.primary.port) }, intervalMs: INTERVAL, source: 'maria-hygiene' });
    // Two probes create the table at once, and again on every new connection: IF NOT EXISTS.
    await Promise.all([probe.write({ seq: 1, at: 1_000 }, signal), second.write({ seq: 2, at: 2_000 }, signal)]);
    second.close();
    for (let seq = 3; seq <= 6; seq++) {
      await probe.write({ seq, at: seq * 1_000 }, signal);
      const open = await cluster.sql(cluster.primary, "SELECT count(*) FROM information_schema.innodb_trx t JOIN information_schema.processlist p ON p.id = t.trx_mysql_thread_id WHERE p.user = 'firedrill'");
      expect(open[0]?.[0]).toBe('0');
    }
    // A late write never moves the heartbeat back; the table holds one row per source.
    await probe.write({ seq: 2, at: 2_000 }, signal);
    expect(await probe.readNewest(signal)).toEqual({ seq: 6, at: 6_000 });
    expect((await cluster.sql(cluster.primary, 'SELECT count(*) FROM app.firedrill_heartbeat'))[0]?.[0]).toBe('1');
    probe.close();

    // Errors name the reference, never the URL or the password.
    const wrongPassword = cluster.appUrl(cluster.primary.port).replace(MariadbCluster.appPassword, 'not-the-password-x');
    const bad = new MysqlHeartbeatProbe({ connection: { fromEnv: 'BAD_URL' }, env: { BAD_URL: wrongPassword }, intervalMs: INTERVAL });
    const failure = (await bad.write({ seq: 1, at: 1 }, signal).catch((e: unknown) => e)) as Error;
    expect(failure.message).toContain('environment variable BAD_URL');
    expect(failure.message).not.toContain('not-the-password-x');
    const unset = new MysqlHeartbeatProbe({ connection: { fromEnv: 'UNSET_URL' }, env: {}, intervalMs: INTERVAL });
    await expect(unset.write({ seq: 1, at: 1 }, signal)).rejects.toThrow(/environment variable UNSET_URL: is not set/);
  });
});
