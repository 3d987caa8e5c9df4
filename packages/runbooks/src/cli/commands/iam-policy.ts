import { type CallPreview, realClock } from '@firedrill/core';
import { AwsEnvironment, getStrategy, PLAN_OPERATIONS } from '@firedrill/strategies';
import { EXIT } from '../cli-io.js';
import type { CommandRun } from '../command.js';
import { planPath } from '../plan-path.js';
import { operationSteps } from '../../operation/operation-steps.js';
import { loadRunnablePlan } from '../../operation/load-runnable-plan.js';
import { checkIamActions } from '../../operation/check-iam-actions.js';

/**
 * `firedrill iam-policy <plan>`: the IAM actions every operation of the plan calls, from the steps' own
 * previews, and the reads `firedrill check` makes (found by running it on the plan's sandbox world), grouped by
 * service in one policy document.
 */
export const run: CommandRun = async ({ positionals, io }) => {
  const source = await loadRunnablePlan(planPath(io, positionals[0]!));
  const aws = new AwsEnvironment({ plan: source.plan, clock: realClock });
  const calls: CallPreview[] = [];
  const drills = getStrategy(source.plan.strategy.name, source.file).drills;
  // Only the drills the strategy can run (an in-region plan has no isolated drill).
  for (const choice of PLAN_OPERATIONS.filter((c) => c.drill === undefined || drills === undefined || drills.includes(c.drill))) {
    for (const step of operationSteps(source, choice, aws, 'iam-policy').steps) calls.push(...(step.preview?.() ?? []));
  }
  // `check`'s reads too: a role granted only the operations' actions is refused by `firedrill check`.
  const check = await checkIamActions(source);
  if (check.actions === undefined) {
    io.stderr.write(`warning: the policy lacks the reads of \`firedrill check\`: they are found by running the check on the plan's sandbox world, which cannot model this plan (${check.reason})\n`);
  }
  const byService = new Map<string, Set<string>>();
  for (const action of [...calls.flatMap((c) => c.iamActions ?? []), ...(check.actions ?? [])]) {
    const [service] = action.split(':');
    (byService.get(service!) ?? byService.set(service!, new Set()).get(service!)!).add(action);
  }
  const policy = {
    Version: '2012-10-17',
    Statement: [...byService.entries()].sort().map(([service, actions]) => ({
      Sid: `Firedrill${service.replace(/[^a-zA-Z0-9]/g, '').replace(/^./, (c) => c.toUpperCase())}`,
      Effect: 'Allow',
      Action: [...actions].sort(),
      Resource: '*',
    })),
  };
  io.stdout.write(`${JSON.stringify(policy, null, 2)}\n`);
  return EXIT.ok;
};
