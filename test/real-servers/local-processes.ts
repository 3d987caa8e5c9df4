/**
 * Small helpers for the real-server tests: run a command (optionally as another user), find a free
 * loopback port, poll until a condition holds, and install the servers when they are missing.
 */
import { execFile, spawnSync } from 'node:child_process';
import { chownSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Output of a command that exited 0. */
export interface CommandOutput {
  stdout: string;
  stderr: string;
}

/** Runs a command; rejects with its stderr when it fails. `asUser` runs it through `runuser` when we are root. */
export function run(command: string, args: readonly string[], options: { asUser?: string; env?: Record<string, string>; timeoutMs?: number; input?: string } = {}): Promise<CommandOutput> {
  const asRoot = process.getuid?.() === 0;
  const [file, argv] = options.asUser && asRoot ? ['runuser', ['-u', options.asUser, '--', command, ...args]] : [command, [...args]];
  return new Promise((resolve, reject) => {
    // A command run as another user starts in a folder it may enter (not the caller's private temporary folder).
    const cwd = options.asUser && asRoot ? tmpdir() : undefined;
    const child = execFile(file, argv, { ...(cwd ? { cwd } : {}), env: { ...process.env, ...options.env }, timeout: options.timeoutMs ?? 60_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${command} ${args.join(' ')} failed: ${stderr.trim() || error.message}`));
      else resolve({ stdout, stderr });
    });
    if (options.input !== undefined) child.stdin?.end(options.input);
  });
}

/**
 * What a server's log says when its port was taken between {@link freePort} and its bind: by another test's server,
 * or as the local port of some outgoing connection (the same ephemeral range). Start again on another port.
 */
export const PORT_TAKEN = /could not bind|Address already in use|could not create any TCP\/IP sockets|another (mysqld|mariadbd) server running on port/i;

/** The last `lines` lines of a server's log, for an error that says why it did not start ('' when unreadable). */
export function logTail(file: string, lines = 20): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

/** A port nobody listens on now, on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Polls `condition` every `everyMs` until it returns true; rejects naming `what` after `timeoutMs`. */
export async function waitUntil(what: string, condition: () => Promise<boolean>, { timeoutMs = 20_000, everyMs = 50 } = {}): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      if (await condition()) return;
    } catch (error) {
      last = error;
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
}

/** A new temporary folder, owned by `owner` when given (servers refuse to run as root). */
export function temporaryFolder(prefix: string, owner?: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  if (owner && process.getuid?.() === 0) {
    const ids = spawnSync('id', ['-u', owner], { encoding: 'utf8' });
    const gids = spawnSync('id', ['-g', owner], { encoding: 'utf8' });
    if (ids.status !== 0) throw new Error(`user ${owner} does not exist (is the server package installed?)`);
    chownSync(dir, Number(ids.stdout.trim()), Number(gids.stdout.trim()));
  }
  return dir;
}

/** The newest PostgreSQL server binaries folder (`/usr/lib/postgresql/<major>/bin`), if any. */
export function postgresBinDir(): string | undefined {
  const root = '/usr/lib/postgresql';
  try {
    const majors = readdirSync(root).filter((v) => /^\d+$/.test(v) && statSync(join(root, v, 'bin', 'initdb'), { throwIfNoEntry: false }));
    const newest = majors.sort((a, b) => Number(b) - Number(a))[0];
    return newest ? join(root, newest, 'bin') : undefined;
  } catch {
    return undefined;
  }
}

const installScript = join(import.meta.dirname, 'install-packages.sh');

/**
 * Makes sure a server is installed: runs install-packages.sh (which returns at once when it is) and fails
 * with a clear message when it cannot — a missing server must fail these tests, never skip them.
 */
export async function ensureInstalled(which: 'postgres' | 'mariadb'): Promise<void> {
  try {
    await run('bash', [installScript, which], { timeoutMs: 15 * 60_000 });
  } catch (error) {
    throw new Error(
      `${which === 'postgres' ? 'PostgreSQL' : 'MariaDB'} is not installed and could not be installed, so the real-server tests cannot run.\n` +
        `Run test/real-servers/install-packages.sh as root on Debian/Ubuntu (it apt-gets postgresql and mariadb-server), then run the tests again.\n` +
        (error as Error).message,
    );
  }
}
