import { buildReport, formatDuration, loadPlanFile, readJournalFile, type RunReport } from '@firedrill/core';
import { EXIT } from '../cli-io.js';
import type { CommandRun } from '../command.js';
import { planPath, runStore } from '../plan-path.js';
import { laterPhases } from '../../render/phase-verdicts.js';
import { rpoFigure, rpoNoteText } from '../../render/rpo-text.js';

const cell = (seconds: number | null, met: boolean | null): string =>
  seconds === null ? '—' : `${formatDuration(seconds * 1000)}${met === false ? ' ✗' : met ? ' ✓' : ''}`;

/** `firedrill history <plan>`: every run of the plan, oldest first, with RTO and RPO against objectives. */
export const run: CommandRun = async ({ positionals, options, io }) => {
  const plan = await loadPlanFile(planPath(io, positionals[0]!));
  const store = runStore(io, options);
  const reports: RunReport[] = [];
  for (const runId of store.listRuns()) {
    const events = readJournalFile(store.journalPath(runId));
    if (events[0]?.type === 'run.started' && events[0].plan === plan.metadata.name) reports.push(buildReport(events));
  }
  if (options['json']) {
    // rpo as the report has it: an unverified one keeps `verified: false` and its `note`.
    io.stdout.write(`${JSON.stringify(reports.map(({ runId, operation, drill, status, startedAt, rto, rpo, phases }) => ({ runId, operation, drill, status, startedAt, rto, rpo, ...(phases ? { phases: phases.map(({ name, rto, rpo }) => ({ name, rto, rpo })) } : {}) })), null, 2)}\n`);
    return EXIT.ok;
  }
  if (reports.length === 0) {
    io.stdout.write(`no runs of "${plan.metadata.name}" in ${store.dir} yet\n`);
    return EXIT.ok;
  }
  io.stdout.write(`Runs of ${plan.metadata.name} (RTO objective ${formatDuration(plan.objectives.rto)}, RPO objective ${formatDuration(plan.objectives.rpo)})\n`);
  for (const r of reports) {
    const rpo = r.rpo.verified === false ? `${rpoFigure(r.rpo)} ✗` : cell(r.rpo.seconds, r.rpo.met);
    io.stdout.write(`${r.startedAt}  ${r.runId}  ${`${r.operation}${r.drill ? `/${r.drill}` : ''}`.padEnd(14)} ${r.status.padEnd(11)} RTO ${cell(r.rto.seconds, r.rto.met).padEnd(10)} RPO ${rpo}\n`);
    if (r.rpo.verified === false) io.stdout.write(`    ${rpoNoteText(r.rpo)}\n`);
    // A live drill's failback is judged on its own: a miss there is a miss of the drill.
    for (const p of laterPhases(r)) {
      const phaseRpo = p.rpo.verified === false ? `${rpoFigure(p.rpo)} ✗` : cell(p.rpo.seconds, p.rpo.met);
      io.stdout.write(`    ${p.name}: RTO ${cell(p.rto.seconds, p.rto.met)}  RPO ${phaseRpo}\n`);
    }
  }
  const measured = reports.filter((r) => r.rto.seconds !== null);
  if (measured.length >= 2) {
    const [previous, latest] = [measured.at(-2)!, measured.at(-1)!];
    const delta = latest.rto.seconds! - previous.rto.seconds!;
    io.stdout.write(`trend: RTO ${delta > 0 ? 'up' : delta < 0 ? 'down' : 'flat'} ${formatDuration(Math.abs(delta) * 1000)} since the previous measured run\n`);
  }
  return EXIT.ok;
};
