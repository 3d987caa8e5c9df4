import { buildReport, readJournalFile } from '@firedrill/core';
import { existsSync } from 'node:fs';
import { reportToJUnit } from '../../render/report-junit.js';
import { reportToMarkdown } from '../../render/report-markdown.js';
import { EXIT } from '../cli-io.js';
import type { CommandRun } from '../command.js';
import { runStore } from '../plan-path.js';
import { UsageError } from '../usage-error.js';

const FORMATS = ['json', 'md', 'junit'] as const;

/** `firedrill report <run-id> --format json|md|junit`: rebuilt from the journal alone. */
export const run: CommandRun = async ({ positionals, options, io }) => {
  const format = String(options['format'] ?? 'json');
  if (!(FORMATS as readonly string[]).includes(format)) throw new UsageError(`firedrill report: --format: expected one of ${FORMATS.join(', ')}, got "${format}"`);
  const store = runStore(io, options);
  const runId = positionals[0]!;
  const journal = store.journalPath(runId);
  if (!existsSync(journal)) {
    const known = store.listRuns().slice(-5);
    throw new UsageError(`firedrill report: no run "${runId}" in ${store.dir}${known.length ? `; recent runs: ${known.join(', ')}` : ''}. Use --state-dir if the runs live elsewhere.`);
  }
  const report = buildReport(readJournalFile(journal));
  io.stdout.write(format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : format === 'md' ? reportToMarkdown(report) : reportToJUnit(report));
  return EXIT.ok;
};
