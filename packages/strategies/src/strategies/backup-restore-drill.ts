/**
 * Backup & restore isolated drill: restore the newest copy under a drill name in the recovery region, launch drill
 * instances from the copied AMI, probe the copies directly (not through production DNS), delete them, and prove
 * nothing tagged with the run id is left. Production is never touched: every resource the drill creates carries
 * the run-id tag (or, for its parameter group, the drill name), and every delete is of such a resource. The copy is
 * restored into a read-only parameter group: it holds production's data and must never take a write.
 */
import type { HealthObservation, HealthProbe, Plan, StepDefinition, WaitStep } from '@firedrill/core';
import type { AwsEnvironment } from '../aws-environment.js';
import { describeInstances } from '../aws/ec2.js';
import { describeDbInstance } from '../aws/rds-instances.js';
import { waitDatabaseAvailableStep } from '../steps/database-steps.js';
import { declareDisasterStep } from '../steps/disaster-steps.js';
import { readOnlyDrillParameterGroupStep } from '../steps/drill-parameter-group-step.js';
import { cleanUpDrillStep, DRILL_RUN_TAG, drillName, drillScopeStep, drillTags, verifyNothingLeftStep } from '../steps/drill-cleanup-steps.js';
import { findImageStep, launchInstancesStep, waitInstancesRunningStep } from '../steps/image-steps.js';
import { pickNewestSnapshotStep, restoreDatabaseStep } from '../steps/snapshot-steps.js';
import type { BackupRestoreTopology } from './backup-restore-topology.js';

/** A health probe of the drill copies that also tells the gate step when it has seen its streak. */
export interface DrillCopyProbe extends HealthProbe {
  /** Successes in a row seen so far (0 after any failure). */
  readonly streak: number;
}

/**
 * The drill copy's health, from the copies themselves: the drill database is `available` with an endpoint, and
 * every drill instance is `running`. (An isolated copy has no DNS name and no load balancer; this is what can be
 * observed of it without touching production.)
 */
export function drillCopyProbe(options: { aws: AwsEnvironment; runId: string; databaseIdentifier: string; instances: number; intervalMs: number; consecutive: number }): DrillCopyProbe {
  const { aws, runId, databaseIdentifier } = options;
  const region = aws.region('recovery');
  let streak = 0;
  const observe = async (signal: AbortSignal): Promise<HealthObservation> => {
    const db = await describeDbInstance({ rds: aws.clients('recovery').rds, identifier: databaseIdentifier, signal });
    if (db?.status !== 'available' || db.endpoint === undefined) return { healthy: false, detail: `${databaseIdentifier}: ${db?.status ?? 'not created yet'}` };
    if (options.instances > 0) {
      const found = await describeInstances({ ec2: aws.clients('recovery').ec2, filters: [{ Name: `tag:${DRILL_RUN_TAG}`, Values: [runId] }], signal });
      const running = found.filter((i) => i.state === 'running').length;
      if (running < options.instances) return { healthy: false, detail: `${running}/${options.instances} drill instances running` };
    }
    return { healthy: true, detail: `${db.endpoint.address}:${db.endpoint.port} available; ${options.instances} drill instance(s) running` };
  };
  return {
    target: `drill copy ${databaseIdentifier} and its instances in ${region}`,
    intervalMs: options.intervalMs,
    consecutive: options.consecutive,
    get streak() {
      return streak;
    },
    check: async (signal) => {
      const seen = await observe(signal).catch((error: unknown): HealthObservation => ({ healthy: false, detail: (error as Error).message }));
      streak = seen.healthy ? streak + 1 : 0;
      return seen;
    },
  };
}

/**
 * Holds the drill's cleanup until the run's health probe has seen its streak on the copies, so the copies are
 * measured before they are deleted. Reads the probe's own observations; makes no call.
 */
function confirmDrillHealthyStep(probe: DrillCopyProbe, dependsOn: readonly string[]): WaitStep<{ streak: number }> {
  return {
    id: 'confirm-drill-copy-healthy',
    kind: 'wait',
    title: `Confirm the drill copy serves (${probe.consecutive} healthy probes in a row)`,
    why: 'The drill measures how long a restore takes until the copy is usable; cleanup waits for that measurement.',
    dependsOn,
    restoresService: true,
    policy: { timeout: 30 * 60_000, poll: { initialInterval: probe.intervalMs, maximumInterval: probe.intervalMs } },
    preview: () => [],
    poll: async () => (probe.streak >= probe.consecutive ? { status: 'success', value: { streak: probe.streak } } : { status: 'retry', progress: `${probe.streak}/${probe.consecutive} healthy probes` }),
  };
}

/** The probe settings of a plan's health probe, or defaults (5 s, 3 in a row). */
function probeSettings(plan: Plan): { intervalMs: number; consecutive: number } {
  const health = plan.probes?.health;
  return { intervalMs: health?.interval ?? 5_000, consecutive: health?.consecutive ?? 3 };
}

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
  const scope = { aws, runId, parameterGroups: [copy] };
  const tags = { ...drillTags(runId), 'firedrill:plan': aws.plan.metadata.name };
  const declare = declareDisasterStep({ id: 'start-drill', title: `Start the isolated drill: restore ${aws.plan.metadata.name} from backups in ${aws.region('recovery')}`, dependsOn: ['drill-scope'] });
  const steps: StepDefinition[] = [
    drillScopeStep({ id: 'drill-scope', ...scope }),
    declare,
    pickNewestSnapshotStep({ id: 'pick-snapshot', aws, side: 'recovery', instanceIdentifier: db.primary.identifier, dependsOn: [declare.id] }),
    readOnlyDrillParameterGroupStep({ id: 'create-drill-parameter-group', aws, side: 'recovery', name: copy, tags, snapshotFrom: 'pick-snapshot', dependsOn: ['pick-snapshot'] }),
    restoreDatabaseStep({
      id: 'restore-drill-database', aws, side: 'recovery', identifier: copy, snapshotFrom: 'pick-snapshot', measuresRpo: true, tags, deleteOnRollback: true, parameterGroup: copy,
      dependsOn: ['create-drill-parameter-group'],
      ...(db.recovery.instanceClass ? { instanceClass: db.recovery.instanceClass } : {}),
    }),
    waitDatabaseAvailableStep({ aws, side: 'recovery', identifier: copy, id: 'wait-drill-database', dependsOn: ['restore-drill-database'] }),
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
        id: `launch-drill-${role}`, aws, side: 'recovery', imageFrom: `find-image-${role}`, count, tags: { ...tags, Name: drillName(role, runId) }, terminateOnRollback: true,
        ...(resource.recovery.instanceType ? { instanceType: resource.recovery.instanceType as never } : {}),
      }),
      waitInstancesRunningStep({ id: `wait-drill-${role}-running`, aws, side: 'recovery', launchedBy: `launch-drill-${role}` }),
    );
    ready.push(`wait-drill-${role}-running`);
  }
  const probe = drillCopyProbe({ aws, runId, databaseIdentifier: copy, instances, ...probeSettings(aws.plan) });
  steps.push(
    confirmDrillHealthyStep(probe, ready),
    cleanUpDrillStep({ id: 'delete-drill-copies', ...scope, dependsOn: ['confirm-drill-copy-healthy'] }),
    verifyNothingLeftStep({ id: 'verify-nothing-left', ...scope, dependsOn: ['delete-drill-copies'] }),
  );
  return { steps, probe };
}
