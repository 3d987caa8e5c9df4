import { EXIT } from './cli-io.js';

/**
 * Turns anything thrown into what the user sees: errors that know their exit code (plan validation, usage,
 * unknown strategy, a locked plan) print their message alone; anything else prints its message and exit 1,
 * with the stack only under FIREDRILL_DEBUG=1.
 */
export function describeFailure(error: unknown, debug: boolean): { message: string; exitCode: number } {
  const e = error as { message?: unknown; exitCode?: unknown; stack?: unknown };
  const message = typeof e?.message === 'string' ? e.message : String(error);
  if (typeof e?.exitCode === 'number') return { message, exitCode: e.exitCode };
  return { message: debug && typeof e?.stack === 'string' ? e.stack : `error: ${message}`, exitCode: EXIT.failed };
}
