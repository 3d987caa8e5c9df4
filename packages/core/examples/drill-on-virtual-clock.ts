/**
 * The README's first command: validate a plan, run a live drill of it on the virtual clock against a
 * tabletop world (promote the replica, scale compute, switch DNS), and print the measured RTO and RPO.
 * `firedrill demo` replaces it once the CLI and the sandbox are in.
 *
 *   pnpm example [plan.yaml]
 */
import { join } from 'node:path';
import { FileRunStore, formatDuration, isPlanValidationError, loadPlanFile, startRun, VirtualClock } from '../src/index.js';
import { ReplicatedApp } from './tabletop-app.js';

const planPath = process.argv[2] ?? join(import.meta.dirname, 'tabletop-drill.yaml');

async function main(): Promise<number> {
  const plan = await loadPlanFile(planPath);
  const clock = new VirtualClock({ start: '2026-11-22T03:00:00Z' });
  // 4.5 s of replication lag; promotion 5 min, scale-out 3 min, DNS 1 min (the tabletop's latencies).
  const app = new ReplicatedApp(clock, 4_500);
  const health = plan.probes?.health;
  const heartbeat = plan.probes?.heartbeat;
  const run = await startRun({
    subject: { plan: plan.metadata.name, strategy: plan.strategy.name, target: plan.target, objectives: { rtoMs: plan.objectives.rto, rpoMs: plan.objectives.rpo } },
    operation: 'drill',
    drill: 'live',
    mode: 'ungraceful',
    steps: app.drillSteps(),
    clock,
    store: new FileRunStore(join(process.cwd(), '.firedrill')),
    concurrency: plan.concurrency,
    rollback: plan.rollback,
    steadyStateMs: 0, // the tabletop drill observes its own steady state first
    probes: {
      ...(health ? { health: app.healthProbe(health.interval, health.consecutive) } : {}),
      ...(heartbeat ? { heartbeat: app.heartbeatProbe(heartbeat.interval) } : {}),
    },
  });
  run.events.subscribe((e) => {
    if (e.type === 'step.started') console.log(`${new Date(e.at).toISOString()}  ▶ ${e.stepId}`);
    if (e.type === 'step.succeeded') console.log(`${new Date(e.at).toISOString()}  ✔ ${e.stepId}`);
    if (e.type === 'service.restored') console.log(`${new Date(e.restoredAt).toISOString()}  ♥ service restored (${e.source})`);
  });
  const report = await run.completion;
  const verdict = (met: boolean | null): string => (met === null ? 'no objective' : met ? 'met' : 'MISSED');
  console.log(`\nDrill ${report.runId}: ${report.status}`);
  console.log(`  RTO ${formatDuration((report.rto.seconds ?? 0) * 1000)} (${report.rto.source}) against ${formatDuration(plan.objectives.rto)}: ${verdict(report.rto.met)}`);
  console.log(`  RPO ${report.rpo.seconds ?? '?'}s ±${report.rpo.precisionSeconds ?? '?'}s (${report.rpo.source}) against ${formatDuration(plan.objectives.rpo)}: ${verdict(report.rpo.met)}`);
  console.log(`  Critical path: ${report.criticalPath.map((e) => `${e.stepId} ${e.seconds}s`).join(' → ')}`);
  console.log(`  Report: ${new FileRunStore(join(process.cwd(), '.firedrill')).reportPath(report.runId)}`);
  return report.status === 'succeeded' && report.rto.met !== false && report.rpo.met !== false ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (isPlanValidationError(error)) {
      console.error((error as Error).message);
      process.exit(2);
    }
    console.error(error);
    process.exit(1);
  },
);
