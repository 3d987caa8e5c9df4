import { type Operation } from '@firedrill/core';
import { createInterface } from 'node:readline/promises';
import { EXIT } from '../cli-io.js';
import type { CommandRun } from '../command.js';
import { planPath, runStore } from '../plan-path.js';
import { UsageError } from '../usage-error.js';
import { operationChoice } from '../../operation/operation-options.js';
import { openSession, targetOf } from '../../operation/open-session.js';
import { runOperation } from '../../operation/run-operation.js';
import { progressOutput } from '../../progress/progress-output.js';
import { loadRunnablePlan } from '../../operation/load-runnable-plan.js';

/** Asks on the terminal for the plan's name before moving production on real AWS. */
export async function confirmProduction(plan: string, operation: string, io: Parameters<CommandRun>[0]['io']): Promise<boolean> {
  if (!process.stdin.isTTY) {
    throw new UsageError(`firedrill ${operation}: this moves production on AWS; pass --yes to confirm (no terminal to ask on). Nothing was changed.`);
  }
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question(`${operation} of ${plan} on real AWS moves production. Type the plan's name to continue: `);
    return answer.trim() === plan;
  } finally {
    rl.close();
  }
}

/** `firedrill drill|failover|failback <plan>`: runs the operation on the plan's target to its end. */
export function operationCommand(operation: Exclude<Operation, 'check'>): CommandRun {
  return async ({ positionals, options, io }) => {
    const source = await loadRunnablePlan(planPath(io, positionals[0]!));
    const choice = operationChoice(operation, options, operation);
    const target = targetOf(operation, source, options);
    const movesProduction = operation !== 'drill' || choice.drill === 'live';
    if (target === 'aws' && movesProduction && !options['yes'] && !(await confirmProduction(source.plan.metadata.name, operation, io))) {
      io.stderr.write('not confirmed; nothing was changed\n');
      return EXIT.usage;
    }
    const store = runStore(io, options);
    const session = await openSession(target, source, store.dir);
    return (await runOperation(source, choice, session, store, { io, ...progressOutput(io, Boolean(options['json'])) })).code;
  };
}
