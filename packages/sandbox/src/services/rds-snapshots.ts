/** RDS DB snapshots and DB cluster snapshots: create, copy (also across regions), describe, delete, restore. */
import type { DBClusterSnapshot, DBInstance, DBSnapshot } from '@aws-sdk/client-rds';
import { joinApplicationOf, nodeKey, resolveNode, visibleWrites, writerNode } from '../database-nodes.js';
import { badRequest, notFound } from '../errors.js';
import type { OperationContext } from '../operation-context.js';
import { str } from '../operation-context.js';
import type { DbClusterRecord, DbInstanceRecord, DbSnapshotRecord, TagRecord } from '../resources.js';
import { scheduleFrom, valueAt } from '../timeline.js';
import { keyOfSnapshotCopy } from './rds-encryption.js';
import { checkIdentifier, findInstance, networkOf, parseRdsRef, rdsArn, rdsRegion, requireRegionUp, storageOf, tagsOf, toDBInstance, toDBSnapshot } from './rds-model.js';

type Input = Record<string, unknown>;
type Kind = DbSnapshotRecord['kind'];

const CODES = {
  instance: { notFound: 'DBSnapshotNotFound', exists: 'DBSnapshotAlreadyExists', state: 'InvalidDBSnapshotState', label: 'DBSnapshot' },
  cluster: { notFound: 'DBClusterSnapshotNotFoundFault', exists: 'DBClusterSnapshotAlreadyExistsFault', state: 'InvalidDBClusterSnapshotStateFault', label: 'DBClusterSnapshot' },
} as const;

function store(ctx: OperationContext, kind: Kind, region: string): Record<string, DbSnapshotRecord> {
  const rds = rdsRegion(ctx.world, region);
  return kind === 'instance' ? rds.snapshots : rds.clusterSnapshots;
}

/** The snapshot `id` (or ARN) of `kind`; not-found error otherwise. */
export function findSnapshot(ctx: OperationContext, kind: Kind, ref: string | undefined, region = ctx.region): DbSnapshotRecord {
  const { region: r, id } = parseRdsRef(ref ?? '', region);
  const snapshot = ctx.world.rds[r] ? store(ctx, kind, r)[id.toLowerCase()] : undefined;
  if (!snapshot || valueAt(snapshot.status, ctx.now) === 'deleted') throw notFound(CODES[kind].notFound, `${CODES[kind].label} not found: ${ref ?? ''}`);
  return snapshot;
}

function assertNew(ctx: OperationContext, kind: Kind, id: string): void {
  const existing = store(ctx, kind, ctx.region)[id];
  if (existing && valueAt(existing.status, ctx.now) !== 'deleted') throw badRequest(CODES[kind].exists, `Cannot create the snapshot because a snapshot with the identifier ${id} already exists.`);
}

/** Takes a snapshot of a database now: it holds the writes visible on it at this moment. */
export function captureSnapshot(ctx: OperationContext, db: DbInstanceRecord | DbClusterRecord, id: string, tags: TagRecord[], kind: Kind = 'instance'): DbSnapshotRecord {
  assertNew(ctx, kind, id);
  const key = nodeKey(kind, db.region, db.id);
  const node = resolveNode(ctx.world, key);
  const snapshot: DbSnapshotRecord = {
    id,
    region: db.region,
    arn: rdsArn(ctx.world, db.region, kind === 'instance' ? 'snapshot' : 'cluster-snapshot', id),
    kind,
    sourceDbId: db.id,
    sourceDbRegion: db.region,
    sourceNode: key,
    engine: db.engine,
    engineVersion: db.engineVersion,
    allocatedStorage: 'allocatedStorage' in db ? db.allocatedStorage : 1,
    snapshotType: 'manual',
    status: [],
    createdAt: ctx.now,
    writes: node ? visibleWrites(ctx.world, node, ctx.now).map((w) => ({ ...w })) : [],
    tags,
    ...('backupRetentionPeriod' in db && db.backupRetentionPeriod !== undefined ? { backupRetentionPeriod: db.backupRetentionPeriod } : {}),
    ...(db.kmsKeyId ? { kmsKeyId: db.kmsKeyId } : {}),
    // What a restore keeps of the database: its master user, database name, port and storage.
    masterUsername: db.masterUsername,
    port: db.port,
    ...(db.dbName ? { dbName: db.dbName } : {}),
    ...('storageType' in db && db.storageType ? { storageType: db.storageType } : {}),
    ...('iops' in db && db.iops !== undefined ? { iops: db.iops } : {}),
  };
  const done = ctx.completesAt(kind === 'instance' ? 'rds.createDBSnapshot' : 'rds.createDBClusterSnapshot', id);
  scheduleFrom(snapshot.status, ctx.now, done === undefined ? [{ at: ctx.now, value: 'creating' }] : [{ at: ctx.now, value: 'creating' }, { at: done, value: 'available' }]);
  store(ctx, kind, db.region)[id] = snapshot;
  return snapshot;
}

function createDBSnapshot(ctx: OperationContext, input: Input): { DBSnapshot: DBSnapshot } {
  const id = checkIdentifier('DBSnapshotIdentifier', str(input, 'DBSnapshotIdentifier'));
  const db = findInstance(ctx, str(input, 'DBInstanceIdentifier'));
  const status = valueAt(db.status, ctx.now);
  if (status !== 'available' && status !== 'backing-up') throw badRequest('InvalidDBInstanceState', `Cannot snapshot instance ${db.id} in state ${status}.`);
  return { DBSnapshot: toDBSnapshot(ctx, captureSnapshot(ctx, db, id, tagsOf(input))) };
}

/** Copies a snapshot into the caller's region (the destination). */
function copySnapshot(ctx: OperationContext, input: Input, kind: Kind): DbSnapshotRecord {
  const prefix = kind === 'instance' ? 'DBSnapshotIdentifier' : 'DBClusterSnapshotIdentifier';
  const sourceRef = str(input, `Source${prefix}`);
  const targetId = checkIdentifier(`Target${prefix}`, str(input, `Target${prefix}`));
  const { region: sourceRegion } = parseRdsRef(sourceRef ?? '', ctx.region);
  if (sourceRegion !== ctx.region) requireRegionUp(ctx, sourceRegion, `Copy${CODES[kind].label}`);
  const source = findSnapshot(ctx, kind, sourceRef);
  if (valueAt(source.status, ctx.now) !== 'available') throw badRequest(CODES[kind].state, `Snapshot ${source.id} is not in available state.`);
  const kmsKeyId = keyOfSnapshotCopy(ctx, input, kind, source.kmsKeyId, sourceRegion);
  assertNew(ctx, kind, targetId);
  const copy: DbSnapshotRecord = {
    ...structuredClone(source),
    id: targetId,
    region: ctx.region,
    arn: rdsArn(ctx.world, ctx.region, kind === 'instance' ? 'snapshot' : 'cluster-snapshot', targetId),
    snapshotType: 'manual',
    status: [],
    copiedAt: ctx.now,
    sourceSnapshotArn: source.arn,
    sourceRegion,
    tags: input['CopyTags'] === true ? [...source.tags, ...tagsOf(input)] : tagsOf(input),
  };
  if (kmsKeyId) copy.kmsKeyId = kmsKeyId;
  else delete copy.kmsKeyId;
  const done = ctx.completesAt(kind === 'instance' ? 'rds.copyDBSnapshot' : 'rds.copyDBClusterSnapshot', targetId);
  scheduleFrom(copy.status, ctx.now, done === undefined ? [{ at: ctx.now, value: 'pending' }] : [{ at: ctx.now, value: 'pending' }, { at: done, value: 'available' }]);
  store(ctx, kind, ctx.region)[targetId] = copy;
  return copy;
}

function describeSnapshots(ctx: OperationContext, input: Input, kind: Kind): DbSnapshotRecord[] {
  const idKey = kind === 'instance' ? 'DBSnapshotIdentifier' : 'DBClusterSnapshotIdentifier';
  const dbKey = kind === 'instance' ? 'DBInstanceIdentifier' : 'DBClusterIdentifier';
  const id = str(input, idKey);
  if (id !== undefined) return [findSnapshot(ctx, kind, id)];
  const db = str(input, dbKey)?.toLowerCase();
  const type = str(input, 'SnapshotType');
  return Object.values(store(ctx, kind, ctx.region)).filter(
    (s) => valueAt(s.status, ctx.now) !== 'deleted' && (db === undefined || s.sourceDbId === db) && (type === undefined || s.snapshotType === type),
  );
}

function deleteSnapshot(ctx: OperationContext, input: Input, kind: Kind): DbSnapshotRecord {
  const snapshot = findSnapshot(ctx, kind, str(input, kind === 'instance' ? 'DBSnapshotIdentifier' : 'DBClusterSnapshotIdentifier'));
  if (valueAt(snapshot.status, ctx.now) !== 'available') throw badRequest(CODES[kind].state, `Snapshot ${snapshot.id} is not in available state.`);
  scheduleFrom(snapshot.status, ctx.now, [{ at: ctx.now, value: 'deleted' }]);
  return snapshot;
}

function restoreDBInstanceFromDBSnapshot(ctx: OperationContext, input: Input): { DBInstance: DBInstance } {
  const id = checkIdentifier('DBInstanceIdentifier', str(input, 'DBInstanceIdentifier'));
  const snapshot = findSnapshot(ctx, 'instance', str(input, 'DBSnapshotIdentifier'));
  if (valueAt(snapshot.status, ctx.now) !== 'available') throw badRequest('InvalidDBSnapshotState', `Snapshot ${snapshot.id} is not in available state.`);
  const existing = rdsRegion(ctx.world, ctx.region).instances[id];
  if (existing && valueAt(existing.status, ctx.now) !== 'deleted') throw badRequest('DBInstanceAlreadyExists', 'DB instance already exists');
  const retention = input['BackupRetentionPeriod'];
  if (retention !== undefined && (typeof retention !== 'number' || !Number.isInteger(retention) || retention < 0 || retention > 35)) {
    throw badRequest('InvalidParameterValue', 'BackupRetentionPeriod must be between 0 and 35.');
  }
  const record: DbInstanceRecord = {
    ...writerNode(ctx.now, snapshot.writes.map((w) => ({ ...w }))),
    id,
    region: ctx.region,
    arn: rdsArn(ctx.world, ctx.region, 'db', id),
    engine: snapshot.engine,
    engineVersion: snapshot.engineVersion,
    instanceClass: [{ at: ctx.now, value: str(input, 'DBInstanceClass') ?? 'db.r6g.large' }],
    multiAz: input['MultiAZ'] === true,
    allocatedStorage: snapshot.allocatedStorage,
    // Not given: the source's setting, kept by the snapshot (RDS's default for a new instance is 1 day).
    backupRetentionPeriod: typeof retention === 'number' ? retention : (snapshot.backupRetentionPeriod ?? 1),
    // The master user and database name are the snapshot's (no restore parameter changes them; DBName applies to
    // Oracle and SQL Server only); the port is the original's unless given. 'postgres' and 5432: worlds saved before
    // snapshots recorded them.
    masterUsername: snapshot.masterUsername ?? 'postgres',
    port: typeof input['Port'] === 'number' ? input['Port'] : (snapshot.port ?? 5432),
    ...storageOf(input, snapshot),
    availabilityZone: `${ctx.region}a`,
    status: [],
    createdAt: ctx.now,
    tags: tagsOf(input),
    restoredFrom: snapshot.arn,
    ...(input['DeletionProtection'] === true ? { deletionProtection: true } : {}),
    // A restore is encrypted with its snapshot's key.
    ...(snapshot.kmsKeyId ? { kmsKeyId: snapshot.kmsKeyId } : {}),
  };
  const dbName = str(input, 'DBName') ?? snapshot.dbName;
  if (dbName) record.dbName = dbName;
  const network = networkOf(input);
  if (network) record.network = network;
  const done = ctx.completesAt('rds.restoreDBInstanceFromDBSnapshot', id);
  scheduleFrom(record.status, ctx.now, done === undefined ? [{ at: ctx.now, value: 'creating' }] : [{ at: ctx.now, value: 'creating' }, { at: done, value: 'available' }]);
  rdsRegion(ctx.world, ctx.region).instances[id] = record;
  joinApplicationOf(ctx.world, snapshot.sourceNode, nodeKey('instance', ctx.region, id));
  return { DBInstance: toDBInstance(ctx, record) };
}

/** The DBClusterSnapshot output shape. */
export function toDBClusterSnapshot(ctx: OperationContext, s: DbSnapshotRecord): DBClusterSnapshot {
  const status = valueAt(s.status, ctx.now) ?? 'creating';
  const out: DBClusterSnapshot = {
    DBClusterSnapshotIdentifier: s.id,
    DBClusterSnapshotArn: s.arn,
    DBClusterIdentifier: s.sourceDbId,
    SnapshotCreateTime: new Date(s.copiedAt ?? s.createdAt),
    Engine: s.engine,
    EngineVersion: s.engineVersion,
    Status: status,
    PercentProgress: status === 'available' ? 100 : 0,
    SnapshotType: s.snapshotType,
    StorageEncrypted: s.kmsKeyId !== undefined,
    ...(s.kmsKeyId ? { KmsKeyId: s.kmsKeyId } : {}),
    TagList: s.tags.map((t) => ({ ...t })),
  };
  if (s.sourceSnapshotArn) out.SourceDBClusterSnapshotArn = s.sourceSnapshotArn;
  return out;
}

/** RDS snapshot handlers. */
export const rdsSnapshotHandlers = {
  CreateDBSnapshot: createDBSnapshot,
  CopyDBSnapshot: (ctx: OperationContext, input: Input) => ({ DBSnapshot: toDBSnapshot(ctx, copySnapshot(ctx, input, 'instance')) }),
  DescribeDBSnapshots: (ctx: OperationContext, input: Input) => ({ DBSnapshots: describeSnapshots(ctx, input, 'instance').map((s) => toDBSnapshot(ctx, s)) }),
  DeleteDBSnapshot: (ctx: OperationContext, input: Input) => ({ DBSnapshot: toDBSnapshot(ctx, deleteSnapshot(ctx, input, 'instance')) }),
  RestoreDBInstanceFromDBSnapshot: restoreDBInstanceFromDBSnapshot,
  CopyDBClusterSnapshot: (ctx: OperationContext, input: Input) => ({ DBClusterSnapshot: toDBClusterSnapshot(ctx, copySnapshot(ctx, input, 'cluster')) }),
  DescribeDBClusterSnapshots: (ctx: OperationContext, input: Input) => ({
    DBClusterSnapshots: describeSnapshots(ctx, input, 'cluster').map((s) => toDBClusterSnapshot(ctx, s)),
  }),
  DeleteDBClusterSnapshot: (ctx: OperationContext, input: Input) => ({ DBClusterSnapshot: toDBClusterSnapshot(ctx, deleteSnapshot(ctx, input, 'cluster')) }),
};
