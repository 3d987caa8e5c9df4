/**
 * A wait step on the AWS layer's RTO-tuned `waitFor`: polls are densest around the operation's expected
 * duration and respect the run's shared rate limiter, so completion is noticed within seconds (the SDK's own
 * waiters notice it a minute or more late, which adds straight to the RTO).
 */
import type { CallPreview, StepContext, StepPolicy, WaitStep } from '@firedrill/core';
import type { WaiterDefinition } from '../aws/waiters/acceptor.js';
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
  /** Give up after this long (ms). @default 15 minutes */
  timeoutMs?: number;
  /** Typical duration (ms), when the plan knows better than the waiter. */
  expectedMs?: number;
  /** For this long, "not found" means "not visible yet". @default 0 */
  notFoundGraceMs?: number;
  preview: () => CallPreview[];
  verifyByHand?: string;
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
  const timeoutMs = options.timeoutMs ?? 15 * 60_000;
  return {
    id: options.id,
    kind: 'wait',
    title: options.title,
    ...(options.why ? { why: options.why } : {}),
    ...(options.dependsOn ? { dependsOn: options.dependsOn } : {}),
    ...(options.modes ? { modes: options.modes } : {}),
    ...(options.restoresService ? { restoresService: true } : {}),
    // The wait bounds itself; the step's timeout is a little longer so the wait's own message wins.
    policy: options.policy ?? { timeout: timeoutMs + 60_000 },
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
        timeoutMs,
        limiter: aws.limiter,
        ...(options.expectedMs === undefined ? {} : { expectedMs: options.expectedMs }),
        ...(options.notFoundGraceMs === undefined ? {} : { notFoundGraceMs: options.notFoundGraceMs }),
        onPoll: (poll) => {
          if (poll.result.progress !== undefined && poll.result.progress !== lastProgress) {
            lastProgress = poll.result.progress;
            ctx.log(`${definition.what(params)}: ${lastProgress}`);
          }
        },
      });
      return { status: 'success', value: { polls: result.polls, elapsedMs: result.elapsedMs, progress: result.progress } };
    },
  };
}
