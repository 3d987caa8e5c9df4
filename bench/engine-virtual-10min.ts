/**
 * A run of ten simulated minutes with 50 polled waits (each condition becomes true at a seeded moment
 * within the ten minutes; polls adapt between 1 s and 5 s). Prints `{ wallMs, simulatedMs, polls }`.
 */
import { startRun, type StepDefinition, VirtualClock } from '../packages/core/src/index.js';

let seed = 42;
const random = (): number => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
const clock = new VirtualClock();
const t0 = clock.now();
let polls = 0;
const steps: StepDefinition[] = Array.from({ length: 50 }, (_, i) => {
  const readyAt = t0 + 60_000 + Math.floor(random() * 540_000);
  return {
    id: `wait-${i}`, title: `wait ${i}`, kind: 'wait', policy: { timeout: '15m', poll: { initialInterval: '1s', maximumInterval: '5s' } },
    poll: async () => {
      polls++;
      return clock.now() >= readyAt ? { status: 'success', value: true } : { status: 'retry', progress: 'pending' };
    },
  };
});
steps.push({ id: 'ten-minutes', title: 'ten minutes', kind: 'action', act: async (ctx) => ctx.clock.sleep(600_000, ctx.signal) });
const started = performance.now();
const run = await startRun({ subject: { plan: 'bench-virtual' }, operation: 'drill', steps, clock, store: false, concurrency: 64 });
const report = await run.completion;
if (report.status !== 'succeeded') throw new Error(`bench run ended ${report.status}`);
process.stdout.write(JSON.stringify({ wallMs: performance.now() - started, simulatedMs: clock.now() - t0, polls }));
