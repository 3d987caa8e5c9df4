import { type CallPreview, realClock } from '@firedrill/core';
import { AwsEnvironment, getStrategy, PLAN_OPERATIONS, type Side, sideOfCall } from '@firedrill/strategies';
import { EXIT } from '../cli-io.js';
import type { CommandRun } from '../command.js';
import { planPath } from '../plan-path.js';
import { UsageError } from '../usage-error.js';
import { operationSteps } from '../../operation/operation-steps.js';
import { loadRunnablePlan } from '../../operation/load-runnable-plan.js';
import { checkIamActions } from '../../operation/check-iam-actions.js';

/**
 * `firedrill iam-policy <plan> [--side primary|recovery]`: the IAM actions every operation of the plan calls, from
 * the steps' own previews, and the reads `firedrill check` makes (found by running it on the plan's sandbox world),
 * grouped by service in one policy document. With `--side`, only the calls made through that side's clients: in a
 * two-account plan, what that side's role needs and nothing of the other account's.
 */
export const run: CommandRun = async ({ positionals, options, io }) => {
  const side = options['side'] === undefined ? undefined : String(options['side']);
  if (side !== undefined && side !== 'primary' && side !== 'recovery') {
    throw new UsageError(`firedrill iam-policy: --side: expected primary or recovery, got "${side}"`);
  }
  const source = await loadRunnablePlan(planPath(io, positionals[0]!));
  const onSide = (call: CallPreview): boolean => side === undefined || sideOfCall(source.plan, call.service, call.region) === (side as Side);
  const aws = new AwsEnvironment({ plan: source.plan, clock: realClock });
  const calls: CallPreview[] = [];
  const drills = getStrategy(source.plan.strategy.name, source.file).drills;
  // Only the drills the strategy can run (an in-region plan has no isolated drill).
  for (const choice of PLAN_OPERATIONS.filter((c) => c.drill === undefined || drills === undefined || drills.includes(c.drill))) {
    for (const step of operationSteps(source, choice, aws, 'iam-policy').steps) calls.push(...(step.preview?.() ?? []).filter(onSide));
  }
  // `check`'s reads too: a role granted only the operations' actions is refused by `firedrill check`.
  const check = await checkIamActions(source);
  if (check.actions === undefined) {
    io.stderr.write(`warning: the policy lacks the reads of \`firedrill check\`: they are found by running the check on the plan's sandbox world, which cannot model this plan (${check.reason})\n`);
  }
  const byService = new Map<string, Set<string>>();
  const checkActions = check.actions === undefined ? [] : side === undefined ? check.actions : check.bySide[side as Side];
  for (const action of [...calls.flatMap((c) => c.iamActions ?? []), ...checkActions]) {
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
  // Standard error, so the policy on standard output stays a document to pipe.
  const [primaryRole, recoveryRole] = [source.plan.accounts?.primary?.roleArn, source.plan.accounts?.recovery?.roleArn];
  if (side === undefined && primaryRole !== undefined && recoveryRole !== undefined && primaryRole !== recoveryRole) {
    io.stderr.write(`note: this plan acts as a role per side; this policy covers both. \`firedrill iam-policy ${positionals[0]} --side primary\` (and --side recovery) prints each role's own.\n`);
  }
  return EXIT.ok;
};
