import {
  abortSignalOf,
  type AwsClientTarget,
  type AwsInitializeMiddleware,
  type AwsPluggable,
} from './aws-pluggable.js';
import { operationName } from './aws-service.js';
import { classifyAwsError } from './classify-error.js';
import type { RateLimitedCall, RateLimiter } from './rate-limiter.js';

/** Name of the rate-limit middleware in every client's stack. */
export const RATE_LIMIT_MIDDLEWARE_NAME = 'firedrillRateLimit';

/** Options of {@link rateLimitPlugin}. */
export interface RateLimitPluginOptions {
  /** The account (or role) the client acts as; buckets are per account. @default the client's role ARN, else "default" */
  account?: string;
}

/**
 * A middleware that takes a token from the shared {@link RateLimiter} before each call is sent, sleeping on the
 * limiter's clock when the bucket is empty, and that drains the bucket when AWS throttles anyway.
 *
 * Placement: the SDK sorts middleware by step (initialize → serialize → build → finalizeRequest → deserialize), then
 * by priority (high → normal → low); ties run in the order they were added. This one sits in `initialize` at
 * `high`, so it runs before serialization, signing, the SDK's retry middleware and anything an interceptor adds
 * at a lower step or priority. An interceptor also at initialize/high runs after it only if added after it, which
 * is why `createAwsClients` installs the rate limit before every other plugin.
 *
 * Returns a per-client factory: the SDK's middleware context does not carry the region at initialize time.
 *
 * @example
 * const aws = createAwsClients({ region: 'us-west-2', plugins: [rateLimitPlugin(limiter, { account: '111111111111' })] });
 * // or, on a bare client:
 * rds.middlewareStack.use(rateLimitPlugin(limiter)({ service: 'rds', region: 'us-west-2' }));
 */
export function rateLimitPlugin(
  limiter: RateLimiter,
  options: RateLimitPluginOptions = {},
): (target: AwsClientTarget) => AwsPluggable {
  return (target) => {
    const account = options.account ?? target.account;
    const middleware: AwsInitializeMiddleware = (next, context) => async (args) => {
      const call: RateLimitedCall = {
        service: target.service,
        region: target.region,
        command: operationName(context.commandName ?? 'Unknown'),
        input: args.input,
        ...(account === undefined ? {} : { account }),
      };
      await limiter.acquire(call, abortSignalOf(context));
      try {
        return await next(args);
      } catch (error) {
        // PriorRequestNotComplete is about one hosted zone, not the account's budget: leave the bucket alone.
        const { category, code } = classifyAwsError(error);
        if (category === 'throttling' && code !== 'PriorRequestNotComplete') limiter.reportThrottled(call);
        throw error;
      }
    };
    return {
      applyToStack: (stack) => {
        stack.add(middleware, {
          step: 'initialize',
          priority: 'high',
          name: RATE_LIMIT_MIDDLEWARE_NAME,
          tags: ['FIREDRILL', 'RATE_LIMIT'],
          override: true,
        });
      },
    };
  };
}
