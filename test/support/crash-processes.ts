/**
 * The processes of a crash test: an operation started in a child (test/fixtures/crash-mid-failover.ts), killed with
 * SIGKILL right after journal event k, then `firedrill resume <run-id>` — the real CLI in a new process, with only
 * the journal and the world the CLI keeps in its state dir.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { FileRunStore, type JournalEvent, readJournalFile, type RunReport } from '@firedrill/core';

const exec = promisify(execFile);
const root = join(import.meta.dirname, '..', '..');
const fixture = join(root, 'test', 'fixtures', 'crash-mid-failover.ts');
const cli = join(root, 'packages', 'runbooks', 'src', 'cli', 'cli.ts');

/** What the fixture runs: `firedrill failover --mode graceful`, or `firedrill drill --live` (ungraceful, outage injected). */
export type CrashOperation = 'failover' | 'drill';

/** A process's end: killed by SIGKILL, or its exit code and output. */
export interface ProcessEnd {
  killed: boolean;
  code: number;
  stdout: string;
  stderr: string;
}

async function node(args: string[], env: Record<string, string> = {}): Promise<ProcessEnd> {
  try {
    const { stdout, stderr } = await exec(process.execPath, ['--import', 'tsx', '--conditions', 'firedrill-source', ...args], {
      cwd: root,
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...env },
      maxBuffer: 64 * 1024 * 1024,
    });
    return { killed: false, code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { signal?: string; code?: number; stdout?: string; stderr?: string };
    if (e.signal === 'SIGKILL') return { killed: true, code: -1, stdout: '', stderr: '' };
    if (typeof e.code === 'number') return { killed: false, code: e.code, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
    throw error;
  }
}

/** Starts the operation of `planFile` in a child process: to its end (its report on stdout), or killed right after journal event `crashAfter`. */
export async function startInChild(options: { state: string; planFile: string; runId: string; operation: CrashOperation; crashAfter?: number }): Promise<ProcessEnd> {
  const { state, planFile, runId, operation, crashAfter } = options;
  return node([fixture, state, planFile, runId, operation], crashAfter === undefined ? {} : { CRASH_AFTER_EVENTS: String(crashAfter) });
}

/** `firedrill resume <run-id> --json` in a new process: the journal and the saved world are all it has. */
export async function resumeWithCli(state: string, runId: string): Promise<{ code: number; report: RunReport; output: string }> {
  const out = await node([cli, 'resume', runId, '--state-dir', state, '--json']);
  const output = out.stdout + out.stderr;
  const json = out.stdout.slice(out.stdout.indexOf('{'), out.stdout.lastIndexOf('}') + 1);
  if (json === '') throw new Error(`firedrill resume printed no report (exit ${out.code}):\n${output}`);
  return { code: out.code, report: JSON.parse(json) as RunReport, output };
}

/** The run's journal as it is on disk. */
export function journalOf(state: string, runId: string): JournalEvent[] {
  return readJournalFile(new FileRunStore(state).journalPath(runId));
}
