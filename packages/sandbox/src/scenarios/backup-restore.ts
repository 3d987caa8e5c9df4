/** Backup & restore: data backed up and copied to the recovery region; nothing runs there. */
import { addBackupSchedule } from '../backup-schedules.js';
import type { ApplicationSite } from '../world.js';
import { captureSnapshot } from '../services/rds-snapshots.js';
import { findInstance } from '../services/rds-model.js';
import { ENGINE_DEFAULTS, type InstanceRoleLayout, stampOf } from './layout.js';
import { type ComputeNames, instanceNode, instantContext, provision, provisionCompute, provisionDatabase, provisionImage, scenarioKmsKeys } from './provision.js';
import { provisionBuckets, provisionDns, type Scenario, scenarioSandbox, type ScenarioOptions } from './scenario.js';

const HOUR = 3_600_000;
/** A snapshot or AMI copy lands in the recovery region this long after it was taken. */
const COPY_DELAY = 20 * 60_000;

/**
 * The tag failover puts on the instances it launches (`launchedByFailoverTags` in @firedrill/strategies): the
 * recovery site of a plan with plain instances is served by those, not by an isolated drill's copies.
 */
const LAUNCHED_BY_FAILOVER = { key: 'firedrill:launched-by', value: 'failover' } as const;

/**
 * Backup & restore: a primary RDS writer (created 30 days ago) with twice-daily manual snapshots over the
 * last three days, each copied to the recovery region 20 minutes after it was taken (SnapshotCreateTime in
 * the past), the application AMI copied to the recovery region with a launch template there, Route 53
 * failover records and bucket replication. The recovery site serves from running instances tagged
 * `app=<app>` (none yet) and the database restored from a copied snapshot.
 *
 * With `layout.instances` (a plan's `ec2-instances` roles) production runs on plain instances instead of an Auto
 * Scaling group, each role's AMI is copied to the recovery region at its backup time, and the recovery site is
 * served by the instances failover launches.
 *
 * @example
 * const { names } = await buildBackupRestoreScenario({ clock });
 * names.database.recoverySnapshots.at(-1); // newest copy in the recovery region
 */
export async function buildBackupRestoreScenario(options: ScenarioOptions): Promise<Scenario> {
  const { sandbox, app, primary, recovery, layout, endpoints } = scenarioSandbox(options);
  const now = sandbox.clock.now();
  const d = layout.database ?? {};
  const engine = d.engine === 'mysql' || d.engine === 'mariadb' ? d.engine : 'postgres';
  const snapshotTimes = d.snapshotTimes ?? defaultSnapshotTimes(now);
  const createdAt = Math.min(d.createdAt ?? now - 30 * 24 * HOUR, (snapshotTimes[0] ?? now) - 24 * HOUR);
  const dbId = d.primary ?? `${app}-db`;
  const kmsKeys = scenarioKmsKeys(sandbox, layout, primary, recovery);
  const db = await provisionDatabase(sandbox, primary, dbId, createdAt, {
    engine, ...(kmsKeys.primary ? { kmsKeyId: kmsKeys.primary } : {}), ...(d.instanceClass ? { instanceClass: d.instanceClass } : {}), ...(d.retentionDays !== undefined ? { retentionDays: d.retentionDays } : {}),
    ...(d.storage ? { storage: d.storage } : {}),
  });
  // Custom parameter groups (when named): the restore uses the recovery one, so failback can fence the DR site's writers.
  for (const [side, region] of [['primary', primary], ['recovery', recovery]] as const) {
    const group = d.parameterGroups?.[side];
    if (group === undefined) continue;
    await provision(sandbox, 'rds', region, 'CreateDBParameterGroup', { DBParameterGroupName: group, DBParameterGroupFamily: ENGINE_DEFAULTS[engine].family, Description: `${app} database` }, createdAt);
    if (side === 'primary') await provision(sandbox, 'rds', primary, 'ModifyDBInstance', { DBInstanceIdentifier: dbId, DBParameterGroupName: group, ApplyImmediately: true }, createdAt);
  }
  const recoverySnapshots: string[] = [];
  for (const at of snapshotTimes) {
    const stamp = stampOf(at);
    const ctx = instantContext(sandbox, primary, at);
    const snapshot = captureSnapshot(ctx, findInstance(ctx, db.identifier), `${dbId}-${stamp}`, [{ Key: 'app', Value: app }]);
    const copyId = `${dbId}-${stamp}-dr`;
    await provision(sandbox, 'rds', recovery, 'CopyDBSnapshot', {
      SourceDBSnapshotIdentifier: snapshot.arn, TargetDBSnapshotIdentifier: copyId, CopyTags: true, ...(kmsKeys.recovery ? { KmsKeyId: kmsKeys.recovery } : {}),
    }, at + COPY_DELAY);
    recoverySnapshots.push(copyId);
  }
  // The backups go on as simulated time passes (an AWS Backup plan), from where the history above stops.
  const schedule = d.snapshotSchedule ?? { cron: '0 */12 * * *', coveredUntil: snapshotTimes.at(-1) ?? now };
  addBackupSchedule(sandbox.world, {
    kind: 'db-snapshot', region: primary, dbId, copyTo: recovery, copyDelayMs: COPY_DELAY, cron: schedule.cron, ...(kmsKeys.recovery ? { copyKmsKeyId: kmsKeys.recovery } : {}),
    ...(schedule.retentionDays !== undefined ? { retentionMs: schedule.retentionDays * 24 * HOUR } : {}),
    tags: [{ Key: 'app', Value: app }], doneUntil: schedule.coveredUntil,
  });
  const c = layout.compute ?? {};
  const sites: Record<string, ApplicationSite> = { [primary]: { endpoint: endpoints[primary]! }, [recovery]: { endpoint: endpoints[recovery]! } };
  let primaryCompute: ComputeNames | undefined;
  let recoveryCompute: ComputeNames | undefined;
  let recoveryImageId: string | undefined;
  const roles = layout.instances ?? [];
  if (roles.length === 0 || c.primary?.name !== undefined) {
    primaryCompute = await provisionCompute(sandbox, primary, {
      app, sizes: c.primary?.capacity ?? [4, 4, 8],
      ...(c.primary?.name ? { groupName: c.primary.name } : {}), ...(c.primary?.launchTemplate ? { templateName: c.primary.launchTemplate } : {}),
      ...(c.amiName ? { amiName: c.amiName } : {}), ...(c.instanceType ? { instanceType: c.instanceType } : {}),
    });
    sites[primary]!.autoScalingGroup = primaryCompute.autoScalingGroupName;
    recoveryImageId = await provisionImage(sandbox, recovery, c.amiName ?? `${app}-app`, now - 6 * HOUR);
    if (c.recovery?.name !== undefined) {
      // An Auto Scaling group in the recovery region, off until failover scales it.
      recoveryCompute = await provisionCompute(sandbox, recovery, {
        app, imageId: recoveryImageId, sizes: c.recovery.capacity ?? [0, 0, 0], groupName: c.recovery.name,
        ...(c.recovery.launchTemplate ? { templateName: c.recovery.launchTemplate } : {}), ...(c.instanceType ? { instanceType: c.instanceType } : {}),
      });
      sites[recovery]!.autoScalingGroup = recoveryCompute.autoScalingGroupName;
    } else if (roles.length === 0) {
      await provision(sandbox, 'ec2', recovery, 'CreateLaunchTemplate', {
        LaunchTemplateName: `${app}-${recovery}`,
        LaunchTemplateData: { ImageId: recoveryImageId, InstanceType: c.instanceType ?? 'm6i.large', TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'app', Value: app }] }] },
      });
      sites[recovery]!.instanceTag = { key: 'app', value: app };
    }
  }
  for (const role of roles) {
    const image = await provisionInstanceRole(sandbox, primary, recovery, role, app);
    recoveryImageId ??= image;
    sites[primary]!.instanceTag ??= primaryTagOf(role, app);
    if (role.restored) sites[recovery]!.instanceTag = { ...LAUNCHED_BY_FAILOVER };
  }
  sandbox.defineApplication({ name: app, sites, databases: [instanceNode(primary, db.identifier)] });
  const dns = layout.dns === false ? undefined : await provisionDns(sandbox, app, [primary, recovery], 'failover', { endpoints, ...(layout.dns ? { layout: layout.dns } : {}) });
  const storage = await provisionBuckets(sandbox, app, primary, recovery, layout.buckets);
  return {
    sandbox,
    names: {
      strategy: 'backup-restore', app, primaryRegion: primary, recoveryRegion: recovery,
      endpoints,
      database: { engine: 'rds-instance', primary: db, recoverySnapshots, kmsKeys },
      compute: { ...(primaryCompute ? { primary: primaryCompute } : {}), ...(recoveryCompute ? { recovery: recoveryCompute } : {}), ...(recoveryImageId ? { recoveryImageId } : {}) },
      ...(dns ? { dns } : {}), ...(storage ? { storage } : {}),
    },
  };
}

/** Twice a day over the last three days, the newest at least an hour old. */
function defaultSnapshotTimes(now: number): number[] {
  const lastBackup = Math.floor((now - HOUR) / (12 * HOUR)) * 12 * HOUR;
  const times: number[] = [];
  for (let at = lastBackup - 5 * 12 * HOUR; at <= lastBackup; at += 12 * HOUR) times.push(at);
  return times;
}

/** The tag the application's primary site counts instances by: the role's first tag, or the Name its named instances carry. */
function primaryTagOf(role: InstanceRoleLayout, app: string): { key: string; value: string } {
  const [first] = Object.entries(role.primary.tags);
  return first ? { key: first[0], value: first[1] } : { key: 'Name', value: `${app}-${role.role}` };
}

/**
 * One role of plain instances: its AMI in the primary region, running production instances (with the plan's ids
 * when it names them), the AMI copied to the recovery region, and the recovery launch template when named.
 * Returns the recovery AMI id.
 */
async function provisionInstanceRole(sandbox: import('../sandbox.js').Sandbox, primary: string, recovery: string, role: InstanceRoleLayout, app: string): Promise<string> {
  const name = `${role.recovery.amiName}-${stampOf(role.imageAt)}`;
  const source = await provisionImage(sandbox, primary, name, role.imageAt);
  const copy = await provisionImage(sandbox, recovery, name, role.imageAt + COPY_DELAY);
  if (role.amiSchedule) {
    addBackupSchedule(sandbox.world, { kind: 'ami', region: primary, amiName: role.recovery.amiName, copyTo: recovery, copyDelayMs: COPY_DELAY, cron: role.amiSchedule.cron, doneUntil: role.amiSchedule.coveredUntil });
  }
  const tags = Object.entries(role.primary.tags).map(([Key, Value]) => ({ Key, Value }));
  if (role.primary.instanceIds !== undefined || tags.length === 0) tags.push({ Key: 'Name', Value: `${app}-${role.role}` });
  const out = await provision<{ Instances: { InstanceId: string }[] }>(sandbox, 'ec2', primary, 'RunInstances', {
    ImageId: source, InstanceType: role.recovery.instanceType, MinCount: role.primary.count, MaxCount: role.primary.count,
    TagSpecifications: [{ ResourceType: 'instance', Tags: tags }],
  });
  adoptInstanceIds(sandbox, primary, out.Instances.map((i) => i.InstanceId), role.primary.instanceIds);
  if (role.recovery.launchTemplate !== undefined) {
    await provision(sandbox, 'ec2', recovery, 'CreateLaunchTemplate', {
      LaunchTemplateName: role.recovery.launchTemplate,
      LaunchTemplateData: { ImageId: copy, InstanceType: role.recovery.instanceType, TagSpecifications: [{ ResourceType: 'instance', Tags: Object.entries(role.primary.tags).map(([Key, Value]) => ({ Key, Value })) }] },
    });
  }
  return copy;
}

/** Gives provisioned instances the ids a plan names (EC2 chooses ids; the sandbox adopts them at provisioning only). */
function adoptInstanceIds(sandbox: import('../sandbox.js').Sandbox, region: string, created: string[], wanted: string[] | undefined): void {
  if (wanted === undefined) return;
  const instances = sandbox.world.ec2[region]!.instances;
  created.forEach((id, i) => {
    const target = wanted[i];
    if (target === undefined || target === id) return;
    if (instances[target] !== undefined) throw new TypeError(`sandbox provisioning: an instance ${target} already exists in ${region}`);
    instances[target] = { ...instances[id]!, id: target };
    delete instances[id];
  });
}
