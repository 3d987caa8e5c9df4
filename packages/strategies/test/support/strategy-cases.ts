/**
 * The five strategies as one table, for tests that ask the same question of each: how to build its sandbox world and
 * plan, which probes measure it (as the CLI wires them on the sandbox), and one runner for any operation. Each
 * strategy's own test file goes deeper; this is for the behaviour every strategy owes (cleanup, rollback, failback
 * back to the start, measurement against the truth).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateDBParameterGroupCommand, ModifyDBInstanceCommand, RDSClient } from '@aws-sdk/client-rds';
import { FileRunStore, type FailoverMode, parsePlan, type Plan, type PlanInput, type RollbackStrategy, type Run, type RunProbes, type RunReport, startRun, type StepDefinition, VirtualClock } from '@firedrill/core';
import {
  buildBackupRestoreScenario, buildInRegionAuroraScenario, buildMultiSiteScenario, buildPilotLightScenario, buildScenarioForPlan, buildWarmStandbyScenario,
  planForBackupRestoreScenario, planForInRegionScenario, planForMultiSiteScenario, planForScenario, type Sandbox, sandboxHealthProbe, sandboxHeartbeatProbe, type ScenarioNames,
} from '../../../sandbox/src/index.js';
import type { AwsClientPlugin } from '../../src/aws/aws-pluggable.js';
import { AwsEnvironment } from '../../src/aws-environment.js';
import { backupRestoreStrategy } from '../../src/strategies/backup-restore.js';
import { inRegionStrategy } from '../../src/strategies/in-region.js';
import { multiSiteStrategy } from '../../src/strategies/multi-site.js';
import { pilotLight } from '../../src/strategies/pilot-light.js';
import { warmStandby } from '../../src/strategies/warm-standby.js';
import type { Strategy } from '../../src/strategy.js';
import { type AwsState, readAwsState } from './aws-state.js';

export const START = '2026-11-22T03:00:00Z';

/** A strategy's world on the sandbox: the scenario, its plan, and where things are. */
export interface CaseWorld {
  clock: VirtualClock;
  sandbox: Sandbox;
  names: ScenarioNames;
  plan: Plan;
  app: string;
  primary: string;
  recovery: string;
}

/** One row of the table. */
export interface StrategyCase {
  label: string;
  strategy: Strategy;
  world(seed: number): Promise<CaseWorld>;
  /** The health probe of each phase, as the CLI gives it on the sandbox (undefined: the steps say when service is back). */
  health(w: CaseWorld, phase: 'failover' | 'failback'): ReturnType<typeof sandboxHealthProbe> | undefined;
  /** A data probe writes heartbeats (backup & restore measures its RPO from the snapshot it restored). */
  heartbeat: boolean;
  /** A graceful failover is different from an ungraceful one (fence, catch up, switch over). */
  graceful: boolean;
  /** Has an isolated drill that rehearses on copies. */
  isolatedDrill: boolean;
}

const clockAt = (): VirtualClock => new VirtualClock({ start: START });
const where = (names: ScenarioNames) => ({ app: names.app, primary: names.primaryRegion, recovery: names.recoveryRegion });
const dnsProbe = (w: CaseWorld) => sandboxHealthProbe({ sandbox: w.sandbox, app: w.app, recordName: w.names.dns!.recordName, intervalMs: 1_000, consecutive: 3 });
const regionProbe = (w: CaseWorld, region: string) => sandboxHealthProbe({ sandbox: w.sandbox, app: w.app, region, intervalMs: 1_000, consecutive: 3 });

/** The Multi-AZ PostgreSQL plan of the in-region tests (the sandbox builds the world from it). */
function multiAzPlan(): PlanInput {
  return {
    apiVersion: 'firedrill.dev/v1', kind: 'Plan', metadata: { name: 'orders' },
    regions: { primary: 'us-east-1', recovery: 'us-east-1' },
    strategy: { name: 'in-region', parameters: { preferredZone: 'us-east-1a', soak: '2m' } },
    resources: { database: { kind: 'rds-instance', engine: 'postgres', primary: { identifier: 'orders-db' }, multiAz: true, backup: { retentionDays: 7 } } },
    objectives: { rto: '3m', rpo: '5s' },
    probes: { health: { kind: 'sandbox', endpoint: 'primary', interval: '1s' }, heartbeat: { kind: 'sandbox', database: 'database', interval: '1s' } },
  } as PlanInput;
}

const standby = (label: string, strategy: Strategy, build: typeof buildPilotLightScenario, engine?: 'mysql' | 'mariadb'): StrategyCase => ({
  label, strategy, heartbeat: true, graceful: true, isolatedDrill: true,
  world: async (seed) => {
    const clock = clockAt();
    const { sandbox, names } = await build({ clock, seed, ...(engine ? { layout: { database: { engine } } } : {}) });
    return { clock, sandbox, names, plan: parsePlan(planForScenario(names)), ...where(names) };
  },
  health: (w) => dnsProbe(w),
});

/** Warm standby on RDS for MySQL (the standby cases run PostgreSQL): `read_only` fences, far down the parameter list. */
export const warmStandbyMysql: StrategyCase = standby('warm-standby (MySQL)', warmStandby, buildWarmStandbyScenario, 'mysql');

/** The five strategies (in-region twice: an Aurora cluster and an RDS Multi-AZ instance). */
export const STRATEGY_CASES: Record<'backupRestore' | 'pilotLight' | 'warmStandby' | 'multiSite' | 'inRegionAurora' | 'inRegionMultiAz', StrategyCase> = {
  backupRestore: {
    label: 'backup-restore', strategy: backupRestoreStrategy, heartbeat: false, graceful: false, isolatedDrill: true,
    world: async (seed) => {
      const clock = clockAt();
      // Production on provisioned-IOPS storage: a failback that restores it must say how many IOPS (RDS refuses io1 without).
      const { sandbox, names } = await buildBackupRestoreScenario({ clock, seed, layout: { database: { storage: { type: 'io1', iops: 3000 } } } });
      // Custom parameter groups, so the failback fences the DR site itself (no manual freeze), and the recovery
      // site launches what production runs (the sandbox's load rule).
      for (const [region, name] of [[names.primaryRegion, 'tracking-pg'], [names.recoveryRegion, 'tracking-pg-dr']] as const) {
        await sandbox.client(RDSClient, region).send(new CreateDBParameterGroupCommand({ DBParameterGroupName: name, DBParameterGroupFamily: 'postgres16', Description: 'tracking' }));
      }
      // Production runs in the group the plan names (the failback restores it there).
      await sandbox.client(RDSClient, names.primaryRegion).send(new ModifyDBInstanceCommand({ DBInstanceIdentifier: names.database.primary.identifier, DBParameterGroupName: 'tracking-pg', ApplyImmediately: true }));
      await clock.sleep(10 * 60_000);
      const production = sandbox.world.applications[names.app]!.productionCapacity;
      const plan = parsePlan(planForBackupRestoreScenario(names, { parameters: { parameterGroups: { primary: 'tracking-pg', recovery: 'tracking-pg-dr' } }, ...(production ? { instanceCount: production } : {}) }));
      return { clock, sandbox, names, plan, ...where(names) };
    },
    health: (w, phase) => (phase === 'failover' ? regionProbe(w, w.recovery) : undefined),
  },
  pilotLight: standby('pilot-light', pilotLight, buildPilotLightScenario),
  warmStandby: standby('warm-standby', warmStandby, buildWarmStandbyScenario),
  multiSite: {
    label: 'multi-site', strategy: multiSiteStrategy, heartbeat: true, graceful: true, isolatedDrill: true,
    world: async (seed) => {
      const clock = clockAt();
      // The primary in us-west-2: losing it leaves Route 53's control plane (us-east-1) up, as multi-site needs.
      const { sandbox, names } = await buildMultiSiteScenario({ clock, seed, regions: ['us-west-2', 'us-east-1'] });
      const plan = parsePlan(planForMultiSiteScenario(names, { parameters: { soak: '2m', rampSoak: '1m' } }));
      return { clock, sandbox, names, plan, ...where(names) };
    },
    health: (w) => dnsProbe(w),
  },
  inRegionAurora: {
    label: 'in-region (Aurora)', strategy: inRegionStrategy, heartbeat: true, graceful: false, isolatedDrill: false,
    world: async (seed) => {
      const clock = clockAt();
      const { sandbox, names } = await buildInRegionAuroraScenario({ clock, seed });
      const plan = parsePlan(planForInRegionScenario(names, { parameters: { preferredWriter: `${names.database.primary.identifier}-1`, soak: '2m' } }));
      return { clock, sandbox, names, plan, ...where(names) };
    },
    health: (w) => regionProbe(w, w.primary),
  },
  inRegionMultiAz: {
    label: 'in-region (Multi-AZ)', strategy: inRegionStrategy, heartbeat: true, graceful: false, isolatedDrill: false,
    world: async (seed) => {
      const clock = clockAt();
      const plan = parsePlan(multiAzPlan());
      const { sandbox, names } = await buildScenarioForPlan(plan, { clock, seed });
      return { clock, sandbox, names, plan, ...where(names) };
    },
    health: (w) => regionProbe(w, w.primary),
  },
};

/** Options of {@link runCase}. */
export interface RunCaseOptions {
  operation: 'failover' | 'failback' | 'drill';
  mode?: FailoverMode;
  drill?: 'isolated' | 'live';
  rollback?: RollbackStrategy;
  runId?: string;
  /** Client plugins before the sandbox's (fault injection). */
  plugins?: AwsClientPlugin[];
  /** Steps added to the strategy's (a failure half way). */
  extraSteps?: StepDefinition[];
  /** The run's disaster step injects the loss of the primary region. */
  injectOutage?: boolean;
  /** Keep the journal and the report on disk; `unsynced`: without an fsync per event (their content is what a test reads). */
  onDisk?: boolean | 'unsynced';
  /** Sees the run as soon as it starts. */
  during?: (run: Run) => void;
}

/** What {@link runCase} returns. */
export interface CaseRun {
  report: RunReport;
  run: Run;
  aws: AwsEnvironment;
  runId: string;
  store?: FileRunStore;
}

/** The plan's AWS, answered by the sandbox, with `plugins` first. */
export function caseAws(w: CaseWorld, plugins: AwsClientPlugin[] = []): AwsEnvironment {
  return new AwsEnvironment({ plan: w.plan, clock: w.clock, plugins: [...plugins, ((t: { region: string }) => w.sandbox.plugin(t.region)) as unknown as AwsClientPlugin] });
}

/** Runs an operation of a strategy case on its world, measured as the CLI measures it on the sandbox. */
export async function runCase(c: StrategyCase, w: CaseWorld, options: RunCaseOptions): Promise<CaseRun> {
  const aws = caseAws(w, options.plugins);
  const mode = options.mode ?? 'graceful';
  const runId = options.runId ?? `${w.plan.metadata.name}-${options.operation}-${w.clock.now().toString(36)}`;
  const built = c.strategy.build({
    plan: w.plan, operation: options.operation, mode, aws, runId,
    ...(options.drill ? { drill: options.drill } : {}),
    ...(options.injectOutage ? { injectDisaster: async () => void w.sandbox.faults.regionOutage(w.primary) } : {}),
  });
  // As the CLI wires a run on the sandbox: the plan's probes, then the strategy's own on top (an isolated drill
  // probes its copy, not production).
  const probes: RunProbes = {};
  const first = c.health(w, options.operation === 'failback' ? 'failback' : 'failover');
  if (first) probes.health = first;
  const back = c.health(w, 'failback');
  if (options.drill === 'live' && back) probes.phaseHealth = { failback: back };
  if (c.heartbeat) probes.heartbeat = sandboxHeartbeatProbe({ sandbox: w.sandbox, app: w.app, intervalMs: 1_000 });
  Object.assign(probes, built.probes ?? {});
  const store = options.onDisk ? new FileRunStore(mkdtempSync(join(tmpdir(), 'firedrill-case-'))) : undefined;
  const run = await startRun({
    subject: { plan: w.plan.metadata.name, strategy: c.strategy.name, target: 'sandbox', objectives: { rtoMs: w.plan.objectives.rto, rpoMs: w.plan.objectives.rpo, ...(built.rtoNotJudged ? { rtoNotJudged: built.rtoNotJudged } : {}) } },
    operation: options.operation, mode, runId, steps: [...built.steps, ...(options.extraSteps ?? [])], clock: w.clock, probes,
    store: store ?? false,
    ...(options.onDisk === 'unsynced' ? { journal: { fsync: false } } : {}),
    rollback: options.rollback ?? w.plan.rollback,
    ...(options.drill ? { drill: options.drill } : {}),
  });
  options.during?.(run);
  return { report: await run.completion, run, aws, runId, ...(store ? { store } : {}) };
}

/** The state of the case's regions and hosted zone, read through the SDK. */
export async function caseState(w: CaseWorld, route53Region = 'us-east-1'): Promise<AwsState> {
  return readAwsState(w.sandbox, [w.primary, w.recovery], w.names.dns?.hostedZoneId, route53Region);
}

/** The failed steps of a report and their messages, for assertion messages. */
export const failedSteps = (report: RunReport): string => JSON.stringify(report.steps.filter((s) => s.status === 'failed').map((s) => [s.id, s.error?.message]));
