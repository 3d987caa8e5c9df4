/**
 * Clock-backed `setTimeout` / `clearTimeout` globals, so code that sleeps with the global timers (the AWS SDK's
 * waiters and retry back-off) runs on a `VirtualClock` next to Firedrill. Bench code only: packages never touch
 * the globals (they sleep on an injected `Clock`).
 */
import type { VirtualClock } from '../packages/core/src/index.js';

let nextId = 1;

/** What the virtual `setTimeout` returns: enough of Node's `Timeout` for the SDK (ref/unref, a numeric id). */
class VirtualTimeout {
  readonly id = nextId++;
  readonly #controller = new AbortController();
  get signal(): AbortSignal {
    return this.#controller.signal;
  }
  cancel(): void {
    this.#controller.abort();
  }
  ref(): this {
    return this;
  }
  unref(): this {
    return this;
  }
  hasRef(): boolean {
    return true;
  }
  [Symbol.toPrimitive](): number {
    return this.id;
  }
}

/**
 * Replaces the global `setTimeout` and `clearTimeout` with versions that sleep on `clock`. Returns the function that
 * puts the real ones back; call it in a `finally`.
 *
 * @example
 * const restore = installVirtualTimers(clock);
 * try { await waitUntilDBInstanceAvailable({ client, maxWaitTime: 3600 }, input); } finally { restore(); }
 */
export function installVirtualTimers(clock: VirtualClock): () => void {
  const real = { setTimeout: globalThis.setTimeout, clearTimeout: globalThis.clearTimeout };
  const byId = new Map<number, VirtualTimeout>();
  const virtualSetTimeout = (callback: (...args: unknown[]) => void, ms?: number, ...args: unknown[]): VirtualTimeout => {
    const timer = new VirtualTimeout();
    byId.set(timer.id, timer);
    clock.sleep(Math.max(0, Number(ms) || 0), timer.signal).then(
      () => {
        byId.delete(timer.id);
        callback(...args);
      },
      () => byId.delete(timer.id),
    );
    return timer;
  };
  const virtualClearTimeout = (handle: unknown): void => {
    const timer = handle instanceof VirtualTimeout ? handle : typeof handle === 'number' ? byId.get(handle) : undefined;
    if (timer !== undefined) timer.cancel();
    else real.clearTimeout(handle as Parameters<typeof clearTimeout>[0]);
  };
  globalThis.setTimeout = virtualSetTimeout as unknown as typeof setTimeout;
  globalThis.clearTimeout = virtualClearTimeout as typeof clearTimeout;
  return () => {
    globalThis.setTimeout = real.setTimeout;
    globalThis.clearTimeout = real.clearTimeout;
  };
}
