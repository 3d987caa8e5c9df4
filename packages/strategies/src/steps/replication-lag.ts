/**
 * Reading a read replica's replication. Whether it replicates comes from DescribeDBInstances (`StatusInfos`:
 * replicating, error, stopped, …); how far behind it is comes only from CloudWatch, the metrics RDS publishes once
 * a minute (aws/cloudwatch-metrics.ts). RDS puts no lag figure in the describe output. On MySQL and MariaDB the
 * replica's `ReplicaLag` reads 0 once it has everything; on PostgreSQL it only grows while the source is fenced,
 * so there "caught up" is read on the source: its `OldestReplicationSlotLag` at 0 bytes.
 */
import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { type DBInstance, DescribeDBInstancesCommand, type RDSClient } from '@aws-sdk/client-rds';
import { type LagDatapoint, RDS_METRIC_PERIOD_MS, replicaLagDatapoints, replicationSlotLagDatapoints, type SlotLagDatapoint } from '../aws/cloudwatch-metrics.js';
import { type AcceptorResult, defineWaiter } from '../aws/waiters/acceptor.js';
import type { RdsResourceParams } from '../aws/waiters/rds-waiters.js';

/** What a replica's status says about replication. */
export type ReplicationState =
  | { state: 'replicating' }
  | { state: 'broken'; message: string }
  | { state: 'standalone' };

/** The replication state of a described DB instance (from its `StatusInfos`, as RDS reports them). */
export function replicationStateOf(db: DBInstance): ReplicationState {
  const source = db.ReadReplicaSourceDBInstanceIdentifier;
  if (source === undefined || source === '') return { state: 'standalone' };
  const info = db.StatusInfos?.find((s) => s.StatusType === 'read replication');
  if (info !== undefined && info.Normal === false) return { state: 'broken', message: info.Message ?? info.Status ?? 'replication error' };
  return { state: 'replicating' };
}

/** Parameters of {@link replicaCaughtUp}. */
export interface ReplicaLagParams extends RdsResourceParams {
  /** Lag that counts as caught up (ms). @default 0 */
  maxLagMs?: number;
  /**
   * Only a minute that began at or after this time counts (epoch ms). A ReplicaLag datapoint is the lag over a
   * whole minute: after a fence, only a minute that began after the fence was in place can show that the
   * replica received every write the fenced source acknowledged. @default 0
   */
  since?: number;
}

/**
 * What the catch-up waiter judges: the replica as RDS describes it, its ReplicaLag datapoints since `since`, and —
 * for a PostgreSQL replica — its source's OldestReplicationSlotLag datapoints since `since`.
 */
export interface ReplicaLagObservation {
  db: DBInstance | undefined;
  datapoints: LagDatapoint[];
  slotLag?: SlotLagDatapoint[];
}

/** Whether `db` replicates with PostgreSQL, whose ReplicaLag cannot say "caught up". */
export const isPostgresReplica = (db: DBInstance | undefined): boolean => db?.Engine === 'postgres';

/** The source of a read replica: its identifier and region (a cross-region source is named by its ARN). */
export function replicaSourceOf(db: DBInstance, replicaRegion: string): { identifier: string; region: string } | undefined {
  const source = db.ReadReplicaSourceDBInstanceIdentifier;
  if (source === undefined || source === '') return undefined;
  const arn = /^arn:[^:]+:rds:([^:]+):[^:]*:db:(.+)$/.exec(source);
  return arn ? { region: arn[1]!, identifier: arn[2]! } : { region: replicaRegion, identifier: source };
}

const clockTime = (ms: number): string => new Date(ms).toISOString().slice(11, 19);
const seconds = (ms: number): string => `${Math.round(ms) / 1000} s`;

/**
 * Acceptor: the newest ReplicaLag datapoint of a minute that began at or after `since` is at most `maxLagMs`
 * (0: the replica has everything its source acknowledged). Replication that has stopped is a RETRY, not a
 * failure: in a graceful failover whose source region has just gone, the operator decides — switching the run to
 * ungraceful skips this wait and promotes what has arrived.
 */
export function replicaCaughtUp(output: ReplicaLagObservation, params: ReplicaLagParams): AcceptorResult {
  const { db } = output;
  if (db === undefined) return { state: 'FAILURE', reason: `DB instance ${params.identifier} not found`, progress: 'not found' };
  const replication = replicationStateOf(db);
  if (replication.state === 'standalone') return { state: 'FAILURE', progress: 'standalone', reason: `${params.identifier} is not a read replica` };
  if (replication.state === 'broken') return { state: 'RETRY', progress: `replication stopped (${replication.message}): switch the run to ungraceful to promote what has arrived` };
  const since = params.since ?? 0;
  const maxLagMs = params.maxLagMs ?? 0;
  if (output.slotLag !== undefined) return postgresCaughtUp(output, since, maxLagMs);
  const newest = output.datapoints.filter((p) => p.at >= since).at(-1);
  if (newest === undefined) {
    const firstMinute = Math.ceil(since / RDS_METRIC_PERIOD_MS) * RDS_METRIC_PERIOD_MS;
    return { state: 'RETRY', progress: `replicating; waiting for the ReplicaLag datapoint of the minute from ${clockTime(firstMinute)} (published once that minute is over)` };
  }
  const seen = `ReplicaLag ${seconds(newest.maxLagMs)} (maximum of the minute from ${clockTime(newest.at)})`;
  return newest.maxLagMs <= maxLagMs ? { state: 'SUCCESS', progress: seen } : { state: 'RETRY', progress: `${seen}; waiting for ≤ ${seconds(maxLagMs)}` };
}

/**
 * PostgreSQL: caught up when the source's OldestReplicationSlotLag read 0 bytes at some moment of a minute that
 * began at or after `since` — the replica had received all the WAL the source wrote, and a promotion replays all it
 * received. Near enough (`maxLagMs` > 0): that, or a ReplicaLag within `maxLagMs` (meaningful while the source is
 * busy). ReplicaLag alone never reads 0 for a minute on PostgreSQL.
 */
function postgresCaughtUp(output: ReplicaLagObservation, since: number, maxLagMs: number): AcceptorResult {
  const slot = (output.slotLag ?? []).filter((p) => p.at >= since).at(-1);
  if (slot !== undefined && slot.minBytes === 0) {
    return { state: 'SUCCESS', progress: `the source's OldestReplicationSlotLag read 0 bytes in the minute from ${clockTime(slot.at)}: the replica has received every write` };
  }
  const lag = output.datapoints.filter((p) => p.at >= since).at(-1);
  if (maxLagMs > 0 && lag !== undefined && lag.maxLagMs <= maxLagMs) {
    return { state: 'SUCCESS', progress: `ReplicaLag ${seconds(lag.maxLagMs)} (maximum of the minute from ${clockTime(lag.at)})` };
  }
  if (slot === undefined) {
    const firstMinute = Math.ceil(since / RDS_METRIC_PERIOD_MS) * RDS_METRIC_PERIOD_MS;
    return { state: 'RETRY', progress: `replicating; waiting for the source's OldestReplicationSlotLag datapoint of the minute from ${clockTime(firstMinute)} (published once that minute is over)` };
  }
  return { state: 'RETRY', progress: `the source's OldestReplicationSlotLag is ${slot.minBytes} bytes (least in the minute from ${clockTime(slot.at)}): the replica has not received everything yet (a stale replica of the same source holds it too)` };
}

/**
 * Replica caught up with its (fenced) source. At least one whole minute after the wait starts, plus the time until
 * the next minute begins: that is how CloudWatch publishes ReplicaLag and OldestReplicationSlotLag.
 */
export const replicaCaughtUpWaiter = defineWaiter({
  service: 'rds',
  command: 'DescribeDBInstances',
  what: (p: ReplicaLagParams) => `replica ${p.identifier} caught up (ReplicaLag ≤ ${(p.maxLagMs ?? 0) / 1000} s; PostgreSQL: its source's OldestReplicationSlotLag at 0 bytes)`,
  resource: (p: ReplicaLagParams) => p.identifier,
  acceptor: replicaCaughtUp,
  expectedMs: 90_000,
});

/**
 * One look for the catch-up waiter: DescribeDBInstances (is it still replicating?), then — only while it is — the
 * ReplicaLag datapoints from `since` to `now`. A describe error (DBInstanceNotFound) is the waiter's to judge.
 */
export async function observeReplicaLag(options: {
  rds: RDSClient;
  cloudWatch: CloudWatchClient;
  /** A CloudWatch client in `region` (a PostgreSQL replica's source region), or undefined when there is none. */
  cloudWatchIn: (region: string) => CloudWatchClient | undefined;
  /** The replica's region. */
  region: string;
  identifier: string;
  since: number;
  now: number;
  signal: AbortSignal | undefined;
}): Promise<ReplicaLagObservation> {
  const { rds, cloudWatch, identifier, since, now, signal } = options;
  const out = await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: identifier }), signal ? { abortSignal: signal } : {});
  const db = out.DBInstances?.[0];
  if (db === undefined || replicationStateOf(db).state !== 'replicating') return { db, datapoints: [] };
  // No datapoint can count before the first whole minute from `since` is over (CloudWatch publishes a minute once it
  // ends): until then the describe alone says whether replication still runs, and GetMetricData is not asked.
  const firstMinuteOver = Math.ceil(since / RDS_METRIC_PERIOD_MS) * RDS_METRIC_PERIOD_MS + RDS_METRIC_PERIOD_MS;
  if (now < firstMinuteOver) return { db, datapoints: [] };
  const datapoints = await replicaLagDatapoints({ cloudWatch, identifier, from: since, to: now, ...(signal ? { signal } : {}) });
  if (!isPostgresReplica(db)) return { db, datapoints };
  const source = replicaSourceOf(db, options.region);
  const sourceCloudWatch = source && options.cloudWatchIn(source.region);
  if (source === undefined || sourceCloudWatch === undefined) return { db, datapoints, slotLag: [] };
  const slotLag = await replicationSlotLagDatapoints({ cloudWatch: sourceCloudWatch, identifier: source.identifier, from: since, to: now, ...(signal ? { signal } : {}) });
  return { db, datapoints, slotLag };
}

/** The describe call the replication waiters poll. */
export function describeInstanceCommand(identifier: string): DescribeDBInstancesCommand {
  return new DescribeDBInstancesCommand({ DBInstanceIdentifier: identifier });
}
