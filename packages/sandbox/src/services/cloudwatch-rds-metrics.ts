/**
 * The replication metrics RDS publishes to CloudWatch, computed from the sandbox's replication model:
 *
 * - `AWS/RDS ReplicaLag`, dimension `DBInstanceIdentifier`, unit Seconds, per read replica instance. What it
 *   measures depends on the engine, as on RDS:
 *   - MySQL and MariaDB (`Seconds_Behind_Master`): how old the oldest write not yet applied is, 0 once caught up;
 *   - PostgreSQL: `now() - pg_last_xact_replay_timestamp()` (RDS User Guide, "Monitoring and tuning the
 *     replication process"): the age of the newest transaction the replica replayed. It keeps growing while the
 *     source commits nothing (a fenced source, a quiet night), so on PostgreSQL it never reads 0 for a minute.
 * - `AWS/RDS OldestReplicationSlotLag`, dimension `DBInstanceIdentifier` of a PostgreSQL *source*, unit Bytes: the
 *   WAL the most lagging replica has not yet received (RDS for PostgreSQL gives each read replica a physical
 *   replication slot on its source). The sandbox counts each write as one 8 KiB WAL page; 0 means every replica
 *   has received everything the source wrote.
 * - `AWS/RDS AuroraGlobalDBReplicationLag`, dimensions `DBClusterIdentifier` and `SourceRegion`, unit
 *   Milliseconds, per secondary cluster of an Aurora global database (Aurora User Guide, "Metrics reference").
 *
 * All are 1-minute metrics: the datapoint of minute m exists only once minute m is over, and none exists for a
 * minute in which the value could not be measured (the source region down, replication broken or not yet set
 * up, the replica's own region down). Values are sampled every second of the minute; the statistics are taken
 * over those samples.
 */
import { nodeKey, observedReplicaLag, type ResolvedNode, resolveNode, visibleWrites } from '../database-nodes.js';
import type { DbInstanceRecord } from '../resources.js';
import { replicasAt } from './rds-model.js';
import { isRegionDown } from '../faults.js';
import { valueAt } from '../timeline.js';
import type { World } from '../world.js';

/** The metric period RDS publishes at (ms). */
export const RDS_METRIC_PERIOD_MS = 60_000;
// One sample per second: enough to catch a sub-minute lag spike (a real host samples its own lag similarly often).
const SAMPLE_EVERY_MS = 1_000;

/** A metric as a query names it. */
export interface MetricIdentity {
  namespace: string;
  metricName: string;
  dimensions: Record<string, string>;
}

/** The samples of one published minute. */
export interface MinuteSamples {
  /** Start of the minute (epoch ms). */
  at: number;
  values: number[];
  unit: 'Seconds' | 'Milliseconds' | 'Bytes';
}

/** How a metric reads a node's lag: which node, and the value's unit. */
interface LagSeries {
  region: string;
  node: ResolvedNode;
  unit: 'Seconds' | 'Milliseconds' | 'Bytes';
  /** The source region a series is labelled with (Aurora global), checked against the link. */
  sourceRegion?: string;
  /** What the value is: a replica's lag (per its engine), or a source's replication-slot lag. */
  reads: 'replica-lag' | 'slot-lag';
}

/** WAL the sandbox counts per write, for OldestReplicationSlotLag (one 8 KiB page). */
const WAL_BYTES_PER_WRITE = 8192;
const isPostgres = (engine: string): boolean => engine === 'postgres';

const sameKeys = (dimensions: Record<string, string>, keys: string[]): boolean => {
  const names = Object.keys(dimensions).sort();
  return names.length === keys.length && names.every((n, i) => n === [...keys].sort()[i]);
};

/**
 * The series a metric names in `region`, or `undefined` when RDS publishes no such metric there. CloudWatch
 * matches the dimension set exactly: ReplicaLag with an extra dimension is a different (empty) metric.
 */
function seriesOf(world: World, region: string, metric: MetricIdentity): LagSeries | undefined {
  if (metric.namespace !== 'AWS/RDS') return undefined;
  const rds = world.rds[region];
  if (rds === undefined) return undefined;
  const d = metric.dimensions;
  if (metric.metricName === 'ReplicaLag' && sameKeys(d, ['DBInstanceIdentifier'])) {
    const id = d['DBInstanceIdentifier']!.toLowerCase();
    const record = rds.instances[id];
    // An Aurora instance reports AuroraReplicaLag, not ReplicaLag.
    if (record === undefined || record.clusterId !== undefined) return undefined;
    return { region, node: { kind: 'instance', key: nodeKey('instance', region, id), region, record }, unit: 'Seconds', reads: 'replica-lag' };
  }
  if (metric.metricName === 'OldestReplicationSlotLag' && sameKeys(d, ['DBInstanceIdentifier'])) {
    const id = d['DBInstanceIdentifier']!.toLowerCase();
    const record = rds.instances[id];
    if (record === undefined || record.clusterId !== undefined || !isPostgres(record.engine)) return undefined;
    return { region, node: { kind: 'instance', key: nodeKey('instance', region, id), region, record }, unit: 'Bytes', reads: 'slot-lag' };
  }
  if (metric.metricName === 'AuroraGlobalDBReplicationLag' && sameKeys(d, ['DBClusterIdentifier', 'SourceRegion'])) {
    const id = d['DBClusterIdentifier']!.toLowerCase();
    const record = rds.clusters[id];
    if (record === undefined) return undefined;
    return { region, node: { kind: 'cluster', key: nodeKey('cluster', region, id), region, record }, unit: 'Milliseconds', sourceRegion: d['SourceRegion']!, reads: 'replica-lag' };
  }
  return undefined;
}

/**
 * A PostgreSQL source's OldestReplicationSlotLag at `t`: the WAL its most lagging replica has not received, or
 * `undefined` when it has no replica (no slot). A replica cut off from it (its region down) holds its slot back.
 */
function slotLagAt(world: World, source: ResolvedNode, t: number): number | undefined {
  const replicas = replicasAt(world, source.record as DbInstanceRecord, t)
    .map((record): ResolvedNode => ({ kind: 'instance', key: nodeKey('instance', record.region, record.id), region: record.region, record }));
  if (replicas.length === 0) return undefined;
  const written = visibleWrites(world, source, t);
  const pending = replicas.map((replica) => {
    const received = new Set(visibleWrites(world, replica, t).map((w) => w.id));
    return written.filter((w) => !received.has(w.id)).length;
  });
  return Math.max(...pending) * WAL_BYTES_PER_WRITE;
}

/** PostgreSQL's ReplicaLag at `t`: since the newest transaction the replica replayed (or since replication began). */
function postgresReplicaLagAt(world: World, node: ResolvedNode, t: number): number {
  const replayed = visibleWrites(world, node, t).filter((w) => !node.record.writes.includes(w)).at(-1);
  const link = node.record.replication.filter((c) => c.at <= t && c.value).at(-1);
  return t - (replayed?.ackedAt ?? link?.at ?? t);
}

/** The lag sample at `t` in the series' unit, or `undefined` when the replica could not measure it then. */
function sampleAt(world: World, series: LagSeries, t: number): number | undefined {
  const { node } = series;
  const status = valueAt(node.record.status, t);
  if (status === undefined || status === 'deleted' || status === 'creating') return undefined;
  if (isRegionDown(world, node.region, t)) return undefined;
  if (series.reads === 'slot-lag') return slotLagAt(world, node, t);
  const link = valueAt(node.record.replication, t);
  if (!link) return undefined;
  const source = resolveNode(world, link.source);
  if (source === undefined || isRegionDown(world, source.region, t)) return undefined;
  if (series.sourceRegion !== undefined && series.sourceRegion !== source.region) return undefined;
  const lagMs = node.kind === 'instance' && isPostgres((node.record as { engine: string }).engine) ? postgresReplicaLagAt(world, node, t) : observedReplicaLag(world, node, t);
  if (lagMs === undefined) return undefined;
  return series.unit === 'Seconds' ? lagMs / 1000 : lagMs;
}

/**
 * The published minutes of `metric` in `region` whose start lies in [`from` rounded down to the minute, `to`), as of `now`: a minute is
 * published once it is over, and only when every sample in it could be taken.
 */
export function publishedMinutes(world: World, region: string, metric: MetricIdentity, from: number, to: number, now: number): MinuteSamples[] {
  const series = seriesOf(world, region, metric);
  if (series === undefined) return [];
  const out: MinuteSamples[] = [];
  // CloudWatch rounds StartTime down to the minute (GetMetricData API reference).
  const first = Math.floor(from / RDS_METRIC_PERIOD_MS) * RDS_METRIC_PERIOD_MS;
  for (let at = first; at < to && at + RDS_METRIC_PERIOD_MS <= now; at += RDS_METRIC_PERIOD_MS) {
    const values: number[] = [];
    for (let t = at; t < at + RDS_METRIC_PERIOD_MS; t += SAMPLE_EVERY_MS) {
      const v = sampleAt(world, series, t);
      if (v === undefined) break;
      values.push(v);
    }
    if (values.length === RDS_METRIC_PERIOD_MS / SAMPLE_EVERY_MS) out.push({ at, values, unit: series.unit });
  }
  return out;
}
