/**
 * Replication lag as AWS publishes it: CloudWatch metrics, not the RDS API. DescribeDBInstances says only whether
 * a replica replicates (StatusInfos); the lag itself is
 *
 * - `AWS/RDS ReplicaLag` (dimension DBInstanceIdentifier, unit Seconds, 1-minute period) for an RDS read replica
 *   (RDS User Guide, "Monitoring read replication"). On MySQL and MariaDB it is 0 once the replica has applied
 *   everything; on PostgreSQL it is `now() - pg_last_xact_replay_timestamp()`, which grows while the source
 *   commits nothing (fenced, or quiet), so it never says "caught up" there;
 * - `AWS/RDS OldestReplicationSlotLag` (dimension DBInstanceIdentifier of a PostgreSQL *source*, unit Bytes): the
 *   WAL its most lagging replica has not received yet, read from the source's region — 0 when every replica has
 *   everything (what "caught up" means on PostgreSQL); and
 * - `AWS/RDS AuroraGlobalDBReplicationLag` (dimensions DBClusterIdentifier and SourceRegion, unit Milliseconds)
 *   for a secondary cluster of an Aurora global database (Aurora User Guide, "Metrics reference for Amazon Aurora"),
 *
 * both read from the replica's region with GetMetricData (IAM action `cloudwatch:GetMetricData`). A datapoint
 * covers one whole minute and appears only after that minute is over; a minute with no datapoint is one in which
 * nothing was measured (replication down, the source unreachable), never a lag of zero.
 */
import { type CloudWatchClient, type Dimension, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { type AdapterCallOptions, callAws, sendOptions } from './aws-call.js';

/** One published minute of a lag metric. */
export interface LagDatapoint {
  /** Start of the minute (epoch ms). */
  at: number;
  /** The largest lag seen in that minute (ms). */
  maxLagMs: number;
}

/** The period RDS publishes its metrics at (ms). */
export const RDS_METRIC_PERIOD_MS = 60_000;

/** Options of {@link replicaLagDatapoints} and {@link auroraGlobalLagDatapoints}. */
export interface LagMetricOptions extends AdapterCallOptions {
  /** A client in the replica's region. */
  cloudWatch: CloudWatchClient;
  /** Earliest minute start wanted (epoch ms; CloudWatch rounds it down to the minute). */
  from: number;
  /** End of the window (epoch ms, exclusive): usually the clock's now. */
  to: number;
}

async function metricDatapoints(
  options: LagMetricOptions,
  metric: { name: 'ReplicaLag' | 'AuroraGlobalDBReplicationLag' | 'OldestReplicationSlotLag'; dimensions: Dimension[]; stat: 'Maximum' | 'Minimum'; resource: string },
): Promise<{ at: number; value: number }[]> {
  const { cloudWatch, from, to, signal } = options;
  // GetMetricData rejects StartTime = EndTime (ValidationError); a window shorter than a second holds no minute.
  if (to - from < 1_000) return [];
  const out = await callAws({ service: 'cloudWatch', client: cloudWatch, command: 'GetMetricData', resource: metric.resource }, signal, () =>
    cloudWatch.send(new GetMetricDataCommand({
      StartTime: new Date(from),
      EndTime: new Date(to),
      ScanBy: 'TimestampAscending',
      MetricDataQueries: [{
        Id: 'lag',
        MetricStat: { Metric: { Namespace: 'AWS/RDS', MetricName: metric.name, Dimensions: metric.dimensions }, Period: 60, Stat: metric.stat },
      }],
    }), sendOptions(signal)));
  const result = out.MetricDataResults?.find((r) => r.Id === 'lag');
  const times = result?.Timestamps ?? [];
  const values = result?.Values ?? [];
  return times
    .map((t, i) => ({ at: new Date(t).getTime(), value: values[i] }))
    // MySQL and MariaDB replicas report -1 while replication is not active: that is "not measured", not a lag.
    .filter((p): p is { at: number; value: number } => p.value !== undefined && p.value >= 0)
    .sort((a, b) => a.at - b.at);
}

async function lagDatapoints(
  options: LagMetricOptions,
  metric: { name: 'ReplicaLag' | 'AuroraGlobalDBReplicationLag'; dimensions: Dimension[]; msPerUnit: number; resource: string },
): Promise<LagDatapoint[]> {
  const points = await metricDatapoints(options, { ...metric, stat: 'Maximum' });
  return points.map((p) => ({ at: p.at, maxLagMs: p.value * metric.msPerUnit }));
}

/** One published minute of a PostgreSQL source's OldestReplicationSlotLag. */
export interface SlotLagDatapoint {
  /** Start of the minute (epoch ms). */
  at: number;
  /** The smallest WAL backlog of the most lagging replica seen in that minute (bytes). */
  minBytes: number;
}

/**
 * The OldestReplicationSlotLag datapoints (Minimum) of a PostgreSQL source instance in [`from`, `to`), oldest
 * first; `cloudWatch` is a client in the source's region. A minute whose minimum is 0 holds a moment when every
 * replica had received all the WAL the source had written.
 *
 * @example
 * const points = await replicationSlotLagDatapoints({ cloudWatch: primaryCloudWatch, identifier: 'tracking-db', from: fencedAt, to: now });
 */
export async function replicationSlotLagDatapoints(options: LagMetricOptions & { identifier: string }): Promise<SlotLagDatapoint[]> {
  const points = await metricDatapoints(options, {
    name: 'OldestReplicationSlotLag', dimensions: [{ Name: 'DBInstanceIdentifier', Value: options.identifier }], stat: 'Minimum', resource: options.identifier,
  });
  return points.map((p) => ({ at: p.at, minBytes: p.value }));
}

/**
 * The start times of the minutes in [`from`, `to`) in which a PostgreSQL source's OldestReplicationSlotLag stayed at
 * 0 bytes throughout (its Maximum): minutes in which a failover would have lost nothing, whatever ReplicaLag said.
 */
export async function caughtUpMinutes(options: LagMetricOptions & { identifier: string }): Promise<Set<number>> {
  const points = await metricDatapoints(options, {
    name: 'OldestReplicationSlotLag', dimensions: [{ Name: 'DBInstanceIdentifier', Value: options.identifier }], stat: 'Maximum', resource: options.identifier,
  });
  return new Set(points.filter((p) => p.value === 0).map((p) => p.at));
}

/**
 * The ReplicaLag datapoints of an RDS read replica in [`from`, `to`), oldest first.
 *
 * @example
 * const points = await replicaLagDatapoints({ cloudWatch, identifier: 'tracking-db-replica', from: now - 5 * 60_000, to: now });
 */
export function replicaLagDatapoints(options: LagMetricOptions & { identifier: string }): Promise<LagDatapoint[]> {
  return lagDatapoints(options, { name: 'ReplicaLag', dimensions: [{ Name: 'DBInstanceIdentifier', Value: options.identifier }], msPerUnit: 1000, resource: options.identifier });
}

/**
 * The AuroraGlobalDBReplicationLag datapoints of a secondary cluster (replicating from `sourceRegion`) in
 * [`from`, `to`), oldest first.
 *
 * @example
 * const points = await auroraGlobalLagDatapoints({ cloudWatch, clusterIdentifier: 'orders-west', sourceRegion: 'us-east-1', from, to });
 */
export function auroraGlobalLagDatapoints(options: LagMetricOptions & { clusterIdentifier: string; sourceRegion: string }): Promise<LagDatapoint[]> {
  return lagDatapoints(options, {
    name: 'AuroraGlobalDBReplicationLag',
    dimensions: [{ Name: 'DBClusterIdentifier', Value: options.clusterIdentifier }, { Name: 'SourceRegion', Value: options.sourceRegion }],
    msPerUnit: 1,
    resource: options.clusterIdentifier,
  });
}

/** The largest lag of the datapoints, or `undefined` when there are none. */
export function maxLagOf(points: readonly LagDatapoint[]): number | undefined {
  return points.length === 0 ? undefined : Math.max(...points.map((p) => p.maxLagMs));
}
