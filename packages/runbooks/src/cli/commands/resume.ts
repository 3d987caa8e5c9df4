import { foldJournal, parsePlan, type PlanSource, readJournalFile, resumeRun } from '@firedrill/core';
import { existsSync } from 'node:fs';
import type { CommandRun } from '../command.js';
import { runStore } from '../plan-path.js';
import { UsageError } from '../usage-error.js';
import { openSession } from '../../operation/open-session.js';
import { operationSteps } from '../../operation/operation-steps.js';
import { finishRun, showProgress } from '../../operation/run-operation.js';
import { progressOutput } from '../../progress/progress-output.js';

/**
 * `firedrill resume <run-id>`: continues a run from its journal alone (the plan is in the journal): finished
 * steps are not run again, a step cut off mid-way is re-checked before anything is done.
 */
export const run: CommandRun = async ({ positionals, options, io }) => {
  const store = runStore(io, options);
  const runId = positionals[0]!;
  if (!existsSync(store.journalPath(runId))) throw new UsageError(`firedrill resume: no run "${runId}" in ${store.dir}; see \`firedrill history <plan>\` for run ids, or pass --state-dir`);
  const state = foldJournal(readJournalFile(store.journalPath(runId)));
  const meta = state.meta;
  const file = typeof meta.context?.['planFile'] === 'string' ? meta.context['planFile'] : `${meta.plan} (from the journal)`;
  const plan = parsePlan(meta.planInput, file);
  const source: PlanSource = { file, text: '', input: meta.planInput as PlanSource['input'], plan };
  const target = meta.target === 'aws' ? 'aws' : 'sandbox';
  const session = await openSession(target, source, store.dir, { start: state.lastEventAt });
  const choice = { operation: meta.operation as 'failover' | 'failback' | 'drill', mode: meta.mode, ...(meta.drill ? { drill: meta.drill } : {}) };
  const resumed = await resumeRun({
    runId,
    store,
    clock: session.clock,
    rebuild: () => {
      const built = operationSteps(source, choice, session.aws, runId, session.injectDisaster ? { injectDisaster: session.injectDisaster } : {});
      return { steps: built.steps, probes: { ...session.probes(source), ...(built.probes ?? {}) }, policies: plan.policies };
    },
  });
  const display = { io, ...progressOutput(io, Boolean(options['json'])) };
  if (!display.json) io.stdout.write(`resuming ${runId} (${meta.operation} of ${meta.plan}) from its journal\n`);
  showProgress(resumed, display, session.clock);
  return finishRun(resumed, session, store, display);
};
