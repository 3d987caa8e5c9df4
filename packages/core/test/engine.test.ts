import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  FileRunStore,
  type JournalEvent,
  type Run,
  RunIdTakenError,
  RunLockedError,
  startRun,
  type StartRunOptions,
  type StepContext,
  type StepDefinition,
  StepFailure,
  StepGraphError,
  StepTimeoutFailure,
  VirtualClock,
} from '../src/index.js';

const sleepStep = (id: string, ms: number, extra: Partial<StepDefinition> = {}): StepDefinition =>
  ({ id, title: id, kind: 'action', act: async (ctx: StepContext) => ctx.clock.sleep(ms, ctx.signal), ...extra }) as StepDefinition;

function begin(steps: StepDefinition[], options: Partial<StartRunOptions> = {}): Promise<Run> {
  return startRun({ subject: { plan: 'engine-test' }, operation: 'failover', steps, clock: new VirtualClock(), store: false, ...options });
}

/** Resolves when an event matching `predicate` is published. */
function when(run: Run, predicate: (e: JournalEvent) => boolean): Promise<JournalEvent> {
  return new Promise((resolve) => {
    let done = false;
    const off = run.events.subscribe(
      (e) => {
        if (!done && predicate(e)) {
          done = true;
          queueMicrotask(() => off());
          resolve(e);
        }
      },
      { replay: true },
    );
  });
}

describe('step graph', () => {
  it('rejects cycles, unknown dependencies and duplicate ids, naming all of them', async () => {
    const steps: StepDefinition[] = [
      sleepStep('a', 1, { dependsOn: ['c'] }),
      sleepStep('b', 1, { dependsOn: ['a'] }),
      sleepStep('c', 1, { dependsOn: ['b'] }),
      sleepStep('d', 1, { dependsOn: ['nowhere'] }),
      sleepStep('d', 1),
    ];
    const error = await begin(steps).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StepGraphError);
    const message = (error as Error).message;
    expect(message).toContain('step "d" depends on unknown step "nowhere"');
    expect(message).toContain('step "d" is defined twice');
    expect(message).toMatch(/dependency cycle: (a → c → b → a|a → b → c → a|b → a → c → b|c → b → a → c)/);
  });
});

describe('run engine', () => {
  it('runs ready steps concurrently up to the limit, in dependency order', async () => {
    let inFlight = 0;
    let peak = 0;
    const order: string[] = [];
    const step = (id: string, dependsOn: string[] = []): StepDefinition => ({
      id, title: id, kind: 'action', dependsOn,
      act: async (ctx) => {
        inFlight++;
        peak = Math.max(peak, inFlight);
        await ctx.clock.sleep(10_000, ctx.signal);
        inFlight--;
        order.push(id);
      },
    });
    const steps = [step('a'), step('b'), step('c'), step('d'), step('e'), step('f', ['a', 'b', 'c', 'd', 'e'])];
    const clock = new VirtualClock();
    const run = await begin(steps, { concurrency: 2, clock });
    const report = await run.completion;
    expect(report.status).toBe('succeeded');
    expect(peak).toBe(2);
    expect(order.at(-1)).toBe('f');
    // Five 10 s steps two at a time take 30 s, then f 10 s.
    expect((Date.parse(report.endedAt!) - Date.parse(report.startedAt)) / 1000).toBe(40);
  });

  it('retries retryable failures with backoff on the clock and stops at once on non-retryable ones', async () => {
    let flaky = 0;
    let denied = 0;
    const steps: StepDefinition[] = [
      {
        id: 'flaky', title: 'flaky', kind: 'action', policy: { retry: { initialInterval: '2s', backoffCoefficient: 2, jitter: false, maximumAttempts: 4 } },
        act: async () => {
          if (++flaky < 3) throw new StepFailure('throttled', { code: 'ThrottlingException' });
          return 'ok';
        },
      },
      {
        id: 'denied', title: 'denied', kind: 'action', dependsOn: ['flaky'],
        policy: { retry: { nonRetryable: ['AccessDenied'], maximumAttempts: 5 } },
        act: async () => {
          denied++;
          throw Object.assign(new Error('User is not authorized to perform rds:PromoteReadReplica'), { name: 'AccessDenied' });
        },
      },
    ];
    const run = await begin(steps, { rollback: 'never' });
    const report = await run.completion;
    expect(flaky).toBe(3);
    expect(denied).toBe(1);
    const flakyStep = report.steps.find((s) => s.id === 'flaky')!;
    expect(flakyStep).toMatchObject({ status: 'succeeded', attempts: 3, seconds: 6 }); // 2 s + 4 s of backoff
    expect(report.steps.find((s) => s.id === 'denied')).toMatchObject({ status: 'failed', attempts: 1, error: { name: 'AccessDenied' } });
    expect(report.status).toBe('failed');
  });

  it('times out an attempt on the clock', async () => {
    const run = await begin([sleepStep('stuck', 3_600_000, { policy: { timeout: '30s', retry: { maximumAttempts: 2, jitter: false, initialInterval: '1s' } } })], { rollback: 'never' });
    const report = await run.completion;
    expect(report.steps[0]).toMatchObject({ status: 'failed', attempts: 2, error: { name: 'StepTimeoutFailure' } });
    expect(report.steps[0]!.seconds).toBe(61);
  });

  it('a step retried after throttled attempts timed out says how long it ran, over how many attempts, and what AWS answered', async () => {
    // Each attempt keeps retrying a throttled call inside itself until the step's 60 s timeout cuts it off.
    const throttledForever = async (ctx: StepContext): Promise<never> => {
      for (;;) {
        ctx.recordCall({ service: 'route53', region: 'us-east-1', command: 'ChangeResourceRecordSets', outcome: 'Throttling', throttled: true });
        await ctx.clock.sleep(7_000, ctx.signal);
      }
    };
    const policy = { timeout: '60s', retry: { maximumAttempts: 12, initialInterval: '5s', maximumInterval: '1m', jitter: false } };
    const run = await begin([{ id: 'drain-primary-weight', title: 'drain', kind: 'action', policy, act: throttledForever }], { rollback: 'never' });
    const step = (await run.completion).steps[0]!;
    // 12 attempts of 60 s, and 5+10+20+40+60×7 s of backoff between them: 20m15s, not "60s".
    expect(step).toMatchObject({ status: 'failed', attempts: 12, seconds: 1215, error: { name: 'StepTimeoutFailure', code: 'Timeout' } });
    expect(step.error!.message).toBe(
      'step drain-primary-weight gave up after 12 attempts over 20m15s (retry.maximumAttempts: 12): each attempt ran into the 60s timeout, a limit on one attempt, not on the step; ' +
        'last seen: Throttling from route53 ChangeResourceRecordSets in us-east-1 (AWS throttled 108 of 108 calls)',
    );
  });

  it('a retried step that gave up on its own error, or on a timeout of a wait inside it, keeps that error', async () => {
    const inner = await begin([{
      id: 'inner-wait', title: 'inner', kind: 'action', policy: { timeout: '10m', retry: { maximumAttempts: 2, jitter: false } },
      act: async () => { throw new StepTimeoutFailure('waiter changeInSync', 300_000); },
    }], { rollback: 'never' });
    expect((await inner.completion).steps[0]!.error?.message).toBe('waiter changeInSync did not finish within 300s');
    const once = await begin([sleepStep('stuck', 3_600_000, { policy: { timeout: '30s', retry: { maximumAttempts: 1 } } })], { rollback: 'never' });
    expect((await once.completion).steps[0]!.error?.message).toBe('step stuck did not finish within 30s');
  });

  it('compensates completed steps in reverse order of completion on failure', async () => {
    const undone: string[] = [];
    const compensated = (id: string, ms: number, dependsOn: string[] = []): StepDefinition => ({
      id, title: id, kind: 'action', dependsOn,
      act: async (ctx) => ctx.clock.sleep(ms, ctx.signal),
      compensate: async () => void undone.push(id),
    });
    const steps: StepDefinition[] = [
      compensated('slow', 30_000),
      compensated('fast', 10_000),
      compensated('after-fast', 5_000, ['fast']),
      { id: 'boom', title: 'boom', kind: 'action', dependsOn: ['slow', 'after-fast'], act: async () => { throw new StepFailure('replica not found', { retryable: false }); } },
    ];
    const report = await (await begin(steps)).completion;
    expect(report.status).toBe('rolled-back');
    // Completed: fast (10 s), after-fast (15 s), slow (30 s) → undone slow, after-fast, fast.
    expect(undone).toEqual(['slow', 'after-fast', 'fast']);
    expect(report.steps.filter((s) => s.status === 'compensated').map((s) => s.id).sort()).toEqual(['after-fast', 'fast', 'slow']);
    expect(report.error?.message).toContain('replica not found');
  });

  it('ends failed, not rolled back, when the failure left nothing to undo', async () => {
    const undone: string[] = [];
    const steps: StepDefinition[] = [
      { id: 'refuse', title: 'refuse', kind: 'action', act: async () => { throw new StepFailure('not failed over', { retryable: false }); } },
      sleepStep('change', 1_000, { dependsOn: ['refuse'], compensate: async () => void undone.push('change') }),
    ];
    const report = await (await begin(steps)).completion;
    expect(report.status).toBe('failed');
    expect(undone).toEqual([]);
  });

  it('a run resumed after its compensations ran, before it ended, is rolled back, each compensation run once', async () => {
    const undone: string[] = [];
    const steps = (): StepDefinition[] => [
      sleepStep('change', 1_000, { compensate: async () => void undone.push('change') }),
      { id: 'boom', title: 'boom', kind: 'action', dependsOn: ['change'], act: async () => { throw new StepFailure('replica not found', { retryable: false }); } },
    ];
    const store = new FileRunStore(mkdtempSync(join(tmpdir(), 'firedrill-engine-')));
    const first = await begin(steps(), { store, runId: 'undone-run' });
    expect((await first.completion).status).toBe('rolled-back');
    // The process died right after the compensation was journaled, before the run's end was.
    const { readFileSync, writeFileSync } = await import('node:fs');
    const lines = readFileSync(store.journalPath('undone-run'), 'utf8').trimEnd().split('\n');
    const cut = lines.findIndex((l) => (JSON.parse(l) as JournalEvent).type === 'compensation.succeeded');
    writeFileSync(store.journalPath('undone-run'), lines.slice(0, cut + 1).join('\n') + '\n');
    const { resumeRun } = await import('../src/index.js');
    const resumed = await resumeRun({ runId: 'undone-run', store, rebuild: () => ({ steps: steps() }), clock: new VirtualClock() });
    expect((await resumed.completion).status).toBe('rolled-back');
    expect(undone).toEqual(['change']);
  });

  it('honours rollback always (even on success) and never', async () => {
    const undone: string[] = [];
    const steps = (): StepDefinition[] => [{ id: 'create-drill-copy', title: 'c', kind: 'action', act: async () => 'copy', compensate: async () => void undone.push('create-drill-copy') }];
    expect((await (await begin(steps(), { rollback: 'always' })).completion).status).toBe('succeeded');
    expect(undone).toEqual(['create-drill-copy']);
    const failing: StepDefinition[] = [...steps(), { id: 'fail', title: 'f', kind: 'action', dependsOn: ['create-drill-copy'], act: async () => { throw new StepFailure('no', { retryable: false }); } }];
    expect((await (await begin(failing, { rollback: 'never' })).completion).status).toBe('failed');
    expect(undone).toEqual(['create-drill-copy']);
  });

  it('a compensation that fails names itself and what it left in the run\'s error, not only a count', async () => {
    const steps: StepDefinition[] = [
      sleepStep('create-drill-copy', 1_000, {
        compensate: async () => { throw new StepFailure('DrillResourcesLeft: DB instance orders-drill-1 (us-west-2, available). Delete it: aws rds delete-db-instance …', { code: 'DrillResourcesLeft', retryable: false }); },
      }),
      sleepStep('launch-drill-instance', 1_000, { compensate: async () => { throw new StepFailure('AccessDenied: ec2:TerminateInstances on i-0abc', { retryable: false }); } }),
    ];
    const report = await (await begin(steps, { rollback: 'always' })).completion;
    expect(report.status).toBe('failed');
    expect(report.error?.message).toMatch(/^2 compensation\(s\) failed/);
    expect(report.error?.message).toContain('create-drill-copy: DrillResourcesLeft: DB instance orders-drill-1 (us-west-2, available). Delete it: aws rds delete-db-instance');
    expect(report.error?.message).toContain('launch-drill-instance: AccessDenied: ec2:TerminateInstances on i-0abc');
  });

  it('pauses and resumes: steps in flight finish, nothing new starts while paused', async () => {
    const clock = new VirtualClock();
    const run = await begin([sleepStep('first', 10_000), sleepStep('second', 10_000, { dependsOn: ['first'] })], { clock });
    await run.pause('alice');
    const firstDone = await when(run, (e) => e.type === 'step.succeeded' && e.stepId === 'first');
    await clock.sleep(60_000);
    expect(run.state().steps['second']!.status).toBe('pending');
    await run.resume('alice');
    const report = await run.completion;
    expect(report.status).toBe('succeeded');
    expect(Date.parse(report.steps[1]!.startedAt!) - firstDone.at).toBeGreaterThanOrEqual(60_000);
  });

  it('skips a running step (cancelling its calls) and a pending one; dependants go on', async () => {
    let cancelled = false;
    const clock = new VirtualClock();
    const steps: StepDefinition[] = [
      { id: 'hang', title: 'hang', kind: 'action', act: async (ctx) => { ctx.signal.addEventListener('abort', () => (cancelled = true)); await ctx.clock.sleep(3_600_000, ctx.signal); } },
      sleepStep('later', 1_000, { dependsOn: ['hang'] }),
      sleepStep('last', 1_000, { dependsOn: ['later'] }),
    ];
    const run = await begin(steps, { clock });
    await run.skipStep('later', 'bob', 'done in the console already');
    await when(run, (e) => e.type === 'step.started' && e.stepId === 'hang');
    await run.skipStep('hang', 'bob');
    const report = await run.completion;
    expect(cancelled).toBe(true);
    expect(report.steps.map((s) => [s.id, s.status])).toEqual([['hang', 'skipped'], ['later', 'skipped'], ['last', 'succeeded']]);
    expect(report.steps[1]).toMatchObject({ skippedReason: 'done in the console already', by: 'bob' });
  });

  it('holds a failed step for the operator to retry', async () => {
    let tries = 0;
    const steps: StepDefinition[] = [{ id: 'promote', title: 'p', kind: 'action', policy: { retry: { maximumAttempts: 1 } }, act: async () => { if (++tries === 1) throw new StepFailure('InvalidDBInstanceState', { retryable: false }); } }];
    const run = await begin(steps, { holdOnFailure: true });
    await when(run, (e) => e.type === 'step.failed');
    await run.retryStep('promote', 'carol');
    const report = await run.completion;
    expect(report.status).toBe('succeeded');
    expect(tries).toBe(2);
  });

  it('records approvals with who, when and how long they waited; rejects the wrong approver', async () => {
    const clock = new VirtualClock({ start: '2026-11-22T03:00:00Z' });
    const steps: StepDefinition[] = [
      { id: 'approve-failover', title: 'Approve the failover', kind: 'approval', approvers: ['dana'] },
      { id: 'fence-writers', title: 'Fence writers by hand', kind: 'manual', instruction: 'Revoke app writes', dependsOn: ['approve-failover'] },
      sleepStep('promote', 1_000, { dependsOn: ['fence-writers'] }),
    ];
    const run = await begin(steps, { clock });
    await when(run, (e) => e.type === 'approval.requested');
    await clock.sleep(12_000);
    await expect(run.approve('approve-failover', 'mallory')).rejects.toThrow(/mallory may not approve "approve-failover"; approvers: dana/);
    await run.approve('approve-failover', 'dana');
    await when(run, (e) => e.type === 'step.waiting' && e.stepId === 'fence-writers');
    await run.markDone('fence-writers', 'erin', 'revoked in IAM');
    const report = await run.completion;
    expect(report.status).toBe('succeeded');
    expect(report.approvals).toEqual([{ stepId: 'approve-failover', by: 'dana', at: '2026-11-22T03:00:12.000Z', waitedSeconds: 12 }]);
    expect(report.steps[1]).toMatchObject({ status: 'succeeded', by: 'erin' });
  });

  it('switches a graceful failover to ungraceful: graceful-only steps are skipped, running ones cancelled', async () => {
    const clock = new VirtualClock();
    const steps: StepDefinition[] = [
      sleepStep('wait-for-catch-up', 3_600_000, { modes: ['graceful'] }),
      sleepStep('fence-primary', 1_000, { modes: ['graceful'], dependsOn: ['wait-for-catch-up'] }),
      sleepStep('promote', 1_000, { dependsOn: ['fence-primary'] }),
    ];
    const run = await begin(steps, { clock, mode: 'graceful' });
    await when(run, (e) => e.type === 'step.started' && e.stepId === 'wait-for-catch-up');
    await clock.sleep(30_000);
    await run.switchToUngraceful('frank', 'primary region unreachable');
    const report = await run.completion;
    expect(report.mode).toBe('ungraceful');
    expect(report.steps.map((s) => s.status)).toEqual(['skipped', 'skipped', 'succeeded']);
  });

  it('aborts: calls in flight are cancelled and the journal says the step was cut off', async () => {
    const clock = new VirtualClock();
    const run = await begin([sleepStep('long', 3_600_000), sleepStep('never', 1, { dependsOn: ['long'] })], { clock });
    await when(run, (e) => e.type === 'step.started');
    await run.abort('gina', 'wrong plan');
    const report = await run.completion;
    expect(report.status).toBe('aborted');
    expect(report.steps[0]).toMatchObject({ status: 'failed', error: { name: 'RunAbortedError' } });
    expect(report.steps[1]!.status).toBe('pending');
  });

  it('aborts while a call ignores its signal: its answer, logged after the journal closed, does not crash the process', async () => {
    const clock = new VirtualClock();
    const store = new FileRunStore(mkdtempSync(join(tmpdir(), 'firedrill-abort-late-')));
    let answer = (): void => {};
    const onTheWire = new Promise<void>((resolve) => (answer = resolve));
    let logged = false;
    // An SDK call already on the wire: the abort does not stop it, and the step logs what it did once it returns.
    const deaf: StepDefinition = { id: 'promote', title: 'promote', kind: 'action', act: async (ctx) => {
      await onTheWire;
      ctx.log('PromoteReadReplica accepted');
      logged = true;
    } };
    const run = await begin([deaf], { clock, store });
    await when(run, (e) => e.type === 'step.started');
    await run.abort('gina', 'wrong plan');
    const report = await run.completion;
    answer();
    // The late log's journal write fails on the next turns of the event loop: give them to it.
    for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
    expect(logged).toBe(true);
    expect(report.status).toBe('aborted');
    expect(report.steps[0]).toMatchObject({ status: 'failed', error: { name: 'RunAbortedError', message: 'run aborted while this step was in progress: a call it had made may still take effect; check AWS before acting on it' } });
  });

  it('publishes a typed event stream', async () => {
    const run = await begin([sleepStep('a', 1_000)]);
    const seen: string[] = [];
    for await (const event of run.events) seen.push(event.type);
    expect(seen[0]).toBe('run.started');
    expect(seen).toContain('step.started');
    expect(seen).toContain('step.succeeded');
    expect(seen.at(-1)).toBe('run.completed');
  });

  it('allows one active run per plan, and takes over a lock whose owner died', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'firedrill-lock-'));
    const store = new FileRunStore(dir);
    const clock = new VirtualClock();
    const run = await begin([sleepStep('a', 60_000)], { store, clock });
    await expect(begin([sleepStep('a', 1)], { store, clock })).rejects.toBeInstanceOf(RunLockedError);
    await run.completion;
    const again = await begin([sleepStep('a', 1)], { store, clock });
    expect((await again.completion).status).toBe('succeeded');
    // A lock left by a process that no longer exists is stale.
    const { writeFileSync, mkdirSync } = await import('node:fs');
    mkdirSync(join(dir, 'locks'), { recursive: true });
    writeFileSync(store.lockPath('engine-test'), JSON.stringify({ runId: 'old', plan: 'engine-test', pid: 2 ** 22 + 12345, host: (await import('node:os')).hostname(), since: 0 }));
    expect((await (await begin([sleepStep('a', 1)], { store, clock })).completion).status).toBe('succeeded');
  });

  it('refuses a run id that already has a journal, and leaves that run\'s history as it was', async () => {
    const { mkdtempSync, readFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const store = new FileRunStore(mkdtempSync(join(tmpdir(), 'firedrill-runid-')));
    const first = await begin([sleepStep('a', 1)], { store, runId: 'portal-run-1' });
    const report = await first.completion;
    expect(report.status).toBe('succeeded');
    // A subject that does not say where the run acts is not labelled a sandbox run.
    expect(report.target).toBe('unspecified');
    const journal = readFileSync(store.journalPath('portal-run-1'), 'utf8');
    const again = await begin([sleepStep('b', 1)], { store, runId: 'portal-run-1' }).catch((e: unknown) => e);
    expect(again).toBeInstanceOf(RunIdTakenError);
    expect(again).toMatchObject({ code: 'RUN_ID_TAKEN', exitCode: 2, message: expect.stringContaining('leave runId out') });
    expect(readFileSync(store.journalPath('portal-run-1'), 'utf8')).toBe(journal);
    // And the plan is not left locked by the refused start.
    expect((await (await begin([sleepStep('c', 1)], { store, runId: 'portal-run-2' })).completion).status).toBe('succeeded');
  });
});

describe('abort during a drill\'s steady state', () => {
  it('stops the run at once: no disaster declared, no step started, nothing published after the run completed', async () => {
    const clock = new VirtualClock();
    const start = clock.now();
    const beats: number[] = [];
    const heartbeat = { target: 'db', intervalMs: 1_000, write: async (b: { seq: number }) => void beats.push(b.seq), readNewest: async () => undefined };
    const run = await begin([sleepStep('declare', 1, { declaresDisaster: true } as Partial<StepDefinition>), sleepStep('promote', 60_000, { dependsOn: ['declare'] })], {
      operation: 'drill', clock, probes: { heartbeat }, steadyStateMs: 60_000,
    });
    const seen: string[] = [];
    run.events.subscribe((e) => void seen.push(e.type), { replay: true });
    await run.abort('ana', 'wrong plan');
    const report = await run.completion;
    expect(report.status).toBe('aborted');
    expect(report.disasterAt).toBeNull();
    expect(report.steps.every((s) => s.status === 'pending')).toBe(true);
    // It did not wait out the steady state.
    expect(clock.now() - start).toBeLessThan(60_000);
    expect(seen).not.toContain('disaster.declared');
    expect(seen).not.toContain('step.started');
    expect(seen.at(-1)).toBe('run.completed');
  });
});

describe('approval gates from the plan', () => {
  it('gates the run and a step, asks when the step could start, and fails the run when nobody approves in time', async () => {
    const { withApprovalGates } = await import('../src/index.js');
    const base: StepDefinition[] = [sleepStep('fence-primary', 10_000), sleepStep('promote-database', 60_000, { dependsOn: ['fence-primary'] })];
    const steps = withApprovalGates(base, [
      { before: 'run', approvers: ['alice'] },
      { before: 'promote-database', timeout: 1_800_000 },
    ]);
    expect(steps.find((s) => s.id === 'approve-promote-database')!.dependsOn).toEqual(['fence-primary']);
    expect(steps.find((s) => s.id === 'fence-primary')!.dependsOn).toEqual(['approve-run']);

    const clock = new VirtualClock();
    const run = await begin(steps, { clock, rollback: 'never' });
    await when(run, (e) => e.type === 'approval.requested' && e.stepId === 'approve-run');
    expect(run.state().steps['fence-primary']!.status).toBe('pending');
    await run.approve('approve-run', 'alice');
    await when(run, (e) => e.type === 'approval.requested' && e.stepId === 'approve-promote-database');
    const report = await run.completion;
    expect(report.status).toBe('failed');
    const gate = report.steps.find((s) => s.id === 'approve-promote-database')!;
    expect(gate).toMatchObject({ status: 'failed', error: { code: 'ApprovalExpired' }, seconds: 1800 });
    expect(report.steps.find((s) => s.id === 'promote-database')!.status).toBe('pending');
  });

  it('leaves out a gate whose step this operation does not have (a failback has no promote-replica to gate)', async () => {
    const { withApprovalGates } = await import('../src/index.js');
    const steps = withApprovalGates([sleepStep('a', 1)], [{ before: 'promote-replica', approvers: ['ana'] }]);
    expect(steps.map((s) => s.id)).toEqual(['a']);
    expect(steps[0]!.dependsOn ?? []).toEqual([]);
  });
});
