/** Where the CLI reads and writes: the process in real use, buffers in tests. */
export interface CliIo {
  stdout: { write(text: string): unknown; isTTY?: boolean };
  stderr: { write(text: string): unknown };
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
}

/** The real process's streams. */
export function processIo(): CliIo {
  return { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() };
}

/** Exit codes: they mean the same in every command (design section 8). */
export const EXIT = {
  /** Succeeded and objectives met (or ready). */
  ok: 0,
  /** Run failed, objectives missed, or not ready. */
  failed: 1,
  /** Bad input or usage; nothing was called or changed. */
  usage: 2,
  /** Interrupted (Ctrl-C). */
  interrupted: 130,
} as const;
