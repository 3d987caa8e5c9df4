import type { DBCluster, DBInstance, DBSnapshot, GlobalCluster } from '@aws-sdk/client-rds';
import { type AcceptorResult, defineWaiter } from './acceptor.js';

/** The part of a DescribeDBInstances response the acceptors read. */
export interface DbInstancesOutput {
  DBInstances?: DBInstance[];
}
/** The part of a DescribeDBSnapshots response the acceptors read. */
export interface DbSnapshotsOutput {
  DBSnapshots?: DBSnapshot[];
}
/** The part of a DescribeDBClusters response the acceptors read. */
export interface DbClustersOutput {
  DBClusters?: DBCluster[];
}
/** The part of a DescribeGlobalClusters response the acceptors read. */
export interface GlobalClustersOutput {
  GlobalClusters?: GlobalCluster[];
}

/** Names one DB instance, snapshot or cluster. */
export interface RdsResourceParams {
  identifier: string;
}

/** States an instance does not leave by itself (SDK waiter `DBInstanceAvailable` treats these as failure). */
const DB_INSTANCE_TERMINAL = new Set([
  'deleted',
  'deleting',
  'failed',
  'incompatible-restore',
  'incompatible-parameters',
  'incompatible-network',
  'incompatible-option-group',
  'inaccessible-encryption-credentials',
  'restore-error',
]);
const DB_CLUSTER_TERMINAL = new Set(['deleted', 'deleting', 'failed', 'incompatible-restore', 'incompatible-parameters', 'incompatible-network', 'inaccessible-encryption-credentials']);
const DB_SNAPSHOT_TERMINAL = new Set(['failed', 'deleted', 'deleting', 'error']);

const NOT_FOUND = (what: string): AcceptorResult => ({ state: 'FAILURE', reason: `${what} not found`, progress: 'not found' });

function instanceStatus(db: DBInstance): AcceptorResult | undefined {
  const status = db.DBInstanceStatus ?? 'unknown';
  if (DB_INSTANCE_TERMINAL.has(status)) return { state: 'FAILURE', progress: status, reason: `status is ${status}` };
  return undefined;
}

/** Acceptor: the DB instance's status is `available`. Fails on states it will not leave (failed, deleting, …). */
export function dbInstanceAvailable(output: DbInstancesOutput, params: RdsResourceParams): AcceptorResult {
  const db = output.DBInstances?.[0];
  if (db === undefined) return NOT_FOUND(`DB instance ${params.identifier}`);
  const status = db.DBInstanceStatus ?? 'unknown';
  return instanceStatus(db) ?? (status === 'available' ? { state: 'SUCCESS', progress: status } : { state: 'RETRY', progress: status });
}

/**
 * Acceptor: a promoted read replica is standalone (no `ReadReplicaSourceDBInstanceIdentifier`) and `available`.
 * Just after PromoteReadReplica the instance can still read `available` as a replica; only both together mean done.
 */
export function dbInstancePromoted(output: DbInstancesOutput, params: RdsResourceParams): AcceptorResult {
  const db = output.DBInstances?.[0];
  if (db === undefined) return NOT_FOUND(`DB instance ${params.identifier}`);
  const status = db.DBInstanceStatus ?? 'unknown';
  const replica = db.ReadReplicaSourceDBInstanceIdentifier !== undefined && db.ReadReplicaSourceDBInstanceIdentifier !== '';
  const failure = instanceStatus(db);
  if (failure !== undefined) return failure;
  if (!replica && status === 'available') return { state: 'SUCCESS', progress: 'standalone, available' };
  return { state: 'RETRY', progress: replica ? `replica, ${status}` : `standalone, ${status}` };
}

/** Acceptor: the DB instance is gone (the runner also maps `DBInstanceNotFound` to success). */
export function dbInstanceDeleted(output: DbInstancesOutput): AcceptorResult {
  const db = output.DBInstances?.[0];
  if (db === undefined) return { state: 'SUCCESS', progress: 'deleted' };
  const status = db.DBInstanceStatus ?? 'unknown';
  return status === 'deleted' ? { state: 'SUCCESS', progress: status } : { state: 'RETRY', progress: status };
}

/** Acceptor: the DB snapshot (or its cross-region copy) is `available`. */
export function dbSnapshotAvailable(output: DbSnapshotsOutput, params: RdsResourceParams): AcceptorResult {
  const snapshot = output.DBSnapshots?.[0];
  if (snapshot === undefined) return NOT_FOUND(`DB snapshot ${params.identifier}`);
  const status = snapshot.Status ?? 'unknown';
  if (DB_SNAPSHOT_TERMINAL.has(status)) return { state: 'FAILURE', progress: status, reason: `status is ${status}` };
  if (status === 'available') return { state: 'SUCCESS', progress: status };
  const percent = snapshot.PercentProgress === undefined ? '' : ` ${snapshot.PercentProgress}%`;
  return { state: 'RETRY', progress: `${status}${percent}` };
}

function clusterFailure(cluster: DBCluster): AcceptorResult | undefined {
  const status = cluster.Status ?? 'unknown';
  return DB_CLUSTER_TERMINAL.has(status) ? { state: 'FAILURE', progress: status, reason: `status is ${status}` } : undefined;
}

/** Acceptor: the DB cluster's status is `available`. */
export function dbClusterAvailable(output: DbClustersOutput, params: RdsResourceParams): AcceptorResult {
  const cluster = output.DBClusters?.[0];
  if (cluster === undefined) return NOT_FOUND(`DB cluster ${params.identifier}`);
  const status = cluster.Status ?? 'unknown';
  return clusterFailure(cluster) ?? (status === 'available' ? { state: 'SUCCESS', progress: status } : { state: 'RETRY', progress: status });
}

/** Parameters of {@link dbClusterFailoverComplete}: name the expected writer, or the writer that must give way. */
export interface DbClusterFailoverParams extends RdsResourceParams {
  /** The member that must become the writer (the FailoverDBCluster target). */
  expectedWriter?: string;
  /** Without a target: the writer before the failover, which must no longer be the writer. */
  previousWriter?: string;
}

/** Acceptor: the cluster is `available` and its writer is the expected member (or no longer the previous one). */
export function dbClusterFailoverComplete(output: DbClustersOutput, params: DbClusterFailoverParams): AcceptorResult {
  const cluster = output.DBClusters?.[0];
  if (cluster === undefined) return NOT_FOUND(`DB cluster ${params.identifier}`);
  const failure = clusterFailure(cluster);
  if (failure !== undefined) return failure;
  const writer = cluster.DBClusterMembers?.find((m) => m.IsClusterWriter === true)?.DBInstanceIdentifier;
  const status = cluster.Status ?? 'unknown';
  const progress = `${status}, writer ${writer ?? 'none'}`;
  const moved = params.expectedWriter !== undefined ? writer === params.expectedWriter : writer !== undefined && writer !== params.previousWriter;
  return moved && status === 'available' ? { state: 'SUCCESS', progress } : { state: 'RETRY', progress };
}

/** Parameters of {@link globalClusterWriterMoved}. */
export interface GlobalClusterSwitchParams {
  /** The global cluster identifier. */
  identifier: string;
  /** ARN of the regional cluster that must become the primary (the failover or switchover target). */
  targetClusterArn: string;
}

const FAILOVER_IN_PROGRESS = new Set(['pending', 'failing-over', 'switching-over']);

/**
 * Acceptor: an Aurora global database failover or switchover is complete — the target cluster is the writer,
 * the global cluster is `available`, and no failover is pending. A `cancelling` failover is a failure.
 */
export function globalClusterWriterMoved(output: GlobalClustersOutput, params: GlobalClusterSwitchParams): AcceptorResult {
  const global = output.GlobalClusters?.[0];
  if (global === undefined) return NOT_FOUND(`global cluster ${params.identifier}`);
  const status = global.Status ?? 'unknown';
  const failoverStatus = global.FailoverState?.Status;
  if (failoverStatus === 'cancelling') return { state: 'FAILURE', progress: 'cancelling', reason: 'the failover is being cancelled' };
  const writer = global.GlobalClusterMembers?.find((m) => m.IsWriter === true)?.DBClusterArn;
  const onTarget = writer === params.targetClusterArn;
  const settled = failoverStatus === undefined || !FAILOVER_IN_PROGRESS.has(failoverStatus);
  const progress = `${status}${failoverStatus ? `, ${failoverStatus}` : ''}, writer ${onTarget ? 'on target' : (writer ?? 'none')}`;
  return onTarget && settled && status === 'available' ? { state: 'SUCCESS', progress } : { state: 'RETRY', progress };
}

const rdsNotFoundIsDone = (code: string): boolean => /^DBInstanceNotFound/.test(code);

/*
 * Expected durations, from aws-facts.md "Operation durations": read replica promotion "several minutes or longer"
 * (5 min); Aurora failover inside a region < 60 s, often < 30 s (30 s); Global Database failover / switchover
 * "minutes" (2 min); restore from snapshot and snapshot copies have no figure (duration scales with size).
 */

/** DB instance available, e.g. after a restore, a modification or a replica creation. No expected duration. */
export const dbInstanceAvailableWaiter = defineWaiter({
  service: 'rds',
  command: 'DescribeDBInstances',
  what: (p: RdsResourceParams) => `DB instance ${p.identifier} available`,
  resource: (p: RdsResourceParams) => p.identifier,
  acceptor: dbInstanceAvailable,
});

/** Read replica promoted to a standalone instance: expected ~5 minutes. */
export const dbInstancePromotedWaiter = defineWaiter({
  service: 'rds',
  command: 'DescribeDBInstances',
  what: (p: RdsResourceParams) => `DB instance ${p.identifier} promoted`,
  resource: (p: RdsResourceParams) => p.identifier,
  acceptor: dbInstancePromoted,
  expectedMs: 5 * 60_000,
});

/** DB instance deleted; `DBInstanceNotFound` is the success. */
export const dbInstanceDeletedWaiter = defineWaiter({
  service: 'rds',
  command: 'DescribeDBInstances',
  what: (p: RdsResourceParams) => `DB instance ${p.identifier} deleted`,
  resource: (p: RdsResourceParams) => p.identifier,
  acceptor: dbInstanceDeleted,
  acceptError: (error) => (rdsNotFoundIsDone(error.code) ? { state: 'SUCCESS', progress: 'deleted' } : undefined),
});

/** DB snapshot (or cross-region copy) available. No expected duration. */
export const dbSnapshotAvailableWaiter = defineWaiter({
  service: 'rds',
  command: 'DescribeDBSnapshots',
  what: (p: RdsResourceParams) => `DB snapshot ${p.identifier} available`,
  resource: (p: RdsResourceParams) => p.identifier,
  acceptor: dbSnapshotAvailable,
});

/** DB snapshot deleted: gone from DescribeDBSnapshots (DBSnapshotNotFound). RDS deletes a snapshot in seconds. */
export const dbSnapshotDeletedWaiter = defineWaiter({
  service: 'rds',
  command: 'DescribeDBSnapshots',
  what: (p: RdsResourceParams) => `DB snapshot ${p.identifier} deleted`,
  resource: (p: RdsResourceParams) => p.identifier,
  acceptor: (output: DbSnapshotsOutput) => {
    const status = output.DBSnapshots?.[0]?.Status;
    return status === undefined || status === 'deleted' ? { state: 'SUCCESS', progress: 'deleted' } : { state: 'RETRY', progress: status };
  },
  acceptError: (error) => (/^DBSnapshotNotFound/.test(error.code) ? { state: 'SUCCESS', progress: 'deleted' } : undefined),
});

/** DB cluster available. */
export const dbClusterAvailableWaiter = defineWaiter({
  service: 'rds',
  command: 'DescribeDBClusters',
  what: (p: RdsResourceParams) => `DB cluster ${p.identifier} available`,
  resource: (p: RdsResourceParams) => p.identifier,
  acceptor: dbClusterAvailable,
});

/** Aurora / Multi-AZ cluster failover complete: expected ~30 s. */
export const dbClusterFailoverCompleteWaiter = defineWaiter({
  service: 'rds',
  command: 'DescribeDBClusters',
  what: (p: DbClusterFailoverParams) => `DB cluster ${p.identifier} failover to ${p.expectedWriter ?? 'a new writer'}`,
  resource: (p: DbClusterFailoverParams) => p.identifier,
  acceptor: dbClusterFailoverComplete,
  expectedMs: 30_000,
});

/** Aurora Global Database failover or switchover complete: expected ~2 minutes. */
export const globalClusterWriterMovedWaiter = defineWaiter({
  service: 'rds',
  command: 'DescribeGlobalClusters',
  what: (p: GlobalClusterSwitchParams) => `global cluster ${p.identifier} writer moved to ${p.targetClusterArn}`,
  resource: (p: GlobalClusterSwitchParams) => p.identifier,
  acceptor: globalClusterWriterMoved,
  expectedMs: 2 * 60_000,
});
