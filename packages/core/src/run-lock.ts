import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname } from 'node:path';

/** Who holds a plan's lock. */
export interface RunLockOwner {
  runId: string;
  plan: string;
  pid: number;
  host: string;
  since: number;
}

/** Another run of the plan is active. */
export class RunLockedError extends Error {
  override readonly name = 'RunLockedError';
  readonly code = 'RUN_LOCKED';
  readonly exitCode = 1;
  constructor(readonly owner: RunLockOwner, path: string) {
    super(
      `plan "${owner.plan}" already has an active run ${owner.runId}: process ${owner.pid} on ${owner.host} is running it now. ` +
        `Wait for it to end; if it is stuck, stop that process (Ctrl-C there, or kill ${owner.pid}) and \`firedrill resume ${owner.runId}\` continues the run from its journal. ` +
        `If that process is gone from another host, remove ${path}.`,
    );
  }
}

/** A held lock. */
export interface RunLock {
  readonly path: string;
  release(): void;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes the one-active-run-per-plan lock: a file created exclusively, holding its owner. A lock whose
 * owner process is gone on this host is stale and taken over, so a crashed run never blocks its own
 * resume. Released on `release()` and when the process exits.
 */
export function acquireRunLock(path: string, owner: Omit<RunLockOwner, 'pid' | 'host'>): RunLock {
  mkdirSync(dirname(path), { recursive: true });
  const me: RunLockOwner = { ...owner, pid: process.pid, host: hostname() };
  for (let tries = 0; tries < 3; tries++) {
    try {
      writeFileSync(path, JSON.stringify(me), { flag: 'wx' });
      let released = false;
      const release = (): void => {
        if (released) return;
        released = true;
        process.off('exit', release);
        try {
          const current = JSON.parse(readFileSync(path, 'utf8')) as RunLockOwner;
          if (current.pid === me.pid && current.runId === me.runId) rmSync(path, { force: true });
        } catch {
          // Already gone.
        }
      };
      process.on('exit', release);
      return { path, release };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      let holder: RunLockOwner | undefined;
      try {
        holder = JSON.parse(readFileSync(path, 'utf8')) as RunLockOwner;
      } catch {
        holder = undefined; // Torn write by a dying owner: treat as stale.
      }
      const stale = holder === undefined || (holder.host === me.host && (!alive(holder.pid) || (holder.pid === me.pid && holder.runId === me.runId)));
      if (!stale) throw new RunLockedError(holder!, path);
      rmSync(path, { force: true });
    }
  }
  throw new Error(`could not take the run lock ${path}`);
}
