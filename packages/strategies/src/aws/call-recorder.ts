import type { Clock } from '@firedrill/core';
import type { AwsClientTarget, AwsInitializeMiddleware, AwsPluggable } from './aws-pluggable.js';
import { operationName } from './aws-service.js';
import { classifyAwsError } from './classify-error.js';

/** One AWS call, as reported to the engine (the shape of core's `CallRecord`, plus timing when a clock is given). */
export interface RecordedAwsCall {
  service: string;
  region: string;
  /** The operation, without the SDK's `Command` suffix. */
  command: string;
  /** `ok`, or the AWS error code. */
  outcome: string;
  throttled: boolean;
  startedAt?: number;
  durationMs?: number;
}

/** Options of {@link callRecorderPlugin}. */
export interface CallRecorderOptions {
  /** Receives every call once it has an outcome. Core's engine attributes it to the running step. */
  onCall: (call: RecordedAwsCall) => void;
  /** Time calls on this clock. @default no timing */
  clock?: Clock;
}

/** Name of the recorder middleware in every client's stack. */
export const CALL_RECORDER_MIDDLEWARE_NAME = 'firedrillCallRecorder';

/**
 * A middleware plugin that reports every call `{ service, region, command, outcome, throttled }` to a callback,
 * for the report's call counts and per-step attribution (core wires the callback to the running step; this
 * module knows nothing of the engine).
 *
 * It sits at `initialize`/`high`. Pass it to `createAwsClients` before the sandbox's plugin: ties at the same step
 * and priority run in the order added, and the recorder must wrap the interceptor to see each outcome. It runs after
 * the rate limiter, so a call's time waiting for a token is not counted as call time.
 *
 * @example
 * const aws = createAwsClients({ region, rateLimit: { limiter }, plugins: [callRecorderPlugin({ onCall: recordCallInCurrentStep }), sandbox.plugin()] });
 */
export function callRecorderPlugin(options: CallRecorderOptions): (target: AwsClientTarget) => AwsPluggable {
  return (target) => {
    const middleware: AwsInitializeMiddleware = (next, context) => async (args) => {
      const startedAt = options.clock?.now();
      const base = { service: target.service, region: target.region, command: operationName(context.commandName ?? 'Unknown') };
      const timing = (): Partial<RecordedAwsCall> =>
        startedAt === undefined || options.clock === undefined ? {} : { startedAt, durationMs: options.clock.now() - startedAt };
      try {
        const result = await next(args);
        options.onCall({ ...base, outcome: 'ok', throttled: false, ...timing() });
        return result;
      } catch (error) {
        const { code, category } = classifyAwsError(error);
        options.onCall({ ...base, outcome: code, throttled: category === 'throttling', ...timing() });
        throw error;
      }
    };
    return {
      applyToStack: (stack) => {
        stack.add(middleware, { step: 'initialize', priority: 'high', name: CALL_RECORDER_MIDDLEWARE_NAME, tags: ['FIREDRILL', 'CALL_RECORDER'], override: true });
      },
    };
  };
}
