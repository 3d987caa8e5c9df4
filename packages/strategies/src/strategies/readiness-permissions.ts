/**
 * The `permissions` readiness finding: the IAM actions every operation of the plan calls, read from the steps' own
 * previews (the same source as `firedrill iam-policy`). Firedrill cannot prove they are granted without IAM policy
 * simulation, so the finding is a `warn` that lists them and says how to grant them.
 */
import type { FailoverMode, Operation } from '@firedrill/core';
import type { Finding, StrategyContext, StrategyRun } from '../strategy.js';

/** What `check` is given (no operation, mode or run id). */
export type CheckContext = Omit<StrategyContext, 'operation' | 'mode' | 'runId'>;

/** Every operation a plan may run, as `firedrill iam-policy` enumerates them. */
const OPERATIONS: ReadonlyArray<{ operation: Exclude<Operation, 'check'>; mode: FailoverMode; drill?: 'isolated' | 'live' }> = [
  { operation: 'failover', mode: 'graceful' },
  { operation: 'failover', mode: 'ungraceful' },
  { operation: 'failback', mode: 'graceful' },
  { operation: 'drill', mode: 'ungraceful', drill: 'isolated' },
  { operation: 'drill', mode: 'ungraceful', drill: 'live' },
];

/** The sorted IAM actions the operations of a plan call, from the previews of the steps `build` returns. */
function planIamActions(ctx: CheckContext, build: (ctx: StrategyContext) => StrategyRun): string[] {
  const actions = new Set<string>();
  for (const choice of OPERATIONS) {
    let steps;
    try {
      steps = build({ ...ctx, ...choice, runId: 'readiness-check' }).steps;
    } catch {
      continue; // an operation the strategy refuses for this plan (say, an isolated drill in-region) calls nothing
    }
    for (const call of steps.flatMap((s) => s.preview?.() ?? [])) for (const action of call.iamActions ?? []) actions.add(action);
  }
  return [...actions].sort();
}

/**
 * The `permissions` finding of a plan: a `warn` listing the IAM actions failover, failback and drills call.
 *
 * @example
 * findings.push(permissionsFinding(ctx, (c) => strategy.build(c)));
 */
export function permissionsFinding(ctx: CheckContext, build: (ctx: StrategyContext) => StrategyRun): Finding {
  const actions = planIamActions(ctx, build);
  const accounts = ctx.plan.accounts?.primary !== undefined || ctx.plan.accounts?.recovery !== undefined;
  return {
    status: 'warn', check: 'permissions', resource: 'iam', region: 'global',
    message: `failover, failback and drills need ${actions.length} IAM actions: ${actions.join(', ')}. Firedrill cannot prove they are granted without IAM policy simulation`,
    action: `attach the policy printed by \`firedrill iam-policy\` to the role Firedrill runs as${accounts ? ' (per account in multi-account plans)' : ''}`,
  };
}
