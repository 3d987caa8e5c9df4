/**
 * An AbortController that also aborts when `parent` does. Cheaper than `AbortSignal.any` on Node 20
 * (which keeps weak references alive until GC) for the thousands of short-lived attempts a big run makes.
 * Call `dispose()` when done so the parent does not keep a listener per finished attempt.
 */
export function linkAbort(parent: AbortSignal): { controller: AbortController; dispose: () => void } {
  const controller = new AbortController();
  if (parent.aborted) {
    controller.abort(parent.reason);
    return { controller, dispose: () => {} };
  }
  const forward = (): void => controller.abort(parent.reason);
  parent.addEventListener('abort', forward, { once: true });
  return { controller, dispose: () => parent.removeEventListener('abort', forward) };
}
