import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration, pollUntil, resolveStepPolicy, retryWithPolicy, startRun, StepFailure, StepTimeoutFailure, VirtualClock, type WaitStep } from '../src/index.js';

describe('VirtualClock', () => {
  it('fires sleeps in time order and costs no real time', async () => {
    const clock = new VirtualClock({ start: '2026-11-22T00:00:00Z' });
    const fired: string[] = [];
    const started = performance.now();
    await Promise.all([
      clock.sleep(600_000).then(() => fired.push(`b@${clock.now()}`)),
      clock.sleep(1_000).then(() => fired.push(`a@${clock.now()}`)),
    ]);
    const t0 = Date.parse('2026-11-22T00:00:00Z');
    expect(fired).toEqual([`a@${t0 + 1_000}`, `b@${t0 + 600_000}`]);
    expect(performance.now() - started).toBeLessThan(500);
  });

  it('rejects a sleep when its signal aborts, without moving time', async () => {
    const clock = new VirtualClock();
    const controller = new AbortController();
    const start = clock.now();
    const sleeping = clock.sleep(60_000, controller.signal);
    controller.abort(new Error('stop'));
    await expect(sleeping).rejects.toThrow('stop');
    expect(clock.now()).toBe(start);
    expect(clock.pendingTimers).toBe(0);
  });

  it('can be driven by hand', async () => {
    const clock = new VirtualClock({ autoAdvance: false });
    let done = false;
    void clock.sleep(5_000).then(() => (done = true));
    clock.advance(4_999);
    await Promise.resolve();
    expect(done).toBe(false);
    clock.advance(1);
    await Promise.resolve();
    expect(done).toBe(true);
  });
});

describe('durations', () => {
  it('parses and formats the forms plans use', () => {
    expect(parseDuration('1h30m')).toBe(5_400_000);
    expect(parseDuration('250ms')).toBe(250);
    expect(parseDuration(42)).toBe(42);
    expect(() => parseDuration('fast')).toThrow('expected a duration such as "15m", got "fast"');
    expect(formatDuration(412_300)).toBe('6m52s');
    expect(formatDuration(2_100)).toBe('2.1s');
    // Past a day, days (a 30-day-old snapshot), in a form parseDuration reads back.
    expect(formatDuration(2_666_400_000)).toBe('30d20h40m');
    expect(parseDuration(formatDuration(2_666_400_000))).toBe(2_666_400_000);
    expect(formatDuration(43_200_000)).toBe('12h');
  });
});

describe('policies', () => {
  it('rejects a wrong option at once, naming the field', () => {
    expect(() => resolveStepPolicy({ retry: { maximumAttempts: 0 } }, undefined, 'policies.promote-database')).toThrow(
      'policies.promote-database.retry.maximumAttempts: expected a number ≥ 1, got 0',
    );
    expect(() => resolveStepPolicy({ poll: { initialInterval: '10s', maximumInterval: '1s' } })).toThrow(/maximumInterval/);
    expect(() => resolveStepPolicy({ timeout: 'soon' })).toThrow('policy.timeout: expected a duration such as "15m", got "soon"');
  });

  it('retries with exponential backoff capped at the maximum interval, on the clock', async () => {
    const clock = new VirtualClock();
    const start = clock.now();
    const attemptsAt: number[] = [];
    const policy = resolveStepPolicy({ retry: { initialInterval: '1s', backoffCoefficient: 3, maximumInterval: '5s', maximumAttempts: 5, jitter: false } }).retry;
    await expect(
      retryWithPolicy(async () => {
        attemptsAt.push(clock.now() - start);
        throw new StepFailure('busy', { code: 'ThrottlingException' });
      }, { policy, clock }),
    ).rejects.toThrow('busy');
    expect(attemptsAt).toEqual([0, 1_000, 4_000, 9_000, 14_000]);
  });

  it('with a deadline, retries without a count until it, the last delay cut short so no attempt comes after it', async () => {
    const clock = new VirtualClock();
    const start = clock.now();
    const attemptsAt: number[] = [];
    const policy = { ...resolveStepPolicy({ retry: { initialInterval: '2s', maximumInterval: '8s', jitter: false } }).retry, maximumAttempts: Infinity };
    await expect(
      retryWithPolicy(async () => {
        attemptsAt.push(clock.now() - start);
        throw new StepFailure('unreachable', { code: 'ECONNREFUSED' });
      }, { policy, clock, until: start + 25_000 }),
    ).rejects.toThrow('unreachable');
    expect(attemptsAt).toEqual([0, 2_000, 6_000, 14_000, 22_000, 25_000]);
  });

  it('keeps retrying a transient failure (the service\'s) for transientFor after maximumAttempts, and no other', async () => {
    const clock = new VirtualClock();
    const start = clock.now();
    const policy = resolveStepPolicy({ retry: { initialInterval: '1s', maximumInterval: '30s', maximumAttempts: 5, transientFor: '2m', jitter: false } }).retry;
    const attemptsAt: number[] = [];
    // A 5xx storm of 100 s: five attempts would end 15 s in; the step outlasts it and succeeds.
    const result = await retryWithPolicy(async () => {
      attemptsAt.push(clock.now() - start);
      if (clock.now() - start < 100_000) throw new StepFailure('InternalFailure', { code: 'InternalFailure', transient: true });
      return 'promoted';
    }, { policy, clock });
    expect(result).toBe('promoted');
    expect(attemptsAt).toEqual([0, 1_000, 3_000, 7_000, 15_000, 31_000, 61_000, 91_000, 120_000]);
    // A storm that outlasts transientFor fails: the last delay is cut short so no attempt starts after 2 minutes.
    const endless: number[] = [];
    const t0 = clock.now();
    await expect(retryWithPolicy(async () => {
      endless.push(clock.now() - t0);
      throw new StepFailure('InternalFailure', { code: 'InternalFailure', transient: true });
    }, { policy, clock })).rejects.toThrow('InternalFailure');
    expect(endless).toEqual([0, 1_000, 3_000, 7_000, 15_000, 31_000, 61_000, 91_000, 120_000]);
    // The request's own failure (retryable, not transient) still stops at maximumAttempts.
    let own = 0;
    await expect(retryWithPolicy(async () => { own++; throw new StepFailure('modifying', { code: 'InvalidDBInstanceState' }); }, { policy, clock })).rejects.toThrow('modifying');
    expect(own).toBe(5);
    // transient is never set on a failure that is not retryable.
    expect(new StepFailure('denied', { retryable: false, transient: true }).transient).toBe(false);
  });

  it('never retries an error marked non-retryable or listed in nonRetryable', async () => {
    const clock = new VirtualClock();
    const policy = resolveStepPolicy({ retry: { nonRetryable: ['InvalidDBInstanceState'] } }).retry;
    let calls = 0;
    await expect(retryWithPolicy(async () => { calls++; throw Object.assign(new Error('x'), { name: 'InvalidDBInstanceState' }); }, { policy, clock })).rejects.toThrow();
    await expect(retryWithPolicy(async () => { calls++; throw new StepFailure('gone', { retryable: false }); }, { policy, clock })).rejects.toThrow('gone');
    expect(calls).toBe(2);
  });
});

describe('pollUntil', () => {
  it('backs off while nothing changes and polls fast again when progress changes', async () => {
    const clock = new VirtualClock();
    const start = clock.now();
    const pollsAt: number[] = [];
    const states = ['creating', 'creating', 'creating', 'creating', 'modifying', 'modifying', 'available'];
    const value = await pollUntil(
      async (attempt) => {
        pollsAt.push((clock.now() - start) / 1000);
        const state = states[attempt - 1]!;
        return state === 'available' ? { status: 'success', value: state } : { status: 'retry', progress: state };
      },
      { clock, policy: resolveStepPolicy({ poll: { initialInterval: '1s', maximumInterval: '4s', backoffCoefficient: 2 } }).poll },
    );
    expect(value).toBe('available');
    // 1, 2, 4 s gaps while "creating", back to 1 s on "modifying", then 2 s.
    expect(pollsAt).toEqual([0, 1, 3, 7, 11, 12, 14]);
  });

  it('times out on the clock and fails fast on a failure outcome', async () => {
    const clock = new VirtualClock();
    const policy = resolveStepPolicy({ poll: { initialInterval: '5s', maximumInterval: '5s' } }).poll;
    await expect(pollUntil(async () => ({ status: 'retry' }), { clock, policy, timeoutMs: 30_000, what: 'replica promotion' })).rejects.toBeInstanceOf(StepTimeoutFailure);
    let polls = 0;
    await expect(pollUntil(async () => { polls++; return { status: 'failure', error: new Error('incompatible-parameters') }; }, { clock, policy })).rejects.toThrow('incompatible-parameters');
    expect(polls).toBe(1);
  });
});

describe('a wait step whose poll is broken', () => {
  const runWait = async (poll: WaitStep['poll']) => {
    const wait: WaitStep = { kind: 'wait', id: 'wait-db', title: 'wait for the database', poll };
    const run = await startRun({ subject: { plan: 'poll-error' }, operation: 'failover', steps: [wait], clock: new VirtualClock(), store: false });
    return run.completion;
  };

  it('a poll that keeps throwing times out naming the error, not just "did not finish"', async () => {
    const report = await runWait(async (ctx) => {
      const promoted = ctx.resultOf<{ id: string }>('promote-replica');
      return promoted!.id === 'x' ? { status: 'success', value: 1 } : { status: 'retry' };
    });
    expect(report.status).not.toBe('succeeded');
    expect(report.steps[0]!.error?.message).toMatch(/^wait wait-db did not finish within 900s; last seen: TypeError: Cannot read properties of undefined \(reading 'id'\)$/);
  });

  it('a poll that would keep the wait past its timeout (a throttled call waiting its turn) is cut short at the timeout', async () => {
    const wait: WaitStep = {
      kind: 'wait', id: 'wait-in-sync', title: 'wait for INSYNC', policy: { timeout: '60s' },
      poll: async (ctx) => {
        await ctx.clock.sleep(17 * 60_000, ctx.signal);
        return { status: 'retry', progress: 'PENDING' };
      },
    };
    const run = await startRun({ subject: { plan: 'slow-poll' }, operation: 'failover', steps: [wait], clock: new VirtualClock(), store: false });
    const step = (await run.completion).steps[0]!;
    // The wait's timeout bounds the whole wait, the poll in progress included (its signal aborts the sleep).
    expect(step.seconds).toBe(60);
    expect(step.error?.message).toBe('wait wait-in-sync did not finish within 60s');
  });

  it('a poll that answers something else than an outcome fails at once, saying what a poll answers', async () => {
    const report = await runWait(async () => ({ done: true }) as never);
    expect(report.steps[0]!.error).toMatchObject({ code: 'InvalidPollOutcome' });
    expect(report.steps[0]!.error?.message).toBe(`wait wait-db: its poll answered {"done":true}; a poll answers { status: 'success', value }, { status: 'retry', progress? } or { status: 'failure', error }`);
    expect(report.steps[0]!.seconds).toBe(0);
  });
});

describe('a wait step\'s timeout', () => {
  // A poll that is a whole wait in itself (as an AWS waiter's is): it only returns once the condition holds.
  const longPoll = (seen: { signal?: AbortSignal }): WaitStep['poll'] => async (ctx) => {
    seen.signal = ctx.signal;
    for (let minute = 1; minute <= 10; minute++) {
      await ctx.clock.sleep(60_000, ctx.signal);
      ctx.noteProgress(`promotion: modifying (minute ${minute})`);
    }
    return { status: 'success', value: 'promoted' };
  };

  it('bounds the whole wait, a poll in progress included: it fails at the timeout, aborts the poll and names what it saw last', async () => {
    const seen: { signal?: AbortSignal } = {};
    const wait: WaitStep = { kind: 'wait', id: 'wait-db', title: 'wait for the database', poll: longPoll(seen) };
    const run = await startRun({
      subject: { plan: 'wait-timeout' }, operation: 'failover', steps: [wait], clock: new VirtualClock(), store: false,
      policies: { 'wait-db': { timeout: '150s' } },
    });
    const report = await run.completion;
    expect(report.status).not.toBe('succeeded');
    expect(report.steps[0]).toMatchObject({ status: 'failed', seconds: 150, error: { code: 'Timeout' } });
    expect(report.steps[0]!.error?.message).toBe('wait wait-db did not finish within 150s; last seen: promotion: modifying (minute 2)');
    expect(seen.signal?.aborted).toBe(true);
  });

  it('a wait that finishes within its timeout succeeds', async () => {
    const wait: WaitStep = { kind: 'wait', id: 'wait-db', title: 'wait for the database', poll: longPoll({}), policy: { timeout: '11m' } };
    const run = await startRun({ subject: { plan: 'wait-timeout' }, operation: 'failover', steps: [wait], clock: new VirtualClock(), store: false });
    expect((await run.completion).status).toBe('succeeded');
  });
});
