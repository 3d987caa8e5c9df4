import { type Clock, type PollOutcome, pollUntil, WaitFailedFailure } from '@firedrill/core';
import { classifyAwsError, toStepFailure } from '../classify-error.js';
import type { RateLimiter } from '../rate-limiter.js';
import type { AcceptorResult, WaiterDefinition } from './acceptor.js';
import type { PollCounter } from './poll-counter.js';
import { nextPollDelay } from './poll-schedule.js';
import { type WaiterName, type WaiterOutput, type WaiterParams, waiters } from './waiter-registry.js';

/** Options of {@link waitFor}. */
export interface WaitForOptions<Output, Params> {
  /** One describe call (through a client that carries the rate-limit plugin); receives the wait's signal. */
  describe: (signal: AbortSignal | undefined) => Promise<Output>;
  /** The waiter's parameters: which resource, which expected writer, … */
  params: Params;
  clock: Clock;
  /** Region of the resource, for the rate budget and error messages (Route 53: any; its budget is global). */
  region: string;
  signal?: AbortSignal;
  /** Give up after this long (ms). @default 900000 (15 minutes, the default step timeout) */
  timeoutMs?: number;
  /** Typical duration of the operation (ms); see `nextPollDelay`. @default the waiter's own, from aws-facts.md */
  expectedMs?: number;
  /** Poll interval near the expected completion (ms). @default 2000 */
  denseIntervalMs?: number;
  /** Longest interval between polls (ms). @default 30000 */
  maxIntervalMs?: number;
  /** The run's shared limiter: polls are never scheduled before it has a token for them. */
  limiter?: RateLimiter;
  /** Account (or role) for the limiter's buckets. @default "default" */
  account?: string;
  /**
   * For this long after the wait starts, "not found" means "not visible yet", not "gone": EC2 and RDS are
   * eventually consistent right after a create. @default 0
   */
  notFoundGraceMs?: number;
  /** Counts polls for reports and benchmarks. */
  counter?: PollCounter;
  /** Called after every poll (journal progress, print a line). */
  onPoll?: (poll: WaitPoll) => void;
}

/** One poll, as reported to `onPoll`. */
export interface WaitPoll {
  waiter: string;
  attempt: number;
  elapsedMs: number;
  result: AcceptorResult;
  /** Set when the describe call failed and the poll was retried. */
  errorCode?: string;
  nextDelayMs?: number;
}

/** What a successful wait returns. */
export interface WaitResult<Output> {
  /** The last describe response; `undefined` when an error was the answer (a deleted resource). */
  output: Output | undefined;
  polls: number;
  elapsedMs: number;
  /** The last progress text seen. */
  progress: string | undefined;
}

interface RunnerState<Output> {
  startedAt: number;
  polls: number;
  consecutiveErrors: number;
  lastProgress: string | undefined;
  lastOutput: Output | undefined;
}

/**
 * Waits until a registered waiter's acceptor says SUCCESS, on core's shared poller (`pollUntil`), tuned for RTO:
 *
 * - the delay between polls follows `nextPollDelay` (sparse early, every ~2 s from 80 % of the expected
 *   duration) and is never shorter than the rate limiter's `peekWait` for the describe call;
 * - a permanent describe error (AccessDenied, validation, not found where not-found is not the answer) fails
 *   at once with an actionable `StepFailure` — the SDK's waiters retry those until their deadline;
 * - throttling and transient errors are RETRY with a longer delay (doubling from the dense interval per
 *   consecutive error, at most the max interval);
 * - an acceptor FAILURE throws a non-retryable `WaitFailedFailure` naming the state seen.
 *
 * @example
 * await waitFor('dbInstancePromoted', {
 *   describe: (signal) => rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'tracking-db-replica' }), { abortSignal: signal }),
 *   params: { identifier: 'tracking-db-replica' },
 *   clock, region: 'us-west-2', limiter, signal, timeoutMs: 20 * 60_000,
 * });
 */
export async function waitFor<N extends WaiterName>(
  name: N,
  options: WaitForOptions<WaiterOutput<N>, WaiterParams<N>>,
): Promise<WaitResult<WaiterOutput<N>>> {
  const definition = waiters[name] as unknown as WaiterDefinition<WaiterOutput<N>, WaiterParams<N>>;
  return waitForDefinition(name, definition, options);
}

/** {@link waitFor} for a waiter that is not in the registry (a strategy's own acceptor). */
export async function waitForDefinition<Output, Params>(
  name: string,
  definition: WaiterDefinition<Output, Params>,
  options: WaitForOptions<Output, Params>,
): Promise<WaitResult<Output>> {
  const { clock } = options;
  const dense = options.denseIntervalMs ?? 2_000;
  const max = Math.max(dense, options.maxIntervalMs ?? 30_000);
  const state: RunnerState<Output> = { startedAt: clock.now(), polls: 0, consecutiveErrors: 0, lastProgress: undefined, lastOutput: undefined };
  const output = await pollUntil<Output | undefined>((attempt) => pollOnce(name, definition, options, state, attempt, dense, max), {
    clock,
    // Backoff 1: the schedule, not the poller's growth, decides each delay (passed back as retryAfterMs).
    policy: { initialIntervalMs: dense, maximumIntervalMs: max, backoffCoefficient: 1 },
    timeoutMs: options.timeoutMs ?? 15 * 60_000,
    what: definition.what(options.params),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  });
  return { output, polls: state.polls, elapsedMs: clock.now() - state.startedAt, progress: state.lastProgress };
}

async function pollOnce<Output, Params>(
  name: string,
  definition: WaiterDefinition<Output, Params>,
  options: WaitForOptions<Output, Params>,
  state: RunnerState<Output>,
  attempt: number,
  dense: number,
  max: number,
): Promise<PollOutcome<Output | undefined>> {
  state.polls++;
  options.counter?.record(name);
  let result: AcceptorResult;
  let errorCode: string | undefined;
  try {
    const output = await options.describe(options.signal);
    state.lastOutput = output;
    state.consecutiveErrors = 0;
    result = definition.acceptor(output, options.params);
  } catch (error) {
    if (options.signal?.aborted) throw error;
    const verdict = judgeDescribeError(definition, options, state, error);
    if (verdict instanceof Error) return { status: 'failure', error: verdict };
    result = verdict;
    errorCode = classifyAwsError(error).code;
  }
  const elapsedMs = options.clock.now() - state.startedAt;
  const report = (nextDelayMs?: number): void =>
    options.onPoll?.({ waiter: name, attempt, elapsedMs, result, ...(errorCode ? { errorCode } : {}), ...(nextDelayMs === undefined ? {} : { nextDelayMs }) });
  if (result.progress !== undefined) state.lastProgress = result.progress;
  if (result.state === 'SUCCESS') {
    report();
    return { status: 'success', value: errorCode === undefined ? state.lastOutput : undefined };
  }
  if (result.state === 'FAILURE') {
    report();
    const what = definition.what(options.params);
    return { status: 'failure', error: new WaitFailedFailure(`${what}: ${result.reason ?? result.progress ?? 'failed'} (${options.region}).`) };
  }
  const delay = retryDelay(definition, options, state, elapsedMs, dense, max);
  report(delay);
  // The same progress text while only errors are seen, so the poller does not treat an error as movement.
  return { status: 'retry', progress: state.lastProgress ?? 'waiting', retryAfterMs: delay };
}

function judgeDescribeError<Output, Params>(
  definition: WaiterDefinition<Output, Params>,
  options: WaitForOptions<Output, Params>,
  state: RunnerState<Output>,
  error: unknown,
): AcceptorResult | Error {
  const classified = classifyAwsError(error);
  const answer = definition.acceptError?.(classified, options.params);
  if (answer !== undefined) return answer;
  const elapsed = options.clock.now() - state.startedAt;
  if (classified.reason === 'not-found' && elapsed < (options.notFoundGraceMs ?? 0)) {
    return { state: 'RETRY', progress: state.lastProgress ?? 'not visible yet' };
  }
  const site = { service: definition.service, region: options.region, command: definition.command, resource: definition.resource(options.params) };
  if (classified.category === 'permanent') return toStepFailure(error, site);
  state.consecutiveErrors++;
  return { state: 'RETRY', ...(state.lastProgress === undefined ? {} : { progress: state.lastProgress }) };
}

function retryDelay<Output, Params>(
  definition: WaiterDefinition<Output, Params>,
  options: WaitForOptions<Output, Params>,
  state: RunnerState<Output>,
  elapsedMs: number,
  dense: number,
  max: number,
): number {
  const expectedMs = options.expectedMs ?? definition.expectedMs;
  let delay = nextPollDelay({ elapsedMs, denseIntervalMs: dense, maxIntervalMs: max, ...(expectedMs === undefined ? {} : { expectedMs }) });
  if (state.consecutiveErrors > 0) delay = Math.max(delay, Math.min(max, dense * 2 ** state.consecutiveErrors));
  if (options.limiter !== undefined) {
    const call = { service: definition.service, region: options.region, command: definition.command, ...(options.account ? { account: options.account } : {}) };
    delay = Math.max(delay, options.limiter.peekWait(call));
  }
  return delay;
}
