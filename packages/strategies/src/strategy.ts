import type { FailoverMode, Operation, Plan, PlanIssue, RunProbes, StepDefinition } from '@firedrill/core';
import type { AwsEnvironment } from './aws-environment.js';

/** The outcome of one readiness check. */
export type FindingStatus = 'pass' | 'warn' | 'fail';

/**
 * One readiness finding: what was checked, on which resource in which region, what was found and — when it
 * is not a pass — what to do. `check` changes nothing.
 */
export interface Finding {
  status: FindingStatus;
  /** Short id of the check, e.g. `replication-lag`, `newest-backup`, `ami-in-recovery-region`. */
  check: string;
  /** The resource, e.g. `rds:tracking-db-replica`. */
  resource: string;
  region: string;
  message: string;
  /** What to do about a warn or fail. */
  action?: string;
}

/** Everything a strategy needs to build an operation's steps. */
export interface StrategyContext {
  plan: Plan;
  operation: Exclude<Operation, 'check'>;
  mode: FailoverMode;
  /** For drills: `isolated` (copies in the recovery region, cleaned up) or `live` (failover, then failback). */
  drill?: 'isolated' | 'live';
  aws: AwsEnvironment;
  /** The run id: drill resources are named and tagged with it. */
  runId: string;
  /**
   * Injects the outage of an ungraceful live drill when its disaster step starts (on the sandbox:
   * `() => sandbox.faults.regionOutage(primaryRegion)`). Without it, a drill declares the disaster and injects nothing.
   */
  injectDisaster?: (signal: AbortSignal) => Promise<void>;
}

/**
 * The outage a run injects, as `declareDisasterStep` takes it: the context's `injectDisaster`, for an ungraceful run
 * only — a graceful one moves off a primary that is up (and fences it first), so it injects nothing.
 *
 * @example declareDisasterStep({ id: 'declare-disaster', title, ...injectedOutage(ctx) })
 */
export function injectedOutage(ctx: Pick<StrategyContext, 'mode' | 'injectDisaster'>): { injectDisaster?: (signal: AbortSignal) => Promise<void> } {
  return ctx.mode === 'ungraceful' && ctx.injectDisaster ? { injectDisaster: ctx.injectDisaster } : {};
}

/** What a strategy hands the engine for one operation. */
export interface StrategyRun {
  steps: StepDefinition[];
  /** Probes the strategy knows how to build for this target (the sandbox's data plane, HTTP, databases). */
  probes?: RunProbes;
  /**
   * Why this run's RTO is not the failover's and so is reported but not judged against the plan's objective (an
   * isolated drill that brings its copy up another way than a failover would). See `RunObjectives.rtoNotJudged`.
   */
  rtoNotJudged?: string;
}

/**
 * A DR strategy: a value that turns a plan and an operation into a step graph, and checks readiness. The four
 * built in are `backup-restore`, `pilot-light`, `warm-standby` and `multi-site`; `in-region` drives an
 * in-region writer failover. Register your own with {@link registerStrategy}.
 *
 * @example
 * const myStrategy: Strategy = {
 *   name: 'blue-green-db',
 *   description: 'Switch the app between two databases',
 *   validate: () => [],
 *   build: (ctx) => ({ steps: [...] }),
 *   check: async (ctx) => [],
 * };
 * registerStrategy(myStrategy);
 */
export interface Strategy {
  readonly name: string;
  readonly description: string;
  /**
   * The drill kinds this strategy can run; every kind when absent. Declared so that a plan asking for another —
   * a `schedule.drill` of `isolated` for a strategy that cannot isolate — is refused as bad input before anything
   * runs, instead of failing at its first step on schedule.
   */
  readonly drills?: readonly ('isolated' | 'live')[];
  /** Plan checks of this strategy (roles and kinds it needs), reported like schema errors. */
  validate(plan: Plan, file: string): PlanIssue[];
  /** The steps of a failover, failback or drill. Pure: makes no AWS call. */
  build(ctx: StrategyContext): StrategyRun;
  /** Readiness findings. Reads only: makes no mutating call. */
  check(ctx: Omit<StrategyContext, 'operation' | 'mode' | 'runId'>): Promise<Finding[]>;
}
