/**
 * A wait step on the AWS layer's RTO-tuned `waitFor`: polls are densest around the operation's expected
 * duration and respect the run's shared rate limiter, so completion is noticed within seconds (the SDK's own
 * waiters notice it a minute or more late, which adds straight to the RTO).
 */
import type { CallPreview, Duration, StepContext, StepPolicy, WaitStep } from '@firedrill/core';
import type { WaiterDefinition } from '../aws/waiters/acceptor.js';
import type { WaitPoll } from '../aws/waiters/wait-for.js';
import { waitForDefinition } from '../aws/waiters/wait-for.js';
import { type WaiterName, waiters } from '../aws/waiters/waiter-registry.js';
import type { AwsEnvironment, Side } from '../aws-environment.js';

/** What a finished wait returns (JSON, journaled). */
export interface AwsWaitResult {
  polls: number;
  elapsedMs: number;
  progress: string | undefined;
}

/** Options of {@link awsWaitStep}. */
export interface AwsWaitStepOptions<Output, Params> {
  aws: AwsEnvironment;
  id: string;
  title: string;
  why?: string;
  dependsOn?: readonly string[];
  modes?: readonly ('graceful' | 'ungraceful')[];
  restoresService?: boolean;
  /**
   * The step's policy. Its `timeout` bounds the whole wait (the plan's `policies.<step-id>.timeout` overrides
   * it); build it with {@link waitPolicy} to give the wait its own default. @default { timeout: "15m" }
   */
  policy?: StepPolicy;
  /** Side whose region the describe call goes to (for the rate budget and messages). */
  side: Side;
  /** The waiter: a definition (a strategy's own acceptor), or the name of a registered one. */
  definition?: WaiterDefinition<Output, Params>;
  waiter?: WaiterName;
  /** The waiter's parameters; a function when they come from an earlier step's result. */
  params: Params | ((ctx: StepContext) => Params | undefined);
  /** One describe call; receives the step context, the wait's signal and the resolved parameters. */
  describe: (ctx: StepContext, signal: AbortSignal | undefined, params: Params) => Promise<Output>;
  /** Typical duration (ms), when the plan knows better than the waiter. */
  expectedMs?: number;
  /** For this long, "not found" means "not visible yet". @default 0 */
  notFoundGraceMs?: number;
  preview: () => CallPreview[];
  verifyByHand?: string;
}

/**
 * A wait step's policy with `timeout` as its default timeout: for waits whose AWS operation takes longer than the
 * default 15 minutes (an RDS restore, a cross-region snapshot copy). `policy` (a caller's) wins field by field.
 *
 * @example
 * waitPolicy('60m') // { timeout: '60m' }
 */
export function waitPolicy(timeout: Duration, policy?: StepPolicy): StepPolicy {
  return { ...policy, timeout: policy?.timeout ?? timeout };
}

/**
 * `waitFor` options for a wait step that runs a whole AWS wait inside one poll: no timeout of its own (the step's
 * policy `timeout` bounds the wait, and the plan may override it), and each poll's state noted for that timeout.
 *
 * @example
 * await waitFor('clusterWriterIs', { describe, params, clock: ctx.clock, region, signal: ctx.signal, ...stepBoundWait(ctx) });
 */
export function stepBoundWait(ctx: StepContext): { timeoutMs: number; onPoll: (poll: WaitPoll) => void } {
  return {
    timeoutMs: Infinity,
    onPoll: (poll) => {
      if (poll.result.progress !== undefined || poll.errorCode !== undefined) ctx.noteProgress(pollSeen(poll.result.progress, poll.errorCode));
    },
  };
}

function pollSeen(progress: string | undefined, errorCode: string | undefined): string {
  return `${progress ?? 'nothing yet'}${errorCode === undefined ? '' : ` (last describe failed: ${errorCode})`}`;
}

/**
 * A wait step that polls one describe call until the waiter's acceptor says SUCCESS. When `params` is a
 * function that returns `undefined` (nothing to wait for, e.g. a DNS switch that changed nothing), the wait
 * succeeds at once.
 *
 * @example
 * awsWaitStep({ aws, id: 'wait-replica-promoted', title: 'Wait until tracking-db-replica is a standalone writer', side: 'recovery',
 *   waiter: 'dbInstancePromoted', params: { identifier: 'tracking-db-replica' },
 *   describe: (_ctx, signal) => rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'tracking-db-replica' }), { abortSignal: signal }),
 *   preview: () => [] });
 */
export function awsWaitStep<Output, Params>(options: AwsWaitStepOptions<Output, Params>): WaitStep<AwsWaitResult> {
  const { aws, side } = options;
  const definition = options.definition ?? (options.waiter === undefined ? undefined : (waiters[options.waiter] as unknown as WaiterDefinition<Output, Params>));
  if (definition === undefined) throw new TypeError(`awsWaitStep ${options.id}: give definition or waiter`);
  return {
    id: options.id,
    kind: 'wait',
    title: options.title,
    ...(options.why ? { why: options.why } : {}),
    ...(options.dependsOn ? { dependsOn: options.dependsOn } : {}),
    ...(options.modes ? { modes: options.modes } : {}),
    ...(options.restoresService ? { restoresService: true } : {}),
    ...(options.policy ? { policy: options.policy } : {}),
    preview: options.preview,
    ...(options.verifyByHand ? { verifyByHand: options.verifyByHand } : {}),
    poll: async (ctx) => {
      const params = typeof options.params === 'function' ? (options.params as (c: StepContext) => Params | undefined)(ctx) : options.params;
      if (params === undefined) return { status: 'success', value: { polls: 0, elapsedMs: 0, progress: 'nothing to wait for' } };
      let lastProgress: string | undefined;
      const result = await waitForDefinition(options.id, definition, {
        describe: (signal) => options.describe(ctx, signal, params),
        params,
        clock: ctx.clock,
        region: aws.region(side),
        signal: ctx.signal,
        // The step's policy bounds the whole wait (the executor aborts this poll when it runs out), not the waiter.
        timeoutMs: Infinity,
        limiter: aws.limiter,
        ...(options.expectedMs === undefined ? {} : { expectedMs: options.expectedMs }),
        ...(options.notFoundGraceMs === undefined ? {} : { notFoundGraceMs: options.notFoundGraceMs }),
        onPoll: (poll) => {
          if (poll.result.progress !== undefined && poll.result.progress !== lastProgress) {
            lastProgress = poll.result.progress;
            ctx.log(`${definition.what(params)}: ${lastProgress}`);
          }
          ctx.noteProgress(`${definition.what(params)}: ${pollSeen(lastProgress, poll.errorCode)}`);
        },
      });
      return { status: 'success', value: { polls: result.polls, elapsedMs: result.elapsedMs, progress: result.progress } };
    },
  };
}
