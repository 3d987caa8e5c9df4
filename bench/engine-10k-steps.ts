/**
 * 10,000 no-op steps, DAG width 100 (100 chains of 100), journal on disk with fsync, virtual clock.
 * Run in its own process so its peak RSS is its own. Prints `{ wallMs, peakRssMb, perStepUs }`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileRunStore, startRun, type StepDefinition, VirtualClock } from '../packages/core/src/index.js';

const STEPS = 10_000;
const WIDTH = 100;
const steps: StepDefinition[] = [];
for (let i = 0; i < STEPS; i++) {
  steps.push({ id: `s${i}`, title: `no-op ${i}`, kind: 'action', dependsOn: i < WIDTH ? [] : [`s${i - WIDTH}`], act: async () => undefined });
}
const dir = mkdtempSync(join(tmpdir(), 'firedrill-bench-'));
const started = performance.now();
const run = await startRun({ subject: { plan: 'bench-10k' }, operation: 'drill', steps, clock: new VirtualClock(), store: new FileRunStore(dir), concurrency: WIDTH });
const report = await run.completion;
const wallMs = performance.now() - started;
rmSync(dir, { recursive: true, force: true });
if (report.status !== 'succeeded') throw new Error(`bench run ended ${report.status}`);
process.stdout.write(JSON.stringify({ wallMs, peakRssMb: process.resourceUsage().maxRSS / 1024, perStepUs: (wallMs * 1000) / STEPS }));
