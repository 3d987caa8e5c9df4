import { loadPlanSource, type Plan, type PlanIssue, type PlanSource, PlanValidationError } from '@firedrill/core';
import { listStrategies, getStrategy } from '@firedrill/strategies';
import { registerBuiltins } from './register-builtins.js';
import { stepReferenceIssues } from './step-reference-issues.js';

/**
 * The problems a plan's strategy finds in it (the roles and kinds it needs, fleets it cannot drive, policies and
 * approval gates that name no step of its operations), reported
 * like schema problems; an unknown strategy name is one such problem. Empty when the strategy can run the plan.
 *
 * A plan can be valid YAML for the schema and still name nothing the strategy could fail over (a pilot light with
 * no database): `validate` and every command must say so before any AWS call, not half way through a failover.
 *
 * @example strategyIssues(plan, 'plans/tracking.yaml') // [] when the strategy can run it
 */
export function strategyIssues(plan: Plan, file: string): PlanIssue[] {
  registerBuiltins();
  const known = listStrategies();
  if (!known.includes(plan.strategy.name)) {
    const found = `"${plan.strategy.name}"`;
    return [{
      file, path: 'strategy.name', expected: `one of ${known.join(', ')}`, found,
      message: `expected one of ${known.join(', ')}, got ${found}; name one of these (a strategy of your own must be registered with registerStrategy() in the code that runs the plan)`,
    }];
  }
  const strategy = getStrategy(plan.strategy.name, file);
  const issues = [...strategy.validate(plan, file), ...scheduleIssues(plan, file, strategy.drills)];
  // A strategy that cannot run the plan may not build its steps either: the step ids wait until it can.
  return issues.length > 0 ? issues : stepReferenceIssues(plan, file, strategy);
}

/**
 * A schedule asking for a drill kind the strategy cannot run would fail on every slot, unattended: refuse it now.
 * `drill` defaults to `isolated`, so a plan that never wrote it is caught too, and told what to write.
 */
function scheduleIssues(plan: Plan, file: string, drills: readonly ('isolated' | 'live')[] | undefined): PlanIssue[] {
  const schedule = plan.schedule;
  if (schedule === undefined || schedule.operation !== 'drill' || drills === undefined || drills.includes(schedule.drill)) return [];
  const expected = drills.map((d) => `drill: ${d}`).join(' or ');
  const found = `${schedule.drill} (written, or the default when schedule.drill is absent)`;
  return [{
    file, path: 'schedule.drill', expected, found,
    message: `expected ${expected}, got ${found}: strategy ${plan.strategy.name} cannot run ${schedule.drill === 'isolated' ? 'an isolated' : 'a live'} drill; write \`${expected.split(' or ')[0]}\` under schedule (or \`operation: check\` for a readiness check on schedule)`,
  }];
}

/**
 * Loads a plan file and checks it against the schema and then its strategy: every problem found, at once.
 *
 * @throws PlanValidationError (exit code 2) naming the file, the field, what was expected and what was found.
 * @example const source = await loadRunnablePlan('plans/tracking.yaml');
 */
export async function loadRunnablePlan(path: string): Promise<PlanSource> {
  const source = await loadPlanSource(path);
  const issues = strategyIssues(source.plan, source.file);
  if (issues.length > 0) throw new PlanValidationError(issues);
  return source;
}
