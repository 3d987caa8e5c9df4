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
