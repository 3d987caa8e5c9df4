import { linkAbort } from './abort-link.js';
import { withCallSink } from './call-attribution.js';
import type { Clock } from './clock.js';
import { StepTimeoutFailure, toErrorInfo } from './errors.js';
import { idempotencyToken } from './idempotency-token.js';
import type { CallCounts, JournalEvent, JournalEventBody } from './journal-events.js';
import { pollUntil } from './poll.js';
import type { ResolvedStepPolicy } from './policy.js';
import { isRetryableError, retryWithPolicy } from './retry.js';
import type { RunState } from './run-state.js';
import type { StepEndedEvent } from './step-machine.js';
import type { ActionStep, CallRecord, FailoverMode, ProbeStep, StepContext, StepDefinition, WaitStep } from './step.js';

/** What the executor needs from the run it belongs to. */
export interface StepEnvironment {
  readonly runId: string;
  readonly clock: Clock;
  readonly state: RunState;
  readonly random: () => number;
  /** Aborted when the whole run aborts. */
  readonly runSignal: AbortSignal;
  record(event: JournalEventBody): Promise<JournalEvent>;
  policyOf(stepId: string): ResolvedStepPolicy;
  mode(): FailoverMode;
  /** Called when a step that declares the disaster starts (first time only). */
  declareDisaster(stepId: string): Promise<void>;
  /** Called when a step that begins a measured phase starts (first time only). */
  beginPhase(phase: string, stepId: string): Promise<void>;
  /** Called before a step that promotes a new writer starts. */
  stopHeartbeats(reason: string): Promise<void>;
  /** A step actor reached its end; the run decides what comes next. */
  stepEnded(event: StepEndedEvent): void;
  /** Called after a step's result is journaled (for RPO evidence and `restoresService`). */
  afterStepSucceeded(step: StepDefinition, result: unknown): Promise<void>;
}

/** Raised inside the executor when the step's signal was aborted by a skip or an abort: not a failure. */
function isAbort(signal: AbortSignal, error: unknown): boolean {
  return signal.aborted && (error === signal.reason || (error as Error)?.name === 'AbortError' || signal.reason === error);
}

/** Attempts made, calls counted and timeouts met while a step runs. */
class StepTally {
  attempts = 0;
  readonly counts: CallCounts = { total: 0, throttled: 0, byService: {} };
  /** The last call that failed, and its number among the step's calls. */
  lastFailed: { call: CallRecord; index: number } | undefined;
  /** Attempts cut off by the step's timeout, and the last such failure (an inner wait's own timeout is not one). */
  timedOut = 0;
  lastTimeout: StepTimeoutFailure | undefined;
  add(call: CallRecord): void {
    this.counts.total++;
    if (call.throttled) this.counts.throttled++;
    this.counts.byService[call.service] = (this.counts.byService[call.service] ?? 0) + 1;
    if (call.outcome !== 'ok') this.lastFailed = { call, index: this.counts.total };
  }
  /** The counts so far, to tell later what one attempt's calls saw. */
  mark(): { total: number; throttled: number } {
    return { total: this.counts.total, throttled: this.counts.throttled };
  }
  /**
   * What the calls since `since` showed, for a timeout's "last seen": the last failed call, and how many were
   * throttled — an attempt cut off while it was retrying a throttled call must say so, not only "did not finish".
   */
  seenSince(since: { total: number; throttled: number }): string | undefined {
    const failed = this.lastFailed;
    if (failed === undefined || failed.index <= since.total) return undefined;
    const { service, command, region, outcome } = failed.call;
    const made = this.counts.total - since.total;
    const throttled = this.counts.throttled - since.throttled;
    return `${outcome} from ${service} ${command}${region ? ` in ${region}` : ''}${throttled > 0 ? ` (AWS throttled ${throttled} of ${made} calls)` : ''}`;
  }
}

function makeContext(
  env: StepEnvironment,
  step: StepDefinition,
  signal: AbortSignal,
  attempt: number,
  calls: StepTally,
  recheck = false,
  noteProgress: (progress: string) => void = () => {},
): StepContext {
  return {
    ...(recheck ? { recheck: true } : {}),
    runId: env.runId,
    stepId: step.id,
    attempt,
    signal,
    clock: env.clock,
    mode: env.mode(),
    idempotencyToken: (purpose?: string) => idempotencyToken(env.runId, step.id, purpose),
    resultOf: <T>(id: string) => env.state.steps[id]?.result as T | undefined,
    recordCall: (call) => calls.add(call),
    // A call that ignores its abort signal may answer after the run ended (aborted) and its journal closed: that
    // late line has nowhere to go, and must not crash the process that reported the run.
    log: (message) => void env.record({ type: 'step.log', stepId: step.id, message }).catch(() => undefined),
    noteProgress,
  };
}

/**
 * Runs `fn` with a timeout on the clock (an action's or probe's attempt, a whole wait); the signal `fn` receives
 * aborts when it fires, so a call in flight stops too. `lastSeen` names what was seen last, for the message (else
 * the last AWS call that failed since it started).
 */
async function withTimeout<T>(
  env: StepEnvironment,
  what: string,
  timeoutMs: number,
  parent: AbortSignal,
  calls: StepTally,
  fn: (signal: AbortSignal) => Promise<T>,
  lastSeen: () => string | undefined = () => undefined,
): Promise<T> {
  const { controller: timer, dispose } = linkAbort(parent);
  const signal = timer.signal;
  const since = calls.mark();
  const timeout = env.clock.sleep(timeoutMs, signal).then(
    () => {
      const last = lastSeen() ?? calls.seenSince(since);
      const failure = new StepTimeoutFailure(what, timeoutMs, last);
      calls.timedOut++;
      calls.lastTimeout = failure;
      timer.abort(failure);
      throw failure;
    },
    () => new Promise<never>(() => {}),
  );
  try {
    return await Promise.race([fn(signal), timeout]);
  } catch (error) {
    // An abort caused by our own timeout surfaces as the timeout failure, whatever the step threw.
    if (timer.signal.aborted && !parent.aborted) throw timer.signal.reason;
    throw error;
  } finally {
    dispose();
    if (!timer.signal.aborted) timer.abort('attempt finished');
  }
}

/**
 * Runs a step's attempts under its retry policy. The timeout is per attempt, so a step retried after timeouts runs
 * for many times its limit: when it gives up on a timeout, the failure says how long the step ran, over how many
 * attempts and why it stopped, not only the last attempt's "did not finish within 60s".
 */
async function attemptsUntilGivenUp<T>(env: StepEnvironment, what: string, policy: ResolvedStepPolicy, calls: StepTally, attempts: () => Promise<T>): Promise<T> {
  const started = env.clock.now();
  const since = calls.mark();
  try {
    return await attempts();
  } catch (error) {
    if (error !== calls.lastTimeout || calls.attempts <= 1) throw error;
    const last = calls.seenSince(since);
    throw new StepTimeoutFailure(what, policy.timeoutMs, {
      ranMs: env.clock.now() - started,
      attempts: calls.attempts,
      timedOut: calls.timedOut,
      maximumAttempts: policy.retry.maximumAttempts,
      ...(last === undefined ? {} : { last }),
    });
  }
}

async function runAction(env: StepEnvironment, step: ActionStep, signal: AbortSignal, calls: StepTally, recheck: boolean): Promise<unknown> {
  const policy = env.policyOf(step.id);
  return attemptsUntilGivenUp(env, `step ${step.id}`, policy, calls, () => retryWithPolicy(
    async (attempt) => {
      calls.attempts = attempt;
      return withTimeout(env, `step ${step.id}`, policy.timeoutMs, signal, calls, async (attemptSignal) => {
        const ctx = makeContext(env, step, attemptSignal, attempt, calls, recheck);
        if (step.check) {
          const found = await step.check(ctx);
          if (found.applied) {
            await env.record({ type: 'step.checked', stepId: step.id, applied: true, ...(found.note ? { note: found.note } : {}) });
            return found.result;
          }
          if (recheck) await env.record({ type: 'step.checked', stepId: step.id, applied: false });
        }
        return step.act(ctx);
      });
    },
    {
      policy: policy.retry,
      clock: env.clock,
      signal,
      random: env.random,
      onRetry: async (error, attempt, delayMs) => {
        await env.record({ type: 'step.attempt-failed', stepId: step.id, attempt, error: toErrorInfo(error), retryInMs: Math.round(delayMs) });
      },
    },
  ));
}

/**
 * The wait's `timeout` bounds the whole wait, a poll in progress included: a poll may be a whole AWS wait (an
 * `awsWaitStep`), and checking the deadline only between polls would let it run as long as it likes.
 */
async function runWait(env: StepEnvironment, step: WaitStep, signal: AbortSignal, calls: StepTally): Promise<unknown> {
  const policy = env.policyOf(step.id);
  const what = `wait ${step.id}`;
  let lastSeen: string | undefined;
  const noteProgress = (progress: string): void => {
    lastSeen = progress;
  };
  return withTimeout(
    env,
    what,
    policy.timeoutMs,
    signal,
    calls,
    (waitSignal) =>
      pollUntil(
        async (attempt) => {
          calls.attempts = attempt;
          const ctx = makeContext(env, step, waitSignal, attempt, calls, false, noteProgress);
          try {
            return await step.poll(ctx);
          } catch (error) {
            // A poll that throws a retryable error (throttled, network) is one more look later, not a failure. A
            // timeout names its message (a bug in a poll looks the same until then).
            if (waitSignal.aborted || !isRetryableError(error, policy.retry)) throw error;
            const info = toErrorInfo(error);
            return { status: 'retry', progress: `error: ${info.code ?? info.name}`, detail: `${info.code ?? info.name}: ${info.message.slice(0, 300)}` };
          }
        },
        {
          // No deadline of its own: withTimeout bounds the whole wait, a poll in progress included.
          clock: env.clock,
          policy: policy.poll,
          what,
          signal: waitSignal,
          onPoll: ({ outcome }) => {
            if (outcome.status !== 'retry') return;
            lastSeen = outcome.detail ?? outcome.progress ?? lastSeen;
            const state = env.state.steps[step.id];
            if (outcome.progress !== undefined && state?.progress !== outcome.progress) {
              if (state) state.progress = outcome.progress;
              void env.record({ type: 'step.progress', stepId: step.id, progress: outcome.progress });
            }
          },
        },
      ),
    () => lastSeen,
  );
}

async function runProbe(env: StepEnvironment, step: ProbeStep, signal: AbortSignal, calls: StepTally): Promise<unknown> {
  const policy = env.policyOf(step.id);
  return attemptsUntilGivenUp(env, `probe ${step.id}`, policy, calls, () => retryWithPolicy(
    (attempt) => {
      calls.attempts = attempt;
      return withTimeout(env, `probe ${step.id}`, policy.timeoutMs, signal, calls, (s) => step.measure(makeContext(env, step, s, attempt, calls)));
    },
    { policy: policy.retry, clock: env.clock, signal, random: env.random },
  ));
}

/**
 * Executes an automated step (action, wait or probe) to its end and journals it: `step.started`, attempts,
 * then `step.succeeded` or `step.failed`. Every journal write completes before the next side effect.
 * If `signal` is aborted (skip, abort) the executor journals nothing more and rethrows: whoever aborted
 * it records why.
 */
export async function executeAutomatedStep(env: StepEnvironment, step: ActionStep | WaitStep | ProbeStep, signal: AbortSignal, recheck: boolean): Promise<void> {
  await env.record({ type: 'step.started', stepId: step.id, ...(recheck ? { recheck: true } : {}) });
  if (step.declaresDisaster) await env.declareDisaster(step.id);
  if (step.beginsPhase) await env.beginPhase(step.beginsPhase, step.id);
  if (step.promotesData) await env.stopHeartbeats(`step ${step.id} promotes a new writer`);
  const calls = new StepTally();
  try {
    const result = await withCallSink(
      (call) => calls.add(call),
      () =>
        step.kind === 'action'
          ? runAction(env, step, signal, calls, recheck)
          : step.kind === 'wait'
            ? runWait(env, step, signal, calls)
            : runProbe(env, step, signal, calls),
    );
    const journaled = result === undefined ? {} : { result };
    await env.record({ type: 'step.succeeded', stepId: step.id, attempts: Math.max(1, calls.attempts), calls: calls.counts, ...journaled });
    await env.afterStepSucceeded(step, result);
  } catch (error) {
    if (isAbort(signal, error)) throw error;
    await env.record({ type: 'step.failed', stepId: step.id, error: toErrorInfo(error), attempts: Math.max(1, calls.attempts), calls: calls.counts });
    throw error;
  }
}
