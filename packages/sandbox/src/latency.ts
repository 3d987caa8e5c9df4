import type { SeededRandom } from './random.js';

/** A latency: a fixed number of ms, or a `[min, max]` range sampled with the world's seeded PRNG. */
export type LatencySpec = number | readonly [min: number, max: number];

const SECOND = 1_000;
const MINUTE = 60_000;

/**
 * Default durations of the simulated operations. Sources are `/work/shared/aws-facts.md` (which cites the
 * AWS documentation); where AWS publishes no figure the comment says so and gives the reasoning.
 */
export const DEFAULT_LATENCIES = {
  /** Round trip of one API call. No AWS figure; typical control-plane latency seen from a client. */
  'api.call': [50, 150],
  /** How long a client waits before a call to a region in outage fails (a connect timeout). */
  'api.connectTimeout': 5 * SECOND,

  /** aws-facts: "RDS read replica promotion — several minutes or longer (reboots first)" (USER_ReadRepl.Promote). */
  'rds.promoteReadReplica': [3 * MINUTE, 6 * MINUTE],
  /** No AWS figure for creating a replica; it starts from a snapshot of the source, so like a restore. */
  'rds.createDBInstanceReadReplica': [8 * MINUTE, 15 * MINUTE],
  /** No AWS figure; a new instance provisions in about ten minutes in practice. */
  'rds.createDBInstance': [6 * MINUTE, 12 * MINUTE],
  /** aws-facts: "RDS Multi-AZ instance failover 60–120 s" (RDS User Guide, Multi-AZ failover). */
  'rds.rebootForceFailover': [60 * SECOND, 120 * SECOND],
  /** No AWS figure for a plain reboot; about a minute for an engine restart. */
  'rds.rebootDBInstance': [30 * SECOND, 90 * SECOND],
  /** No AWS figure for a class change; minutes (it replaces the host, with a failover when Multi-AZ). */
  'rds.modifyDBInstanceClass': [4 * MINUTE, 8 * MINUTE],
  /** No AWS figure for a setting-only modification (backup retention): seconds. */
  'rds.modifyDBInstance': [10 * SECOND, 30 * SECOND],
  /** No AWS figure; deletes take minutes. */
  'rds.deleteDBInstance': [2 * MINUTE, 5 * MINUTE],
  /** No AWS figure; stop and start take minutes. */
  'rds.stopDBInstance': [1 * MINUTE, 3 * MINUTE],
  'rds.startDBInstance': [3 * MINUTE, 6 * MINUTE],
  /** No AWS figure; snapshots of small databases take minutes. */
  'rds.createDBSnapshot': [2 * MINUTE, 6 * MINUTE],
  /** No AWS figure; a cross-region copy moves the data over the AWS backbone: minutes to tens of minutes. */
  'rds.copyDBSnapshot': [10 * MINUTE, 20 * MINUTE],
  /** aws-facts: "RDS restore from snapshot — no AWS figure; minutes to tens of minutes with size". */
  'rds.restoreDBInstanceFromDBSnapshot': [10 * MINUTE, 20 * MINUTE],
  /** aws-facts: "Aurora failover inside a region (reader promoted) < 60 s, often < 30 s" (Aurora User Guide, HA). */
  'rds.failoverDBCluster': [15 * SECOND, 30 * SECOND],
  'rds.createDBClusterSnapshot': [2 * MINUTE, 5 * MINUTE],
  'rds.copyDBClusterSnapshot': [10 * MINUTE, 20 * MINUTE],
  'rds.restoreDBClusterFromSnapshot': [10 * MINUTE, 20 * MINUTE],
  'rds.deleteDBCluster': [2 * MINUTE, 5 * MINUTE],
  /** aws-facts: "Aurora Global Database failover / switchover — minutes" (FailoverGlobalCluster API reference). */
  'rds.failoverGlobalCluster': [1 * MINUTE, 3 * MINUTE],
  'rds.switchoverGlobalCluster': [1 * MINUTE, 3 * MINUTE],
  /** Replication lag of a cross-region RDS read replica: "a few seconds" (no AWS figure; ReplicaLag metric). */
  'rds.replicaLag': [1 * SECOND, 3 * SECOND],
  /** aws-facts: "Aurora global replication lag typically < 1 s" (Aurora Global Database docs). */
  'rds.globalReplicaLag': [200, 900],

  /** aws-facts: "EC2 RunInstances → running: no AWS figure; measured ~5–17 s pending → running". */
  'ec2.runInstances': [5 * SECOND, 17 * SECOND],
  'ec2.startInstances': [5 * SECOND, 17 * SECOND],
  /** No AWS figure; stopping and terminating take tens of seconds. */
  'ec2.stopInstances': [20 * SECOND, 60 * SECOND],
  'ec2.terminateInstances': [20 * SECOND, 60 * SECOND],
  /** No AWS figure; an AMI copy is a snapshot copy: minutes. */
  'ec2.copyImage': [5 * MINUTE, 15 * MINUTE],
  'ec2.createSnapshot': [2 * MINUTE, 10 * MINUTE],
  'ec2.copySnapshot': [5 * MINUTE, 15 * MINUTE],

  /**
   * aws-facts: "Auto Scaling scale-out → InService: no AWS figure: launch + boot + lifecycle hooks +
   * health-check grace". 90–180 s covers boot (~17 s) plus a typical grace period.
   */
  'autoscaling.instanceInService': [90 * SECOND, 180 * SECOND],
  /** No AWS figure: deregistration plus instance termination. */
  'autoscaling.instanceTerminated': [30 * SECOND, 90 * SECOND],

  /** aws-facts: "Route 53 change to INSYNC within 60 s" (Route 53 FAQ; GetChange API). */
  'route53.changeInSync': [30 * SECOND, 60 * SECOND],

  /** S3 Replication Time Control replicates 99.99% of objects within 15 minutes; most take seconds. */
  's3.replication': [2 * SECOND, 15 * SECOND],
} as const satisfies Record<string, LatencySpec>;

/** Name of a configurable latency, e.g. `'rds.promoteReadReplica'`. */
export type LatencyKey = keyof typeof DEFAULT_LATENCIES;

/** Per-operation overrides of {@link DEFAULT_LATENCIES}. */
export type LatencyOverrides = Partial<Record<LatencyKey, LatencySpec>>;

/** Checks an override table once, so a typo is a `TypeError` at construction, not a surprise later. */
export function validateLatencies(overrides: Record<string, unknown>): LatencyOverrides {
  for (const [key, spec] of Object.entries(overrides)) {
    if (!(key in DEFAULT_LATENCIES)) {
      throw new TypeError(`latencies: unknown operation '${key}'. Known: ${Object.keys(DEFAULT_LATENCIES).join(', ')}`);
    }
    const ok =
      (typeof spec === 'number' && spec >= 0) ||
      (Array.isArray(spec) && spec.length === 2 && spec.every((n) => typeof n === 'number' && n >= 0) && spec[0] <= spec[1]);
    if (!ok) throw new TypeError(`latencies['${key}']: expected ms ≥ 0 or [min, max], got ${JSON.stringify(spec)}`);
  }
  return overrides as LatencyOverrides;
}

/** Samples the latency of `key`, honouring overrides; consumes the PRNG only for ranges. */
export function sampleLatency(key: LatencyKey, overrides: LatencyOverrides, random: SeededRandom): number {
  const spec: LatencySpec = overrides[key] ?? DEFAULT_LATENCIES[key];
  return typeof spec === 'number' ? spec : random.between(spec[0], spec[1]);
}
