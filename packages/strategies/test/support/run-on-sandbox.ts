/**
 * A harness for strategy tests on the sandbox: build a scenario, make its plan, run a strategy operation through
 * core's engine with sandbox probes (health through DNS, heartbeats on the writer), and hand back the report and
 * the sandbox for assertions against the sandbox's ground truth. Other strategies' tests reuse it.
 */
import { type Clock, type Operation, parsePlan, type Plan, type PlanInput, type Run, type RunReport, type RollbackStrategy, startRun, VirtualClock } from '@firedrill/core';
import { type Sandbox, sandboxHealthProbe, sandboxHeartbeatProbe, type Scenario } from '../../../sandbox/src/index.js';
import type { AwsClientPlugin } from '../../src/aws/aws-pluggable.js';
import { AwsEnvironment } from '../../src/aws-environment.js';
import type { Strategy } from '../../src/strategy.js';

/** Options of {@link runOnSandbox}. */
export interface RunOnSandboxOptions {
  scenario: Scenario;
  plan: PlanInput;
  strategy: Strategy;
  clock: VirtualClock;
  operation: Exclude<Operation, 'check'>;
  mode?: 'graceful' | 'ungraceful';
  drill?: 'isolated' | 'live';
  rollback?: RollbackStrategy;
  /** Inject an outage of the primary region when the disaster step starts (ungraceful live drill). */
  injectOutage?: boolean;
  /** Extra client plugins (fault injection), before the sandbox's. */
  plugins?: AwsClientPlugin[];
  /** Called once the run has started (operator actions, faults in the middle). */
  during?: (run: Run) => Promise<void> | void;
  /** The sandbox's probes (health through DNS, heartbeats on the writer), as the CLI gives a run. @default true */
  probes?: boolean;
  runId?: string;
}

/** What {@link runOnSandbox} returns. */
export interface SandboxRunResult {
  report: RunReport;
  run: Run;
  plan: Plan;
  aws: AwsEnvironment;
  disasterAt: number;
}

/** An AwsEnvironment for a plan on a sandbox. */
export function sandboxEnvironment(plan: Plan, sandbox: Sandbox, clock: Clock, plugins: AwsClientPlugin[] = []): AwsEnvironment {
  return new AwsEnvironment({ plan, clock, plugins: [...plugins, ((target: { region: string }) => sandbox.plugin(target.region)) as unknown as AwsClientPlugin] });
}

/** Runs a strategy operation on the sandbox, measured. */
export async function runOnSandbox(options: RunOnSandboxOptions): Promise<SandboxRunResult> {
  const { scenario, clock, strategy } = options;
  const { sandbox, names } = scenario;
  const plan = parsePlan(options.plan);
  const aws = sandboxEnvironment(plan, sandbox, clock, options.plugins);
  const runId = options.runId ?? `${plan.metadata.name}-${options.operation}-${clock.now().toString(36)}`;
  const mode = options.mode ?? 'graceful';
  const recordName = names.dns!.recordName;
  const withProbes = options.probes ?? true;
  const health = sandboxHealthProbe({ sandbox, recordName, intervalMs: 1_000, consecutive: 3 });
  const built = strategy.build({
    plan, operation: options.operation, mode, aws, runId,
    ...(options.drill ? { drill: options.drill } : {}),
    ...(options.injectOutage ? { injectDisaster: async () => void sandbox.faults.regionOutage(names.primaryRegion) } : {}),
  });
  const run = await startRun({
    subject: { plan: plan.metadata.name, strategy: strategy.name, target: 'sandbox', objectives: { rtoMs: plan.objectives.rto, rpoMs: plan.objectives.rpo, ...(built.rtoNotJudged ? { rtoNotJudged: built.rtoNotJudged } : {}) } },
    operation: options.operation, mode, runId, steps: built.steps, clock, store: false,
    ...(options.drill ? { drill: options.drill } : {}),
    rollback: options.rollback ?? plan.rollback,
    concurrency: plan.concurrency,
    // The strategy's own probes win, as in the CLI (an isolated drill probes its copy, not production).
    probes: {
      ...(withProbes ? { health, heartbeat: sandboxHeartbeatProbe({ sandbox, app: names.app, intervalMs: 1_000 }), ...(options.drill === 'live' ? { phaseHealth: { failback: health } } : {}) } : {}),
      ...(built.probes ?? {}),
    },
  });
  await options.during?.(run);
  const report = await run.completion;
  return { report, run, plan, aws, disasterAt: report.disasterAt === undefined || report.disasterAt === null ? Number.NaN : Date.parse(report.disasterAt) };
}

/**
 * The true moment users were served again through DNS after `after` (after service was cut off), computed from the
 * sandbox's timelines (not sampled): the sandbox's {@link GroundTruth.usersServedAgainAt}.
 */
export function trueRestoredAt(sandbox: Sandbox, recordName: string, app: string, after: number): number | undefined {
  return sandbox.truth.usersServedAgainAt({ recordName }, after, { app });
}
