import {
  buildStepGraph,
  type FailoverMode,
  type Operation,
  type PlanSource,
  PlanValidationError,
  type StepDefinition,
  withApprovalGates,
} from '@firedrill/core';
import { type AwsEnvironment, getStrategy, type StrategyRun } from '@firedrill/strategies';
import { UsageError } from '../cli/usage-error.js';
import { strategyIssues } from './load-runnable-plan.js';
import { registerBuiltins } from './register-builtins.js';

/** Which operation, in which mode, for a plan. */
export interface OperationChoice {
  operation: Exclude<Operation, 'check'>;
  mode: FailoverMode;
  drill?: 'isolated' | 'live';
}

/**
 * The steps of an operation on a plan: the strategy's graph with the plan's approval gates inserted and
 * validated as a DAG. Makes no AWS call.
 *
 * @throws PlanValidationError when the strategy cannot run the plan (a role it needs is missing), StepGraphError
 *   (both exit code 2 in the CLI).
 */
export function operationSteps(source: PlanSource, choice: OperationChoice, aws: AwsEnvironment, runId: string, extra: { injectDisaster?: (signal: AbortSignal) => Promise<void> } = {}): StrategyRun {
  registerBuiltins();
  // A plan built in code never went through loadRunnablePlan: its strategy's problems stop it here, before any call.
  const issues = strategyIssues(source.plan, source.file);
  if (issues.length > 0) throw new PlanValidationError(issues);
  // Only ungraceful runs inject their outage (a graceful one needs the primary reachable to fence it). Only a
  // simulated target can inject one: on the sandbox an ungraceful failover simulates the region loss it answers;
  // on AWS a failover answers a real one.
  const inject = choice.mode === 'ungraceful' && choice.operation !== 'failback' ? extra.injectDisaster : undefined;
  const strategy = getStrategy(source.plan.strategy.name, source.file);
  // A drill the strategy cannot run is a wrong flag, not a failed run: refused before any journal or AWS call.
  if (choice.drill !== undefined && strategy.drills !== undefined && !strategy.drills.includes(choice.drill)) {
    const other = strategy.drills.map((d) => `--${d}`).join(' or ');
    throw new UsageError(
      `${source.file}: strategy ${strategy.name} cannot run ${choice.drill === 'isolated' ? 'an isolated' : 'a live'} drill${choice.drill === 'isolated' ? ' (there is no copy to rehearse on: its failover moves production itself)' : ''}; run \`firedrill drill ${source.file} ${other}\`, or \`firedrill check ${source.file}\` for readiness without changing anything. Nothing was run.`,
    );
  }
  const built = strategy.build({
    plan: source.plan,
    operation: choice.operation,
    mode: choice.mode,
    ...(choice.drill ? { drill: choice.drill } : {}),
    aws,
    runId,
    ...(inject ? { injectDisaster: inject } : {}),
  });
  const steps = withApprovalGates(built.steps, source.plan.approvals);
  buildStepGraph(steps);
  return { ...built, steps };
}

/** Steps grouped in waves: every step of a wave can run at the same time once the earlier waves are done. */
export function stepWaves(steps: readonly StepDefinition[]): StepDefinition[][] {
  const graph = buildStepGraph(steps);
  const level = new Map<string, number>();
  for (const id of graph.order) {
    const deps = graph.byId.get(id)!.dependsOn ?? [];
    level.set(id, deps.length === 0 ? 0 : Math.max(...deps.map((d) => level.get(d)!)) + 1);
  }
  const waves: StepDefinition[][] = [];
  for (const id of graph.order) (waves[level.get(id)!] ??= []).push(graph.byId.get(id)!);
  return waves;
}
