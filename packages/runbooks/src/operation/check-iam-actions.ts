/**
 * The IAM actions `firedrill check` needs, found by running the plan's own readiness check — the code itself, not
 * a list kept beside it — on the plan's sandbox world (virtual clock, no AWS) and naming every call it made.
 */
import { type PlanSource, VirtualClock } from '@firedrill/core';
import { buildScenarioForPlan, ScenarioPlanError } from '@firedrill/sandbox';
import { AwsEnvironment, type AwsPluggable, type AwsService, callRecorderPlugin, getStrategy, iamActionFor, PERMISSIONS_CHECK_ACTIONS } from '@firedrill/strategies';
import { registerBuiltins } from './register-builtins.js';

/**
 * The sorted IAM actions the plan's `check` calls, or `undefined` when the sandbox cannot model the plan (it says why
 * in `reason`). The check runs on a world provisioned from the plan, so every resource it reads exists and every
 * read it makes on a ready plan is made; a read only made when something is missing or failing is not seen.
 *
 * @example const { actions } = await checkIamActions(source); // ['ec2:DescribeImages', 'rds:DescribeDBInstances', …]
 */
export async function checkIamActions(source: PlanSource): Promise<{ actions: string[] } | { actions: undefined; reason: string }> {
  registerBuiltins();
  const clock = new VirtualClock();
  let sandbox;
  try {
    ({ sandbox } = await buildScenarioForPlan(source.plan, { clock, seed: 1, file: source.file }));
  } catch (error) {
    if (error instanceof ScenarioPlanError) return { actions: undefined, reason: error.message };
    throw error;
  }
  const actions = new Set<string>();
  // The recorder goes before the sandbox's plugin so it wraps the sandbox's answer (see callRecorderPlugin).
  const recorder = callRecorderPlugin({ onCall: (call) => actions.add(iamActionFor(call.service as AwsService, call.command)) });
  // A side that acts as a role (multi-account plans) makes its calls as that role, as on AWS.
  const plugin = (target: { region: string; account?: string }): AwsPluggable => sandbox.pluginFor(target) as unknown as AwsPluggable;
  const aws = new AwsEnvironment({ plan: source.plan, clock, plugins: [recorder, plugin] });
  await getStrategy(source.plan.strategy.name, source.file).check({ plan: source.plan, aws });
  // The sandbox's clients act as a user, so the permissions check's GetRole (made when Firedrill runs as a role) is
  // not seen there: its actions are named by the check itself.
  for (const action of PERMISSIONS_CHECK_ACTIONS) actions.add(action);
  return { actions: [...actions].sort() };
}
