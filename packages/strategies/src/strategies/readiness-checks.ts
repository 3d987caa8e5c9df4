/**
 * Readiness findings of the standby strategies (pilot light, warm standby). Reads only: every call here is a
 * Describe/List/Get. Each finding names the resource and region and, when it is not a pass, what to do.
 */
import type { DBInstance } from '@aws-sdk/client-rds';
import { caughtUpMinutes, replicaLagDatapoints } from '../aws/cloudwatch-metrics.js';
import { describeRawDbInstance, summarizeDbInstance } from '../aws/rds-instances.js';
import { encryptedCopies } from '../steps/encrypted-copies.js';
import { encryptionKeysFinding } from './readiness-encryption.js';
import type { AwsEnvironment, Side } from '../aws-environment.js';
import type { Finding, StrategyContext, StrategyRun } from '../strategy.js';
import { isPostgresReplica, replicaSourceOf, replicationStateOf } from '../steps/replication-lag.js';
import { lagFinding, LAG_WINDOW_MS } from './readiness-lag.js';
import { describePlannedGroup, groupLaunchFindings } from './readiness-compute.js';
import { recordPairFindings } from './readiness-dns.js';
import { guardFindings } from './readiness-guard.js';
import { fencingFinding } from './readiness-parameter-groups.js';
import { type CheckContext } from './readiness-permissions.js';
import { rolesOfKind } from './plan-roles.js';
import { type StandbyKind, type StandbyTopology, standbyCapacity, standbyTopology } from './standby-family.js';
import { planWideFindings, withPlanWide } from './readiness-plan-wide.js';

/** One DB instance as RDS describes it (with its parameter groups), or `undefined` when it does not exist. */
function describeInstance(aws: AwsEnvironment, side: Side, identifier: string): Promise<DBInstance | undefined> {
  return describeRawDbInstance({ rds: aws.clients(side).rds, identifier });
}

/** The replica exists, replicates, lags less than the RPO objective, and can be fenced when failback needs it. */
async function replicaFindings(aws: AwsEnvironment, t: StandbyTopology, rpoMs: number): Promise<Finding[]> {
  const region = aws.region('recovery');
  const id = t.database.recovery.identifier;
  const resource = `rds:${id}`;
  const db = await describeInstance(aws, 'recovery', id);
  if (db === undefined) {
    return [{ status: 'fail', check: 'replica-exists', resource, region, message: `no DB instance ${id} in ${region}`, action: `create ${id} as a cross-region read replica of ${t.database.primary.identifier}` }];
  }
  const replication = replicationStateOf(db);
  if (replication.state === 'standalone') {
    return [{ status: 'fail', check: 'replica-replicating', resource, region, message: `${id} is a standalone instance, not a replica (was it promoted?)`, action: 'fail back, or re-create the replica, before relying on it' }];
  }
  if (replication.state === 'broken') {
    return [{ status: 'fail', check: 'replica-replicating', resource, region, message: `replication has stopped: ${replication.message}`, action: 'check the source instance and the replica in the console' }];
  }
  const now = aws.clock.now();
  let points = await replicaLagDatapoints({ cloudWatch: aws.clients('recovery').cloudWatch, identifier: id, from: now - LAG_WINDOW_MS, to: now });
  let quiet = 0;
  if (isPostgresReplica(db)) {
    // PostgreSQL's ReplicaLag is the age of the newest replayed transaction: a quiet source makes it grow with
    // nothing to lose. A minute whose source slot lag stayed at 0 lost nothing; it counts as no lag.
    const source = replicaSourceOf(db, region);
    const caughtUp = source === undefined ? new Set<number>() : await caughtUpMinutes({ cloudWatch: aws.clients('primary').cloudWatch, identifier: source.identifier, from: now - LAG_WINDOW_MS, to: now });
    quiet = points.filter((p) => caughtUp.has(p.at) && p.maxLagMs > 0).length;
    points = points.map((p) => (caughtUp.has(p.at) ? { ...p, maxLagMs: 0 } : p));
  }
  const lag = lagFinding({ points, rpoMs, resource, region, metric: 'ReplicaLag', lagged: 'replica lag', ...(quiet > 0 ? { note: `${quiet} minute(s) counted as 0: the source's OldestReplicationSlotLag stayed at 0 bytes (a quiet PostgreSQL source, nothing to lose)` } : {}) });
  return [
    { status: 'pass', check: 'replica-replicating', resource, region, message: `${id} replicates ${db.ReadReplicaSourceDBInstanceIdentifier}` },
    lag,
    // Once promoted, the replica is the writer that failback fences (through the same group) before the cutover.
    fencingFinding(aws, 'recovery', db, 'a failback cannot fence it (the recovery writer) before promoting the primary-region copy'),
  ];
}

/** The primary exists, a graceful failover can fence its writers, and its backups are kept as the plan says. */
async function primaryDatabaseFindings(aws: AwsEnvironment, t: StandbyTopology, role: string): Promise<Finding[]> {
  const region = aws.region('primary');
  const id = t.database.primary.identifier;
  const db = await describeInstance(aws, 'primary', id);
  if (db === undefined) {
    return [{ status: 'fail', check: 'primary-database', resource: `rds:${id}`, region, message: `no DB instance ${id} in ${region}: nothing replicates to ${t.database.recovery.identifier}`, action: 'check the database\'s primary.identifier and regions.primary in the plan' }];
  }
  const findings = [
    fencingFinding(aws, 'primary', db, 'a graceful failover cannot fence its writers'),
    // Failback replicates back into the primary region and re-protects into the recovery one: both copies of an
    // encrypted database need a key of their region.
    encryptionKeysFinding(aws, summarizeDbInstance(db), encryptedCopies(role, t.database, {
      primary: `the failback's reverse replica ${id}`, recovery: `the failback's re-protection replica ${t.database.recovery.identifier}`,
    })),
  ];
  // The replica protects against losing the region, not against a bad write it replicates at once: the backups do.
  const wanted = t.database.backup?.retentionDays;
  const kept = db.BackupRetentionPeriod ?? 0;
  if (wanted !== undefined) {
    findings.push(kept >= wanted
      ? { status: 'pass', check: 'rds-backup-retention', resource: `rds:${id}`, region, message: `automated backups kept ${kept} day(s) (plan: at least ${wanted})` }
      : { status: 'fail', check: 'rds-backup-retention', resource: `rds:${id}`, region, message: `automated backups are kept ${kept} day(s); the plan requires ${wanted}`, action: `aws rds modify-db-instance --region ${region} --db-instance-identifier ${id} --backup-retention-period ${wanted} --apply-immediately` });
  }
  return findings;
}

/** The recovery group exists at its standby size and launches from an available AMI. */
async function computeFindings(aws: AwsEnvironment, t: StandbyTopology, kind: StandbyKind, role: string): Promise<Finding[]> {
  const region = aws.region('recovery');
  const name = t.compute.recovery.name;
  const resource = `autoscaling:${name}`;
  const findings: Finding[] = [];
  const { group, missing } = await describePlannedGroup(aws, 'recovery', name, role);
  if (group === undefined) findings.push(missing!);
  else {
    const standby = standbyCapacity(t, kind);
    findings.push(group.desired === standby.desired && group.inService >= standby.desired
      ? { status: 'pass', check: 'capacity', resource, region, message: `${name} is at ${group.min}/${group.desired}/${group.max} with ${group.inService} InService (standby ${standby.desired}); failover scales it to ${t.compute.recovery.capacity.desired}` }
      : { status: 'warn', check: 'capacity', resource, region, message: `${name} is at desired ${group.desired} with ${group.inService} InService; the plan's standby size is ${standby.desired}`, action: `scale ${name} to ${standby.min}/${standby.desired}/${standby.max}` });
    findings.push(...(await groupLaunchFindings(aws, { side: 'recovery', group, ...(t.compute.recovery.launchTemplate ? { plannedTemplate: t.compute.recovery.launchTemplate } : {}) })));
  }
  return findings;
}

/** Failback scales the primary group back to production size: it must still be there. */
async function primaryComputeFindings(aws: AwsEnvironment, t: StandbyTopology, role: string): Promise<Finding[]> {
  const primary = await describePlannedGroup(aws, 'primary', t.compute.primary.name, role);
  return primary.missing ? [primary.missing] : [];
}

/** What {@link standbyReadiness} is given: the check's context, which member of the family, and its graph builder. */
export interface StandbyCheckContext extends CheckContext {
  kind: StandbyKind;
  /** The strategy's `build`, whose steps' previews list the IAM actions the plan needs. */
  build: (ctx: StrategyContext) => StrategyRun;
}

/** Every readiness finding of a standby plan. */
export async function standbyReadiness(ctx: StandbyCheckContext): Promise<Finding[]> {
  const t = standbyTopology(ctx.plan, ctx.kind);
  const { aws, plan } = ctx;
  const roleOf = (kind: 'auto-scaling-group' | 'route53-record'): string => rolesOfKind(plan, kind)[0]?.role ?? kind;
  const guard = (check: string, resource: string, side: Side | 'global', run: () => Promise<Finding[]>): Promise<Finding[]> =>
    guardFindings({ check, resource, region: side === 'global' ? 'global' : aws.region(side) }, run);
  const groups = await Promise.all([
    guard('replica-exists', `rds:${t.database.recovery.identifier}`, 'recovery', () => replicaFindings(aws, t, plan.objectives.rpo)),
    guard('primary-database', `rds:${t.database.primary.identifier}`, 'primary', () => primaryDatabaseFindings(aws, t, rolesOfKind(plan, 'rds-instance')[0]?.role ?? 'database')),
    guard('recovery-compute', `autoscaling:${t.compute.recovery.name}`, 'recovery', () => computeFindings(aws, t, ctx.kind, roleOf('auto-scaling-group'))),
    // Its own guard: a primary region that cannot be read (the outage this plan is for) must not hide, or be blamed
    // on, the recovery side's findings.
    guard('primary-compute', `autoscaling:${t.compute.primary.name}`, 'primary', () => primaryComputeFindings(aws, t, roleOf('auto-scaling-group'))),
    guard('dns-record', `route53:${t.dns.name}`, 'global', () => recordPairFindings(aws, t.dns, roleOf('route53-record'))),
    planWideFindings(ctx, 'recovery'),
  ]);
  return withPlanWide(groups.slice(0, -1).flat(), groups.at(-1)!);
}
