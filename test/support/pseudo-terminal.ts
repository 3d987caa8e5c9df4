import { type ChildProcess, spawn } from 'node:child_process';

/** Where and how big the pseudo-terminal is. */
export interface PseudoTerminalOptions {
  /** Working directory of the command (default: the test process's). */
  cwd?: string;
  /** Extra environment variables, merged over the test process's; `undefined` removes one (e.g. `{ CI: undefined }`). */
  env?: Record<string, string | undefined>;
  /** Terminal height in rows (default 40). */
  rows?: number;
  /** Terminal width in columns (default 100). */
  cols?: number;
}

/** A command running on a real pseudo-terminal: its stdout/stderr `isTTY`, Ctrl-C (`\u0003`) sends SIGINT. */
export interface PseudoTerminal {
  /** Everything the terminal showed so far, raw: ANSI sequences, `\r\n` line ends and echoed input included. */
  readonly output: string;
  /** Types text on the terminal's keyboard (it is echoed back into `output` as a terminal would). */
  write(text: string): void;
  /**
   * Resolves when the output shows `pattern` (a string is matched literally), searching only after the end of
   * the previous `waitFor` match, so successive calls walk forward through the output like `expect`. Rejects
   * after `timeoutMs` (default 10 s), or if the command exits first, with the output's tail in the message.
   */
  waitFor(pattern: RegExp | string, timeoutMs?: number): Promise<RegExpExecArray>;
  /** The command's exit code (128 + the signal number when it was killed by a signal). */
  readonly exit: Promise<number>;
  /** Ends the command (default SIGTERM); safe to call after it exited. */
  kill(signal?: NodeJS.Signals): void;
}

const quote = (arg: string): string => `'${arg.replaceAll("'", `'\\''`)}'`;
const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const SIGNALS: Partial<Record<NodeJS.Signals, number>> = { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGKILL: 9, SIGTERM: 15 };

/**
 * Runs `command` (argv, no shell parsing) under a real pseudo-terminal, using util-linux's `script`
 * (`script -qefc "stty rows R cols C; exec …" /dev/null`), since node-pty is not a dependency. The terminal's
 * size is set with `stty` before the command starts, so `process.stdout.rows/columns` see it.
 *
 * @example
 * const term = openPseudoTerminal(['node', 'cli.js', 'runbook', 'plan.yaml'], { rows: 30, cols: 80, env: { CI: undefined } });
 * await term.waitFor('Run this step?');
 * term.write('y\r');
 * expect(await term.exit).toBe(0);
 * expect(term.output).toContain('\u001b[?25h');
 */
export function openPseudoTerminal(command: readonly string[], options: PseudoTerminalOptions = {}): PseudoTerminal {
  const rows = options.rows ?? 40;
  const cols = options.cols ?? 100;
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries({ ...process.env, TERM: process.env['TERM'] ?? 'xterm-256color', ...options.env, SHELL: '/bin/sh' })) {
    if (value !== undefined) env[key] = value;
  }
  const inner = `stty rows ${rows} cols ${cols}; exec ${command.map(quote).join(' ')}`;
  const child: ChildProcess = spawn('/usr/bin/script', ['-qefc', inner, '/dev/null'], { cwd: options.cwd ?? process.cwd(), env, stdio: ['pipe', 'pipe', 'pipe'] });
  let output = '';
  let searchFrom = 0;
  let exited = false;
  const listeners = new Set<() => void>();
  const changed = (): void => {
    for (const listener of [...listeners]) listener();
  };
  child.stdout!.setEncoding('utf8');
  child.stdout!.on('data', (chunk: string) => {
    output += chunk;
    changed();
  });
  // `script` itself writes only its own errors here; keep them visible in the output.
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (chunk: string) => {
    output += chunk;
    changed();
  });
  child.stdin!.on('error', () => undefined);
  const exit = new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => {
      exited = true;
      changed();
      resolve(code ?? 128 + (signal ? (SIGNALS[signal] ?? 1) : 1));
    });
  });
  return {
    get output() {
      return output;
    },
    write(text: string) {
      child.stdin!.write(text);
    },
    waitFor(pattern: RegExp | string, timeoutMs = 10_000) {
      const regex = typeof pattern === 'string' ? new RegExp(escapeRegExp(pattern)) : new RegExp(pattern.source, pattern.flags.replace('g', '').replace('y', ''));
      return new Promise<RegExpExecArray>((resolve, reject) => {
        const finish = (error?: Error, match?: RegExpExecArray): void => {
          listeners.delete(check);
          clearTimeout(timer);
          if (error) reject(error);
          else resolve(match!);
        };
        const tail = (): string => JSON.stringify(output.slice(-2000));
        const check = (): void => {
          const match = regex.exec(output.slice(searchFrom));
          if (match) {
            searchFrom += match.index + match[0].length;
            finish(undefined, match);
          } else if (exited) {
            finish(new Error(`the command exited before the output showed ${String(pattern)}; output tail: ${tail()}`));
          }
        };
        const timer = setTimeout(() => finish(new Error(`timed out after ${timeoutMs} ms waiting for ${String(pattern)}; output tail: ${tail()}`)), timeoutMs);
        listeners.add(check);
        check();
      });
    },
    exit,
    kill(signal: NodeJS.Signals = 'SIGTERM') {
      if (!exited) child.kill(signal);
    },
  };
}
