/**
 * Backup & restore readiness: is there something recent enough to restore, kept as long as the plan says, in the
 * recovery region — DB snapshot copies, the parameter groups the restores name, the AMIs and what launches them,
 * versioned and replicated buckets, the DNS pair and its health checks, and whether IAM grants the actions the
 * plan needs. Reads only; every finding names the resource, the region and what to do.
 */
import { DescribeDBSnapshotsCommand } from '@aws-sdk/client-rds';
import { formatDuration } from '@firedrill/core';
import type { AwsEnvironment, Side } from '../aws-environment.js';
import { callAws, sendOptions } from '../aws/aws-call.js';
import { type DbInstanceSummary, describeDbInstance } from '../aws/rds-instances.js';
import type { Finding, StrategyContext, StrategyRun } from '../strategy.js';
import { age, COPY_SLACK_MS, imageFindings, launchFindings } from './backup-restore-images.js';
import { scheduleCadence } from './backup-schedule.js';
import type { BackupRestoreTopology } from './backup-restore-topology.js';
import { recordPairFindings } from './readiness-dns.js';
import { guardFindings } from './readiness-guard.js';
import { parameterGroupFamily } from '../steps/parameter-group-family.js';
import { namedParameterGroupFinding } from './readiness-parameter-groups.js';
import { type CheckContext } from './readiness-permissions.js';
import { planWideFindings, withPlanWide } from './readiness-plan-wide.js';
import { encryptedCopies } from '../steps/encrypted-copies.js';
import { encryptionKeysFinding } from './readiness-encryption.js';

const DAY = 24 * 60 * 60_000;

/**
 * What several checks of one `check` read, read once: a promise per key, so the checks share the result — or the
 * rejection, which each check still turns into its own guarded `fail` finding.
 */
interface SharedReads {
  /** Every available snapshot of `instanceIdentifier` in `side`'s region ({@link snapshotsOf}). */
  snapshots(side: Side, instanceIdentifier: string): Promise<SnapshotRecord[]>;
  /** The primary database instance, `undefined` when it does not exist. */
  primaryInstance(): Promise<DbInstanceSummary | undefined>;
}

function sharedReads(aws: AwsEnvironment, topology: BackupRestoreTopology): SharedReads {
  const snapshots = new Map<string, Promise<SnapshotRecord[]>>();
  let primary: Promise<DbInstanceSummary | undefined> | undefined;
  return {
    snapshots(side, instanceIdentifier) {
      const key = `${aws.region(side)}\u0000${instanceIdentifier}`;
      let found = snapshots.get(key);
      if (found === undefined) {
        found = snapshotsOf(aws, side, instanceIdentifier);
        snapshots.set(key, found);
      }
      return found;
    },
    primaryInstance() {
      primary ??= describeDbInstance({ rds: aws.clients('primary').rds, identifier: topology.database.resource.primary.identifier });
      return primary;
    },
  };
}

type Check = (aws: AwsEnvironment, topology: BackupRestoreTopology, reads: SharedReads) => Promise<Finding[]>;

/** An available DB snapshot: its id, when its data was captured, and the engine version a restore brings back. */
interface SnapshotRecord {
  id: string;
  capturedAt: number;
  engine: string | undefined;
  engineVersion: string | undefined;
}

/** Every available snapshot of an instance in a region (copies keep the source's identifier), with capture times. */
async function snapshotsOf(aws: AwsEnvironment, side: Side, instanceIdentifier: string): Promise<SnapshotRecord[]> {
  const { rds } = aws.clients(side);
  const found: SnapshotRecord[] = [];
  let marker: string | undefined;
  do {
    const out = await callAws({ service: 'rds', client: rds, command: 'DescribeDBSnapshots', resource: instanceIdentifier }, undefined, () =>
      rds.send(new DescribeDBSnapshotsCommand({ DBInstanceIdentifier: instanceIdentifier, ...(marker ? { Marker: marker } : {}) }), sendOptions(undefined)));
    for (const s of out.DBSnapshots ?? []) {
      const captured = s.OriginalSnapshotCreateTime ?? s.SnapshotCreateTime;
      if (s.Status === 'available' && captured !== undefined) found.push({ id: s.DBSnapshotIdentifier ?? '', capturedAt: captured.getTime(), engine: s.Engine, engineVersion: s.EngineVersion });
    }
    marker = out.Marker;
  } while (marker);
  return found.sort((a, b) => a.capturedAt - b.capturedAt);
}

/** The newest DB snapshot copy in the recovery region is younger than the RPO objective. */
const newestDatabaseCopy: Check = async (aws, topology, reads) => {
  const { primary } = topology.database.resource;
  const region = aws.region('recovery');
  const resource = `rds:${primary.identifier}`;
  const snapshots = await reads.snapshots('recovery', primary.identifier);
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
const automatedBackupRetention: Check = async (aws, topology, reads) => {
  const { role, resource: db } = topology.database;
  const wanted = db.backup?.retentionDays;
  if (wanted === undefined) return [];
  const region = aws.region('primary');
  const resource = `rds:${db.primary.identifier}`;
  const found = await reads.primaryInstance();
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
const snapshotSchedules: Check = async (aws, topology, reads) => {
  const findings: Finding[] = [];
  const region = aws.region('recovery');
  const now = aws.clock.now();
  for (const { role: backupsRole, resource } of topology.backups) {
    for (const [index, schedule] of resource.snapshots.entries()) {
      const source = aws.plan.resources[schedule.source];
      if (source?.kind !== 'rds-instance' || !schedule.copyToRecovery) continue;
      const where = `resources.${backupsRole}.snapshots[${index}]`;
      const cadence = scheduleCadence(schedule.schedule);
      const snapshots = await reads.snapshots('recovery', source.primary.identifier);
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

/**
 * The DB parameter groups `strategy.parameters.parameterGroups` names exist where the restores use them — the
 * recovery group for the failover's restore (with the family of the newest copy's engine version), the primary group
 * for the failback's restore — or those restores fail with DBParameterGroupNotFound while users wait.
 */
const namedParameterGroups: Check = async (aws, topology, reads) => {
  const groups = topology.parameters.parameterGroups ?? {};
  const db = topology.database.resource;
  const findings: Finding[] = [];
  if (groups.recovery !== undefined) {
    const newest = (await reads.snapshots('recovery', db.primary.identifier)).at(-1);
    const family = parameterGroupFamily(newest?.engine, newest?.engineVersion);
    findings.push(await namedParameterGroupFinding(aws, {
      side: 'recovery', name: groups.recovery, field: 'strategy.parameters.parameterGroups.recovery',
      usedBy: `the failover's restore of ${db.recovery.identifier}`, ...(family ? { family } : {}),
    }));
  }
  if (groups.primary !== undefined) {
    const primary = await reads.primaryInstance();
    const family = parameterGroupFamily(primary?.engine, primary?.engineVersion);
    findings.push(await namedParameterGroupFinding(aws, {
      side: 'primary', name: groups.primary, field: 'strategy.parameters.parameterGroups.primary',
      usedBy: `the failback's restore of ${db.primary.identifier}`, ...(family ? { family } : {}),
    }));
  }
  return findings;
};

/**
 * A graceful failover copies a fresh snapshot to the recovery region and the failback copies one home: an encrypted
 * database needs the plan's key of each region. (The scheduled copies are the backup job's, made with its own key.)
 */
const encryptionKeys: Check = async (aws, t, reads) => {
  const db = await reads.primaryInstance();
  if (db === undefined) return [];
  return [encryptionKeysFinding(aws, db, encryptedCopies(t.database.role, t.database.resource, {
    recovery: 'a graceful failover\'s snapshot copy', primary: 'the failback\'s snapshot copy',
  }))];
};

/** Each check, the region it reads, and the resource its error finding names. */
const CHECKS: ReadonlyArray<{ name: string; side: Side; resource: (t: BackupRestoreTopology) => string; run: Check }> = [
  { name: 'newest-db-snapshot', side: 'recovery', resource: (t) => `rds:${t.database.resource.primary.identifier}`, run: newestDatabaseCopy },
  { name: 'encryption-keys', side: 'primary', resource: (t) => `rds:${t.database.resource.primary.identifier}`, run: encryptionKeys },
  { name: 'rds-backup-retention', side: 'primary', resource: (t) => `rds:${t.database.resource.primary.identifier}`, run: automatedBackupRetention },
  { name: 'snapshot-schedule', side: 'recovery', resource: (t) => `rds:${t.database.resource.primary.identifier}`, run: snapshotSchedules },
  { name: 'parameter-group', side: 'recovery', resource: () => 'rds-parameter-group', run: namedParameterGroups },
  { name: 'ami-in-recovery-region', side: 'recovery', resource: () => 'ami', run: imageFindings },
  { name: 'launch-template', side: 'recovery', resource: () => 'launch-template', run: launchFindings },
  { name: 'dns-record', side: 'primary', resource: (t) => `route53:${t.dns?.resource.name ?? ''}`, run: async (aws, t) => (t.dns ? recordPairFindings(aws, t.dns.resource, t.dns.role) : []) },
];

/**
 * Every readiness finding of a backup & restore plan. A check that cannot read what it needs (a region down,
 * access denied) is a `fail` naming the error, never a crash of the whole check. With `ctx.build`, the last
 * findings say whether IAM grants what the plan's operations call.
 *
 * @example
 * const findings = await backupRestoreReadiness(aws, backupRestoreTopology(plan));
 */
export async function backupRestoreReadiness(aws: AwsEnvironment, topology: BackupRestoreTopology, ctx?: CheckContext & { build: (ctx: StrategyContext) => StrategyRun }): Promise<Finding[]> {
  const findings: Finding[] = [];
  // One read per snapshot list and of the primary instance, shared by the checks that need them.
  const reads = sharedReads(aws, topology);
  for (const { name, side, resource, run } of CHECKS) {
    findings.push(...(await guardFindings({ check: name, resource: resource(topology), region: aws.region(side) }, () => run(aws, topology, reads))));
  }
  return withPlanWide(findings, await planWideFindings({ plan: aws.plan, aws, ...(ctx ?? {}) }, 'recovery'));
}
