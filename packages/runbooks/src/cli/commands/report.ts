import { buildReport, readJournalFile, type RunReport } from '@firedrill/core';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { reportToHtml } from '../../render/report-html.js';
import { reportToJUnit } from '../../render/report-junit.js';
import { reportToMarkdown } from '../../render/report-markdown.js';
import { EXIT } from '../cli-io.js';
import type { CommandRun } from '../command.js';
import { runStore } from '../plan-path.js';
import { writeOutFile } from '../out-file.js';

type RunStore = ReturnType<typeof runStore>;
import { UsageError } from '../usage-error.js';

const FORMATS = ['json', 'md', 'junit', 'html'] as const;

/**
 * `firedrill report <run-id> --format json|md|junit|html [--out <file>]`: rebuilt from the journal alone. The HTML
 * report also charts the RTO and RPO of the plan's earlier runs in the same store.
 */
export const run: CommandRun = async ({ positionals, options, io }) => {
  const format = String(options['format'] ?? 'json');
  if (!(FORMATS as readonly string[]).includes(format)) throw new UsageError(`firedrill report: --format: expected one of ${FORMATS.join(', ')}, got "${format}"`);
  const store = runStore(io, options);
  const runId = positionals[0]!;
  const journal = store.journalPath(runId);
  if (!existsSync(journal)) {
    // A scheduled check records its findings under an id of its own in the reports folder: it is no run.
    const findings = join(store.dir, 'reports', `${runId}.json`);
    if (existsSync(findings)) {
      throw new UsageError(`firedrill report: "${runId}" is a scheduled readiness check, not a run: its findings are in ${findings} (JSON, schema firedrill.check/v1); a check has no journal to build a report from.`);
    }
    const known = store.listRuns().slice(-5);
    throw new UsageError(`firedrill report: no run "${runId}" in ${store.dir}${known.length ? `; recent runs: ${known.join(', ')}` : ''}. Use --state-dir if the runs live elsewhere.`);
  }
  const report = buildReport(readJournalFile(journal));
  const text =
    format === 'json' ? `${JSON.stringify(report, null, 2)}\n`
    : format === 'md' ? reportToMarkdown(report)
    : format === 'html' ? reportToHtml(report, planHistory(store, report.plan, runId))
    : reportToJUnit(report);
  if (options['out'] !== undefined) io.stdout.write(`${writeOutFile(io, 'report', String(options['out']), text)}\n`);
  else io.stdout.write(text);
  return EXIT.ok;
};

/** Reports of the plan's runs in the store, oldest first, up to and including `upTo`. */
export function planHistory(store: RunStore, plan: string, upTo: string): RunReport[] {
  const reports: RunReport[] = [];
  for (const runId of store.listRuns()) {
    const events = readJournalFile(store.journalPath(runId));
    if (events[0]?.type === 'run.started' && events[0].plan === plan) reports.push(buildReport(events));
    if (runId === upTo) break;
  }
  return reports;
}
