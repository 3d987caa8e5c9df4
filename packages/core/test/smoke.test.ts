import { describe, expect, it } from 'vitest';
import { startRun, VirtualClock, type StepDefinition } from '../src/index.js';

describe('smoke', () => {
  it('runs a tiny graph', async () => {
    const clock = new VirtualClock({ start: '2026-01-01T00:00:00Z' });
    const steps: StepDefinition[] = [
      { id: 'a', title: 'A', kind: 'action', act: async (ctx) => { await ctx.clock.sleep(60_000, ctx.signal); return { ok: 1 }; } },
      { id: 'b', title: 'B', kind: 'action', dependsOn: ['a'], restoresService: true, act: async (ctx) => { await ctx.clock.sleep(30_000, ctx.signal); } },
    ];
    const run = await startRun({ subject: { plan: 'smoke', objectives: { rtoMs: 120_000 } }, operation: 'failover', steps, clock, store: false });
    const report = await run.completion;
    console.log(JSON.stringify(report, null, 1));
    expect(report.status).toBe('succeeded');
    expect(report.rto.seconds).toBe(90);
  });
});
