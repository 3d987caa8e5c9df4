import { approvalStepId, closestKey, type FailoverMode, type Plan, type PlanIssue, realClock } from '@firedrill/core';
import { AwsEnvironment, RUN_ID_PLACEHOLDER, type Strategy } from '@firedrill/strategies';

/** Every operation a plan's strategy may build: each mode, each drill kind it can run. */
function strategyChoices(strategy: Strategy): Array<{ operation: 'failover' | 'failback' | 'drill'; mode: FailoverMode; drill?: 'isolated' | 'live' }> {
  const modes: FailoverMode[] = ['graceful', 'ungraceful'];
  const drills = strategy.drills ?? ['isolated', 'live'];
  return [
    ...modes.map((mode) => ({ operation: 'failover' as const, mode })),
    ...modes.map((mode) => ({ operation: 'failback' as const, mode })),
    ...drills.flatMap((drill) => modes.map((mode) => ({ operation: 'drill' as const, mode, drill }))),
  ];
}

/** Ids of the steps of every operation of the plan's strategy (and of the approval steps its gates add). Pure: no AWS call. */
function strategyStepIds(plan: Plan, strategy: Strategy): Set<string> {
  const aws = new AwsEnvironment({ plan, clock: realClock });
  const ids = new Set<string>();
  for (const choice of strategyChoices(strategy)) {
    try {
      for (const step of strategy.build({ plan, ...choice, aws, runId: RUN_ID_PLACEHOLDER }).steps) ids.add(step.id);
    } catch {
      // An operation the strategy refuses for this plan has no steps to name.
    }
  }
  for (const gate of plan.approvals) if (gate.before === 'run' || ids.has(gate.before)) ids.add(approvalStepId(gate.before));
  return ids;
}

/**
 * The plan's fields that name a step — `policies.<step-id>` and `approvals[i].before` — checked against the steps
 * of every operation of its strategy (any mode, any drill): a step id is right when some operation has that step.
 * A typo'd policy key would otherwise be ignored without a word, and a typo'd gate would gate nothing.
 *
 * @example stepReferenceIssues(plan, 'plan.yaml', getStrategy('warm-standby'))
 * // [{ path: 'policies.wait-replica-promotd', message: '… did you mean wait-replica-promoted?', … }]
 */
export function stepReferenceIssues(plan: Plan, file: string, strategy: Strategy): PlanIssue[] {
  const named = [
    ...Object.keys(plan.policies).map((id) => ({ path: `policies.${id}`, id })),
    ...plan.approvals.flatMap((gate, i) => (gate.before === 'run' ? [] : [{ path: `approvals[${i}].before`, id: gate.before }])),
  ];
  if (named.length === 0) return [];
  const ids = strategyStepIds(plan, strategy);
  const known = [...ids].sort();
  const expected = `a step id of one of the plan's operations (strategy ${strategy.name})`;
  return named
    .filter(({ id }) => !ids.has(id))
    .map(({ path, id }) => {
      const suggestion = closestKey(id, known);
      const hint = suggestion
        ? `did you mean ${suggestion}?`
        : `\`firedrill plan ${file} --operation <failover|failback|drill>\` lists each operation's steps`;
      return { file, path, expected, found: `"${id}"`, message: `expected ${expected}, got "${id}"; ${hint}` };
    });
}
