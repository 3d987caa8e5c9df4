import { buildReport, loadPlanSource, readJournalFile, VirtualClock } from '@firedrill/core';
import { buildWarmStandbyScenario, planForScenario } from '@firedrill/sandbox';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { stringify } from 'yaml';
import { reportToHtml } from '../../render/report-html.js';
import { reportToMarkdown } from '../../render/report-markdown.js';
import { openSandboxSession, sandboxWorldPath } from '../../operation/sandbox-session.js';
import { runOperation } from '../../operation/run-operation.js';
import { progressOutput } from '../../progress/progress-output.js';
import type { CommandRun } from '../command.js';
import { firedrillInvocation } from '../invocation.js';
import { runStore } from '../plan-path.js';
import { planHistory } from './report.js';

/** A word as a POSIX shell reads it back unchanged: quoted only when it has to be. */
const shellWord = (word: string): string => (/^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`);

/**
 * The commands to try on the demo's plan, typed as the demo was run (pasteable: `npx -y pnpm@… firedrill` from the
 * repository, `firedrill` installed); `history` reads the demo's run store, so it is given the demo's `--state-dir`.
 */
function tryNext(env: Readonly<Record<string, string | undefined>>, planFile: string, stateDir: unknown): string {
  const firedrill = firedrillInvocation(env);
  const plan = shellWord(planFile);
  const store = typeof stateDir === 'string' ? ` --state-dir ${shellWord(stateDir)}` : '';
  return [`plan ${plan} --operation failover`, `render ${plan} --operation failover`, `history ${plan}${store}`].map((c) => `${firedrill} ${c}`).join(' · ');
}

/**
 * `firedrill demo`: a live warm-standby drill on the sandbox, end to end — the primary region goes down, the
 * replica is promoted, the standby fleet scales out, DNS moves; then everything fails back — with RTO and
 * RPO measured against the objectives. Writes the demo's plan so the other commands can be tried on it.
 */
export const run: CommandRun = async ({ options, io }) => {
  const store = runStore(io, options);
  const demoDir = join(store.dir, 'demo');
  mkdirSync(demoDir, { recursive: true });
  // The plan comes from the scenario itself, so its names are the sandbox's.
  const { names } = await buildWarmStandbyScenario({ clock: new VirtualClock(), app: 'tracking' });
  const planFile = join(demoDir, 'tracking-app.yaml');
  writeFileSync(planFile, `# Written by \`firedrill demo\`: a warm standby of the sandbox's "tracking" application.\n${stringify(planForScenario(names))}`);
  const shown = relative(process.cwd(), planFile) || planFile;
  const source = await loadPlanSource(shown);
  // Every demo starts from a fresh world.
  rmSync(sandboxWorldPath(store.dir, source.plan.metadata.name, source.plan.strategy.name), { force: true });
  const session = await openSandboxSession(source, store.dir, { seed: Number(options['seed'] ?? 1) });
  io.stdout.write(`Firedrill demo: a live drill of ${source.plan.metadata.name} (warm standby, ${source.plan.regions.primary} → ${source.plan.regions.recovery}) on the sandbox\nplan: ${shown}\n\n`);
  // The demo's own run: other runs of the plan in the store may sort after it (ids carry the run's clock time).
  const { code, runId } = await runOperation(source, { operation: 'drill', mode: 'ungraceful', drill: 'live' }, session, store, { io, ...progressOutput(io, Boolean(options['json'])) });
  if (!options['json']) {
    const report = buildReport(readJournalFile(store.journalPath(runId)));
    const markdown = join(store.runDir(runId), 'report.md');
    writeFileSync(markdown, reportToMarkdown(report));
    const html = join(store.runDir(runId), 'report.html');
    writeFileSync(html, reportToHtml(report, planHistory(store, report.plan, runId)));
    io.stdout.write(`Markdown report: ${relative(process.cwd(), markdown)}\nHTML report: ${relative(process.cwd(), html)}\nTry next: ${tryNext(io.env, shown, options['state-dir'])}\n`);
  }
  return code;
};
