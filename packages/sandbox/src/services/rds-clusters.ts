/** Aurora DB clusters: describe, create, in-region failover, cluster snapshots, restore, delete. */
import type { DBCluster, DBClusterSnapshot } from '@aws-sdk/client-rds';
import { joinApplicationOf, nodeKey, writerNode } from '../database-nodes.js';
import { badRequest, notFound } from '../errors.js';
import type { OperationContext } from '../operation-context.js';
import { str } from '../operation-context.js';
import type { DbClusterRecord } from '../resources.js';
import { scheduleFrom, valueAt } from '../timeline.js';
import { checkIdentifier, parseRdsRef, rdsArn, rdsRegion, tagsOf } from './rds-model.js';
import { keyOfNewDatabase } from './rds-encryption.js';
import { engineDefaults, parameterGroupFamilyOf } from './rds-engines.js';
import { captureSnapshot, findSnapshot, toDBClusterSnapshot } from './rds-snapshots.js';

type Input = Record<string, unknown>;

/** The cluster `id` (or ARN) in `region`; DBClusterNotFoundFault otherwise. */
export function findCluster(ctx: OperationContext, ref: string | undefined, region = ctx.region): DbClusterRecord {
  const { region: r, id } = parseRdsRef(ref ?? '', region);
  const cluster = ctx.world.rds[r]?.clusters[id.toLowerCase()];
  if (!cluster || valueAt(cluster.status, ctx.now) === 'deleted') throw notFound('DBClusterNotFoundFault', `DBCluster ${ref ?? ''} not found.`);
  return cluster;
}

/** The DBCluster output shape. */
export function toDBCluster(ctx: OperationContext, c: DbClusterRecord): DBCluster {
  const link = valueAt(c.replication, ctx.now);
  const out: DBCluster = {
    DBClusterIdentifier: c.id,
    DBClusterArn: c.arn,
    Status: valueAt(c.status, ctx.now) ?? 'creating',
    Engine: c.engine,
    EngineVersion: c.engineVersion,
    Endpoint: `${c.id}.cluster-c0ffee.${c.region}.rds.amazonaws.com`,
    ReaderEndpoint: `${c.id}.cluster-ro-c0ffee.${c.region}.rds.amazonaws.com`,
    Port: c.port,
    DBClusterParameterGroup: `default.${parameterGroupFamilyOf(c.engine, c.engineVersion)}`,
    MasterUsername: c.masterUsername,
    MultiAZ: c.members.length > 1,
    BackupRetentionPeriod: c.backupRetentionPeriod,
    DeletionProtection: c.deletionProtection === true,
    ClusterCreateTime: new Date(c.createdAt),
    StorageEncrypted: c.kmsKeyId !== undefined,
    ...(c.kmsKeyId ? { KmsKeyId: c.kmsKeyId } : {}),
    DBClusterMembers: c.members.map((m, i) => ({ DBInstanceIdentifier: m.instanceId, IsClusterWriter: valueAt(m.isWriter, ctx.now) === true, PromotionTier: i + 1 })),
    TagList: c.tags.map((t) => ({ ...t })),
  };
  if (link) out.ReplicationSourceIdentifier = link.source;
  if (c.dbName) out.DatabaseName = c.dbName;
  return out;
}

/**
 * A new, empty cluster record (no instances) in the caller's region. What the input leaves out is the engine's
 * default, as on RDS: an Aurora MySQL cluster listens on 3306 and runs Aurora MySQL 3, not PostgreSQL's 5432 and 16.
 */
export function newClusterRecord(ctx: OperationContext, id: string, input: Input): DbClusterRecord {
  const engine = str(input, 'Engine') ?? 'aurora-postgresql';
  const defaults = engineDefaults(engine) ?? engineDefaults('aurora-postgresql')!;
  const kmsKeyId = keyOfNewDatabase(ctx, input);
  return {
    ...writerNode(ctx.now),
    id,
    region: ctx.region,
    arn: rdsArn(ctx.world, ctx.region, 'cluster', id),
    engine,
    engineVersion: str(input, 'EngineVersion') ?? defaults.version,
    status: [{ at: ctx.now, value: 'creating' }],
    members: [],
    backupRetentionPeriod: typeof input['BackupRetentionPeriod'] === 'number' ? input['BackupRetentionPeriod'] : 1,
    port: typeof input['Port'] === 'number' ? input['Port'] : defaults.port,
    masterUsername: str(input, 'MasterUsername') ?? 'postgres',
    ...(str(input, 'DatabaseName') ? { dbName: str(input, 'DatabaseName')! } : {}),
    createdAt: ctx.now,
    tags: tagsOf(input),
    ...(input['DeletionProtection'] === true ? { deletionProtection: true } : {}),
    ...(kmsKeyId ? { kmsKeyId } : {}),
  };
}

function assertNewCluster(ctx: OperationContext, id: string): void {
  const existing = rdsRegion(ctx.world, ctx.region).clusters[id];
  if (existing && valueAt(existing.status, ctx.now) !== 'deleted') throw badRequest('DBClusterAlreadyExistsFault', `DB Cluster already exists`);
}

function createDBCluster(ctx: OperationContext, input: Input): { DBCluster: DBCluster } {
  const id = checkIdentifier('DBClusterIdentifier', str(input, 'DBClusterIdentifier'));
  assertNewCluster(ctx, id);
  const cluster = newClusterRecord(ctx, id, input);
  const done = ctx.completesAt('rds.createDBInstance', id);
  if (done !== undefined) cluster.status.push({ at: done, value: 'available' });
  rdsRegion(ctx.world, ctx.region).clusters[id] = cluster;
  return { DBCluster: toDBCluster(ctx, cluster) };
}

/** In-region failover: a reader becomes the writer; the cluster refuses writes while failing over. */
function failoverDBCluster(ctx: OperationContext, input: Input): { DBCluster: DBCluster } {
  const cluster = findCluster(ctx, str(input, 'DBClusterIdentifier'));
  if (valueAt(cluster.status, ctx.now) !== 'available') throw badRequest('InvalidDBClusterStateFault', `DBCluster ${cluster.id} is not in available state.`);
  const writer = cluster.members.find((m) => valueAt(m.isWriter, ctx.now));
  const targetId = str(input, 'TargetDBInstanceIdentifier')?.toLowerCase();
  const target = targetId ? cluster.members.find((m) => m.instanceId === targetId) : cluster.members.find((m) => m !== writer);
  if (targetId && !target) throw badRequest('InvalidDBInstanceState', `DB instance ${targetId} is not a member of cluster ${cluster.id}.`);
  if (!target || target === writer) throw badRequest('InvalidDBClusterStateFault', `DBCluster ${cluster.id} has no reader to fail over to.`);
  const done = ctx.completesAt('rds.failoverDBCluster', cluster.id);
  scheduleFrom(cluster.status, ctx.now, done === undefined ? [{ at: ctx.now, value: 'failing-over' }] : [{ at: ctx.now, value: 'failing-over' }, { at: done, value: 'available' }]);
  if (done !== undefined) {
    if (writer) scheduleFrom(writer.isWriter, ctx.now, [{ at: done, value: false }]);
    scheduleFrom(target.isWriter, ctx.now, [{ at: done, value: true }]);
  }
  return { DBCluster: toDBCluster(ctx, cluster) };
}

function createDBClusterSnapshot(ctx: OperationContext, input: Input): { DBClusterSnapshot: DBClusterSnapshot } {
  const id = checkIdentifier('DBClusterSnapshotIdentifier', str(input, 'DBClusterSnapshotIdentifier'));
  const cluster = findCluster(ctx, str(input, 'DBClusterIdentifier'));
  if (valueAt(cluster.status, ctx.now) !== 'available') throw badRequest('InvalidDBClusterStateFault', `DBCluster ${cluster.id} is not in available state.`);
  return { DBClusterSnapshot: toDBClusterSnapshot(ctx, captureSnapshot(ctx, cluster, id, tagsOf(input), 'cluster')) };
}

function restoreDBClusterFromSnapshot(ctx: OperationContext, input: Input): { DBCluster: DBCluster } {
  const id = checkIdentifier('DBClusterIdentifier', str(input, 'DBClusterIdentifier'));
  const snapshot = findSnapshot(ctx, 'cluster', str(input, 'SnapshotIdentifier'));
  if (valueAt(snapshot.status, ctx.now) !== 'available') throw badRequest('InvalidDBClusterSnapshotStateFault', `Snapshot ${snapshot.id} is not available.`);
  assertNewCluster(ctx, id);
  // The master user and database name are the snapshot's: RestoreDBClusterFromSnapshot has no parameter for either.
  const kept = { ...(snapshot.port !== undefined ? { Port: snapshot.port } : {}), ...(snapshot.dbName ? { DatabaseName: snapshot.dbName } : {}) };
  const cluster: DbClusterRecord = {
    ...newClusterRecord(ctx, id, { Engine: snapshot.engine, EngineVersion: snapshot.engineVersion, ...kept, ...input, ...(snapshot.masterUsername ? { MasterUsername: snapshot.masterUsername } : {}) }),
    restoredFrom: snapshot.arn,
  };
  // Encrypted with the snapshot's key, or with KmsKeyId when given (RestoreDBClusterFromSnapshot API reference).
  const kmsKeyId = str(input, 'KmsKeyId') === undefined ? snapshot.kmsKeyId : cluster.kmsKeyId;
  if (kmsKeyId) cluster.kmsKeyId = kmsKeyId;
  else delete cluster.kmsKeyId;
  cluster.writes = snapshot.writes.map((w) => ({ ...w }));
  const done = ctx.completesAt('rds.restoreDBClusterFromSnapshot', id);
  if (done !== undefined) cluster.status.push({ at: done, value: 'available' });
  rdsRegion(ctx.world, ctx.region).clusters[id] = cluster;
  joinApplicationOf(ctx.world, snapshot.sourceNode, nodeKey('cluster', ctx.region, id));
  return { DBCluster: toDBCluster(ctx, cluster) };
}

function deleteDBCluster(ctx: OperationContext, input: Input): { DBCluster: DBCluster } {
  const cluster = findCluster(ctx, str(input, 'DBClusterIdentifier'));
  if (cluster.deletionProtection) throw badRequest('InvalidParameterCombination', 'Cannot delete protected Cluster, please disable deletion protection and try again.');
  if (cluster.members.length > 0) throw badRequest('InvalidDBClusterStateFault', 'Cluster cannot be deleted, it still contains DB instances in non-deleting state.');
  if (cluster.globalClusterId) throw badRequest('InvalidDBClusterStateFault', `Cluster ${cluster.id} is part of global cluster ${cluster.globalClusterId}; remove it first.`);
  const finalId = str(input, 'FinalDBSnapshotIdentifier');
  if (input['SkipFinalSnapshot'] !== true) {
    if (finalId === undefined) throw badRequest('InvalidParameterCombination', 'FinalDBSnapshotIdentifier is required unless SkipFinalSnapshot is specified.');
    captureSnapshot(ctx, cluster, checkIdentifier('FinalDBSnapshotIdentifier', finalId), [], 'cluster');
  }
  const done = ctx.completesAt('rds.deleteDBCluster', cluster.id);
  scheduleFrom(cluster.status, ctx.now, done === undefined ? [{ at: ctx.now, value: 'deleting' }] : [{ at: ctx.now, value: 'deleting' }, { at: done, value: 'deleted' }]);
  return { DBCluster: toDBCluster(ctx, cluster) };
}

function describeDBClusters(ctx: OperationContext, input: Input): { DBClusters: DBCluster[] } {
  const id = str(input, 'DBClusterIdentifier');
  if (id !== undefined) return { DBClusters: [toDBCluster(ctx, findCluster(ctx, id))] };
  const clusters = Object.values(rdsRegion(ctx.world, ctx.region).clusters).filter((c) => valueAt(c.status, ctx.now) !== 'deleted');
  return { DBClusters: clusters.map((c) => toDBCluster(ctx, c)) };
}

/** Aurora cluster handlers. */
export const rdsClusterHandlers = {
  CreateDBCluster: createDBCluster,
  DescribeDBClusters: describeDBClusters,
  FailoverDBCluster: failoverDBCluster,
  CreateDBClusterSnapshot: createDBClusterSnapshot,
  RestoreDBClusterFromSnapshot: restoreDBClusterFromSnapshot,
  DeleteDBCluster: deleteDBCluster,
};
