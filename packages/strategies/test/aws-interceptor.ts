import type { AwsClientTarget, AwsPluggable } from '../src/aws/aws-pluggable.js';
import { operationName } from '../src/aws/aws-service.js';

/** One call the interceptor answered. */
export interface InterceptedCall {
  service: string;
  region: string;
  command: string;
  input: Record<string, unknown>;
}

/** Answers a call: return the command's output, or throw an SDK-shaped error. */
export type InterceptorAnswer = (call: InterceptedCall) => object | Promise<object>;

/**
 * A stand-in for the sandbox in tests: answers every command in the initialize step (no serialization, no
 * signing, no network), at `initialize`/`high` like the sandbox, so middleware ordering is exercised for real.
 */
export function interceptorPlugin(answer: InterceptorAnswer, log: InterceptedCall[] = []): (target: AwsClientTarget) => AwsPluggable {
  return (target) => ({
    applyToStack: (stack) => {
      stack.add(
        (_next, context) => async (args) => {
          const call: InterceptedCall = {
            service: target.service,
            region: target.region,
            command: operationName(context.commandName ?? ''),
            input: args.input as Record<string, unknown>,
          };
          log.push(call);
          const output = await answer(call);
          return { output: { $metadata: { httpStatusCode: 200 }, ...output }, response: {} };
        },
        { step: 'initialize', priority: 'high', name: 'testInterceptor' },
      );
    },
  });
}
