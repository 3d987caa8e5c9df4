/**
 * Watch a measured RPO on real databases, without an AWS account: starts a PostgreSQL primary and an
 * asynchronous streaming standby on 127.0.0.1 (in a temporary folder, installing PostgreSQL from Debian's
 * packages if it is missing and we are root), puts a TCP proxy in front as the application's endpoint, and
 * runs a failover with Firedrill's engine on the real clock — the plan's probes (HTTP health, PostgreSQL
 * heartbeat), journal and report — then prints RTO and RPO and what truly happened. Everything is stopped
 * and removed afterwards.
 *
 *   node --conditions=firedrill-source --import tsx packages/runbooks/examples/local-postgres.ts [ungraceful|graceful] [plan.yaml]
 *
 * ungraceful (default): replication is cut for one second, the primary is stopped hard, the standby promoted:
 * the heartbeats written in that second are lost, and the RPO says so. graceful: the primary is fenced, the
 * standby catches up, then is promoted: RPO 0.
 */
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { FileRunStore, formatDuration, isPlanValidationError, loadPlanFile, realClock, startRun } from '@firedrill/core';
import { probesFromPlan } from '@firedrill/strategies';
import { recordingAcks } from '../../../test/real-servers/heartbeat-truth.js';
import { localFailoverSteps } from '../../../test/real-servers/local-failover-steps.js';
import { run as runCommand } from '../../../test/real-servers/local-processes.js';
import { PostgresCluster } from '../../../test/real-servers/postgres-cluster.js';
import { TcpProxy } from '../../../test/real-servers/tcp-proxy.js';

const mode = process.argv[2] === 'graceful' ? 'graceful' : 'ungraceful';
const planPath = process.argv[3] ?? join(import.meta.dirname, 'local-postgres.yaml');

/**
 * The application's health endpoint: 200 "writable" when a write transaction through the public endpoint
 * (the proxy) lands on the recovery server (the standby), i.e. the recovery side serves writes.
 */
async function startHealthApp(port: number, cluster: PostgresCluster, endpointUrl: string): Promise<Server> {
  const query = `SELECT NOT pg_is_in_recovery() AND current_setting('transaction_read_only') = 'off' AND inet_server_port() = ${cluster.standby.port}`;
  const server = createServer((_req, res) => {
    runCommand(join(cluster.bin, 'psql'), [endpointUrl, '-X', '-A', '-t', '-c', query], { timeoutMs: 2_000 }).then(
      ({ stdout }) => (stdout.trim() === 't' ? res.writeHead(200).end('writable') : res.writeHead(503).end('not the recovery writer')),
      () => res.writeHead(503).end('database unreachable'),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error) => reject(new Error(`health app: cannot listen on 127.0.0.1:${port} (${(error as Error).message}); change probes.health.url`)));
    server.listen(port, '127.0.0.1', resolve);
  });
  return server;
}

async function main(): Promise<number> {
  const plan = await loadPlanFile(planPath);
  const health = plan.probes?.health;
  const heartbeat = plan.probes?.heartbeat;
  if (health?.kind !== 'http' || heartbeat?.kind !== 'postgres' || heartbeat.connection.fromEnv === undefined) {
    throw new Error(`${planPath}: this example needs probes.health of kind http and probes.heartbeat of kind postgres with connection.fromEnv`);
  }
  console.log(`Starting a PostgreSQL primary and streaming standby on 127.0.0.1…`);
  const cluster = await PostgresCluster.start();
  const proxy = await TcpProxy.start({ host: '127.0.0.1', port: cluster.primary.port });
  const endpointUrl = cluster.appUrl(proxy.port);
  let app: Server | undefined;
  const { probes, close } = probesFromPlan(plan, { env: { [heartbeat.connection.fromEnv]: endpointUrl } });
  // The truth to compare with: every heartbeat the primary acknowledged.
  const { probe: recorded, acked } = recordingAcks(probes.heartbeat!);
  try {
    app = await startHealthApp(Number(new URL(health.url).port), cluster, endpointUrl);
    console.log(`  primary :${cluster.primary.port}  standby :${cluster.standby.port}  endpoint (proxy) :${proxy.port}  health ${health.url}\n`);
    const store = new FileRunStore(join(process.cwd(), '.firedrill'));
    const run = await startRun({
      subject: { plan: plan.metadata.name, strategy: 'local-postgres', target: 'local', objectives: { rtoMs: plan.objectives.rto, rpoMs: plan.objectives.rpo } },
      operation: mode === 'graceful' ? 'failover' : 'drill',
      mode,
      steps: localFailoverSteps({ cluster, proxy, mode, source: plan.metadata.name, lagMs: 1_000 }),
      clock: realClock,
      store,
      probes: { ...probes, heartbeat: recorded },
    });
    run.events.subscribe((e) => {
      if (e.type === 'step.started') console.log(`${new Date(e.at).toISOString()}  ▶ ${e.stepId}`);
      if (e.type === 'disaster.declared') console.log(`${new Date(e.at).toISOString()}  ✖ disaster declared`);
      if (e.type === 'service.restored') console.log(`${new Date(e.restoredAt).toISOString()}  ♥ service restored (${e.source})`);
    });
    const report = await run.completion;
    const verdict = (met: boolean | null): string => (met === null ? 'no objective' : met ? 'met' : 'MISSED');
    const newestSeq = (run.state().rpo?.detail as { newestSeq?: number } | undefined)?.newestSeq;
    console.log(`\n${mode} failover ${report.runId}: ${report.status}`);
    console.log(`  RTO ${report.rto.seconds ?? '?'}s (${report.rto.source}) against ${formatDuration(plan.objectives.rto)}: ${verdict(report.rto.met)}`);
    console.log(`  RPO ${report.rpo.seconds ?? '?'}s ±${report.rpo.precisionSeconds ?? '?'}s (${report.rpo.source}) against ${formatDuration(plan.objectives.rpo)}: ${verdict(report.rpo.met)}`);
    if (newestSeq !== undefined) {
      const lost = acked.filter((beat) => beat.seq > newestSeq);
      const lastAcked = acked.at(-1)?.seq ?? 0;
      console.log(`  Truth: the old primary acknowledged heartbeats up to #${lastAcked}; the promoted standby has #${newestSeq}: ${lost.length} lost (${lost.length * heartbeat.interval} ms of writes)`);
    }
    console.log(`  Critical path: ${report.criticalPath.map((e) => `${e.stepId} ${e.seconds}s`).join(' → ')}`);
    console.log(`  Report: ${store.reportPath(report.runId)}`);
    return report.status === 'succeeded' && report.rto.met !== false && report.rpo.met !== false ? 0 : 1;
  } finally {
    close();
    app?.close();
    await proxy.close();
    await cluster.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(isPlanValidationError(error) ? (error as Error).message : error);
    process.exit(isPlanValidationError(error) ? 2 : 1);
  },
);
