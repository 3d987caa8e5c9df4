/**
 * Replica lag as RPO evidence for runs without a heartbeat probe: the newest CloudWatch ReplicaLag datapoint seen
 * just before the replica's data is taken (promoted, or snapshotted for an isolated drill).
 */
import type { CallPreview, RpoEvidence, StepContext } from '@firedrill/core';
import { replicaLagDatapoints } from '../aws/cloudwatch-metrics.js';
import type { AwsEnvironment, Side } from '../aws-environment.js';
import { previewCall } from './aws-step-options.js';

/** How far back to look for a datapoint: a few minutes of outage still leave the last one before it. */
const LAG_EVIDENCE_WINDOW_MS = 15 * 60_000;

/** The GetMetricData call that reads a replica's ReplicaLag, for previews and `firedrill iam-policy`. */
export function lagMetricPreview(aws: AwsEnvironment, side: Side, identifier: string): CallPreview {
  return metricPreview(aws.region(side), 'ReplicaLag', identifier, 'Maximum');
}

/** The GetMetricData call that reads a PostgreSQL replica's source's OldestReplicationSlotLag (on `sourceSide`). */
export function slotLagMetricPreview(aws: AwsEnvironment, sourceSide: Side, replicaIdentifier: string): CallPreview {
  return metricPreview(aws.region(sourceSide), 'OldestReplicationSlotLag', `<source of ${replicaIdentifier}>`, 'Minimum');
}

/** A GetMetricData call as it is sent: one query, the window filled in when it runs. */
function metricPreview(region: string, metricName: string, identifier: string, stat: 'Maximum' | 'Minimum'): CallPreview {
  return previewCall('cloudWatch', region, 'GetMetricData', {
    StartTime: '<when the wait began>', EndTime: '<now>', ScanBy: 'TimestampAscending',
    MetricDataQueries: [{ Id: 'lag', MetricStat: { Metric: { Namespace: 'AWS/RDS', MetricName: metricName, Dimensions: [{ Name: 'DBInstanceIdentifier', Value: identifier }] }, Period: 60, Stat: stat } }],
  });
}

/** What {@link replicaLagEvidence} found: the evidence, if any, and a line for the journal. */
export interface ReplicaLagEvidence {
  evidence: RpoEvidence | undefined;
  /** Logged by the caller once its own call has landed, so a step's first journal line still marks that moment. */
  log: string;
}

/**
 * The newest ReplicaLag datapoint of the last 15 minutes as RPO evidence (`evidence` undefined when there is none:
 * an unreadable metric is no reason not to go on). It is the weakest RPO evidence: the maximum over a minute that
 * ended before the data was taken (older still when the source region went down and publishing stopped), not a
 * count of the writes that reached the replica — a heartbeat probe measures that.
 *
 * @example
 * const { evidence, log } = await replicaLagEvidence({ aws, side: 'recovery', identifier: 'tracking-db-replica', ctx, before: 'promotion' });
 */
export async function replicaLagEvidence(options: { aws: AwsEnvironment; side: Side; identifier: string; ctx: StepContext; before: 'promotion' | 'snapshot' }): Promise<ReplicaLagEvidence> {
  const { aws, side, identifier, ctx, before } = options;
  const now = ctx.clock.now();
  const points = await replicaLagDatapoints({ cloudWatch: aws.clients(side).cloudWatch, identifier, from: now - LAG_EVIDENCE_WINDOW_MS, to: now, signal: ctx.signal }).catch(() => []);
  const newest = points.at(-1);
  if (newest === undefined) {
    return { evidence: undefined, log: `no ReplicaLag datapoint for ${identifier} in the ${LAG_EVIDENCE_WINDOW_MS / 60_000} minutes before the ${before}: no replica-lag RPO evidence` };
  }
  const minute = new Date(newest.at).toISOString().slice(11, 16);
  const note = `newest CloudWatch ReplicaLag datapoint before the ${before} (maximum of the minute from ${minute} UTC): the weakest RPO evidence, a one-minute figure published after the minute, not a count of the writes that reached the replica`;
  return { evidence: { source: 'replica-lag', lagMs: newest.maxLagMs, note }, log: `replica lag ${newest.maxLagMs / 1000} s: ${note}` };
}
