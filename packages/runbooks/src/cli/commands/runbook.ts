import { EXIT } from '../cli-io.js';
import type { CommandRun } from '../command.js';
import { planPath, runStore } from '../plan-path.js';
import { operationChoice } from '../../operation/operation-options.js';
import { openSession, targetOf } from '../../operation/open-session.js';
import { startOperation } from '../../operation/run-operation.js';
import { operateRun, operatorName, terminalOperator } from '../../interactive/operator-session.js';
import { confirmProduction } from './operation-command.js';
import { loadRunnablePlan } from '../../operation/load-runnable-plan.js';

/**
 * `firedrill runbook <plan> --operation <op>`: an SRE steps through the operation. Each ready step is shown
 * with why and its exact AWS calls and waits for run / skip / done by hand / pause / abort / quit; failures
 * offer retry; approvals ask the approver's name; a graceful failover whose primary stops answering offers
 * the switch to ungraceful. Everything is journaled (who, what, when); `firedrill resume` continues a run
 * the operator quit.
 */
export const run: CommandRun = async ({ positionals, options, io }) => {
  const source = await loadRunnablePlan(planPath(io, positionals[0]!));
  const choice = operationChoice('runbook', options);
  const target = targetOf('runbook', source, options);
  const movesProduction = choice.operation !== 'drill' || choice.drill === 'live';
  if (target === 'aws' && movesProduction && !options['yes'] && !(await confirmProduction(source.plan.metadata.name, 'runbook', io))) {
    io.stderr.write('not confirmed; nothing was changed\n');
    return EXIT.usage;
  }
  const name = operatorName(options['as'], io.env);
  const store = runStore(io, options);
  const session = await openSession(target, source, store.dir);
  const display = { io, json: false, color: Boolean(io.stdout.isTTY) && io.env['NO_COLOR'] === undefined };
  const { run: started, steps } = await startOperation(source, choice, session, store, { stepThrough: true });
  io.stdout.write(`runbook: ${choice.operation}${choice.drill ? ` (${choice.drill} drill)` : ''} of ${source.plan.metadata.name}, ${choice.mode}, on ${target}; operator ${name}; run ${started.runId}\n`);
  return operateRun(started, steps, terminalOperator(name, display), session, store, display);
};
