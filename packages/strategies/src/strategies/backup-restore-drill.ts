/**
 * Backup & restore isolated drill: restore the newest copy under a drill name in the recovery region, launch drill
 * instances from the copied AMI, probe the copies directly (not through production DNS), delete them, and prove
 * nothing tagged with the run id is left. Production is never touched: every resource the drill creates carries
 * the run-id tag (or, for its parameter group, the drill name), and every delete is of such a resource. The copy is
 * restored into a read-only parameter group: it holds production's data and must never take a write.
 */
import type { StepDefinition } from '@firedrill/core';
import type { AwsEnvironment } from '../aws-environment.js';
import { waitDatabaseAvailableStep } from '../steps/database-steps.js';
import { confirmDrillHealthyStep, drillCopyProbe, drillCopyProbeSettings, type DrillCopyProbe, drillCopyReadyStep } from '../steps/drill-copy-steps.js';
import { declareDisasterStep } from '../steps/disaster-steps.js';
import { readOnlyDrillParameterGroupStep } from '../steps/drill-parameter-group-step.js';
import { cleanUpDrillStep, DrillCleanupBudget, DRILL_RUN_TAG, type DrillScope, drillName, drillScopeStep, drillTags, verifyNothingLeftStep } from '../steps/drill-cleanup-steps.js';
import { findImageStep, launchInstancesStep, waitInstancesRunningStep } from '../steps/image-steps.js';
import { pickNewestSnapshotStep, restoreDatabaseStep } from '../steps/snapshot-steps.js';
import type { BackupRestoreTopology } from './backup-restore-topology.js';

/**
 * The isolated drill's steps and its health probe (the drill copies, probed directly).
 *
 * @example
 * const { steps, probe } = backupRestoreIsolatedDrill({ aws, topology, runId });
 */
export function backupRestoreIsolatedDrill(options: { aws: AwsEnvironment; topology: BackupRestoreTopology; runId: string }): { steps: StepDefinition[]; probe: DrillCopyProbe } {
  const { aws, topology, runId } = options;
  const db = topology.database.resource;
  const copy = drillName(db.recovery.identifier, runId);
  // One cleanup, by tag, for everything the drill creates (the scope step's compensation, and the cleanup step after
  // a success), sharing one budget: the compensation after a cleanup that ran out of time makes one last pass.
  const region = aws.region('recovery');
  const scope: DrillScope = {
    aws, runId, parameterGroups: [copy], budget: new DrillCleanupBudget(),
    expected: [{ kind: 'rds-instance', id: copy, region }, { kind: 'rds-parameter-group', id: copy, region }],
  };
  const tags = { ...drillTags(runId), 'firedrill:plan': aws.plan.metadata.name };
  const declare = declareDisasterStep({ id: 'start-drill', title: `Start the isolated drill: restore ${aws.plan.metadata.name} from backups in ${aws.region('recovery')}`, dependsOn: ['drill-scope'] });
  const steps: StepDefinition[] = [
    drillScopeStep({ id: 'drill-scope', ...scope }),
    declare,
    pickNewestSnapshotStep({ id: 'pick-snapshot', aws, side: 'recovery', instanceIdentifier: db.primary.identifier, dependsOn: [declare.id] }),
    readOnlyDrillParameterGroupStep({ id: 'create-drill-parameter-group', aws, side: 'recovery', name: copy, tags, snapshotFrom: 'pick-snapshot', database: db.primary.identifier, dependsOn: ['pick-snapshot'] }),
    restoreDatabaseStep({
      id: 'restore-drill-database', aws, side: 'recovery', identifier: copy, snapshotFrom: 'pick-snapshot', measuresRpo: true, tags, parameterGroup: copy,
      dependsOn: ['create-drill-parameter-group'],
      ...(db.recovery.instanceClass ? { instanceClass: db.recovery.instanceClass } : {}),
    }),
    drillCopyReadyStep(waitDatabaseAvailableStep({ aws, side: 'recovery', identifier: copy, id: 'wait-drill-database', dependsOn: ['restore-drill-database'] }), { aws, side: 'recovery', identifier: copy }),
  ];
  const ready = ['wait-drill-database'];
  let instances = 0;
  for (const { role, resource } of topology.instances) {
    if (resource.recovery.amiName === undefined) continue;
    const count = resource.recovery.count ?? 1;
    instances += count;
    steps.push(
      findImageStep({ id: `find-image-${role}`, aws, side: 'recovery', amiName: resource.recovery.amiName, dependsOn: [declare.id] }),
      // No launch template: its network and tags are production's; a drill copy stays out of the application.
      launchInstancesStep({
        id: `launch-drill-${role}`, aws, side: 'recovery', imageFrom: `find-image-${role}`, count, tags: { ...tags, Name: drillName(role, runId) },
        ...(resource.recovery.instanceType ? { instanceType: resource.recovery.instanceType as never } : {}),
      }),
      waitInstancesRunningStep({ id: `wait-drill-${role}-running`, aws, side: 'recovery', launchedBy: `launch-drill-${role}` }),
    );
    ready.push(`wait-drill-${role}-running`);
  }
  const probe = drillCopyProbe({ aws, databaseIdentifier: copy, instances: { runId, count: instances }, ...drillCopyProbeSettings(aws.plan) });
  steps.push(
    confirmDrillHealthyStep(probe, ready),
    cleanUpDrillStep({ id: 'delete-drill-copies', ...scope, dependsOn: ['confirm-drill-copy-healthy'] }),
    verifyNothingLeftStep({ id: 'verify-nothing-left', ...scope, dependsOn: ['delete-drill-copies'] }),
  );
  return { steps, probe };
}
