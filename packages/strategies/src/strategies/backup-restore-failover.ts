/**
 * Backup & restore failover: from the disaster, two independent branches run in parallel — restore the database
 * from the newest snapshot copy in the recovery region, and bring compute up from the copied AMI — then DNS moves
 * to the recovery region once both are ready. The critical path is the longer branch (usually the restore).
 */
import type { StepDefinition } from '@firedrill/core';
import type { AwsEnvironment } from '../aws-environment.js';
import { scaleGroupStep, waitGroupInServiceStep } from '../steps/compute-steps.js';
import { waitDatabaseAvailableStep } from '../steps/database-steps.js';
import { declareDisasterStep } from '../steps/disaster-steps.js';
import { dnsCutoverStep } from '../steps/dns-cutover-step.js';
import { unfenceWritersStep } from '../steps/fence-steps.js';
import { waitDnsInSyncStep } from '../steps/dns-steps.js';
import { findImageStep, launchInstancesStep, waitInstancesRunningStep } from '../steps/image-steps.js';
import { pickNewestSnapshotStep, restoreDatabaseStep } from '../steps/snapshot-steps.js';
import { deleteFreshCopyStep, freshCopySteps } from './backup-restore-graceful.js';
import { type BackupRestoreTopology, launchedByFailoverTags } from './backup-restore-topology.js';

/** Options of {@link backupRestoreFailoverSteps}. */
export interface BackupRestoreFailoverOptions {
  aws: AwsEnvironment;
  topology: BackupRestoreTopology;
  /** Injects the outage (a live drill on the sandbox); a real failover only declares it. */
  injectDisaster?: (signal: AbortSignal) => Promise<void>;
  /** Title of the disaster step. @default "Declare the loss of <primary>: recover <plan> from backups in <recovery>" */
  title?: string;
  /** Prefix of step ids (a live drill keeps failover and failback apart). @default '' */
  prefix?: string;
  /**
   * The run's id: with it, the failover also holds the graceful branch (steps run in graceful mode only: fence the
   * primary, snapshot it, copy the snapshot over, restore that). Without it (a live drill, which declares the primary
   * lost), only the restore of the newest copy.
   */
  gracefulRunId?: string;
}

/** Ids of the steps a failover ends with, for what follows it (a live drill's failback). */
export interface FailoverStepIds {
  last: string;
  restoredDatabase: string;
}

/**
 * The failover steps: declare → (pick snapshot → restore → wait available) ∥ (find AMI → launch → wait running, or
 * scale the recovery group → wait InService) → point DNS at the recovery region → wait INSYNC.
 *
 * @example
 * const { steps } = backupRestoreFailoverSteps({ aws, topology: backupRestoreTopology(plan) });
 */
export function backupRestoreFailoverSteps(options: BackupRestoreFailoverOptions): { steps: StepDefinition[]; ids: FailoverStepIds } {
  const { aws, topology } = options;
  const p = options.prefix ?? '';
  const plan = aws.plan;
  const db = topology.database.resource;
  const declare = declareDisasterStep({
    id: `${p}declare-disaster`,
    title: options.title ?? `Declare the loss of ${aws.region('primary')}: recover ${plan.metadata.name} from backups in ${aws.region('recovery')}`,
    ...(options.injectDisaster ? { injectDisaster: options.injectDisaster } : {}),
  });
  const restoredId = db.recovery.identifier;
  const recoveryGroup = topology.parameters.parameterGroups?.recovery;
  const graceful = options.gracefulRunId === undefined ? undefined : freshCopySteps({ aws, topology, runId: options.gracefulRunId, after: declare.id, prefix: p });
  // Ungraceful: the newest copy already there. After the graceful branch, so that a run switched to ungraceful
  // mid-way still picks one (the fresh copy, if it got there).
  const pick = pickNewestSnapshotStep({ id: `${p}pick-snapshot`, aws, side: 'recovery', instanceIdentifier: db.primary.identifier, dependsOn: [graceful?.ids.ready ?? declare.id] });
  const steps: StepDefinition[] = [
    declare,
    ...(graceful?.steps ?? []),
    graceful ? { ...pick, modes: ['ungraceful'] } : pick,
    restoreDatabaseStep({
      id: `${p}restore-database`, aws, side: 'recovery', identifier: restoredId, measuresRpo: true,
      // The first with a result: the pick (ungraceful), else the fresh copy of the fenced primary (graceful).
      snapshotFrom: graceful ? [pick.id, graceful.ids.copy] : pick.id,
      ...(graceful ? { dependsOn: [pick.id, graceful.ids.ready], writesStoppedBy: { [graceful.ids.copy]: graceful.ids.fence } } : {}),
      tags: { 'firedrill:plan': plan.metadata.name, 'firedrill:role': topology.database.role },
      ...(db.recovery.instanceClass ? { instanceClass: db.recovery.instanceClass } : {}),
      ...(recoveryGroup ? { parameterGroup: recoveryGroup } : {}),
    }),
    waitDatabaseAvailableStep({ aws, side: 'recovery', identifier: restoredId, id: `${p}wait-database-restored`, dependsOn: [`${p}restore-database`] }),
  ];
  const ready = [`${p}wait-database-restored`];
  if (recoveryGroup !== undefined) {
    // The last failback fenced this group (read-only) to freeze the DR site, and the restored database uses it:
    // let it accept writes, or the recovery site would serve reads only. A no-op when it already does.
    steps.push({
      // Rolled back, it is fenced again before a graceful failover's fence of the primary is lifted: never two writers.
      ...unfenceWritersStep({ aws, side: 'recovery', identifier: restoredId, id: `${p}unfence-restored-database`, dependsOn: [`${p}wait-database-restored`], ...(graceful ? { compensate: true } : {}) }),
      why: `The restored database uses ${recoveryGroup}, which the last failback left read-only to freeze the DR site; the application must be able to write to it.`,
    });
    ready[0] = `${p}unfence-restored-database`;
  }
  for (const { role, resource } of topology.instances) {
    const amiName = resource.recovery.amiName;
    if (amiName === undefined) continue; // validate() names it
    steps.push(
      findImageStep({ id: `${p}find-image-${role}`, aws, side: 'recovery', amiName, dependsOn: [declare.id] }),
      launchInstancesStep({
        id: `${p}launch-${role}`, aws, side: 'recovery', imageFrom: `${p}find-image-${role}`, count: resource.recovery.count ?? 1,
        tags: launchedByFailoverTags(plan, role),
        ...(resource.recovery.instanceType ? { instanceType: resource.recovery.instanceType as never } : {}),
        ...(resource.recovery.launchTemplate ? { launchTemplate: resource.recovery.launchTemplate } : {}),
      }),
      waitInstancesRunningStep({ id: `${p}wait-${role}-running`, aws, side: 'recovery', launchedBy: `${p}launch-${role}` }),
    );
    ready.push(`${p}wait-${role}-running`);
  }
  for (const { role, resource } of topology.groups) {
    steps.push(
      scaleGroupStep({ aws, side: 'recovery', name: resource.recovery.name, capacity: resource.recovery.capacity, id: `${p}scale-${role}`, dependsOn: [declare.id] }),
      waitGroupInServiceStep({ aws, side: 'recovery', name: resource.recovery.name, id: `${p}wait-${role}-in-service`, dependsOn: [`${p}scale-${role}`] }),
    );
    ready.push(`${p}wait-${role}-in-service`);
  }
  let last = ready.at(-1)!;
  const dns = topology.dns;
  if (dns !== undefined) {
    steps.push(
      dnsCutoverStep({ aws, record: dns.resource, to: 'recovery', id: `${p}switch-dns-to-recovery`, dependsOn: ready }),
      waitDnsInSyncStep({ aws, switchStepId: `${p}switch-dns-to-recovery`, id: `${p}wait-dns-recovery-in-sync`, restoresService: true }),
    );
    last = `${p}wait-dns-recovery-in-sync`;
  }
  if (graceful) steps.push(deleteFreshCopyStep({ aws, ids: graceful.ids, after: last, prefix: p }));
  return { steps, ids: { last, restoredDatabase: restoredId } };
}
