import { existsSync, mkdirSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Where runs live on disk: `<dir>/runs/<run id>/journal.jsonl` and `report.json`, and
 * `<dir>/locks/<plan>.lock`. The default directory is `.firedrill` in the working directory.
 */
export class FileRunStore {
  constructor(readonly dir: string = '.firedrill') {}

  runDir(runId: string): string {
    return join(this.dir, 'runs', runId);
  }
  journalPath(runId: string): string {
    return join(this.runDir(runId), 'journal.jsonl');
  }
  reportPath(runId: string): string {
    return join(this.runDir(runId), 'report.json');
  }
  lockPath(plan: string): string {
    return join(this.dir, 'locks', `${plan}.lock`);
  }

  /** Writes the report next to the journal, atomically (temp file + rename). */
  writeReport(runId: string, report: unknown): string {
    const path = this.reportPath(runId);
    mkdirSync(this.runDir(runId), { recursive: true });
    writeFileSync(`${path}.tmp`, JSON.stringify(report, null, 2) + '\n');
    renameSync(`${path}.tmp`, path);
    return path;
  }

  /** Run ids with a journal, oldest first (ids sort by start time). */
  listRuns(): string[] {
    const runs = join(this.dir, 'runs');
    if (!existsSync(runs)) return [];
    return readdirSync(runs).filter((id) => existsSync(this.journalPath(id))).sort();
  }
}

/** A run id that already has a journal in the store: a new run under it would write into that run's history. */
export class RunIdTakenError extends Error {
  override readonly name = 'RunIdTakenError';
  readonly code = 'RUN_ID_TAKEN';
  /** Bad input, for the CLI: nothing ran. */
  readonly exitCode = 2;
  constructor(readonly runId: string, readonly journalPath: string) {
    super(
      `run id ${runId} is taken: ${journalPath} holds that run's journal. Start the new run under another id (leave runId out and one is made from the plan and the time), ` +
        `or \`firedrill resume ${runId}\` to continue that run if it did not end.`,
    );
  }
}
