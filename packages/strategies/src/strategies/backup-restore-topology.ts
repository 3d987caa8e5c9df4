/**
 * What backup & restore reads from a plan: the database restored from snapshots, the compute launched from the
 * copied AMI (plain instances, or an Auto Scaling group with a launch template), the DNS record pair, the backup
 * buckets and the snapshot schedules — plus the strategy's parameters, validated with messages that name the field.
 */
import type { Plan, PlanIssue } from '@firedrill/core';
import { type ComputeResource, type DatabaseResource, type DnsRecordResource, missingRoleIssue, type ResourceOfKind, type Role, rolesOfKind } from './plan-roles.js';

/** Plain EC2 instances restored from an AMI. */
export type InstancesResource = ResourceOfKind<'ec2-instances'>;
/** A replicated S3 bucket pair. */
export type BucketResource = ResourceOfKind<'s3-bucket'>;
/** Snapshot schedules and retention. */
export type BackupsResource = ResourceOfKind<'backups'>;

/**
 * `strategy.parameters` of backup & restore.
 *
 * - `restore`: roles brought up on failover (default: every database and compute role). A staging environment
 *   that is backed up but not recovered is left out this way.
 * - `parameterGroups`: custom DB parameter groups (per side) the restored databases use, so failback can fence
 *   the DR site's writers through the read-only parameter. Without one, failback asks a human to freeze writes.
 * - `keepBeforeFailbackSnapshots`: how many of the stale primary's final snapshots (`<db>-before-failback-*`, one per
 *   failback, tagged by Firedrill) are kept; older ones of this plan are deleted. @default 3
 */
export interface BackupRestoreParameters {
  restore?: string[];
  parameterGroups?: { primary?: string; recovery?: string };
  keepBeforeFailbackSnapshots?: number;
}

/** The plan, as backup & restore sees it. */
export interface BackupRestoreTopology {
  database: Role<DatabaseResource>;
  instances: Role<InstancesResource>[];
  groups: Role<ComputeResource>[];
  dns: Role<DnsRecordResource> | undefined;
  buckets: Role<BucketResource>[];
  backups: Role<BackupsResource>[];
  parameters: BackupRestoreParameters;
}

function parametersOf(plan: Plan): BackupRestoreParameters {
  return plan.strategy.parameters as BackupRestoreParameters;
}

function parameterIssues(plan: Plan, file: string): PlanIssue[] {
  const raw = plan.strategy.parameters;
  const issues: PlanIssue[] = [];
  const issue = (field: string, expected: string, found: unknown): void => {
    issues.push({ file, path: `strategy.parameters.${field}`, message: `expected ${expected}, got ${JSON.stringify(found)}`, expected, found: JSON.stringify(found) });
  };
  const known = ['restore', 'parameterGroups', 'keepBeforeFailbackSnapshots'];
  for (const key of Object.keys(raw)) if (!known.includes(key)) issue(key, `no such parameter (known: ${known.join(', ')})`, raw[key]);
  const keep = raw['keepBeforeFailbackSnapshots'];
  if (keep !== undefined && (typeof keep !== 'number' || !Number.isInteger(keep) || keep < 1)) issue('keepBeforeFailbackSnapshots', 'a whole number of snapshots, at least 1', keep);
  const restore = raw['restore'];
  if (restore !== undefined) {
    if (!Array.isArray(restore) || restore.some((r) => typeof r !== 'string')) issue('restore', 'a list of role names', restore);
    else for (const role of restore as string[]) if (plan.resources[role] === undefined) issue('restore', `roles in resources (${Object.keys(plan.resources).join(', ')})`, role);
  }
  const groups = raw['parameterGroups'];
  if (groups !== undefined && (typeof groups !== 'object' || groups === null || Object.entries(groups).some(([k, v]) => !['primary', 'recovery'].includes(k) || typeof v !== 'string'))) {
    issue('parameterGroups', '{ primary?: <group name>, recovery?: <group name> }', groups);
  }
  return issues;
}

/**
 * What backup & restore needs that the schema cannot say: one RDS instance, compute that can come up from a
 * copied AMI, a failover DNS pair, valid parameters.
 *
 * @example
 * validateBackupRestorePlan(plan, 'plan.yaml') // [] when runnable
 */
export function validateBackupRestorePlan(plan: Plan, file: string): PlanIssue[] {
  const issues = parameterIssues(plan, file);
  if (rolesOfKind(plan, 'rds-instance').length === 0) issues.push(missingRoleIssue(plan, 'backup-restore', ['rds-instance'], 'the database restored from snapshots', file));
  const instances = rolesOfKind(plan, 'ec2-instances');
  const groups = rolesOfKind(plan, 'auto-scaling-group');
  if (instances.length === 0 && groups.length === 0) issues.push(missingRoleIssue(plan, 'backup-restore', ['ec2-instances', 'auto-scaling-group'], 'the compute launched in the recovery region', file));
  for (const { role, resource } of instances) {
    if (resource.recovery.amiName === undefined) {
      issues.push({ file, path: `resources.${role}.recovery.amiName`, message: 'backup & restore launches compute from the AMI copied to the recovery region: name it (amiName)', expected: 'an AMI name', found: 'none' });
    }
  }
  for (const { role, resource } of groups) {
    if (resource.recovery.launchTemplate === undefined) {
      issues.push({ file, path: `resources.${role}.recovery.launchTemplate`, message: 'the recovery Auto Scaling group needs a launch template whose AMI is in the recovery region', expected: 'a launch template name', found: 'none' });
    }
  }
  for (const { role, resource } of rolesOfKind(plan, 'route53-record')) {
    if (resource.routing !== 'failover') issues.push({ file, path: `resources.${role}.routing`, message: 'backup & restore moves users with a failover record pair', expected: '"failover"', found: `"${resource.routing}"` });
  }
  return issues;
}

/**
 * The plan's resources by what backup & restore does with them; `restore` narrows the database and compute
 * roles brought up on failover.
 */
export function backupRestoreTopology(plan: Plan): BackupRestoreTopology {
  const parameters = parametersOf(plan);
  const chosen = (role: string): boolean => parameters.restore === undefined || parameters.restore.includes(role);
  const databases = rolesOfKind(plan, 'rds-instance');
  const database = databases.find((d) => chosen(d.role)) ?? databases[0];
  if (database === undefined) throw new TypeError(`${plan.metadata.name}: backup-restore needs an rds-instance resource (validate the plan first)`);
  return {
    database,
    instances: rolesOfKind(plan, 'ec2-instances').filter((r) => chosen(r.role)),
    groups: rolesOfKind(plan, 'auto-scaling-group').filter((r) => chosen(r.role)),
    dns: rolesOfKind(plan, 'route53-record')[0],
    buckets: rolesOfKind(plan, 's3-bucket'),
    backups: rolesOfKind(plan, 'backups'),
    parameters,
  };
}

/**
 * Tags Firedrill puts on what a failover launches, so failback (another run, maybe another process) finds exactly
 * those instances and nothing else.
 */
export function launchedByFailoverTags(plan: Plan, role: string): Record<string, string> {
  return { 'firedrill:plan': plan.metadata.name, 'firedrill:role': role, 'firedrill:launched-by': 'failover' };
}
