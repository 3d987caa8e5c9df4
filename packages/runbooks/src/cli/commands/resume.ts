import { foldJournal, parsePlan, type PlanSource, readJournalFile, resumeRun, type StepDefinition } from '@firedrill/core';
import { existsSync } from 'node:fs';
import type { CommandRun } from '../command.js';
import { runStore } from '../plan-path.js';
import { UsageError } from '../usage-error.js';
import { openSession } from '../../operation/open-session.js';
import { operationSteps } from '../../operation/operation-steps.js';
import { finishRun, keepWorldAfterEachStep, showProgress } from '../../operation/run-operation.js';
import { operateRun, operatorName, terminalOperator } from '../../interactive/operator-session.js';
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
  // An interactive runbook is stepped through again, by whoever resumes it, unless they let it run on.
  const interactive = meta.stepThrough === true && !options['unattended'];
  let steps: readonly StepDefinition[] = [];
  const resumed = await resumeRun({
    runId,
    store,
    clock: session.clock,
    ...(meta.stepThrough ? { stepThrough: interactive, holdOnFailure: interactive } : {}),
    rebuild: () => {
      const built = operationSteps(source, choice, session.aws, runId, session.injectDisaster ? { injectDisaster: session.injectDisaster } : {});
      steps = built.steps;
      return { steps: built.steps, probes: { ...session.probes(source, choice.operation, choice.drill), ...(built.probes ?? {}) }, policies: plan.policies };
    },
  });
  // As the command that started it: a resumed run can crash too, and the next resume trusts the journal.
  keepWorldAfterEachStep(resumed, session);
  if (meta.drill === 'live' && session.endDisaster && state.restoredAt === undefined) {
    // As in the original command: the game day's simulated outage ends when the failover restores service.
    const end = session.endDisaster;
    const off = resumed.events.on('service.restored', () => {
      off();
      end();
    });
  } else if (meta.drill === 'live' && session.endDisaster) {
    // Restored before the crash, but the world may have been kept before the outage's end was (a crash right
    // after `service.restored`): end it now, or the failback waits on a region that never comes back. Ending an
    // outage that has ended already changes nothing.
    session.endDisaster();
  }
  if (interactive) {
    const display = { io, json: false, color: Boolean(io.stdout.isTTY) && io.env['NO_COLOR'] === undefined };
    const name = operatorName(options['as'], io.env);
    io.stdout.write(`resuming runbook ${runId} (${meta.operation} of ${meta.plan}) from its journal; operator ${name}\n`);
    return operateRun(resumed, steps, terminalOperator(name, display), session, store, display);
  }
  const display = { io, ...progressOutput(io, Boolean(options['json'])) };
  if (!display.json) io.stdout.write(`resuming ${runId} (${meta.operation} of ${meta.plan}) from its journal\n`);
  showProgress(resumed, display, session.clock);
  return finishRun(resumed, session, store, display);
};
