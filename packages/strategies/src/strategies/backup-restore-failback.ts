/**
 * Backup & restore failback: once the primary region answers again, retire the stale former primary (keeping a
 * final snapshot of it), freeze writes at the DR site, snapshot the DR database, copy the snapshot to the primary
 * region, restore it there under the plan's primary identifier, unfreeze (before DNS when Firedrill froze the DR
 * site itself, after it when a person did), point DNS back, and take the DR site
 * down again — the topology the plan describes, with a new instance behind the same name.
 */
import { DescribeDBInstancesCommand } from '@aws-sdk/client-rds';
import type { ManualStep, StepDefinition } from '@firedrill/core';
import type { AwsEnvironment } from '../aws-environment.js';
import { sendOptions } from '../aws/aws-call.js';
import { defineWaiter } from '../aws/waiters/acceptor.js';
import { isRunIdPlaceholder } from '../run-id-placeholder.js';
import { previewCall } from '../steps/aws-step-options.js';
import { awsWaitStep } from '../steps/aws-wait-step.js';
import { scaleGroupStep } from '../steps/compute-steps.js';
import { waitDatabaseAvailableStep, waitDatabaseDeletedStep } from '../steps/database-steps.js';
import { switchDnsStep, waitDnsInSyncStep } from '../steps/dns-steps.js';
import { encryptedCopies } from '../steps/encrypted-copies.js';
import { confirmFailedOverStep } from '../steps/failback-precondition-step.js';
import { fenceWritersStep, unfenceWritersStep } from '../steps/fence-steps.js';
import { terminateTaggedInstancesStep } from '../steps/image-steps.js';
import { describeInstanceShapeStep } from '../steps/instance-shape-step.js';
import { deleteTransientSnapshotsStep, pruneSnapshotsStep, snapshotTags, tagSnapshotStep } from '../steps/snapshot-retention-steps.js';
import { retireDatabaseStep } from '../steps/replica-steps.js';
import { copySnapshotStep, restoreDatabaseStep, takeSnapshotStep, waitSnapshotAvailableStep } from '../steps/snapshot-steps.js';
import { type BackupRestoreTopology, launchedByFailoverTags } from './backup-restore-topology.js';

/** Options of {@link backupRestoreFailbackSteps}. */
export interface BackupRestoreFailbackOptions {
  aws: AwsEnvironment;
  topology: BackupRestoreTopology;
  runId: string;
  /** Steps that must end first (a live drill's failover). */
  after?: readonly string[];
  /** `declaresDisaster` for a failback run (its downtime starts at the freeze), `beginsPhase` in a live drill. */
  freezeStarts: 'disaster' | 'phase';
}

/** A short, stable suffix for names this run creates (the same after a resume); a placeholder in a preview. */
export function runSuffix(runId: string): string {
  if (isRunIdPlaceholder(runId)) return '<8 hex digits of the run id>';
  let hash = 0x811c9dc5;
  for (const ch of runId) hash = Math.imul(hash ^ ch.charCodeAt(0), 0x01000193) >>> 0;
  return hash.toString(16).padStart(8, '0');
}

/** Any answer from RDS in the region means it is reachable again; network errors are retried by the waiter. */
const regionAnswers = defineWaiter({
  service: 'rds',
  command: 'DescribeDBInstances',
  what: (p: { region: string }) => `RDS in ${p.region} reachable`,
  resource: (p: { region: string }) => p.region,
  acceptor: () => ({ state: 'SUCCESS', progress: 'answering' }),
});

/** Whether Firedrill fences the DR site's writers itself: the plan names custom parameter groups on both sides. */
export function failbackFencesWriters(topology: BackupRestoreTopology): boolean {
  const groups = topology.parameters.parameterGroups ?? {};
  return groups.recovery !== undefined && groups.primary !== undefined;
}

function freezeSteps(options: BackupRestoreFailbackOptions, dependsOn: string[]): { freeze: StepDefinition; unfreeze: (after: string[]) => StepDefinition } {
  const { aws, topology } = options;
  const db = topology.database.resource;
  const marks = options.freezeStarts === 'disaster' ? { declaresDisaster: true } : { beginsPhase: 'failback' };
  if (failbackFencesWriters(topology)) {
    const freeze = { ...fenceWritersStep({ aws, side: 'recovery', identifier: db.recovery.identifier, id: 'freeze-dr-writes', dependsOn, compensate: true }), ...marks };
    return {
      freeze,
      unfreeze: (after) => unfenceWritersStep({ aws, side: 'primary', identifier: db.primary.identifier, id: 'unfreeze-writes', dependsOn: after }),
    };
  }
  const manual = (id: string, title: string, instruction: string, after: string[]): ManualStep => ({ id, kind: 'manual', title, instruction, dependsOn: after });
  return {
    freeze: {
      ...manual('freeze-dr-writes', `Freeze writes at the DR site (${aws.region('recovery')})`,
        `Put ${aws.plan.metadata.name} in maintenance / read-only mode so ${db.recovery.identifier} receives no more writes, then mark this step done. ` +
          (aws.plan.probes?.heartbeat !== undefined
            ? `The heartbeat probe writes to ${db.recovery.identifier} directly: make the database itself refuse writes (read-only), or the heartbeats it still accepts are counted as lost. `
            : 'Firedrill cannot see whether writes stopped, so the report will not give an RPO figure for this failback (add a heartbeat probe to measure it). ') +
          '(Name custom DB parameter groups in strategy.parameters.parameterGroups and Firedrill fences writers itself.)', dependsOn),
      ...marks,
    },
    unfreeze: (after) => manual('unfreeze-writes', `Unfreeze writes: ${aws.plan.metadata.name} writes to ${db.primary.identifier} in ${aws.region('primary')}`,
      `Take the application out of maintenance mode; it now writes to ${db.primary.identifier} in ${aws.region('primary')}. Mark this step done.`, after),
  };
}

/**
 * The failback steps. Names carry a suffix of the run id, so a resumed run finds what it made.
 *
 * @example
 * const steps = backupRestoreFailbackSteps({ aws, topology, runId, freezeStarts: 'disaster' });
 */
export function backupRestoreFailbackSteps(options: BackupRestoreFailbackOptions): StepDefinition[] {
  const { aws, topology, runId } = options;
  const db = topology.database.resource;
  const suffix = runSuffix(runId);
  const primaryRegion = aws.region('primary');
  const drSnapshot = `${db.recovery.identifier}-failback-${suffix}`;
  const staleFinal = `${db.primary.identifier}-before-failback-${suffix}`;
  const after = [...(options.after ?? [])];
  const steps: StepDefinition[] = [
    // Nothing moves unless a failover restored the DR database: without one, the "stale primary" is production's.
    confirmFailedOverStep({
      aws, id: 'confirm-failed-over', recoveryIdentifier: db.recovery.identifier, primaryIdentifier: db.primary.identifier, ...(after.length ? { dependsOn: after } : {}),
      encryptedCopies: encryptedCopies(topology.database.role, db, { primary: `the copy of snapshot ${drSnapshot}` }),
    }),
    awsWaitStep({
      aws, side: 'primary', id: 'wait-primary-region', title: `Wait until ${primaryRegion} answers again`,
      why: 'Failback needs the primary region back; until then the DR site keeps serving.',
      dependsOn: ['confirm-failed-over'],
      definition: regionAnswers, params: { region: primaryRegion }, policy: { timeout: '24h' },
      describe: (_ctx, signal) => aws.clients('primary').rds.send(new DescribeDBInstancesCommand({ MaxRecords: 20 }), sendOptions(signal)),
      preview: () => [previewCall('rds', primaryRegion, 'DescribeDBInstances', { MaxRecords: 20 })],
    }),
    // Read before it is retired: the restore below rebuilds the primary with the same Multi-AZ, class and network.
    describeInstanceShapeStep({ aws, side: 'primary', identifier: db.primary.identifier, id: 'read-primary-topology', dependsOn: ['wait-primary-region'] }),
    retireDatabaseStep({
      aws, side: 'primary', identifier: db.primary.identifier, finalSnapshotIdentifier: staleFinal, id: 'retire-stale-primary', dependsOn: ['read-primary-topology'],
      title: `Retire the stale former primary ${db.primary.identifier} in ${primaryRegion} (final snapshot ${staleFinal})`,
      why: 'It holds data from before the disaster and would accept writes again: two writers. Its final snapshot keeps what it had for reconciliation.',
    }),
    waitDatabaseDeletedStep({ aws, side: 'primary', identifier: db.primary.identifier, id: 'wait-stale-primary-deleted', dependsOn: ['retire-stale-primary'] }),
  ];
  const { freeze, unfreeze } = freezeSteps(options, ['wait-primary-region']);
  steps.push(
    freeze,
    takeSnapshotStep({
      id: 'snapshot-dr-database', aws, side: 'recovery', instanceIdentifier: db.recovery.identifier, snapshotIdentifier: drSnapshot, dependsOn: [freeze.id],
      tags: snapshotTags(aws.plan.metadata.name, 'failback-transfer'),
    }),
    waitSnapshotAvailableStep({ id: 'wait-dr-snapshot', aws, side: 'recovery', snapshotIdentifier: drSnapshot, dependsOn: ['snapshot-dr-database'], expectedMs: 4 * 60_000 }),
    copySnapshotStep({
      id: 'copy-snapshot-to-primary', aws, from: 'recovery', to: 'primary', sourceIdentifier: drSnapshot, targetIdentifier: drSnapshot, dependsOn: ['wait-dr-snapshot'],
      ...(db.primary.kmsKeyId ? { kmsKeyId: db.primary.kmsKeyId } : {}),
    }),
    waitSnapshotAvailableStep({ id: 'wait-primary-snapshot', aws, side: 'primary', snapshotIdentifier: drSnapshot, dependsOn: ['copy-snapshot-to-primary'], expectedMs: 15 * 60_000 }),
    restoreDatabaseStep({
      id: 'restore-primary-database', aws, side: 'primary', identifier: db.primary.identifier, snapshotFrom: 'copy-snapshot-to-primary', shapeFrom: 'read-primary-topology',
      // A failback measures what it loses: the writes the DR site accepted after the snapshot restored here (none
      // when the freeze came first) — a failback run as its RPO, a live drill as its failback phase's.
      measuresRpo: true, rpoNote: failbackRpoNote(options, drSnapshot), writesStoppedBy: freeze.id,
      dependsOn: ['wait-primary-snapshot', 'wait-stale-primary-deleted'], tags: { 'firedrill:plan': aws.plan.metadata.name, 'firedrill:role': topology.database.role },
      // Its automated backups as the plan asks (RDS would copy the DR database's setting).
      ...(db.backup ? { backupRetentionPeriod: db.backup.retentionDays } : {}),
      ...((topology.parameters.parameterGroups ?? {}).primary ? { parameterGroup: topology.parameters.parameterGroups!.primary! } : {}),
    }),
    waitDatabaseAvailableStep({ aws, side: 'primary', identifier: db.primary.identifier, id: 'wait-primary-database', dependsOn: ['restore-primary-database'] }),
  );
  // Fenced by Firedrill, the restored primary accepts writes before users are sent to it: its group may be the one a
  // graceful failover fenced (read-only), and an endpoint refusing writes is not a healthy target. The DR site is
  // frozen already, so there is still one writer. A person's unfreeze stays last (it is "out of maintenance mode").
  const unfreezeFirst = failbackFencesWriters(topology);
  if (unfreezeFirst) steps.push(unfreeze(['wait-primary-database']));
  let served = unfreezeFirst ? 'unfreeze-writes' : 'wait-primary-database';
  if (topology.dns !== undefined) {
    steps.push(
      switchDnsStep({ aws, record: topology.dns.resource, to: 'primary', id: 'switch-dns-to-primary', dependsOn: [served] }),
      waitDnsInSyncStep({ aws, switchStepId: 'switch-dns-to-primary', id: 'wait-dns-primary-in-sync', restoresService: true }),
    );
    served = 'wait-dns-primary-in-sync';
  }
  if (!unfreezeFirst) steps.push(unfreeze([served]));
  steps.push(...drSiteTeardown(options, drSnapshot, served), ...snapshotRetention(options, { drSnapshot, staleFinal, served }));
  return steps;
}

/** How many `before-failback` safety-net snapshots of a plan are kept. */
const DEFAULT_KEEP_BEFORE_FAILBACK = 3;

/**
 * Once the primary serves again: the DR snapshot and its copy only carried the data home, so they go; the stale
 * primary's final snapshot is a safety net (what it held when it was replaced), tagged, and the plan keeps the
 * newest few of those (`strategy.parameters.keepBeforeFailbackSnapshots`).
 */
function snapshotRetention(options: BackupRestoreFailbackOptions, names: { drSnapshot: string; staleFinal: string; served: string }): StepDefinition[] {
  const { aws, topology, runId } = options;
  const after = [...new Set([names.served, 'unfreeze-writes'])];
  return [
    deleteTransientSnapshotsStep({
      id: 'delete-failback-snapshots', aws, dependsOn: after, what: "the failback's transfer snapshots",
      snapshots: [{ side: 'recovery', identifier: names.drSnapshot }, { side: 'primary', identifier: names.drSnapshot }],
    }),
    tagSnapshotStep({ id: 'tag-before-failback-snapshot', aws, side: 'primary', identifier: names.staleFinal, purpose: 'before-failback', runId, dependsOn: ['wait-stale-primary-deleted'] }),
    pruneSnapshotsStep({
      id: 'prune-before-failback-snapshots', aws, side: 'primary', purpose: 'before-failback', dependsOn: ['tag-before-failback-snapshot', ...after],
      keep: topology.parameters.keepBeforeFailbackSnapshots ?? DEFAULT_KEEP_BEFORE_FAILBACK,
    }),
  ];
}

/** What the failback's RPO rests on: a fence Firedrill set and checked, or a person's word. */
function failbackRpoNote(options: BackupRestoreFailbackOptions, drSnapshot: string): string {
  const { aws, topology } = options;
  const db = topology.database.resource;
  const where = `${db.recovery.identifier} in ${aws.region('recovery')}`;
  if (failbackFencesWriters(topology)) {
    return `RPO from ${drSnapshot}: taken after Firedrill fenced ${where} (read-only parameter group, step freeze-dr-writes), so it holds every write the DR site accepted.`;
  }
  if (aws.plan.probes?.heartbeat !== undefined) {
    return `The manual freeze (step freeze-dr-writes) of ${where} is a person's word (no custom parameter groups in strategy.parameters.parameterGroups): the RPO is measured from the heartbeats ${db.primary.identifier} holds against those ${where} acknowledged, so writes it accepted after ${drSnapshot} count as lost.`;
  }
  return `RPO from ${drSnapshot} assumes the manual freeze (step freeze-dr-writes) really stopped writes to ${where} before it was marked done: Firedrill could not check it (no custom parameter groups in strategy.parameters.parameterGroups, no heartbeat probe), so the report gives no RPO figure. Writes accepted there after the snapshot are not in ${db.primary.identifier}.`;
}

/** Takes the DR site back to what backup & restore keeps there: nothing running (a final snapshot is kept). */
function drSiteTeardown(options: BackupRestoreFailbackOptions, drSnapshot: string, after: string): StepDefinition[] {
  const { aws, topology } = options;
  const db = topology.database.resource;
  const steps: StepDefinition[] = [
    retireDatabaseStep({
      aws, side: 'recovery', identifier: db.recovery.identifier, id: 'retire-dr-database', dependsOn: [...new Set(['unfreeze-writes', after])],
      title: `Delete the DR database ${db.recovery.identifier} in ${aws.region('recovery')} (its data is in ${db.primary.identifier}, restored from ${drSnapshot})`,
      why: 'Backup & restore runs nothing in the recovery region; the next failover restores again from the newest copy.',
    }),
    // RDS keeps the identifier of a deleting instance: the next failover (next week's drill, or a retried CI job
    // straight after this one) restores under the same name and would meet DBInstanceAlreadyExists. The run ends
    // only once the DR site holds nothing.
    waitDatabaseDeletedStep({
      aws, side: 'recovery', identifier: db.recovery.identifier, id: 'wait-dr-database-deleted', dependsOn: ['retire-dr-database'],
      title: `Wait until the DR database ${db.recovery.identifier} in ${aws.region('recovery')} is deleted`,
    }),
  ];
  for (const { role } of topology.instances) {
    steps.push(terminateTaggedInstancesStep({ id: `terminate-dr-${role}`, aws, side: 'recovery', tags: launchedByFailoverTags(aws.plan, role), what: `the ${role} instances the failover launched`, dependsOn: [after] }));
  }
  for (const { role, resource } of topology.groups) {
    const standby = resource.recovery.standbyCapacity ?? { min: 0, desired: 0, max: 0 };
    steps.push(scaleGroupStep({ aws, side: 'recovery', name: resource.recovery.name, capacity: standby, id: `scale-in-dr-${role}`, dependsOn: [after] }));
  }
  return steps;
}
