/** RDS DB instance operations: create, replicate, promote, modify, reboot, stop, start, delete. */
import type { DBInstance } from '@aws-sdk/client-rds';
import { joinApplicationOf, nodeKey, replicaNode, resolveNode, visibleWrites, writerNode } from '../database-nodes.js';
import { badRequest } from '../errors.js';
import type { OperationContext } from '../operation-context.js';
import { str } from '../operation-context.js';
import type { DbInstanceRecord } from '../resources.js';
import { scheduleFrom, type Timeline, valueAt } from '../timeline.js';
import {
  checkIdentifier,
  findInstance,
  instanceStatus,
  parseRdsRef,
  rdsArn,
  rdsRegion,
  replicasOf,
  requireInstanceStatus,
  requireRegionUp,
  standbyZoneOf,
  tagsOf,
  networkOf,
  storageOf,
  toDBInstance,
} from './rds-model.js';
import { keyOfNewDatabase, keyOfReplica } from './rds-encryption.js';
import { captureSnapshot } from './rds-snapshots.js';

type Input = Record<string, unknown>;

/** Schedules `[now: transitional, done: final]`, or only the transitional status when `done` is undefined. */
export function transition<T>(timeline: Timeline<T>, now: number, transitional: T, done: number | undefined, final: T): void {
  scheduleFrom(timeline, now, done === undefined ? [{ at: now, value: transitional }] : [{ at: now, value: transitional }, { at: done, value: final }]);
}

function assertNewInstance(ctx: OperationContext, id: string): void {
  const existing = rdsRegion(ctx.world, ctx.region).instances[id];
  if (existing && valueAt(existing.status, ctx.now) !== 'deleted') throw badRequest('DBInstanceAlreadyExists', `DB instance already exists`);
}

/** A new instance record with sensible defaults. */
export function newInstanceRecord(ctx: OperationContext, id: string, input: Input, base?: DbInstanceRecord): DbInstanceRecord {
  const region = ctx.region;
  const record: DbInstanceRecord = {
    ...writerNode(ctx.now),
    id,
    region,
    arn: rdsArn(ctx.world, region, 'db', id),
    engine: str(input, 'Engine') ?? base?.engine ?? 'postgres',
    engineVersion: str(input, 'EngineVersion') ?? base?.engineVersion ?? '16.4',
    instanceClass: [{ at: ctx.now, value: str(input, 'DBInstanceClass') ?? valueAt(base?.instanceClass ?? [], ctx.now) ?? 'db.r6g.large' }],
    multiAz: typeof input['MultiAZ'] === 'boolean' ? input['MultiAZ'] : (base?.multiAz ?? false),
    allocatedStorage: typeof input['AllocatedStorage'] === 'number' ? input['AllocatedStorage'] : (base?.allocatedStorage ?? 100),
    backupRetentionPeriod: typeof input['BackupRetentionPeriod'] === 'number' ? input['BackupRetentionPeriod'] : 1,
    masterUsername: str(input, 'MasterUsername') ?? base?.masterUsername ?? 'postgres',
    port: typeof input['Port'] === 'number' ? input['Port'] : (base?.port ?? 5432),
    availabilityZone: str(input, 'AvailabilityZone') ?? `${region}a`,
    status: [{ at: ctx.now, value: 'creating' }],
    createdAt: ctx.now,
    tags: tagsOf(input),
  };
  const dbName = str(input, 'DBName') ?? base?.dbName;
  if (dbName) record.dbName = dbName;
  // Never inherited: a replica or restore is unprotected unless its own request asks (RDS's default is false).
  if (input['DeletionProtection'] === true) record.deletionProtection = true;
  Object.assign(record, storageOf(input, base));
  // A same-region replica shares its source's network; a cross-region one gets the region's defaults unless told.
  const network = networkOf(input, base?.region === region ? base.network : undefined);
  if (network) record.network = network;
  return record;
}

function createDBInstance(ctx: OperationContext, input: Input): { DBInstance: DBInstance } {
  const id = checkIdentifier('DBInstanceIdentifier', str(input, 'DBInstanceIdentifier'));
  assertNewInstance(ctx, id);
  if (str(input, 'DBInstanceClass') === undefined) throw badRequest('InvalidParameterValue', 'The request must contain the parameter DBInstanceClass');
  if (str(input, 'Engine') === undefined) throw badRequest('InvalidParameterValue', 'The request must contain the parameter Engine');
  const record = newInstanceRecord(ctx, id, input);
  const clusterId = str(input, 'DBClusterIdentifier')?.toLowerCase();
  if (clusterId !== undefined) {
    const cluster = rdsRegion(ctx.world, ctx.region).clusters[clusterId];
    if (!cluster || valueAt(cluster.status, ctx.now) === 'deleted') throw badRequest('DBClusterNotFoundFault', `DBCluster ${clusterId} not found.`);
    if (record.engine !== cluster.engine) {
      throw badRequest('InvalidParameterCombination', `The engine name requested for your DB instance (${record.engine}) doesn't match the engine name of your DB cluster (${cluster.engine}).`);
    }
    record.clusterId = clusterId;
    // A member's storage is its cluster's.
    if (cluster.kmsKeyId) record.kmsKeyId = cluster.kmsKeyId;
    // A member runs its cluster's engine version and answers on its port, whatever instance defaults say.
    record.engineVersion = cluster.engineVersion;
    record.port = cluster.port;
    const hasWriter = cluster.members.some((m) => valueAt(m.isWriter, ctx.now));
    cluster.members.push({ instanceId: id, isWriter: [{ at: ctx.now, value: !hasWriter }] });
  } else {
    const key = keyOfNewDatabase(ctx, input);
    if (key) record.kmsKeyId = key;
  }
  transition(record.status, ctx.now, 'creating', ctx.completesAt('rds.createDBInstance', id), 'available');
  rdsRegion(ctx.world, ctx.region).instances[id] = record;
  return { DBInstance: toDBInstance(ctx, record) };
}

function createDBInstanceReadReplica(ctx: OperationContext, input: Input): { DBInstance: DBInstance } {
  const id = checkIdentifier('DBInstanceIdentifier', str(input, 'DBInstanceIdentifier'));
  const sourceRef = str(input, 'SourceDBInstanceIdentifier');
  if (sourceRef === undefined) throw badRequest('InvalidParameterValue', 'The request must contain the parameter SourceDBInstanceIdentifier');
  const { region: sourceRegion, id: sourceId } = parseRdsRef(sourceRef, ctx.region);
  const sourceRegionInput = str(input, 'SourceRegion');
  if (sourceRegion !== ctx.region && !sourceRef.startsWith('arn:')) {
    throw badRequest('InvalidParameterValue', 'The source DB instance identifier must be an ARN for a cross-region read replica.');
  }
  if (sourceRegionInput !== undefined && sourceRegionInput !== sourceRegion) {
    throw badRequest('InvalidParameterCombination', `SourceRegion ${sourceRegionInput} does not match the region of ${sourceRef}.`);
  }
  assertNewInstance(ctx, id);
  requireRegionUp(ctx, sourceRegion, 'CreateDBInstanceReadReplica');
  const source = findInstance(ctx, sourceId, sourceRegion);
  requireInstanceStatus(ctx, source, ['available', 'backing-up', 'modifying'], 'create a read replica');
  if (source.backupRetentionPeriod < 1) {
    throw badRequest('InvalidDBInstanceState', 'Automated backups are not enabled for this database instance. To enable automated backups, use ModifyDBInstance to set the backup retention period to a non-zero value.');
  }
  const kmsKeyId = keyOfReplica(ctx, input, source.kmsKeyId, sourceRegion);
  const sourceKey = nodeKey('instance', sourceRegion, source.id);
  const record: DbInstanceRecord = { ...newInstanceRecord(ctx, id, input, source), ...replicaNode(ctx.now, sourceKey, ctx.latency('rds.replicaLag')) };
  record.sourceArn = source.arn;
  if (kmsKeyId) record.kmsKeyId = kmsKeyId;
  record.backupRetentionPeriod = 0;
  // A read replica is Single-AZ unless asked (CreateDBInstanceReadReplica's MultiAZ defaults to false), whatever its source is.
  record.multiAz = input['MultiAZ'] === true;
  transition(record.status, ctx.now, 'creating', ctx.completesAt('rds.createDBInstanceReadReplica', id), 'available');
  rdsRegion(ctx.world, ctx.region).instances[id] = record;
  joinApplicationOf(ctx.world, sourceKey, nodeKey('instance', ctx.region, id));
  return { DBInstance: toDBInstance(ctx, record) };
}

/**
 * Promotes a read replica. Replication stops at once (the replica keeps exactly what had arrived, which
 * excludes writes in flight when the source region went down); it reboots and becomes a standalone
 * writer when the promotion latency has passed.
 */
function promoteReadReplica(ctx: OperationContext, input: Input): { DBInstance: DBInstance } {
  const record = findInstance(ctx, str(input, 'DBInstanceIdentifier'));
  const key = nodeKey('instance', record.region, record.id);
  if (!valueAt(record.replication, ctx.now) || valueAt(record.role, ctx.now) !== 'replica') {
    throw badRequest('InvalidDBInstanceState', `DB Instance is not a read replica.`);
  }
  requireInstanceStatus(ctx, record, ['available'], 'promote it');
  const node = resolveNode(ctx.world, key)!;
  record.writes = visibleWrites(ctx.world, node, ctx.now).map((w) => ({ ...w }));
  scheduleFrom(record.replication, ctx.now, [{ at: ctx.now, value: null }]);
  const done = ctx.completesAt('rds.promoteReadReplica', record.id);
  if (done === undefined) {
    scheduleFrom(record.status, ctx.now, [{ at: ctx.now, value: 'modifying' }]);
  } else {
    const reboot = ctx.now + Math.round((done - ctx.now) * 0.7);
    scheduleFrom(record.status, ctx.now, [{ at: ctx.now, value: 'modifying' }, { at: reboot, value: 'rebooting' }, { at: done, value: 'available' }]);
    scheduleFrom(record.role, ctx.now, [{ at: done, value: 'writer' }]);
  }
  if (typeof input['BackupRetentionPeriod'] === 'number') record.backupRetentionPeriod = input['BackupRetentionPeriod'];
  else record.backupRetentionPeriod = Math.max(record.backupRetentionPeriod, 1);
  return { DBInstance: toDBInstance(ctx, record) };
}

function modifyDBInstance(ctx: OperationContext, input: Input): { DBInstance: DBInstance } {
  const record = findInstance(ctx, str(input, 'DBInstanceIdentifier'));
  requireInstanceStatus(ctx, record, ['available'], 'modify it');
  const newClass = str(input, 'DBInstanceClass');
  const retention = input['BackupRetentionPeriod'];
  if (retention !== undefined && (typeof retention !== 'number' || retention < 0 || retention > 35)) {
    throw badRequest('InvalidParameterValue', 'BackupRetentionPeriod must be between 0 and 35.');
  }
  if (typeof retention === 'number') record.backupRetentionPeriod = retention;
  if (typeof input['MultiAZ'] === 'boolean') record.multiAz = input['MultiAZ'];
  // Deletion protection is a flag on the resource: it applies at once, whatever ApplyImmediately says, and the
  // instance stays available.
  if (typeof input['DeletionProtection'] === 'boolean') record.deletionProtection = input['DeletionProtection'];
  const classChange = newClass !== undefined && newClass !== valueAt(record.instanceClass, ctx.now);
  if (classChange && input['ApplyImmediately'] !== true) {
    record.pendingInstanceClass = newClass;
  } else if (classChange) {
    const done = ctx.completesAt('rds.modifyDBInstanceClass', record.id);
    transition(record.status, ctx.now, 'modifying', done, 'available');
    if (done !== undefined) scheduleFrom(record.instanceClass, ctx.now, [{ at: done, value: newClass }]);
    delete record.pendingInstanceClass;
  } else if (typeof retention === 'number' || typeof input['MultiAZ'] === 'boolean') {
    transition(record.status, ctx.now, 'modifying', ctx.completesAt('rds.modifyDBInstance', record.id), 'available');
  }
  return { DBInstance: toDBInstance(ctx, record) };
}

function rebootDBInstance(ctx: OperationContext, input: Input): { DBInstance: DBInstance } {
  const record = findInstance(ctx, str(input, 'DBInstanceIdentifier'));
  requireInstanceStatus(ctx, record, ['available'], 'reboot it');
  const forceFailover = input['ForceFailover'] === true;
  if (forceFailover && !record.multiAz) {
    throw badRequest('InvalidParameterCombination', 'ForceFailover cannot be specified since the instance is not configured for either MultiAZ or High Availability.');
  }
  // A Multi-AZ failover: the standby in the other AZ becomes the primary and the instance endpoint's DNS flips to
  // it, 60–120 s (aws-facts.md, RDS User Guide "Multi-AZ failover"). The instance refuses connections while it
  // reboots (status `rebooting`: the data plane, the health probe and the truth all read it) and keeps every
  // acknowledged write (replication to the standby is synchronous). DescribeDBInstances reports the new AZ, and
  // the old one as SecondaryAvailabilityZone, from the start of the failover.
  const done = ctx.completesAt(forceFailover ? 'rds.rebootForceFailover' : 'rds.rebootDBInstance', record.id);
  transition(record.status, ctx.now, 'rebooting', done, 'available');
  if (forceFailover) record.availabilityZone = standbyZoneOf(record);
  return { DBInstance: toDBInstance(ctx, record) };
}

function stopDBInstance(ctx: OperationContext, input: Input): { DBInstance: DBInstance } {
  const record = findInstance(ctx, str(input, 'DBInstanceIdentifier'));
  requireInstanceStatus(ctx, record, ['available'], 'stop it');
  if (valueAt(record.replication, ctx.now)) throw badRequest('InvalidDBInstanceState', 'Cannot stop a read replica.');
  if (replicasOf(ctx, record).length > 0) throw badRequest('InvalidDBInstanceState', 'Cannot stop a DB instance that has read replicas.');
  transition(record.status, ctx.now, 'stopping', ctx.completesAt('rds.stopDBInstance', record.id), 'stopped');
  return { DBInstance: toDBInstance(ctx, record) };
}

function startDBInstance(ctx: OperationContext, input: Input): { DBInstance: DBInstance } {
  const record = findInstance(ctx, str(input, 'DBInstanceIdentifier'));
  requireInstanceStatus(ctx, record, ['stopped'], 'start it');
  transition(record.status, ctx.now, 'starting', ctx.completesAt('rds.startDBInstance', record.id), 'available');
  return { DBInstance: toDBInstance(ctx, record) };
}

function deleteDBInstance(ctx: OperationContext, input: Input): { DBInstance: DBInstance } {
  const record = findInstance(ctx, str(input, 'DBInstanceIdentifier'));
  if (instanceStatus(ctx, record) === 'deleting') {
    throw badRequest('InvalidDBInstanceState', `Instance ${record.id} is already being deleted.`);
  }
  if (record.deletionProtection) throw badRequest('InvalidParameterCombination', 'Cannot delete protected DB Instance, please disable deletion protection and try again.');
  const isReplica = valueAt(record.replication, ctx.now) !== null && valueAt(record.replication, ctx.now) !== undefined;
  const finalId = str(input, 'FinalDBSnapshotIdentifier');
  if (!isReplica && !record.clusterId && input['SkipFinalSnapshot'] !== true) {
    if (finalId === undefined) throw badRequest('InvalidParameterCombination', 'FinalDBSnapshotIdentifier is required unless SkipFinalSnapshot is specified.');
    captureSnapshot(ctx, record, checkIdentifier('FinalDBSnapshotIdentifier', finalId), []);
  }
  transition(record.status, ctx.now, 'deleting', ctx.completesAt('rds.deleteDBInstance', record.id), 'deleted');
  scheduleFrom(record.replication, ctx.now, [{ at: ctx.now, value: null }]);
  if (record.clusterId) {
    const cluster = rdsRegion(ctx.world, ctx.region).clusters[record.clusterId];
    if (cluster) cluster.members = cluster.members.filter((m) => m.instanceId !== record.id);
  }
  return { DBInstance: toDBInstance(ctx, record) };
}

function describeDBInstances(ctx: OperationContext, input: Input): { DBInstances: DBInstance[] } {
  const id = str(input, 'DBInstanceIdentifier');
  if (id !== undefined) return { DBInstances: [toDBInstance(ctx, findInstance(ctx, parseRdsRef(id, ctx.region).id))] };
  const filters = Array.isArray(input['Filters']) ? (input['Filters'] as { Name?: string; Values?: string[] }[]) : [];
  const all = Object.values(rdsRegion(ctx.world, ctx.region).instances).filter((r) => valueAt(r.status, ctx.now) !== 'deleted');
  const matching = all.filter((r) =>
    filters.every((f) => {
      const values = f.Values ?? [];
      if (f.Name === 'db-instance-id') return values.includes(r.id) || values.includes(r.arn);
      if (f.Name === 'db-cluster-id') return r.clusterId !== undefined && values.includes(r.clusterId);
      if (f.Name === 'engine') return values.includes(r.engine);
      return true;
    }),
  );
  return { DBInstances: matching.map((r) => toDBInstance(ctx, r)) };
}

/** RDS instance handlers. */
export const rdsInstanceHandlers = {
  CreateDBInstance: createDBInstance,
  CreateDBInstanceReadReplica: createDBInstanceReadReplica,
  PromoteReadReplica: promoteReadReplica,
  ModifyDBInstance: modifyDBInstance,
  RebootDBInstance: rebootDBInstance,
  StopDBInstance: stopDBInstance,
  StartDBInstance: startDBInstance,
  DeleteDBInstance: deleteDBInstance,
  DescribeDBInstances: describeDBInstances,
};
