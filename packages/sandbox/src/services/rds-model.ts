/** Shared RDS helpers: ARNs, lookups, validation and the SDK output shapes. */
import type { DBInstance, DBSnapshot, Tag } from '@aws-sdk/client-rds';
import { nodeKey, resolveNode } from '../database-nodes.js';
import { AwsApiError, badRequest, notFound } from '../errors.js';
import { isRegionDown } from '../faults.js';
import type { OperationContext } from '../operation-context.js';
import { str } from '../operation-context.js';
import type { DbInstanceRecord, DbSnapshotRecord, TagRecord } from '../resources.js';
import { valueAt } from '../timeline.js';
import type { RdsRegionState, World } from '../world.js';

/** An RDS ARN. */
export function rdsArn(world: World, region: string, type: 'db' | 'cluster' | 'snapshot' | 'cluster-snapshot', id: string): string {
  return `arn:aws:rds:${region}:${world.accountId}:${type}:${id}`;
}

/** Parses `arn:aws:rds:<region>:<account>:<type>:<id>`; a plain identifier means the caller's region. */
export function parseRdsRef(ref: string, defaultRegion: string): { region: string; id: string } {
  const m = /^arn:aws[\w-]*:rds:([a-z0-9-]+):\d{12}:[a-z-]+:(.+)$/.exec(ref);
  return m ? { region: m[1]!, id: m[2]! } : { region: defaultRegion, id: ref };
}

/** The RDS state of a region the sandbox simulates. */
export function rdsRegion(world: World, region: string): RdsRegionState {
  const state = world.rds[region];
  if (!state) throw new AwsApiError('InvalidParameterValue', `Region ${region} is not simulated`, 400);
  return state;
}

/** Validates an RDS identifier the way RDS does. */
export function checkIdentifier(kind: string, id: string | undefined): string {
  if (id === undefined || !/^[a-zA-Z](?:[a-zA-Z0-9]|-(?!-)){0,62}$/.test(id) || id.endsWith('-')) {
    throw badRequest('InvalidParameterValue', `The parameter ${kind} is not a valid identifier. Identifiers must begin with a letter; must contain only ASCII letters, digits, and hyphens; and must not end with a hyphen or contain two consecutive hyphens.`);
  }
  return id.toLowerCase();
}

/** The instance with `id` in `region`, not deleted; DBInstanceNotFound otherwise. */
export function findInstance(ctx: OperationContext, id: string | undefined, region = ctx.region): DbInstanceRecord {
  const record = id === undefined ? undefined : rdsRegion(ctx.world, region).instances[id.toLowerCase()];
  if (!record || valueAt(record.status, ctx.now) === 'deleted') throw notFound('DBInstanceNotFound', `DBInstance ${id ?? ''} not found.`);
  return record;
}

/** Status of an instance now. */
export function instanceStatus(ctx: OperationContext, record: { status: DbInstanceRecord['status'] }): string {
  return valueAt(record.status, ctx.now) ?? 'creating';
}

/** Throws InvalidDBInstanceState unless the instance is in one of `allowed`. */
export function requireInstanceStatus(ctx: OperationContext, record: DbInstanceRecord, allowed: string[], action: string): void {
  const status = instanceStatus(ctx, record);
  if (!allowed.includes(status)) {
    throw badRequest('InvalidDBInstanceState', `Instance ${record.id} is not in ${allowed.join(' or ')} state (it is ${status}); cannot ${action}.`);
  }
}

/** A region that must be reachable for a cross-region operation. */
export function requireRegionUp(ctx: OperationContext, region: string, what: string): void {
  if (!ctx.world.regions.includes(region)) throw badRequest('InvalidParameterValue', `${what}: region ${region} is not simulated.`);
  if (isRegionDown(ctx.world, region, ctx.now)) {
    throw new AwsApiError('InternalFailure', `${what}: the source region ${region} is unreachable.`, 500);
  }
}

/** Tags from an SDK input. */
export function tagsOf(input: Record<string, unknown>, key = 'Tags'): TagRecord[] {
  const tags = input[key];
  if (!Array.isArray(tags)) return [];
  return tags.filter((t): t is Tag => typeof t === 'object' && t !== null).map((t) => ({ Key: String(t.Key ?? ''), Value: String(t.Value ?? '') }));
}

/** Instances (all regions) currently replicating from `record`. */
export function replicasOf(ctx: OperationContext, record: DbInstanceRecord): DbInstanceRecord[] {
  return replicasAt(ctx.world, record, ctx.now);
}

/** The instances replicating from `record` at `t`, in any region (deleted ones are not). */
export function replicasAt(world: World, record: Pick<DbInstanceRecord, 'region' | 'id'>, t: number): DbInstanceRecord[] {
  const key = nodeKey('instance', record.region, record.id);
  return Object.values(world.rds).flatMap((r) =>
    Object.values(r.instances).filter((i) => valueAt(i.replication, t)?.source === key && valueAt(i.status, t) !== 'deleted'),
  );
}

/** The AZ of a Multi-AZ instance's standby: the other of `<region>a` and `<region>b`. */
export function standbyZoneOf(r: Pick<DbInstanceRecord, 'region' | 'availabilityZone'>): string {
  return r.availabilityZone === `${r.region}a` ? `${r.region}b` : `${r.region}a`;
}

/**
 * The DBInstance output shape. A replica's `StatusInfos` say what RDS's do (DBInstanceStatusInfo API reference):
 * status `replicating` / `error` / `stopped`, `Normal`, and a message only for an error. RDS does not report the
 * replica lag here: it is the CloudWatch metric ReplicaLag (services/cloudwatch-rds-metrics.ts).
 */
export function toDBInstance(ctx: OperationContext, r: DbInstanceRecord): DBInstance {
  const link = valueAt(r.replication, ctx.now);
  const status = instanceStatus(ctx, r);
  const out: DBInstance = {
    DBInstanceIdentifier: r.id,
    DBInstanceArn: r.arn,
    DBInstanceClass: valueAt(r.instanceClass, ctx.now),
    Engine: r.engine,
    EngineVersion: r.engineVersion,
    DBInstanceStatus: status,
    MasterUsername: r.masterUsername,
    Endpoint: { Address: `${r.id}.c0ffee${r.region.replace(/-/g, '')}.${r.region}.rds.amazonaws.com`, Port: r.port, HostedZoneId: 'Z2R2ITUGPM61AM' },
    AllocatedStorage: r.allocatedStorage,
    InstanceCreateTime: new Date(r.createdAt),
    BackupRetentionPeriod: r.backupRetentionPeriod,
    DeletionProtection: r.deletionProtection === true,
    AvailabilityZone: r.availabilityZone,
    MultiAZ: r.multiAz,
    ...(r.multiAz ? { SecondaryAvailabilityZone: standbyZoneOf(r) } : {}),
    ReadReplicaDBInstanceIdentifiers: replicasOf(ctx, r).map((x) => (x.region === r.region ? x.id : x.arn)),
    PendingModifiedValues: r.pendingInstanceClass ? { DBInstanceClass: r.pendingInstanceClass } : {},
    StorageEncrypted: r.kmsKeyId !== undefined,
    ...(r.kmsKeyId ? { KmsKeyId: r.kmsKeyId } : {}),
    TagList: r.tags.map((t) => ({ ...t })),
    DBSubnetGroup: { DBSubnetGroupName: r.network?.subnetGroup ?? 'default', SubnetGroupStatus: 'Complete', VpcId: `vpc-${(r.network?.subnetGroup ?? 'default').replace(/[^a-z0-9]/g, '')}` },
    VpcSecurityGroups: (r.network?.securityGroups ?? [`sg-default-${r.region}`]).map((id) => ({ VpcSecurityGroupId: id, Status: 'active' })),
  };
  if (r.dbName) out.DBName = r.dbName;
  if (r.storageType) out.StorageType = r.storageType;
  if (r.iops !== undefined) out.Iops = r.iops;
  if (r.clusterId) out.DBClusterIdentifier = r.clusterId;
  if (link) {
    const source = resolveNode(ctx.world, link.source);
    out.ReadReplicaSourceDBInstanceIdentifier = source && source.region === r.region ? source.record.id : r.sourceArn;
    const broken = source === undefined || isRegionDown(ctx.world, source.region, ctx.now);
    out.StatusInfos = [
      broken
        ? { StatusType: 'read replication', Normal: false, Status: 'error', Message: 'Replication has stopped: the source is unreachable.' }
        : { StatusType: 'read replication', Normal: true, Status: status === 'available' ? 'replicating' : 'stopped' },
    ];
  }
  return out;
}

/** The DBSnapshot output shape. A copy's SnapshotCreateTime is the copy's; OriginalSnapshotCreateTime never changes. */
export function toDBSnapshot(ctx: OperationContext, s: DbSnapshotRecord): DBSnapshot {
  const status = valueAt(s.status, ctx.now) ?? 'creating';
  const out: DBSnapshot = {
    DBSnapshotIdentifier: s.id,
    DBSnapshotArn: s.arn,
    DBInstanceIdentifier: s.sourceDbId,
    SnapshotCreateTime: new Date(s.copiedAt ?? s.createdAt),
    OriginalSnapshotCreateTime: new Date(s.createdAt),
    Engine: s.engine,
    EngineVersion: s.engineVersion,
    AllocatedStorage: s.allocatedStorage,
    Status: status,
    PercentProgress: status === 'available' ? 100 : 0,
    SnapshotType: s.snapshotType,
    AvailabilityZone: `${s.region}a`,
    Encrypted: s.kmsKeyId !== undefined,
    ...(s.kmsKeyId ? { KmsKeyId: s.kmsKeyId } : {}),
    TagList: s.tags.map((t) => ({ ...t })),
  };
  if (s.masterUsername) out.MasterUsername = s.masterUsername;
  if (s.port !== undefined) out.Port = s.port;
  if (s.storageType) out.StorageType = s.storageType;
  if (s.iops !== undefined) out.Iops = s.iops;
  if (s.sourceSnapshotArn) {
    out.SourceDBSnapshotIdentifier = s.sourceSnapshotArn;
    if (s.sourceRegion) out.SourceRegion = s.sourceRegion;
  }
  return out;
}

/** The network an instance is created or restored into: `DBSubnetGroupName` and `VpcSecurityGroupIds`, else `fallback`. */
export function networkOf(input: Record<string, unknown>, fallback?: DbInstanceRecord['network']): DbInstanceRecord['network'] {
  const subnetGroup = str(input, 'DBSubnetGroupName');
  const ids = Array.isArray(input['VpcSecurityGroupIds']) ? (input['VpcSecurityGroupIds'] as unknown[]).filter((x): x is string => typeof x === 'string') : undefined;
  if (subnetGroup === undefined && ids === undefined) return fallback;
  return { subnetGroup: subnetGroup ?? fallback?.subnetGroup ?? 'default', securityGroups: ids ?? fallback?.securityGroups ?? [] };
}

const PROVISIONED_IOPS = new Set(['io1', 'io2']);

/**
 * The storage an instance is created or restored with: `StorageType` and `Iops` from the request, else `from`'s (the
 * source of a replica, the backup of a restore). As the RDS API reference says of RestoreDBInstanceFromDBSnapshot
 * and CreateDBInstance, a provisioned-IOPS type (io1, io2) needs `Iops` with it: RDS refuses the request otherwise.
 * (The reference says the same of gp3, but RDS refuses `Iops` for a gp3 volume under its striping threshold, so gp3
 * without `Iops` is let through.)
 */
export function storageOf(input: Record<string, unknown>, from: { storageType?: string; iops?: number } | undefined): { storageType?: string; iops?: number } {
  const type = str(input, 'StorageType');
  const iops = input['Iops'];
  if (iops !== undefined && (typeof iops !== 'number' || !Number.isInteger(iops) || iops < 0)) {
    throw badRequest('InvalidParameterValue', `Invalid Iops: ${JSON.stringify(iops)}; expected a whole number of I/O operations per second.`);
  }
  if (type !== undefined && PROVISIONED_IOPS.has(type) && iops === undefined) {
    throw badRequest('InvalidParameterCombination', `StorageType ${type} requires a value for the Iops parameter.`);
  }
  const storageType = type ?? from?.storageType;
  const kept = typeof iops === 'number' ? iops : from?.iops;
  return { ...(storageType ? { storageType } : {}), ...(kept !== undefined ? { iops: kept } : {}) };
}
