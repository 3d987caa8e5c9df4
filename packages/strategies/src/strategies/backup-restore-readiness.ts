/**
 * Backup & restore readiness: is there something recent enough to restore, kept as long as the plan says, in the
 * recovery region — DB snapshot copies, the AMI, versioned and replicated buckets, the DNS pair and its health
 * checks. Reads only; every finding names the resource, the region and what to do.
 */
import { DescribeDBSnapshotsCommand } from '@aws-sdk/client-rds';
import { formatDuration } from '@firedrill/core';
import type { AwsEnvironment, Side } from '../aws-environment.js';
import { DescribeImagesCommand } from '@aws-sdk/client-ec2';
import { callAws, callAwsOrNotFound, sendOptions } from '../aws/aws-call.js';
import { describeLaunchTemplateImage, describeNewestImage } from '../aws/ec2.js';
import { describeDbInstance } from '../aws/rds-instances.js';
import { getBucketReplicationStatus, getBucketVersioning } from '../aws/s3.js';
import { getHealthCheckStatus, listRecordSets } from '../aws/route53.js';
import type { Finding } from '../strategy.js';
import { scheduleCadence } from './backup-schedule.js';
import type { BackupRestoreTopology } from './backup-restore-topology.js';

const DAY = 24 * 60 * 60_000;
/** A copy lands some time after its schedule fires (snapshot, then cross-region copy): allowed slack. */
const COPY_SLACK_MS = 2 * 60 * 60_000;

type Check = (aws: AwsEnvironment, topology: BackupRestoreTopology) => Promise<Finding[]>;

const age = (now: number, at: number): string => formatDuration(Math.max(0, Math.round((now - at) / 60_000)) * 60_000);

/** Every available snapshot of an instance in a region (copies keep the source's identifier), with capture times. */
async function snapshotsOf(aws: AwsEnvironment, side: Side, instanceIdentifier: string): Promise<Array<{ id: string; capturedAt: number }>> {
  const { rds } = aws.clients(side);
  const found: Array<{ id: string; capturedAt: number }> = [];
  let marker: string | undefined;
  do {
    const out = await callAws({ service: 'rds', client: rds, command: 'DescribeDBSnapshots', resource: instanceIdentifier }, undefined, () =>
      rds.send(new DescribeDBSnapshotsCommand({ DBInstanceIdentifier: instanceIdentifier, ...(marker ? { Marker: marker } : {}) }), sendOptions(undefined)));
    for (const s of out.DBSnapshots ?? []) {
      const captured = s.OriginalSnapshotCreateTime ?? s.SnapshotCreateTime;
      if (s.Status === 'available' && captured !== undefined) found.push({ id: s.DBSnapshotIdentifier ?? '', capturedAt: captured.getTime() });
    }
    marker = out.Marker;
  } while (marker);
  return found.sort((a, b) => a.capturedAt - b.capturedAt);
}

/** The newest DB snapshot copy in the recovery region is younger than the RPO objective. */
const newestDatabaseCopy: Check = async (aws, topology) => {
  const { primary } = topology.database.resource;
  const region = aws.region('recovery');
  const resource = `rds:${primary.identifier}`;
  const snapshots = await snapshotsOf(aws, 'recovery', primary.identifier);
  const newest = snapshots.at(-1);
  const rpo = aws.plan.objectives.rpo;
  const copy = `aws rds copy-db-snapshot --region ${region} --source-db-snapshot-identifier <ARN of the newest snapshot in ${aws.region('primary')}>`;
  if (newest === undefined) {
    return [{ status: 'fail', check: 'newest-db-snapshot', resource, region, message: `no available snapshot of ${primary.identifier} in ${region}: nothing to restore`, action: `copy a snapshot to ${region} (${copy}) and schedule the copies` }];
  }
  const now = aws.clock.now();
  if (now - newest.capturedAt > rpo) {
    return [{ status: 'fail', check: 'newest-db-snapshot', resource, region, message: `newest copy ${newest.id} was captured ${age(now, newest.capturedAt)} ago, older than the RPO objective (${formatDuration(rpo)})`, action: `take and copy a fresh snapshot now (${copy}); then check why the schedule stopped` }];
  }
  return [{ status: 'pass', check: 'newest-db-snapshot', resource, region, message: `newest copy ${newest.id} was captured ${age(now, newest.capturedAt)} ago (RPO objective ${formatDuration(rpo)})` }];
};

/** RDS automated backups are kept as long as the plan says (`resources.<db>.backup.retentionDays`). */
const automatedBackupRetention: Check = async (aws, topology) => {
  const { role, resource: db } = topology.database;
  const wanted = db.backup?.retentionDays;
  if (wanted === undefined) return [];
  const region = aws.region('primary');
  const resource = `rds:${db.primary.identifier}`;
  const found = await describeDbInstance({ rds: aws.clients('primary').rds, identifier: db.primary.identifier });
  if (found === undefined) {
    return [{ status: 'fail', check: 'rds-backup-retention', resource, region, message: `${db.primary.identifier} does not exist in ${region}`, action: `check resources.${role}.primary.identifier` }];
  }
  const days = found.backupRetentionPeriod ?? 0;
  if (days < wanted) {
    return [{ status: 'fail', check: 'rds-backup-retention', resource, region, message: `automated backups are kept ${days} day(s); the plan requires ${wanted}`, action: `aws rds modify-db-instance --region ${region} --db-instance-identifier ${db.primary.identifier} --backup-retention-period ${wanted} --apply-immediately` }];
  }
  return [{ status: 'pass', check: 'rds-backup-retention', resource, region, message: `automated backups kept ${days} day(s) (plan: at least ${wanted})` }];
};

/** Snapshot copies follow each `backups.snapshots` schedule and retention. */
const snapshotSchedules: Check = async (aws, topology) => {
  const findings: Finding[] = [];
  const region = aws.region('recovery');
  const now = aws.clock.now();
  for (const { role: backupsRole, resource } of topology.backups) {
    for (const [index, schedule] of resource.snapshots.entries()) {
      const source = aws.plan.resources[schedule.source];
      if (source?.kind !== 'rds-instance' || !schedule.copyToRecovery) continue;
      const where = `resources.${backupsRole}.snapshots[${index}]`;
      const cadence = scheduleCadence(schedule.schedule);
      const snapshots = await snapshotsOf(aws, 'recovery', source.primary.identifier);
      const id = `rds:${source.primary.identifier}`;
      const newest = snapshots.at(-1);
      if (newest !== undefined && now - newest.capturedAt > cadence.maxGapMs + COPY_SLACK_MS) {
        findings.push({ status: 'warn', check: 'snapshot-schedule', resource: id, region, message: `schedule "${schedule.schedule}" (${where}) should have produced a copy within ${formatDuration(cadence.maxGapMs)}; the newest is ${age(now, newest.capturedAt)} old`, action: 'check the backup job (AWS Backup plan or the snapshot-and-copy automation) for failures' });
      }
      findings.push(...retentionFindings(snapshots, { now, retentionMs: schedule.retentionDays * DAY, cadence, id, region, where }));
    }
  }
  return findings;
};

function retentionFindings(
  snapshots: ReadonlyArray<{ id: string; capturedAt: number }>,
  o: { now: number; retentionMs: number; cadence: { maxGapMs: number; averageIntervalMs: number }; id: string; region: string; where: string },
): Finding[] {
  const oldest = snapshots[0];
  if (oldest === undefined) return [];
  const days = `${Math.round(o.retentionMs / DAY)} days`;
  const expected = Math.floor(o.retentionMs / o.cadence.averageIntervalMs);
  const expired = snapshots.filter((s) => o.now - s.capturedAt > o.retentionMs + o.cadence.maxGapMs);
  const findings: Finding[] = [];
  if (o.now - oldest.capturedAt < o.retentionMs - o.cadence.maxGapMs - COPY_SLACK_MS) {
    findings.push({ status: 'warn', check: 'snapshot-retention', resource: o.id, region: o.region, message: `${snapshots.length} copies reach back ${age(o.now, oldest.capturedAt)}; ${o.where} keeps ${days} (about ${expected} copies)`, action: 'check the lifecycle rule deleting copies early (or ignore while the schedule is younger than its retention)' });
  } else {
    findings.push({ status: 'pass', check: 'snapshot-retention', resource: o.id, region: o.region, message: `${snapshots.length} copies reach back ${age(o.now, oldest.capturedAt)} (retention ${days})` });
  }
  if (expired.length > 0) {
    findings.push({ status: 'warn', check: 'snapshot-retention', resource: o.id, region: o.region, message: `${expired.length} copies are older than the ${days} retention (oldest ${oldest.id})`, action: 'delete expired copies or fix the lifecycle rule (they cost money and may breach data-retention policy)' });
  }
  return findings;
}

/** The AMI (and the launch template's AMI) exists in the recovery region; fresh enough when it is backed up. */
const imagesInRecovery: Check = async (aws, topology) => {
  const findings: Finding[] = [];
  const region = aws.region('recovery');
  const { ec2 } = aws.clients('recovery');
  const now = aws.clock.now();
  const backedUp = new Set(topology.backups.flatMap((b) => b.resource.snapshots.map((s) => s.source)));
  for (const { role, resource } of topology.instances) {
    const name = resource.recovery.amiName;
    if (name === undefined) continue;
    const image = await describeNewestImage({ ec2, namePrefix: name });
    if (image === undefined) {
      findings.push({ status: 'fail', check: 'ami-in-recovery-region', resource: `ami:${name}`, region, message: `no available AMI named ${name}* in ${region}: compute cannot be launched there`, action: `aws ec2 copy-image --region ${region} --source-region ${aws.region('primary')} --source-image-id <newest ${name} AMI> --name ${name}-<date>` });
      continue;
    }
    const stale = backedUp.has(role) && image.createdAt !== undefined && now - image.createdAt.getTime() > aws.plan.objectives.rpo;
    findings.push(stale
      ? { status: 'fail', check: 'ami-in-recovery-region', resource: `ami:${image.imageId}`, region, message: `newest ${name} AMI (${image.imageId}) is ${age(now, image.createdAt!.getTime())} old, older than the RPO objective`, action: 'create and copy a fresh AMI' }
      : { status: 'pass', check: 'ami-in-recovery-region', resource: `ami:${image.imageId}`, region, message: `${name} AMI ${image.imageId} is available in ${region}` });
  }
  const templates = [...topology.instances.map((r) => r.resource.recovery.launchTemplate), ...topology.groups.map((r) => r.resource.recovery.launchTemplate)].filter((t): t is string => t !== undefined);
  for (const template of templates) {
    const version = await describeLaunchTemplateImage({ ec2, name: template });
    const resource = `launch-template:${template}`;
    if (version === undefined) {
      findings.push({ status: 'fail', check: 'launch-template', resource, region, message: `launch template ${template} does not exist in ${region}`, action: `create ${template} in ${region} with the copied AMI` });
      continue;
    }
    const exists = version.imageId === undefined ? true : await imageExists(aws, version.imageId);
    findings.push(exists
      ? { status: 'pass', check: 'launch-template', resource, region, message: `launch template ${template} (version ${version.version ?? '?'}) launches ${version.imageId ?? 'the AMI given at launch'}` }
      : { status: 'fail', check: 'launch-template', resource, region, message: `launch template ${template} launches ${version.imageId}, which is not available in ${region}`, action: `create a new version of ${template} with the AMI copied to ${region}` });
  }
  return findings;
};

async function imageExists(aws: AwsEnvironment, imageId: string): Promise<boolean> {
  const { ec2 } = aws.clients('recovery');
  const out = await callAwsOrNotFound({ service: 'ec2', client: ec2, command: 'DescribeImages', resource: imageId }, undefined, () =>
    ec2.send(new DescribeImagesCommand({ ImageIds: [imageId] }), sendOptions(undefined)));
  return (out?.Images ?? []).some((i) => i.State === 'available');
}

/** Backup buckets are versioned, and replicated when the plan says so. */
const bucketsVersioned: Check = async (aws, topology) => {
  const findings: Finding[] = [];
  for (const { resource } of topology.buckets) {
    for (const side of ['primary', 'recovery'] as const) {
      const bucket = resource[side].bucket;
      const region = aws.region(side);
      const status = await getBucketVersioning({ s3: aws.clients(side).s3, bucket });
      findings.push(status === 'Enabled'
        ? { status: 'pass', check: 'bucket-versioning', resource: `s3:${bucket}`, region, message: `versioning enabled on ${bucket}` }
        : { status: 'fail', check: 'bucket-versioning', resource: `s3:${bucket}`, region, message: `versioning is ${status} on ${bucket}: an overwrite or delete cannot be undone, and replication needs it`, action: `aws s3api put-bucket-versioning --bucket ${bucket} --versioning-configuration Status=Enabled` });
    }
    if (resource.replication) {
      const replication = await getBucketReplicationStatus({ s3: aws.clients('primary').s3, bucket: resource.primary.bucket });
      const ok = replication.rules.some((r) => r.enabled && r.destinationBucketArn === `arn:aws:s3:::${resource.recovery.bucket}`);
      findings.push(ok
        ? { status: 'pass', check: 'bucket-replication', resource: `s3:${resource.primary.bucket}`, region: aws.region('primary'), message: `replicates to ${resource.recovery.bucket}` }
        : { status: 'fail', check: 'bucket-replication', resource: `s3:${resource.primary.bucket}`, region: aws.region('primary'), message: `no enabled replication rule to ${resource.recovery.bucket}`, action: `add a replication rule from ${resource.primary.bucket} to arn:aws:s3:::${resource.recovery.bucket}` });
    }
  }
  return findings;
};

/** The failover record pair exists, and each side's health check exists. */
const dnsReady: Check = async (aws, topology) => {
  if (topology.dns === undefined) return [];
  const { resource: record } = topology.dns;
  const route53 = aws.clients('primary').route53;
  const sets = await listRecordSets({ route53, hostedZoneId: record.hostedZoneId, name: record.name, type: record.type });
  const findings: Finding[] = [];
  for (const side of ['primary', 'recovery'] as const) {
    const set = sets.find((s) => s.SetIdentifier === record[side].setIdentifier);
    const resource = `route53:${record.name}/${record[side].setIdentifier}`;
    if (set === undefined) {
      findings.push({ status: 'fail', check: 'dns-record', resource, region: 'global', message: `no ${record.type} record ${record.name} with set identifier ${record[side].setIdentifier} in ${record.hostedZoneId}`, action: `create the ${side === 'primary' ? 'PRIMARY' : 'SECONDARY'} failover record for ${aws.region(side)}` });
      continue;
    }
    const healthCheckId = record[side].healthCheckId ?? set.HealthCheckId;
    if (healthCheckId === undefined) {
      findings.push({ status: 'warn', check: 'dns-health-check', resource, region: 'global', message: `no health check guards ${record[side].setIdentifier}`, action: 'attach a Route 53 health check so DNS fails over by itself' });
      continue;
    }
    const health = await getHealthCheckStatus({ route53, healthCheckId }).catch((error: unknown) => error as Error);
    findings.push(health instanceof Error
      ? { status: 'fail', check: 'dns-health-check', resource: `route53-health-check:${healthCheckId}`, region: 'global', message: `health check ${healthCheckId} cannot be read: ${health.message}`, action: 'check the health check id in the plan' }
      : { status: 'pass', check: 'dns-health-check', resource: `route53-health-check:${healthCheckId}`, region: 'global', message: `record ${record[side].setIdentifier} (${set.Failover ?? 'no failover role'}) guarded by health check ${healthCheckId} (${health.healthy ? 'healthy' : 'unhealthy'})` });
  }
  return findings;
};

const CHECKS: ReadonlyArray<[string, Check]> = [
  ['newest-db-snapshot', newestDatabaseCopy],
  ['rds-backup-retention', automatedBackupRetention],
  ['snapshot-schedule', snapshotSchedules],
  ['ami-in-recovery-region', imagesInRecovery],
  ['bucket-versioning', bucketsVersioned],
  ['dns-record', dnsReady],
];

/**
 * Every readiness finding of a backup & restore plan. A check that cannot read what it needs (a region down,
 * access denied) is a `fail` naming the error, never a crash of the whole check.
 *
 * @example
 * const findings = await backupRestoreReadiness(aws, backupRestoreTopology(plan));
 */
export async function backupRestoreReadiness(aws: AwsEnvironment, topology: BackupRestoreTopology): Promise<Finding[]> {
  const findings: Finding[] = [];
  for (const [name, check] of CHECKS) {
    try {
      findings.push(...(await check(aws, topology)));
    } catch (error) {
      findings.push({ status: 'fail', check: name, resource: name, region: aws.region('recovery'), message: `could not check: ${(error as Error).message}`, action: 'fix the access or the resource named, then run check again' });
    }
  }
  return findings;
}
