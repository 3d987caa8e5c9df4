import type { Clock } from '@firedrill/core';
import type { AwsService } from './aws-service.js';
import { type RateBucketDraw, rateBucketsFor, type TokenBucketSpec } from './rate-limits.js';

/** A call about to be made, as the limiter sees it. */
export interface RateLimitedCall {
  service: AwsService | 'sts';
  region: string;
  /** The operation, with or without the SDK's `Command` suffix. */
  command: string;
  /** The account or role the call is made as; buckets are per account. @default "default" */
  account?: string;
  /** The command input, for limits that depend on it (unfiltered describes, instances launched). */
  input?: object;
}

/** Options of {@link RateLimiter}. */
export interface RateLimiterOptions {
  clock: Clock;
  /**
   * Replace a default bucket by name (`"rds:all"`, `"ec2:describe"`, …; see `rateBucketsFor`), for accounts whose
   * limits AWS raised, or to share a budget with other tools by lowering it.
   * @default {}
   */
  overrides?: Readonly<Record<string, TokenBucketSpec>>;
}

interface BucketState {
  spec: TokenBucketSpec;
  /** May go negative: that is the queue of reservations not yet due. */
  tokens: number;
  updatedAt: number;
}

/** Counters for a report or a benchmark. */
export interface RateLimiterStats {
  acquired: number;
  /** Acquisitions that had to wait. */
  delayed: number;
  /** Total time waited, across callers (ms). */
  waitedMs: number;
}

/**
 * Client-side token buckets per service, account, region (Route 53: per account, global) and bucket, with AWS's
 * published defaults. One limiter is shared by every concurrent step of a process, so ten parallel waits and a
 * scale-out together stay inside the account's budget instead of being throttled by AWS.
 *
 * Reservations, not polling: `acquire` takes its tokens at once (a bucket may go negative) and sleeps on the
 * clock until the reservation is covered. Callers are therefore served in arrival order, no wake-up storms, and
 * in any window of length T at most `capacity + refillPerSecond·T` calls leave.
 *
 * @example
 * const limiter = new RateLimiter({ clock });
 * await limiter.acquire({ service: 'rds', region: 'us-west-2', command: 'DescribeDBInstances' }, signal);
 */
/** Share of each bucket's burst kept in reserve for arrival jitter. */
const BURST_HEADROOM = 0.02;

export class RateLimiter {
  readonly #clock: Clock;
  readonly #overrides: Readonly<Record<string, TokenBucketSpec>>;
  readonly #buckets = new Map<string, BucketState>();
  readonly #stats: RateLimiterStats = { acquired: 0, delayed: 0, waitedMs: 0 };

  constructor(options: RateLimiterOptions) {
    this.#clock = options.clock;
    this.#overrides = options.overrides ?? {};
    for (const [name, spec] of Object.entries(this.#overrides)) {
      if (!(spec.capacity >= 1) || !(spec.refillPerSecond > 0)) {
        throw new TypeError(`RateLimiter: overrides.${name}: expected capacity ≥ 1 and refillPerSecond > 0`);
      }
    }
  }

  /**
   * Waits on the clock until the call may be sent, and takes its tokens. Resolves with the time waited (ms).
   * Rejects with `signal.reason` if aborted while waiting (the tokens are given back).
   */
  async acquire(call: RateLimitedCall, signal?: AbortSignal): Promise<number> {
    signal?.throwIfAborted();
    const draws = this.#draws(call);
    const now = this.#clock.now();
    let waitMs = 0;
    const states = draws.map((draw) => {
      const state = this.#refilled(call, draw, now);
      state.tokens -= draw.cost;
      if (state.tokens < 0) waitMs = Math.max(waitMs, (-state.tokens / state.spec.refillPerSecond) * 1000);
      return { state, cost: draw.cost };
    });
    this.#stats.acquired++;
    if (waitMs <= 0) return 0;
    // Whole milliseconds, rounded up: a call never leaves a fraction of a token early.
    waitMs = Math.ceil(waitMs);
    this.#stats.delayed++;
    this.#stats.waitedMs += waitMs;
    try {
      await this.#clock.sleep(waitMs, signal);
    } catch (error) {
      for (const { state, cost } of states) state.tokens = Math.min(state.spec.capacity, state.tokens + cost);
      throw error;
    }
    return waitMs;
  }

  /** How long an `acquire` of this call made now would wait (ms); 0 when a token is free. Takes nothing. */
  peekWait(call: RateLimitedCall): number {
    const now = this.#clock.now();
    let waitMs = 0;
    for (const draw of this.#draws(call)) {
      const state = this.#refilled(call, draw, now);
      const deficit = draw.cost - state.tokens;
      if (deficit > 0) waitMs = Math.max(waitMs, (deficit / state.spec.refillPerSecond) * 1000);
    }
    return Math.ceil(waitMs);
  }

  /**
   * AWS throttled a call anyway (another process or tool shares the account's budget): empty the call's buckets
   * so the next callers wait for a refill instead of adding to the storm.
   */
  reportThrottled(call: RateLimitedCall): void {
    const now = this.#clock.now();
    for (const draw of this.#draws(call)) {
      const state = this.#refilled(call, draw, now);
      state.tokens = Math.min(state.tokens, 0);
    }
  }

  /** Counters since the limiter was created. */
  stats(): RateLimiterStats {
    return { ...this.#stats };
  }

  #draws(call: RateLimitedCall): RateBucketDraw[] {
    return rateBucketsFor(call.service, call.command, call.input).map((draw) => {
      const override = this.#overrides[draw.bucket];
      // The limiter counts a call when it is sent, AWS when it arrives: network jitter can reorder arrivals
      // against an empty bucket, so keep a little of a published burst in reserve (2%, at least one call).
      // An override is the operator's own budget and is used as given.
      const headroom = override || draw.spec.capacity <= 1 ? 0 : Math.max(1, Math.ceil(draw.spec.capacity * BURST_HEADROOM));
      const spec = override ?? { ...draw.spec, capacity: draw.spec.capacity - headroom };
      // A cost above the burst could never be covered; cap it so a large launch waits, not hangs.
      return { ...draw, spec, cost: Math.min(draw.cost, spec.capacity) };
    });
  }

  #refilled(call: RateLimitedCall, draw: RateBucketDraw, now: number): BucketState {
    // Route 53's limits are per account, whatever region the caller names.
    const region = call.service === 'route53' ? 'global' : call.region;
    const key = `${call.account ?? 'default'}|${region}|${draw.bucket}`;
    let state = this.#buckets.get(key);
    if (state === undefined) {
      state = { spec: draw.spec, tokens: draw.spec.capacity, updatedAt: now };
      this.#buckets.set(key, state);
      return state;
    }
    const elapsedMs = Math.max(0, now - state.updatedAt);
    state.tokens = Math.min(state.spec.capacity, state.tokens + (elapsedMs / 1000) * state.spec.refillPerSecond);
    state.updatedAt = now;
    return state;
  }
}
