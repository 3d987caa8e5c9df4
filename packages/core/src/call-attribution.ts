import { AsyncLocalStorage } from 'node:async_hooks';
import type { CallRecord } from './step.js';

const currentCallSink = new AsyncLocalStorage<(call: CallRecord) => void>();

/**
 * Runs `fn` with `sink` receiving every call reported through {@link recordCallInCurrentStep} from inside it,
 * however deep. The engine wraps each step in it so API calls are counted against the step that made them.
 */
export function withCallSink<T>(sink: (call: CallRecord) => void, fn: () => Promise<T>): Promise<T> {
  return currentCallSink.run(sink, fn);
}

/**
 * Reports an API call to the step running in this async context (no-op outside a step). The AWS layer's
 * call recorder middleware uses it, so step code never has to count calls itself.
 */
export function recordCallInCurrentStep(call: CallRecord): void {
  currentCallSink.getStore()?.(call);
}
