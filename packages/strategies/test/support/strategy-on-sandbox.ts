/**
 * Runs a strategy's operation on a sandbox scenario: the plan's AWS environment wired to the sandbox, the sandbox
 * probes (through DNS, or at one region's endpoint) and an in-memory journal. Used by the multi-site, in-region
 * and custom-strategy tests.
 */
import { type FailoverMode, type HealthProbe, type Plan, type RunProbes, type RunReport, startRun, type StepDefinition, type VirtualClock } from '@firedrill/core';
import { type Sandbox, sandboxHealthProbe, sandboxHeartbeatProbe } from '../../../sandbox/src/index.js';
import type { AwsPluggable } from '../../src/aws/aws-pluggable.js';
import { AwsEnvironment } from '../../src/aws-environment.js';
import type { Strategy, StrategyContext } from '../../src/strategy.js';

/** The plan's AWS, answered by the sandbox. */
export function sandboxAws(plan: Plan, clock: VirtualClock, sandbox: Sandbox): AwsEnvironment {
  // The sandbox's Pluggable is typed with @smithy/types; the AWS layer's plugin type is structurally the same.
  return new AwsEnvironment({ plan, clock, plugins: [(target) => sandbox.plugin(target.region) as unknown as AwsPluggable] });
}

/** Options of {@link runStrategy}. */
export interface RunStrategyOptions {
  strategy: Strategy;
  plan: Plan;
  sandbox: Sandbox;
  clock: VirtualClock;
  app: string;
  operation: StrategyContext['operation'];
  mode?: FailoverMode;
  drill?: 'isolated' | 'live';
  /** Health probe through DNS (`recordName`) or at a region's endpoint. */
  health?: { recordName?: string; region?: string; intervalMs?: number };
  phaseHealth?: Record<string, HealthProbe>;
  heartbeat?: boolean;
  rollback?: 'on-failure' | 'always' | 'never';
  /** Steps added after the strategy's (a test's own checks). */
  extraSteps?: StepDefinition[];
}

/** Builds and runs the operation; returns the report and the AWS environment it used. */
export async function runStrategy(options: RunStrategyOptions): Promise<{ report: RunReport; aws: AwsEnvironment; steps: StepDefinition[] }> {
  const { plan, sandbox, clock, app } = options;
  const aws = sandboxAws(plan, clock, sandbox);
  const runId = `${plan.metadata.name}-${options.operation}-${clock.now()}`;
  const mode = options.mode ?? 'graceful';
  const built = options.strategy.build({ plan, operation: options.operation, mode, aws, runId, ...(options.drill ? { drill: options.drill } : {}) });
  const probes: RunProbes = { ...(built.probes ?? {}) };
  if (options.health) {
    probes.health = sandboxHealthProbe({
      sandbox, app, intervalMs: options.health.intervalMs ?? 1_000, consecutive: 3,
      ...(options.health.recordName ? { recordName: options.health.recordName } : { region: options.health.region! }),
    });
  }
  if (options.heartbeat !== false) probes.heartbeat = sandboxHeartbeatProbe({ sandbox, app, intervalMs: 1_000 });
  if (options.phaseHealth) probes.phaseHealth = options.phaseHealth;
  const steps = [...built.steps, ...(options.extraSteps ?? [])];
  const run = await startRun({
    subject: { plan: plan.metadata.name, strategy: plan.strategy.name, target: 'sandbox', objectives: { rtoMs: plan.objectives.rto, rpoMs: plan.objectives.rpo } },
    operation: options.operation, mode, steps, clock, store: false, probes, runId,
    ...(options.drill ? { drill: options.drill } : {}),
    ...(options.rollback ? { rollback: options.rollback } : {}),
  });
  return { report: await run.completion, aws, steps };
}

/** Writes a heartbeat every second for `ms` (the application's own writes before a disaster). */
export async function writeHeartbeats(sandbox: Sandbox, clock: VirtualClock, app: string, ms: number, firstSeq = 1): Promise<number> {
  let seq = firstSeq;
  for (let t = 0; t < ms; t += 1_000) {
    sandbox.dataPlane.writeHeartbeat(app, { seq: seq++ });
    await clock.sleep(1_000);
  }
  return seq;
}

/** Epoch ms of an ISO time in a report. */
export const at = (iso: string | undefined | null): number => Date.parse(iso ?? '');
