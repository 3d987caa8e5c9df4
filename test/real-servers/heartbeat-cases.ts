/**
 * The heartbeat-probe cases every real database runs (PostgreSQL with a streaming standby, MariaDB with a
 * replica): measured RPO against the heartbeats truly lost, RPO 0 on a graceful switchover, and probe hygiene.
 * Each engine's test file describes its cluster and probe; the cases are the same.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FileRunStore, type HeartbeatProbe, realClock, startRun } from '../../packages/core/src/index.js';
import { lossTruth, recordingAcks } from './heartbeat-truth.js';
import { ensureInstalled } from './local-processes.js';
import { type LocalReplicatedPair, localFailoverSteps } from './local-failover-steps.js';
import { TcpProxy } from './tcp-proxy.js';

/** A heartbeat probe that holds a connection to release. */
export type ClosableHeartbeatProbe = HeartbeatProbe & { close(): void };

/** What differs between engines. */
export interface HeartbeatEngine<C extends LocalReplicatedPair> {
  /** `postgres`, `mariadb`: for the install script, plan names and row keys. */
  name: 'postgres' | 'mariadb';
  title: string;
  start(): Promise<C>;
  stop(cluster: C): Promise<void>;
  /** The primary's port, where the proxy first points. */
  primaryPort(cluster: C): number;
  appUrl(cluster: C, port: number): string;
  appPassword: string;
  probe(options: { env: Record<string, string>; variable: string; source?: string; intervalMs: number }): ClosableHeartbeatProbe;
  /** Transactions the heartbeat connection holds open on the primary (must stay 0), as text. */
  openTransactions(cluster: C): Promise<string | undefined>;
  /** Rows of the heartbeat table on the primary, as text. */
  heartbeatRows(cluster: C): Promise<string | undefined>;
}

const INTERVAL = 200;

/** Polls `check` every 50 ms (real servers, real time) until it holds (an error counts as not yet), for at most 10 s. */
async function waitUntil(check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await check().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('condition not met within 10 s');
}

/** Registers the cases for one engine. */
export function heartbeatCases<C extends LocalReplicatedPair>(engine: HeartbeatEngine<C>): void {
  describe(engine.title, () => {
    let cluster: C | undefined;
    let proxy: TcpProxy | undefined;
    let dir: string | undefined;

    beforeAll(() => ensureInstalled(engine.name), 15 * 60_000);
    afterEach(async () => {
      await proxy?.close();
      if (cluster) await engine.stop(cluster);
      if (dir) rmSync(dir, { recursive: true, force: true });
      cluster = proxy = dir = undefined;
    });

    async function setUp(source: string): Promise<{ cluster: C; proxy: TcpProxy; probe: ClosableHeartbeatProbe; store: FileRunStore }> {
      cluster = await engine.start();
      proxy = await TcpProxy.start({ host: '127.0.0.1', port: engine.primaryPort(cluster) });
      dir = mkdtempSync(join(tmpdir(), `firedrill-${engine.name}-run-`));
      const probe = engine.probe({ variable: 'APP_DATABASE_URL', env: { APP_DATABASE_URL: engine.appUrl(cluster, proxy.port) }, intervalMs: INTERVAL, source });
      return { cluster, proxy, probe, store: new FileRunStore(dir) };
    }

    it('ungraceful: the RPO it reports equals the heartbeats truly lost, within one interval', { timeout: 60_000 }, async () => {
      const source = `${engine.name}-ungraceful`;
      const { cluster, proxy, probe, store } = await setUp(source);
      const { probe: recording, acked, attempted } = recordingAcks(probe);
      let cut = { startedAt: 0, endedAt: 0 };
      const run = await startRun({
        subject: { plan: `local-${engine.name}-ungraceful`, objectives: { rtoMs: 60_000, rpoMs: 10_000 } },
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
      const survivor = await cluster.standbyHeartbeat(source);
      expect(await cluster.standbyIsWriter()).toBe(true);
      const disasterAt = Date.parse(report.disasterAt!);
      const { lost, lostSinceMs, unacknowledgedBetween } = lossTruth(acked, attempted, survivor!.seq, disasterAt);
      expect(lost.length).toBeGreaterThanOrEqual(3); // a real loss: ~1 s of heartbeats every 200 ms
      expect(lost.every((b) => b.at <= disasterAt)).toBe(true);

      const measuredMs = report.rpo.seconds! * 1000;
      console.info(
        `${engine.name} ungraceful: RPO measured ${measuredMs} ms; truly lost ${lost.length} acknowledged heartbeats, the oldest written ${lostSinceMs} ms before the crash` +
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
      expect(journal).not.toContain(engine.appPassword);
    });

    it('graceful switchover (fence, catch up, promote): RPO 0, and heartbeats resume on the new writer', { timeout: 60_000 }, async () => {
      const source = `${engine.name}-graceful`;
      const { cluster, proxy, probe, store } = await setUp(source);
      const { probe: recording, acked } = recordingAcks(probe);
      const run = await startRun({
        subject: { plan: `local-${engine.name}-graceful`, objectives: { rtoMs: 60_000, rpoMs: 10_000 } },
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
      const survivor = await cluster.standbyHeartbeat(source);
      expect(survivor!.seq).toBe(Math.max(...acked.map((b) => b.seq)));

      // The endpoint moved: the same probe reconnects and writes to the new writer.
      await probe.write({ seq: 10_000, at: Date.now() }, new AbortController().signal);
      expect((await cluster.standbyHeartbeat(source))?.seq).toBe(10_000);
      probe.close();
    });

    it("reads a copy at its own endpoint (an isolated drill's copy): what the copy holds, not what the writer holds", { timeout: 60_000 }, async () => {
      const source = `${engine.name}-copy`;
      const { cluster, probe } = await setUp(source);
      const signal = new AbortController().signal;
      // The standby plays the drill copy: it holds what had replicated when replication was cut.
      for (let seq = 1; seq <= 5; seq++) await probe.write({ seq, at: 1_000 * seq }, signal);
      await waitUntil(async () => (await cluster.standbyHeartbeat(source))?.seq === 5);
      await cluster.cutReplication();
      for (let seq = 6; seq <= 8; seq++) await probe.write({ seq, at: 1_000 * seq }, signal);
      const copy = { region: 'local', identifier: 'standby', address: '127.0.0.1', port: cluster.standbyPort };
      expect(await probe.readNewestOn!(copy, signal)).toEqual({ seq: 5, at: 5_000 });
      // The application's endpoint still reaches the writer, which has the later beats.
      expect(await probe.readNewest(signal)).toEqual({ seq: 8, at: 8_000 });
      // A copy with no endpoint yet is an error the run falls back from, not "no heartbeat".
      await expect(probe.readNewestOn!({ region: 'local', identifier: 'standby' }, signal)).rejects.toThrow(/no endpoint/);
      probe.close();
    });

    it('creates its table idempotently and never holds a transaction open', { timeout: 30_000 }, async () => {
      const source = `${engine.name}-hygiene`;
      const { cluster, probe } = await setUp(source);
      const signal = new AbortController().signal;
      expect(await probe.readNewest(signal)).toBeUndefined(); // no table yet: no heartbeat, no error
      const second = engine.probe({ variable: 'U', env: { U: engine.appUrl(cluster, engine.primaryPort(cluster)) }, intervalMs: INTERVAL, source });
      // Two probes create the table at once, and again on every new connection: IF NOT EXISTS.
      await Promise.all([probe.write({ seq: 1, at: 1_000 }, signal), second.write({ seq: 2, at: 2_000 }, signal)]);
      second.close();
      for (let seq = 3; seq <= 6; seq++) {
        await probe.write({ seq, at: seq * 1_000 }, signal);
        expect(await engine.openTransactions(cluster)).toBe('0');
      }
      // A late write never moves the heartbeat back; the table holds one row per source.
      await probe.write({ seq: 2, at: 2_000 }, signal);
      expect(await probe.readNewest(signal)).toEqual({ seq: 6, at: 6_000 });
      expect(await engine.heartbeatRows(cluster)).toBe('1');
      probe.close();

      // Errors name the reference, never the URL or the password.
      const wrongPassword = engine.appUrl(cluster, engine.primaryPort(cluster)).replace(engine.appPassword, 'not-the-password-x');
      const bad = engine.probe({ variable: 'BAD_URL', env: { BAD_URL: wrongPassword }, intervalMs: INTERVAL });
      const failure = (await bad.write({ seq: 1, at: 1 }, signal).catch((e: unknown) => e)) as Error;
      expect(failure.message).toContain('environment variable BAD_URL');
      expect(failure.message).not.toContain('not-the-password-x');
      const unset = engine.probe({ variable: 'UNSET_URL', env: {}, intervalMs: INTERVAL });
      await expect(unset.write({ seq: 1, at: 1 }, signal)).rejects.toThrow(/environment variable UNSET_URL: is not set/);
    });
  });
}
