import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  FileRunStore,
  type JournalEvent,
  OperatorError,
  resumeRun,
  type Run,
  startRun,
  StepFailure,
  type StepContext,
  type StepDefinition,
  VirtualClock,
} from '../src/index.js';

/** Records which steps really ran their `act`, and when (virtual ms since start). */
function world() {
  const acted: string[] = [];
  const step = (id: string, ms: number, extra: Partial<StepDefinition> = {}): StepDefinition =>
    ({
      id,
      title: `do ${id}`,
      kind: 'action',
      act: async (ctx: StepContext) => {
        await ctx.clock.sleep(ms, ctx.signal);
        acted.push(id);
      },
      ...extra,
    }) as StepDefinition;
  return { acted, step };
}

/** The next `step.ready` event (from now on, or already journaled after `afterSeq`). */
function nextReady(run: Run, seen: Set<string>, afterSeq = 0): Promise<string> {
  return new Promise((resolve) => {
    let done = false;
    const off = run.events.subscribe(
      (e: JournalEvent) => {
        if (!done && e.type === 'step.ready' && e.seq > afterSeq && !seen.has(e.stepId)) {
          done = true;
          seen.add(e.stepId);
          queueMicrotask(() => off());
          resolve(e.stepId);
        }
      },
      { replay: true },
    );
  });
}

describe('step-through runs (interactive runbooks)', () => {
  it('holds every ready step until the operator runs, skips or marks it done, and journals who did what', async () => {
    const { acted, step } = world();
    const clock = new VirtualClock();
    const run = await startRun({
      subject: { plan: 'step-through' },
      operation: 'failover',
      clock,
      store: false,
      stepThrough: true,
      holdOnFailure: true,
      steps: [step('fence', 1_000), step('promote', 5_000, { dependsOn: ['fence'] }), step('scale', 2_000, { dependsOn: ['fence'] }), step('dns', 500, { dependsOn: ['promote', 'scale'] })],
    });
    const seen = new Set<string>();
    expect(await nextReady(run, seen)).toBe('fence');
    // Nothing runs by itself: a held step waits however long the operator thinks.
    await clock.sleep(60_000);
    expect(acted).toEqual([]);
    expect(run.readySteps()).toEqual(['fence']);
    await expect(run.runStep('promote', 'ana')).rejects.toThrow(/waiting for the steps it depends on/);

    await run.runStep('fence', 'ana');
    const a = await nextReady(run, seen);
    const b = await nextReady(run, seen);
    expect([a, b].sort()).toEqual(['promote', 'scale']);
    expect(acted).toEqual(['fence']);
    await run.runStep('promote', 'ana');
    await run.markDone('scale', 'ben', 'scaled from the console');
    expect(await nextReady(run, seen)).toBe('dns');
    await run.skipStep('dns', 'ana', 'DNS already points at us-west-2');
    const report = await run.completion;

    expect(report.status).toBe('succeeded');
    expect(acted).toEqual(['fence', 'promote']);
    const byId = Object.fromEntries(report.steps.map((s) => [s.id, s]));
    expect(byId['scale']).toMatchObject({ status: 'succeeded', by: 'ben' });
    expect(byId['dns']).toMatchObject({ status: 'skipped' });
    expect(report.operatorActions.map((a) => `${a.by} ${a.action} ${a.stepId ?? ''}`.trim())).toEqual([
      'ana run fence',
      'ana run promote',
      'ben mark-done scale',
      'ana skip dns',
    ]);
    // When: the operator's decisions carry the run's clock, in order.
    const times = report.operatorActions.map((a) => Date.parse(a.at));
    expect([...times].sort((x, y) => x - y)).toEqual(times);
    expect(times[0]! - Date.parse(report.startedAt)).toBeGreaterThanOrEqual(60_000);
  });

  it('a retry is the operator running the failed step again; skips out of mode need no decision', async () => {
    const { step } = world();
    let failures = 1;
    const flaky: StepDefinition = {
      id: 'promote',
      title: 'promote',
      kind: 'action',
      policy: { retry: { maximumAttempts: 1 } },
      act: async () => {
        if (failures-- > 0) throw Object.assign(new Error('InvalidDBInstanceState'), { name: 'InvalidDBInstanceState', retryable: false });
      },
    };
    const run = await startRun({
      subject: { plan: 'step-through-retry' },
      operation: 'failover',
      mode: 'ungraceful',
      clock: new VirtualClock(),
      store: false,
      stepThrough: true,
      holdOnFailure: true,
      steps: [step('fence', 100, { modes: ['graceful'] }), { ...flaky, dependsOn: ['fence'] }],
    });
    const seen = new Set<string>();
    // `fence` is graceful-only: skipped without asking; `promote` is the first decision.
    expect(await nextReady(run, seen)).toBe('promote');
    const failed = new Promise<void>((resolve) => run.events.on('step.failed', () => resolve()));
    await run.runStep('promote', 'ana');
    await failed;
    await run.retryStep('promote', 'ana');
    const report = await run.completion;
    expect(report.status).toBe('succeeded');
    expect(report.steps.find((s) => s.id === 'fence')?.status).toBe('skipped');
    expect(report.operatorActions.map((a) => a.action)).toEqual(['run', 'retry']);
  });

  it('the operator leaves mid-run; resume continues stepping through where it stopped', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'firedrill-step-through-'));
    const store = new FileRunStore(dir);
    const { acted, step } = world();
    const steps = [step('fence', 1_000), step('promote', 5_000, { dependsOn: ['fence'] })];
    const clock = new VirtualClock();
    const run = await startRun({ subject: { plan: 'leave-and-resume' }, operation: 'failover', clock, store, stepThrough: true, steps });
    const seen = new Set<string>();
    await nextReady(run, seen);
    await run.runStep('fence', 'ana');
    await nextReady(run, seen);
    await run.leave('ana', 'handing over to ben');
    // The operator's process goes away here; another one resumes from the journal alone.
    const resumed = await resumeRun({ runId: run.runId, store, rebuild: () => ({ steps }), clock: new VirtualClock({ start: clock.now() }) });
    // Still stepped through: `promote` waits for a decision in the resumed run as well (a new `step.ready`,
    // not the one replayed from before the operator left).
    expect(await nextReady(resumed, new Set(), run.state().lastSeq)).toBe('promote');
    expect(resumed.readySteps()).toEqual(['promote']);
    expect(acted).toEqual(['fence']);
    await resumed.runStep('promote', 'ben');
    const report = await resumed.completion;
    expect(report.status).toBe('succeeded');
    expect(acted).toEqual(['fence', 'promote']);
    expect(report.operatorActions.map((a) => `${a.by} ${a.action}${a.stepId ? ' ' + a.stepId : ''}${a.note ? ': ' + a.note : ''}`)).toEqual([
      'ana run fence',
      'ana leave: handing over to ben',
      'ben run promote',
    ]);
  });

  it('refuses runStep on a run that is not stepped through', async () => {
    const { step } = world();
    const run = await startRun({ subject: { plan: 'not-stepped' }, operation: 'failover', clock: new VirtualClock(), store: false, steps: [step('a', 10_000)] });
    await expect(run.runStep('a', 'ana')).rejects.toBeInstanceOf(OperatorError);
    await run.completion;
  });
});

describe('VirtualClock.hold', () => {
  it('stands simulated time still while held and goes on when released', async () => {
    const clock = new VirtualClock({ start: 0 });
    let woke = false;
    const release = clock.hold();
    void clock.sleep(5_000).then(() => (woke = true));
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    expect(woke).toBe(false);
    expect(clock.now()).toBe(0);
    release();
    await clock.sleep(0);
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    expect(woke).toBe(true);
    expect(clock.now()).toBe(5_000);
  });
});

describe('leaving a run', () => {
  it('stops this process watching it: no more heartbeats or health checks, the clock idle, other controls refused', async () => {
    const clock = new VirtualClock();
    const beats: number[] = [];
    const run = await startRun({
      subject: { plan: 'left-run' }, operation: 'failover', clock, store: false, stepThrough: true,
      steps: [{ id: 'promote', title: 'promote', kind: 'action', act: async () => undefined }],
      probes: {
        heartbeat: { target: 'db', intervalMs: 1_000, write: async (beat) => void beats.push(beat.seq), readNewest: async () => undefined },
        health: { target: 'app', intervalMs: 1_000, consecutive: 3, check: async () => ({ healthy: true }) },
      },
    });
    await run.leave('ana', 'shift change');
    const events = run.state().lastSeq;
    const [now, written] = [clock.now(), beats.length];
    for (let i = 0; i < 200; i++) await new Promise((resolve) => setImmediate(resolve));
    expect(run.state().lastSeq).toBe(events);
    expect(beats.length).toBe(written);
    expect(clock.now()).toBe(now);
    await expect(run.runStep('promote', 'ana')).rejects.toThrow(/was left by ana: continue it with resumeRun\(\)/);
  });
});

describe('resumeRun without a clock', () => {
  it('gives rebuild the virtual clock the run goes on with, continuing the journal\'s time', async () => {
    const store = new FileRunStore(mkdtempSync(join(tmpdir(), 'firedrill-resume-clock-')));
    const steps: StepDefinition[] = [{ id: 'promote', title: 'promote', kind: 'action', act: async (ctx) => ctx.clock.sleep(60_000, ctx.signal) }];
    const first = await startRun({ subject: { plan: 'resume-clock' }, operation: 'failover', clock: new VirtualClock({ start: '2026-11-22T03:00:00Z' }), store, stepThrough: true, steps });
    await first.leave('ana');
    const left = first.state().lastEventAt;
    let given: number | undefined;
    const resumed = await resumeRun({ runId: first.runId, store, stepThrough: false, rebuild: (_started, { clock }) => {
      given = clock.now();
      return { steps: [{ id: 'promote', title: 'promote', kind: 'action', act: async (ctx) => { expect(ctx.clock).toBe(clock); await clock.sleep(60_000, ctx.signal); } }] };
    } });
    expect(given).toBe(left);
    expect((await resumed.completion).status).toBe('succeeded');
  });
});

describe('a safety check (guard) that failed', () => {
  it('cannot be skipped or marked done: only retried, or the run aborted', async () => {
    const run = await startRun({
      subject: { plan: 'guarded' }, operation: 'failback', clock: new VirtualClock(), store: false, holdOnFailure: true,
      steps: [
        { id: 'confirm-failed-over', title: 'confirm', kind: 'action', guard: true, act: async () => { throw new StepFailure('NotFailedOver: no failover to undo', { code: 'NotFailedOver', retryable: false }); } },
        { id: 'retire-primary', title: 'retire the primary', kind: 'action', dependsOn: ['confirm-failed-over'], act: async () => undefined },
      ],
    });
    await new Promise<void>((resolve) => run.events.subscribe((e) => void (e.type === 'step.failed' && resolve()), { replay: true }));
    await expect(run.skipStep('confirm-failed-over', 'ana')).rejects.toThrow('step "confirm-failed-over" is a safety check: it cannot be skipped');
    await expect(run.markDone('confirm-failed-over', 'ana')).rejects.toThrow('step "confirm-failed-over" is a safety check: it cannot be marked done by hand');
    await run.abort('ana', 'no failover to undo');
    const report = await run.completion;
    expect(report.steps.find((s) => s.id === 'retire-primary')?.status).toBe('pending');
  });
});
