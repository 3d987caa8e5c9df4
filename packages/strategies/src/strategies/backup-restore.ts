/**
 * The backup & restore strategy: nothing runs in the recovery region until the disaster; data comes back from
 * the newest snapshot copied there and compute from the copied AMI. RTO is hours at worst (the restore dominates),
 * RPO is the age of the snapshot restored — which the report measures from the snapshot's capture time.
 */
import type { StepDefinition } from '@firedrill/core';
import { injectedOutage, type Strategy, type StrategyContext, type StrategyRun } from '../strategy.js';
import { backupRestoreIsolatedDrill } from './backup-restore-drill.js';
import { backupRestoreFailbackSteps } from './backup-restore-failback.js';
import { backupRestoreFailoverSteps } from './backup-restore-failover.js';
import { backupRestoreReadiness } from './backup-restore-readiness.js';
import { backupRestoreTopology, validateBackupRestorePlan } from './backup-restore-topology.js';

/** Options of {@link createBackupRestoreStrategy}. */
export interface BackupRestoreStrategyOptions {
  /**
   * Injects the outage when a live drill declares the disaster (on the sandbox:
   * `() => sandbox.faults.regionOutage(primary, { until })`), when the run gives none (`StrategyContext.injectDisaster`,
   * which the CLI sets for ungraceful runs on the sandbox, wins). Without either a live drill only declares it.
   */
  injectDisaster?: (signal: AbortSignal) => Promise<void>;
}

/** The outage to inject: the run's (`ctx.injectDisaster`, what the CLI gives on the sandbox), else the strategy's own. */
function injectionOf(ctx: StrategyContext, options: BackupRestoreStrategyOptions): { injectDisaster?: (signal: AbortSignal) => Promise<void> } {
  const inject = ctx.injectDisaster ?? options.injectDisaster;
  return inject ? { injectDisaster: inject } : {};
}

function liveDrill(ctx: StrategyContext, options: BackupRestoreStrategyOptions): StepDefinition[] {
  const topology = backupRestoreTopology(ctx.plan);
  const inject = injectionOf(ctx, options);
  const failover = backupRestoreFailoverSteps({
    aws: ctx.aws, topology, ...inject,
    title: `Drill: declare ${ctx.aws.region('primary')} lost${inject.injectDisaster ? ' (outage injected)' : ''}: recover ${ctx.plan.metadata.name} from backups in ${ctx.aws.region('recovery')}`,
  });
  const failback = backupRestoreFailbackSteps({ aws: ctx.aws, topology, runId: ctx.runId, after: [failover.ids.last], freezeStarts: 'phase' });
  return [...failover.steps, ...failback];
}

function build(ctx: StrategyContext, options: BackupRestoreStrategyOptions): StrategyRun {
  const topology = backupRestoreTopology(ctx.plan);
  // A failover answers a real outage; on a simulated target the run injects the one it answers (ungraceful only).
  if (ctx.operation === 'failover') {
    // A graceful failover is a planned move with the primary up (its steps say so); ungraceful answers its loss.
    const title = ctx.mode === 'graceful'
      ? `Planned move of ${ctx.plan.metadata.name} from ${ctx.aws.region('primary')} to ${ctx.aws.region('recovery')}: fence the primary, restore a fresh snapshot of it`
      : undefined;
    return {
      steps: backupRestoreFailoverSteps({
        aws: ctx.aws, topology, gracefulRunId: ctx.runId, ...(title ? { title } : {}), ...injectedOutage(ctx),
      }).steps,
    };
  }
  if (ctx.operation === 'failback') return { steps: backupRestoreFailbackSteps({ aws: ctx.aws, topology, runId: ctx.runId, freezeStarts: 'disaster' }) };
  if (ctx.drill === 'live') return { steps: liveDrill(ctx, options) };
  const { steps, probe } = backupRestoreIsolatedDrill({ aws: ctx.aws, topology, runId: ctx.runId });
  return { steps, probes: { health: probe } };
}

/**
 * A backup & restore strategy. Live drills (and failovers) cause the outage they measure with the run's
 * `injectDisaster`; give one here for callers whose runs have none.
 *
 * - `check`: newest DB snapshot copy in the recovery region younger than the RPO objective; RDS backup
 *   retention and snapshot schedules as the plan says; the named DB parameter groups in the regions whose restores
 *   use them; AMIs (restored and backed-up roles), launch templates and recovery Auto Scaling groups in the
 *   recovery region; buckets versioned and replicated; the DNS pair and its health checks; the IAM actions needed.
 * - `failover`, ungraceful: pick the newest copy → restore ∥ launch compute from the copied AMI → DNS → INSYNC.
 *   Graceful (a planned move, the primary up): fence the primary's writers (read-only parameter group, or by hand
 *   without one) → snapshot it → copy the snapshot to the recovery region → restore that copy → DNS: RPO 0, never
 *   two writers. Switched to ungraceful mid-way, it restores the newest copy there instead.
 * - `failback`: read the primary's topology → retire the stale primary → freeze DR writes → snapshot → copy →
 *   restore in the primary region as it was (Multi-AZ, class, network) → unfreeze → DNS back (a manual unfreeze
 *   comes after DNS) → take the DR site down (and wait until the DR database is gone: RDS keeps a deleting
 *   instance's identifier, which the next failover restores into).
 * - `drill` isolated: restore and launch copies named and tagged with the run id, probe them directly, delete
 *   them, prove nothing is left (run with `rollback: always`); live: failover then failback, both measured.
 *
 * @example
 * registerStrategy(createBackupRestoreStrategy({ injectDisaster: async () => void sandbox.faults.regionOutage('us-east-1') }));
 */
export function createBackupRestoreStrategy(options: BackupRestoreStrategyOptions = {}): Strategy {
  return {
    name: 'backup-restore',
    description: 'Restore the database from the newest snapshot copy and launch compute from the copied AMI in the recovery region',
    validate: (plan, file) => validateBackupRestorePlan(plan, file),
    build: (ctx) => build(ctx, options),
    check: (ctx) => backupRestoreReadiness(ctx.aws, backupRestoreTopology(ctx.plan), { ...ctx, build: (c) => build(c, options) }),
  };
}

/** The built-in backup & restore strategy: live drills and failovers inject the run's outage (`StrategyContext.injectDisaster`) when it has one. */
export const backupRestoreStrategy: Strategy = createBackupRestoreStrategy();
