/**
 * What a simulated command sees: the world, the region it was sent to, the time it is handled at, the
 * seeded PRNG and the latency model.
 */
import { neverFinishes } from './faults.js';
import { type LatencyKey, sampleLatency } from './latency.js';
import { createRandomState, deriveSeed, SeededRandom } from './random.js';
import type { World } from './world.js';

/** The identity a call is made with (from its credentials). */
export interface CallerIdentity {
  accountId: string;
  arn: string;
  userId: string;
}

/** Who a call without a session's credentials acts as: the sandbox's own user in the resource account. */
export function defaultIdentity(world: World): CallerIdentity {
  return { accountId: world.accountId, arn: `arn:aws:iam::${world.accountId}:user/firedrill-sandbox`, userId: 'AIDAFIREDRILLSANDBOX' };
}

/** Context of one simulated command. */
export interface OperationContext {
  readonly world: World;
  readonly region: string;
  /** The time the service handles the call (epoch ms). */
  readonly now: number;
  readonly random: SeededRandom;
  readonly identity: CallerIdentity | undefined;
  /** A sampled latency of `key` (ms). */
  latency(key: LatencyKey): number;
  /** When `key` on `resource` started now completes, or `undefined` if a fault says it never does. */
  completesAt(key: LatencyKey, resource: string): number | undefined;
}

/** Answers one command: returns the output (without `$metadata`) or throws an `AwsApiError`. */
export type CommandHandler = (ctx: OperationContext, input: Record<string, unknown>) => object | Promise<object>;

/** Handlers of one service, by operation name (`DescribeDBInstances`). */
export type ServiceHandlers = Readonly<Record<string, CommandHandler>>;

/**
 * The stream `key`'s latencies are drawn from: its own, seeded from the world's seed and the key, so two runs on the
 * same seed that call operations in a different order or number still get the same durations for the same operations.
 */
function latencyRandom(world: World, key: LatencyKey): SeededRandom {
  const streams = (world.latencyStreams ??= {});
  const state = (streams[key] ??= createRandomState(deriveSeed(world.random.seed, key)));
  return new SeededRandom(state);
}

/**
 * A latency of `key` from its own stream. The world's shared stream still advances as it did when latencies came
 * from it, so everything else it draws in call order (resource ids such as the hosted zone ids that plans name,
 * request ids) stays what it was for a seed.
 */
function keyedLatency(world: World, key: LatencyKey, shared: SeededRandom): number {
  sampleLatency(key, world.latencies, shared);
  return sampleLatency(key, world.latencies, latencyRandom(world, key));
}

/** Builds the context of a call handled at `now`. */
export function createOperationContext(world: World, region: string, now: number, identity?: CallerIdentity): OperationContext {
  const random = new SeededRandom(world.random);
  return {
    world,
    region,
    now,
    random,
    identity,
    latency: (key) => keyedLatency(world, key, random),
    completesAt(key, resource) {
      const ms = keyedLatency(world, key, random);
      return neverFinishes(world, key, resource) ? undefined : now + ms;
    },
  };
}

/**
 * A context at `at` for what the world does on its own (a scenario's provisioning, its backup jobs): operations take
 * no latency and complete `completesAfterMs` later (0: at once); replication lags keep their sampled values.
 */
export function instantContext(world: World, region: string, at: number, completesAfterMs = 0): OperationContext {
  const ctx = createOperationContext(world, region, at);
  return {
    ...ctx,
    latency: (key) => (key.endsWith('Lag') ? ctx.latency(key) : 0),
    completesAt: () => at + completesAfterMs,
  };
}

/** Narrowing helpers for untyped command inputs. */
export function str(input: Record<string, unknown>, key: string): string | undefined {
  const v = input[key];
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** A required string input; throws the AWS-style error for a missing parameter. */
export function requireStr(input: Record<string, unknown>, key: string, error: (message: string) => Error): string {
  const v = str(input, key);
  if (v === undefined) throw error(`The request must contain the parameter ${key}`);
  return v;
}
