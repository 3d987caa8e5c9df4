/** A `CliIo` that keeps what the CLI writes, for tests that run `runCli` in-process. */
import type { CliIo } from '@firedrill/runbooks';

/**
 * Buffers stdout and stderr (or, with `merged`, both into `out`, as a terminal shows them). `env` defaults to
 * `NO_COLOR=1` so output compares as plain text.
 *
 * @example
 * const io = bufferIo(dir);
 * expect(await runCli(['check', plan, '--target', 'sandbox'], io)).toBe(0);
 */
export function bufferIo(cwd: string, options: { env?: Record<string, string>; merged?: boolean } = {}): CliIo & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    stdout: { write: (t: string) => (out += t) },
    stderr: { write: (t: string) => (options.merged ? (out += t) : (err += t)) },
    env: options.env ?? { NO_COLOR: '1' },
    cwd,
    out: () => out,
    err: () => err,
  };
}
