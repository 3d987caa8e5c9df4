/**
 * A graceful (planned) backup & restore failover: the primary is up, so nothing needs to be lost. Its writers are
 * fenced first (the read-only parameter group the failback freezes the DR site with, in the other direction), then a
 * fresh snapshot of the fenced primary is taken, copied to the recovery region and restored there: the restored
 * database holds every write the primary accepted, and there is never a moment with two writers. Every step here
 * runs in graceful mode only; switched to ungraceful (the primary region lost mid-way), the failover restores the
 * newest copy instead.
 */
import type { ManualStep, StepDefinition } from '@firedrill/core';
import type { AwsEnvironment } from '../aws-environment.js';
import { fenceWritersStep } from '../steps/fence-steps.js';
import { deleteTransientSnapshotsStep, snapshotTags } from '../steps/snapshot-retention-steps.js';
import { copySnapshotStep, takeSnapshotStep, waitSnapshotAvailableStep } from '../steps/snapshot-steps.js';
import { runSuffix } from './backup-restore-failback.js';
import type { BackupRestoreTopology } from './backup-restore-topology.js';

const GRACEFUL = ['graceful'] as const;

/** Ids of the graceful steps the restore reads: the fence (RPO evidence) and the copy in the recovery region. */
export interface FreshCopyIds {
  fence: string;
  copy: string;
  /** The last step: the copy is available in the recovery region. */
  ready: string;
  /** Name of the fresh snapshot, the same in both regions. */
  snapshot: string;
}

/** Whether Firedrill fences the primary itself: the plan names the custom parameter group it runs in. */
function failoverFencesWriters(topology: BackupRestoreTopology): boolean {
  return topology.parameters.parameterGroups?.primary !== undefined;
}

/**
 * The graceful branch: fence the primary → snapshot it → wait → copy to the recovery region → wait.
 *
 * @example
 * const { steps, ids } = freshCopySteps({ aws, topology, runId, after: 'declare-disaster' });
 */
export function freshCopySteps(options: { aws: AwsEnvironment; topology: BackupRestoreTopology; runId: string; after: string; prefix?: string }): { steps: StepDefinition[]; ids: FreshCopyIds } {
  const { aws, topology } = options;
  const p = options.prefix ?? '';
  const db = topology.database.resource;
  const primary = db.primary.identifier;
  const snapshot = `${primary}-failover-${runSuffix(options.runId)}`;
  const fenceId = `${p}fence-primary-writers`;
  const fence: StepDefinition = failoverFencesWriters(topology)
    ? {
      ...fenceWritersStep({ aws, side: 'primary', identifier: primary, id: fenceId, dependsOn: [options.after], modes: GRACEFUL }),
      why: 'A planned move loses nothing: the primary stops taking writes before the snapshot the recovery region restores is taken, so every write is in it and there are never two writers.',
    }
    : manualFence(aws, primary, fenceId, options.after);
  const tags = snapshotTags(aws.plan.metadata.name, 'failover-transfer');
  const steps: StepDefinition[] = [
    fence,
    {
      ...takeSnapshotStep({ id: `${p}snapshot-primary-database`, aws, side: 'primary', instanceIdentifier: primary, snapshotIdentifier: snapshot, dependsOn: [fenceId], tags }),
      why: 'The primary is fenced, so this snapshot holds every write it accepted: the move loses nothing.', modes: GRACEFUL,
    },
    { ...waitSnapshotAvailableStep({ id: `${p}wait-primary-snapshot`, aws, side: 'primary', snapshotIdentifier: snapshot, dependsOn: [`${p}snapshot-primary-database`], expectedMs: 4 * 60_000 }), modes: GRACEFUL },
    // The copy carries the snapshot's tags (CopyTags), so its deletion recognises it as Firedrill's too.
    {
      ...copySnapshotStep({
        id: `${p}copy-snapshot-to-recovery`, aws, from: 'primary', to: 'recovery', sourceIdentifier: snapshot, targetIdentifier: snapshot, dependsOn: [`${p}wait-primary-snapshot`],
        ...(db.recovery.kmsKeyId ? { kmsKeyId: db.recovery.kmsKeyId } : {}),
      }),
      modes: GRACEFUL,
    },
    { ...waitSnapshotAvailableStep({ id: `${p}wait-recovery-snapshot`, aws, side: 'recovery', snapshotIdentifier: snapshot, dependsOn: [`${p}copy-snapshot-to-recovery`], expectedMs: 15 * 60_000 }), modes: GRACEFUL },
  ];
  return { steps, ids: { fence: fenceId, copy: `${p}copy-snapshot-to-recovery`, ready: `${p}wait-recovery-snapshot`, snapshot } };
}

/**
 * Once users are on the recovery region, the fresh snapshot and its copy have done their job: the restored database
 * holds their data, and the fenced primary still does until the failback retires it (keeping a final snapshot).
 */
export function deleteFreshCopyStep(options: { aws: AwsEnvironment; ids: FreshCopyIds; after: string; prefix?: string }): StepDefinition {
  const { aws, ids } = options;
  return deleteTransientSnapshotsStep({
    id: `${options.prefix ?? ''}delete-failover-snapshots`, aws, modes: GRACEFUL, dependsOn: [options.after],
    what: "the graceful failover's transfer snapshots",
    snapshots: [{ side: 'primary', identifier: ids.snapshot }, { side: 'recovery', identifier: ids.snapshot }],
  });
}

function manualFence(aws: AwsEnvironment, primary: string, id: string, after: string): ManualStep {
  return {
    id, kind: 'manual', modes: GRACEFUL, dependsOn: [after],
    title: `Stop writes to ${primary} in ${aws.region('primary')}`,
    instruction: `Put ${aws.plan.metadata.name} in maintenance / read-only mode so ${primary} receives no more writes, then mark this step done. ` +
      'Firedrill cannot see whether writes stopped, so the report will not give an RPO figure unless a heartbeat probe measures it. ' +
      '(Name the primary\'s custom DB parameter group in strategy.parameters.parameterGroups.primary and Firedrill fences writers itself.)',
  };
}
