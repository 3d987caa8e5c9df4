import { type Clock, type Plan, recordCallInCurrentStep } from '@firedrill/core';
import type { AwsClientPlugin } from './aws/aws-pluggable.js';
import { type AwsClients, AwsClientPool, type AwsCredentials, type AwsEndpoints } from './aws/client-factory.js';
import { RateLimiter } from './aws/rate-limiter.js';
import { Route53ChangeQueue } from './aws/route53-change-queue.js';
import { callRecorderPlugin } from './aws/call-recorder.js';

/** Which side of the plan: the primary region (and account) or the recovery one. */
export type Side = 'primary' | 'recovery';

/** Options of {@link createAwsEnvironment}. */
export interface AwsEnvironmentOptions {
  plan: Plan;
  clock: Clock;
  /** Middleware plugins for every client: `sandbox.plugin()` runs the plan on the sandbox. */
  plugins?: readonly AwsClientPlugin[];
  credentials?: AwsCredentials;
  endpoints?: AwsEndpoints;
  /** The run's signal, for the Route 53 change queues. */
  signal?: AbortSignal;
}

/**
 * The AWS a run talks to: clients per side (with the role the plan names for that side's account), one rate
 * limiter shared by every step, and one Route 53 change queue per hosted zone. Every call is counted against
 * the step that made it.
 */
export class AwsEnvironment {
  readonly clock: Clock;
  readonly plan: Plan;
  readonly limiter: RateLimiter;
  readonly #pool: AwsClientPool;
  readonly #queues = new Map<string, Route53ChangeQueue>();
  readonly #signal: AbortSignal | undefined;

  constructor(options: AwsEnvironmentOptions) {
    this.clock = options.clock;
    this.plan = options.plan;
    this.#signal = options.signal;
    this.limiter = new RateLimiter({ clock: options.clock });
    this.#pool = new AwsClientPool({
      ...(options.credentials ? { credentials: options.credentials } : {}),
      ...(options.endpoints ? { endpoints: options.endpoints } : {}),
      rateLimit: { limiter: this.limiter },
      plugins: [callRecorderPlugin({ onCall: (call) => recordCallInCurrentStep(call), clock: options.clock }), ...(options.plugins ?? [])],
    });
  }

  /** The region of a side. */
  region(side: Side): string {
    return this.plan.regions[side];
  }

  /** Clients for a side's region, acting as the side's role when the plan names one. */
  clients(side: Side): AwsClients {
    const account = this.plan.accounts?.[side];
    const role = account?.roleArn ? { roleArn: account.roleArn, ...(account.externalId ? { externalId: account.externalId } : {}) } : undefined;
    return this.#pool.clients(this.region(side), role);
  }

  /** The change queue of a hosted zone: changes are serialized per zone and batched. */
  route53Queue(hostedZoneId: string): Route53ChangeQueue {
    let queue = this.#queues.get(hostedZoneId);
    if (!queue) {
      queue = new Route53ChangeQueue({ route53: this.clients('primary').route53, clock: this.clock, ...(this.#signal ? { signal: this.#signal } : {}) });
      this.#queues.set(hostedZoneId, queue);
    }
    return queue;
  }
}

/** Builds the {@link AwsEnvironment} of a plan. */
export function createAwsEnvironment(options: AwsEnvironmentOptions): AwsEnvironment {
  return new AwsEnvironment(options);
}
