/**
 * The replication-lag finding of a readiness check: the largest lag CloudWatch published over the last five
 * minutes against the RPO objective. A failover loses about the lag at the moment of the disaster, so the worst
 * recent minute, not the newest one, says whether the objective holds.
 */
import { type LagDatapoint, maxLagOf } from '../aws/cloudwatch-metrics.js';
import type { Finding } from '../strategy.js';

/** The window the lag is judged over (ms). */
export const LAG_WINDOW_MS = 5 * 60_000;

/** pass (max lag within the RPO objective), fail (over it), or warn when CloudWatch has no datapoint to judge. */
export function lagFinding(options: { points: readonly LagDatapoint[]; rpoMs: number; resource: string; region: string; metric: 'ReplicaLag' | 'AuroraGlobalDBReplicationLag'; lagged: string; note?: string }): Finding {
  const { points, rpoMs, resource, region, metric, lagged } = options;
  // Seconds, as the objective is usually written for replication (60 s, not 1m).
  const rpo = `${rpoMs / 1000} s`;
  const lag = maxLagOf(points);
  if (lag === undefined) {
    return { status: 'warn', check: 'replication-lag', resource, region, message: `no datapoints: CloudWatch has no ${metric} for the last 5 minutes, so the ${lagged} cannot be compared with the RPO objective of ${rpo}`, action: `check in CloudWatch (AWS/RDS ${metric}, ${region}) that the metric is published; a replica created less than two minutes ago has none yet` };
  }
  const seen = `${lagged} up to ${lag / 1000} s over the last 5 minutes (CloudWatch ${metric}, ${points.length} datapoint${points.length === 1 ? '' : 's'}${options.note ? `; ${options.note}` : ''})`;
  return lag > rpoMs
    ? { status: 'fail', check: 'replication-lag', resource, region, message: `${seen} is over the RPO objective of ${rpo}`, action: 'find what slows replication (write bursts, replica class, network) or revisit the objective' }
    : { status: 'pass', check: 'replication-lag', resource, region, message: `${seen}, within the RPO objective of ${rpo}` };
}
