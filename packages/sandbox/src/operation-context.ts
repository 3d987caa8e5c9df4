/**
 * What a simulated command sees: the world, the region it was sent to, the time it is handled at, the
 * seeded PRNG and the latency model.
 */
import { neverFinishes } from './faults.js';
import { type LatencyKey, sampleLatency } from './latency.js';
import { SeededRandom } from './random.js';
import type { World } from './world.js';

/** The identity a call is made with (from its credentials). */
export interface CallerIdentity {
  accountId: string;
  arn: string;
  userId: string;
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

/** Builds the context of a call handled at `now`. */
export function createOperationContext(world: World, region: string, now: number, identity?: CallerIdentity): OperationContext {
  const random = new SeededRandom(world.random);
  return {
    world,
    region,
    now,
    random,
    identity,
    latency: (key) => sampleLatency(key, world.latencies, random),
    completesAt(key, resource) {
      const ms = sampleLatency(key, world.latencies, random);
      return neverFinishes(world, key, resource) ? undefined : now + ms;
    },
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
