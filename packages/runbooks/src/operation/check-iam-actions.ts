/**
 * The IAM actions `firedrill check` needs, found by running the plan's own readiness check — the code itself, not
 * a list kept beside it — on the plan's sandbox world (virtual clock, no AWS) and naming every call it made.
 */
import { type PlanSource, VirtualClock } from '@firedrill/core';
import { buildScenarioForPlan, ScenarioPlanError } from '@firedrill/sandbox';
import {
  type AwsClientTarget,
  AwsEnvironment,
  type AwsPluggable,
  type AwsService,
  callRecorderPlugin,
  getStrategy,
  iamActionFor,
  PERMISSIONS_CHECK_ACTIONS,
  type Side,
  sideOfCall,
} from '@firedrill/strategies';
import { registerBuiltins } from './register-builtins.js';

/** The IAM actions `check` calls, sorted: all of them, and those made through each side's clients (its role's). */
export interface CheckIamActions {
  actions: string[];
  bySide: Record<Side, string[]>;
}

/**
 * The sorted IAM actions the plan's `check` calls, or `undefined` when the sandbox cannot model the plan (it says why
 * in `reason`). The check runs on a world provisioned from the plan, so every resource it reads exists and every
 * read it makes on a ready plan is made; a read only made when something is missing or failing is not seen.
 *
 * @example const { actions } = await checkIamActions(source); // ['ec2:DescribeImages', 'rds:DescribeDBInstances', …]
 */
export async function checkIamActions(source: PlanSource): Promise<CheckIamActions | { actions: undefined; reason: string }> {
  registerBuiltins();
  const { plan } = source;
  const clock = new VirtualClock();
  let sandbox;
  try {
    ({ sandbox } = await buildScenarioForPlan(plan, { clock, seed: 1, file: source.file }));
  } catch (error) {
    if (error instanceof ScenarioPlanError) return { actions: undefined, reason: error.message };
    throw error;
  }
  const bySide: Record<Side, Set<string>> = { primary: new Set(), recovery: new Set() };
  // A client acting as a side's role is that side's; otherwise its region says (Route 53's control plane: the primary's).
  const sideOf = (target: AwsClientTarget): Side =>
    (['primary', 'recovery'] as const).find((side) => target.account !== undefined && plan.accounts?.[side]?.roleArn === target.account)
    ?? sideOfCall(plan, target.service, target.region);
  // The recorder goes before the sandbox's plugin so it wraps the sandbox's answer (see callRecorderPlugin).
  const recorder = (target: AwsClientTarget): AwsPluggable =>
    callRecorderPlugin({ onCall: (call) => bySide[sideOf(target)].add(iamActionFor(call.service as AwsService, call.command)) })(target);
  // A side that acts as a role (multi-account plans) makes its calls as that role, as on AWS.
  const plugin = (target: { region: string; account?: string }): AwsPluggable => sandbox.pluginFor(target) as unknown as AwsPluggable;
  const aws = new AwsEnvironment({ plan, clock, plugins: [recorder, plugin] });
  await getStrategy(plan.strategy.name, source.file).check({ plan, aws });
  // The sandbox's clients act as a user, so the permissions check's GetRole (made when Firedrill runs as a role) is
  // not seen there: its actions are named by the check itself, for each side's principal (each simulates itself).
  for (const side of ['primary', 'recovery'] as const) for (const action of PERMISSIONS_CHECK_ACTIONS) bySide[side].add(action);
  const sorted = (actions: Iterable<string>): string[] => [...new Set(actions)].sort();
  return { actions: sorted([...bySide.primary, ...bySide.recovery]), bySide: { primary: sorted(bySide.primary), recovery: sorted(bySide.recovery) } };
}
