/**
 * The backup & restore scenario as the tests drive it: the sandbox, its plan, SDK clients per region, and a runner
 * that can deny one command (an IAM policy missing an action) and keep the journal on disk.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EC2Client } from '@aws-sdk/client-ec2';
import { CreateDBParameterGroupCommand, DescribeDBSnapshotsCommand, RDSClient } from '@aws-sdk/client-rds';
import { FileRunStore, type HealthProbe, type Plan, parsePlan, type Run, type RunProbes, type RunReport, startRun, type StepDefinition, VirtualClock } from '@firedrill/core';
import { buildBackupRestoreScenario, type LostWritesTruth, sandboxHealthProbe, sandboxHeartbeatProbe } from '../../sandbox/src/index.js';
import { type BackupRestorePlanOverrides, planForBackupRestoreScenario } from '../../sandbox/src/scenarios/scenario-plan-backup-restore.js';
import type { AwsClientPlugin } from '../src/aws/aws-pluggable.js';
import { operationName } from '../src/aws/aws-service.js';
import { AwsEnvironment } from '../src/aws-environment.js';
import type { Strategy, StrategyContext } from '../src/strategy.js';

/** A backup & restore scenario with its plan and SDK clients. */
export async function backupRestoreScenario(seed = 1, overrides: BackupRestorePlanOverrides = {}, regions?: [string, string]) {
  const clock = new VirtualClock({ start: '2026-11-22T03:00:00Z' });
  const { sandbox, names } = await buildBackupRestoreScenario({ clock, seed, ...(regions ? { regions } : {}) });
  // The recovery site launches production's fleet: in the sandbox an endpoint carries production's traffic only with
  // as much capacity in service as the primary runs (its load rule); the plan builder's default (2) is less.
  const production = sandbox.world.applications[names.app]!.productionCapacity;
  const plan: Plan = parsePlan(planForBackupRestoreScenario(names, { ...(production ? { instanceCount: production } : {}), ...overrides }));
  const primary = names.primaryRegion;
  const recovery = names.recoveryRegion;
  const rds = { primary: sandbox.client(RDSClient, primary), recovery: sandbox.client(RDSClient, recovery) };
  const ec2 = { primary: sandbox.client(EC2Client, primary), recovery: sandbox.client(EC2Client, recovery) };
  return { clock, sandbox, names, plan, primary, recovery, rds, ec2 };
}

/** A built scenario. */
export type BackupRestoreFixture = Awaited<ReturnType<typeof backupRestoreScenario>>;

/** Capture time of the newest snapshot copy in the recovery region, read back through the SDK. */
export async function newestCopyCapturedAt(f: BackupRestoreFixture): Promise<number> {
  const out = await f.rds.recovery.send(new DescribeDBSnapshotsCommand({ DBSnapshotIdentifier: f.names.database.recoverySnapshots!.at(-1)! }));
  return out.DBSnapshots![0]!.OriginalSnapshotCreateTime!.getTime();
}

/** A plugin that answers one command with AccessDenied, as AWS does when the role's policy lacks the action. */
export function denyPlugin(command: string): AwsClientPlugin {
  return (target) => ({
    applyToStack: (stack) => {
      stack.add((next, context) => async (args) => {
        if (operationName(context.commandName ?? '') !== command) return next(args);
        throw Object.assign(new Error(`User: arn:aws:iam::111111111111:role/firedrill is not authorized to perform: ${target.service}:${command}`), {
          name: 'AccessDenied', Code: 'AccessDenied', $fault: 'client', $metadata: { httpStatusCode: 403 },
        });
      }, { step: 'initialize', priority: 'high', name: 'denyForTest' });
    },
  });
}

/** Options of {@link runBackupRestore}. */
export interface RunOptions {
  strategy: Strategy;
  operation: StrategyContext['operation'];
  drill?: 'isolated' | 'live';
  /**
   * The run's health probe: `endpoint` probes the recovery region's endpoint (the plan's `probes.health.endpoint:
   * recovery`); `dns` resolves the record first, as users do, so it also waits for Route 53's health checks.
   */
  health?: 'endpoint' | 'dns';
  phaseHealth?: Record<string, HealthProbe>;
  rollback?: 'on-failure' | 'always' | 'never';
  deny?: string;
  /** Keep the journal in a temporary directory. */
  onDisk?: boolean;
  extraSteps?: StepDefinition[];
  /** The run's outage (`StrategyContext.injectDisaster`), as the CLI gives it on the sandbox. */
  injectDisaster?: (signal: AbortSignal) => Promise<void>;
  /** Sees the run as soon as it starts (operator controls, events). */
  onRun?: (run: Run) => void;
  /** A heartbeat probe writing to the application's database every this many ms (default: none, RPO from the snapshot). */
  heartbeatMs?: number;
}

/** Builds and runs an operation on the scenario; heartbeats are off unless asked for, so RPO comes from the snapshot. */
export async function runBackupRestore(f: BackupRestoreFixture, options: RunOptions): Promise<{ report: RunReport; journalPath: string | undefined; runId: string }> {
  const { clock, sandbox } = f;
  // The plan says what the run probes: the strategy words its manual steps and notes by it.
  const plan: Plan = options.heartbeatMs === undefined ? f.plan : { ...f.plan, probes: { ...f.plan.probes, heartbeat: { kind: 'sandbox', interval: options.heartbeatMs } } };
  const plugins: AwsClientPlugin[] = [...(options.deny ? [denyPlugin(options.deny)] : []), (target) => sandbox.plugin(target.region) as never];
  const aws = new AwsEnvironment({ plan, clock, plugins });
  const runId = `${plan.metadata.name}-${options.operation}-${clock.now()}`;
  const built = options.strategy.build({
    plan, operation: options.operation, mode: 'ungraceful', aws, runId, ...(options.drill ? { drill: options.drill } : {}),
    ...(options.injectDisaster ? { injectDisaster: options.injectDisaster } : {}),
  });
  const probes: RunProbes = { ...(built.probes ?? {}) };
  const where = options.health === 'dns' ? { recordName: f.names.dns!.recordName } : options.health === 'endpoint' ? { region: f.recovery } : undefined;
  if (where) probes.health = sandboxHealthProbe({ sandbox, app: f.names.app, intervalMs: 1_000, consecutive: 3, ...where });
  if (options.phaseHealth) probes.phaseHealth = options.phaseHealth;
  if (options.heartbeatMs !== undefined) probes.heartbeat = sandboxHeartbeatProbe({ sandbox, app: f.names.app, intervalMs: options.heartbeatMs });
  const run = await startRun({
    subject: { plan: plan.metadata.name, strategy: plan.strategy.name, target: 'sandbox', objectives: { rtoMs: plan.objectives.rto, rpoMs: plan.objectives.rpo } },
    operation: options.operation, mode: 'ungraceful', steps: [...built.steps, ...(options.extraSteps ?? [])], clock, probes, runId,
    store: options.onDisk ? new FileRunStore(mkdtempSync(join(tmpdir(), 'firedrill-br-'))) : false,
    ...(options.drill ? { drill: options.drill } : {}),
    ...(options.rollback ? { rollback: options.rollback } : {}),
  });
  options.onRun?.(run);
  return { report: await run.completion, journalPath: run.journalPath, runId };
}

/** Epoch ms of an ISO time in a report. */
export const at = (iso: string | undefined | null): number => Date.parse(iso ?? '');

/**
 * The application writing on the run's clock: one write every `everyMs` to whichever database accepts it (the
 * sandbox's data plane), refusals counted. Stop it before reading the truth.
 */
export function applicationWrites(f: Pick<BackupRestoreFixture, 'sandbox' | 'clock' | 'names'>, firstSeq: number, everyMs = 10_000) {
  const acked: { seq: number; at: number }[] = [];
  const refusedAt: number[] = [];
  const stop = new AbortController();
  let paused = false;
  let seq = firstSeq;
  void (async () => {
    while (!stop.signal.aborted) {
      if (!paused) {
        try {
          const w = f.sandbox.dataPlane.writeHeartbeat(f.names.app, { seq });
          acked.push({ seq, at: w.ackedAt });
        } catch {
          refusedAt.push(f.clock.now());
        }
        seq++;
      }
      await f.clock.sleep(everyMs, stop.signal).catch(() => undefined);
    }
  })();
  return { acked, refusedAt, stop: () => stop.abort(), pause: (p: boolean) => void (paused = p) };
}

/** Seqs of `writes` that the application's surviving database does not hold (by the sandbox's truth). */
export function lostSeqs(truth: LostWritesTruth, writes: { seq: number }[]): number[] {
  const lost = new Set(truth.lost.map((w) => w.seq));
  return writes.map((w) => w.seq).filter((s) => lost.has(s));
}

/** The parameter groups a plan names, created in both regions (the fixture's scenario does not make them). */
export async function createParameterGroups(f: BackupRestoreFixture): Promise<void> {
  for (const [side, name] of [['primary', 'tracking-pg'], ['recovery', 'tracking-pg-dr']] as const) {
    await f.rds[side].send(new CreateDBParameterGroupCommand({ DBParameterGroupName: name, DBParameterGroupFamily: 'postgres16', Description: 'tracking' }));
  }
}
