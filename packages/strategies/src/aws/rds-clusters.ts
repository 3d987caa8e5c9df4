import {
  type DBCluster,
  DescribeDBClustersCommand,
  DescribeGlobalClustersCommand,
  FailoverDBClusterCommand,
  FailoverGlobalClusterCommand,
  type GlobalCluster,
  type RDSClient,
  SwitchoverGlobalClusterCommand,
} from '@aws-sdk/client-rds';
import { type ActionOutcome, type AdapterCallOptions, adapterFailure, callAws, callAwsOrNotFound, sendOptions } from './aws-call.js';

/** An Aurora (or Multi-AZ) DB cluster, as the strategies need it. */
export interface DbClusterSummary {
  identifier: string;
  arn: string | undefined;
  status: string;
  /** The member instance that accepts writes. */
  writer: string | undefined;
  readers: string[];
  globalClusterIdentifier: string | undefined;
  endpoint: string | undefined;
  /** `aurora-mysql`, `aurora-postgresql`: which driver reaches the endpoint. */
  engine: string | undefined;
  /** `8.0.mysql_aurora.3.07.1`, `16.4`. */
  engineVersion: string | undefined;
  /** The port the cluster's endpoints answer on (3306 for Aurora MySQL, 5432 for Aurora PostgreSQL by default). */
  port: number | undefined;
  /** Days automated backups are kept (0 or absent: off). */
  backupRetentionPeriod: number | undefined;
}

/** A member of an Aurora global database. */
export interface GlobalClusterMember {
  clusterArn: string;
  /** Parsed from the ARN (`arn:aws:rds:<region>:…`). */
  region: string | undefined;
  isWriter: boolean;
  /** A secondary's replication: `connected`, `pending-resync`; absent on the writer (and when RDS does not say). */
  synchronizationStatus: string | undefined;
}

/** An Aurora global database. */
export interface GlobalClusterSummary {
  identifier: string;
  status: string;
  members: GlobalClusterMember[];
  writerArn: string | undefined;
  /** `pending`, `failing-over`, `cancelling` while a failover or switchover runs. */
  failoverStatus: string | undefined;
}

const site = (rds: RDSClient, command: string, resource: string) => ({ service: 'rds' as const, client: rds, command, resource });

function summarizeCluster(c: DBCluster): DbClusterSummary {
  const members = c.DBClusterMembers ?? [];
  return {
    identifier: c.DBClusterIdentifier ?? '',
    arn: c.DBClusterArn,
    status: c.Status ?? 'unknown',
    writer: members.find((m) => m.IsClusterWriter === true)?.DBInstanceIdentifier,
    readers: members.filter((m) => m.IsClusterWriter !== true).flatMap((m) => (m.DBInstanceIdentifier ? [m.DBInstanceIdentifier] : [])),
    globalClusterIdentifier: c.GlobalClusterIdentifier,
    endpoint: c.Endpoint,
    engine: c.Engine,
    engineVersion: c.EngineVersion,
    port: c.Port,
    backupRetentionPeriod: c.BackupRetentionPeriod,
  };
}

function summarizeGlobal(g: GlobalCluster): GlobalClusterSummary {
  const members = (g.GlobalClusterMembers ?? []).flatMap((m) =>
    m.DBClusterArn === undefined ? [] : [{ clusterArn: m.DBClusterArn, region: m.DBClusterArn.split(':')[3], isWriter: m.IsWriter === true, synchronizationStatus: m.SynchronizationStatus }]);
  return {
    identifier: g.GlobalClusterIdentifier ?? '',
    status: g.Status ?? 'unknown',
    members,
    writerArn: members.find((m) => m.isWriter)?.clusterArn,
    failoverStatus: g.FailoverState?.Status,
  };
}

/** Options naming one cluster. */
export interface DbClusterOptions extends AdapterCallOptions {
  rds: RDSClient;
  identifier: string;
}

/** Describes one DB cluster; `undefined` when it does not exist. */
export async function describeDbCluster(options: DbClusterOptions): Promise<DbClusterSummary | undefined> {
  const { rds, identifier, signal } = options;
  const out = await callAwsOrNotFound(site(rds, 'DescribeDBClusters', identifier), signal, () =>
    rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: identifier }), sendOptions(signal)));
  const cluster = out?.DBClusters?.[0];
  return cluster === undefined ? undefined : summarizeCluster(cluster);
}

/** Options of {@link failoverDbCluster}. */
export interface FailoverDbClusterOptions extends DbClusterOptions {
  /** The reader to promote. Recommended: it makes the call check-then-act and the wait exact. */
  targetInstance?: string;
  /** Without a target: the writer recorded before this step; if it is no longer the writer, the failover happened. */
  previousWriter?: string;
}

/**
 * In-region failover of an Aurora or Multi-AZ DB cluster (FailoverDBCluster). Check-then-act: when the target (or
 * anyone but `previousWriter`) is already the writer, no call. Wait with `dbClusterFailoverComplete`.
 */
export async function failoverDbCluster(options: FailoverDbClusterOptions): Promise<ActionOutcome & { previousWriter: string | undefined }> {
  const { rds, identifier, signal, targetInstance } = options;
  const cluster = await describeDbCluster(options);
  if (cluster === undefined) throw adapterFailure(`DBClusterNotFound: no DB cluster ${identifier} in ${await rds.config.region()}. Check the plan.`, 'DBClusterNotFound');
  if (targetInstance !== undefined && cluster.writer === targetInstance) {
    return { changed: false, note: `${targetInstance} is already the writer of ${identifier}`, previousWriter: cluster.writer };
  }
  if (targetInstance === undefined && options.previousWriter !== undefined && cluster.writer !== options.previousWriter) {
    return { changed: false, note: `${identifier} already failed over (writer ${cluster.writer ?? 'none'})`, previousWriter: options.previousWriter };
  }
  if (targetInstance !== undefined && !cluster.readers.includes(targetInstance)) {
    throw adapterFailure(`InvalidDBClusterMember: ${targetInstance} is not a reader of ${identifier} (readers: ${cluster.readers.join(', ') || 'none'}).`, 'InvalidParameterValue');
  }
  await callAws(site(rds, 'FailoverDBCluster', identifier), signal, () =>
    rds.send(new FailoverDBClusterCommand({
      DBClusterIdentifier: identifier,
      ...(targetInstance ? { TargetDBInstanceIdentifier: targetInstance } : {}),
    }), sendOptions(signal)));
  return { changed: true, note: `failing ${identifier} over from ${cluster.writer ?? 'none'} to ${targetInstance ?? 'a reader'}`, previousWriter: cluster.writer };
}

/** Describes one Aurora global database; `undefined` when it does not exist. */
export async function describeGlobalCluster(options: DbClusterOptions): Promise<GlobalClusterSummary | undefined> {
  const { rds, identifier, signal } = options;
  const out = await callAwsOrNotFound(site(rds, 'DescribeGlobalClusters', identifier), signal, () =>
    rds.send(new DescribeGlobalClustersCommand({ GlobalClusterIdentifier: identifier }), sendOptions(signal)));
  const global = out?.GlobalClusters?.[0];
  return global === undefined ? undefined : summarizeGlobal(global);
}

/** Options of the global database moves. `rds` should be a client in the target's region (it survives the outage). */
export interface GlobalClusterMoveOptions extends DbClusterOptions {
  /** ARN of the secondary cluster that becomes the primary. */
  targetClusterArn: string;
}

async function checkGlobalMove(options: GlobalClusterMoveOptions): Promise<GlobalClusterSummary | ActionOutcome> {
  const global = await describeGlobalCluster(options);
  if (global === undefined) {
    throw adapterFailure(`GlobalClusterNotFound: no global cluster ${options.identifier}. Check the plan.`, 'GlobalClusterNotFound');
  }
  if (global.writerArn === options.targetClusterArn) return { changed: false, note: `${options.targetClusterArn} is already the primary of ${options.identifier}` };
  if (global.failoverStatus === 'pending' || global.failoverStatus === 'failing-over') {
    return { changed: false, note: `a failover of ${options.identifier} is already ${global.failoverStatus}` };
  }
  if (!global.members.some((m) => m.clusterArn === options.targetClusterArn)) {
    throw adapterFailure(`InvalidGlobalClusterMember: ${options.targetClusterArn} is not a member of ${options.identifier}.`, 'InvalidParameterValue');
  }
  return global;
}

/** Options of {@link failoverGlobalCluster}. */
export interface FailoverGlobalClusterOptions extends GlobalClusterMoveOptions {
  /**
   * Must be stated: `true` for an unplanned failover that may lose what had not replicated (the primary region is
   * lost). `false` asks AWS for a switchover semantics instead; prefer {@link switchoverGlobalCluster} for that.
   */
  allowDataLoss: boolean;
}

/**
 * Aurora Global Database failover (FailoverGlobalCluster), for the ungraceful case. Check-then-act: target already
 * primary, or a failover already in progress → no call. Wait with `globalClusterWriterMoved`.
 */
export async function failoverGlobalCluster(options: FailoverGlobalClusterOptions): Promise<ActionOutcome> {
  const { rds, identifier, signal } = options;
  if (typeof options.allowDataLoss !== 'boolean') throw new TypeError('failoverGlobalCluster: allowDataLoss: must be stated as true or false');
  const checked = await checkGlobalMove(options);
  if ('changed' in checked) return checked;
  await callAws(site(rds, 'FailoverGlobalCluster', identifier), signal, () =>
    rds.send(new FailoverGlobalClusterCommand({
      GlobalClusterIdentifier: identifier,
      TargetDbClusterIdentifier: options.targetClusterArn,
      AllowDataLoss: options.allowDataLoss,
    }), sendOptions(signal)));
  return { changed: true, note: `failing ${identifier} over to ${options.targetClusterArn}${options.allowDataLoss ? ' (data loss allowed)' : ''}` };
}

/**
 * Aurora Global Database switchover (SwitchoverGlobalCluster): planned, no data loss — the graceful case and
 * failback. Check-then-act like {@link failoverGlobalCluster}.
 */
export async function switchoverGlobalCluster(options: GlobalClusterMoveOptions): Promise<ActionOutcome> {
  const { rds, identifier, signal } = options;
  const checked = await checkGlobalMove(options);
  if ('changed' in checked) return checked;
  await callAws(site(rds, 'SwitchoverGlobalCluster', identifier), signal, () =>
    rds.send(new SwitchoverGlobalClusterCommand({ GlobalClusterIdentifier: identifier, TargetDbClusterIdentifier: options.targetClusterArn }), sendOptions(signal)));
  return { changed: true, note: `switching ${identifier} over to ${options.targetClusterArn}` };
}
