/**
 * Reading a read replica's lag. RDS publishes ReplicaLag as a CloudWatch metric; the sandbox (and this reader)
 * take it from the replica's `StatusInfos` ("Replica lag <ms> ms"), which keeps the check to one RDS call.
 */
import { type DBInstance, DescribeDBInstancesCommand } from '@aws-sdk/client-rds';
import { type AcceptorResult, defineWaiter } from '../aws/waiters/acceptor.js';
import type { DbInstancesOutput, RdsResourceParams } from '../aws/waiters/rds-waiters.js';

/** What a replica's status says about replication. */
export type ReplicationState =
  | { state: 'replicating'; lagMs: number | undefined }
  | { state: 'broken'; message: string }
  | { state: 'standalone' };

/** The replication state of a described DB instance. */
export function replicationStateOf(db: DBInstance): ReplicationState {
  const source = db.ReadReplicaSourceDBInstanceIdentifier;
  if (source === undefined || source === '') return { state: 'standalone' };
  const info = db.StatusInfos?.find((s) => s.StatusType === 'read replication');
  if (info !== undefined && info.Normal === false) return { state: 'broken', message: info.Message ?? info.Status ?? 'replication error' };
  // The lag may carry a fraction ("Replica lag 321.5 ms"): an integer-only pattern read it as "unknown" and a
  // wait for "lag ≤ threshold" then never ended.
  const match = /Replica lag (\d+(?:\.\d+)?) ms/.exec(info?.Message ?? '');
  return { state: 'replicating', lagMs: match ? Number(match[1]) : undefined };
}

/** Parameters of {@link replicaCaughtUp}. */
export interface ReplicaLagParams extends RdsResourceParams {
  /** Lag that counts as caught up (ms). @default 0 */
  maxLagMs?: number;
}

/** Acceptor: the replica's lag is at most `maxLagMs` (0: it has everything its source acknowledged). */
export function replicaCaughtUp(output: DbInstancesOutput, params: ReplicaLagParams): AcceptorResult {
  const db = output.DBInstances?.[0];
  if (db === undefined) return { state: 'FAILURE', reason: `DB instance ${params.identifier} not found`, progress: 'not found' };
  const replication = replicationStateOf(db);
  if (replication.state === 'standalone') return { state: 'FAILURE', progress: 'standalone', reason: `${params.identifier} is not a read replica` };
  // Not a failure: in a graceful failover whose source region has just gone, the operator decides — switching
  // the run to ungraceful skips this wait and promotes what has arrived.
  if (replication.state === 'broken') return { state: 'RETRY', progress: `replication stopped (${replication.message}): switch the run to ungraceful to promote what has arrived` };
  if (replication.lagMs !== undefined && replication.lagMs <= (params.maxLagMs ?? 0)) return { state: 'SUCCESS', progress: `lag ${replication.lagMs} ms` };
  return { state: 'RETRY', progress: replication.lagMs === undefined ? 'lag unknown' : `lag ${replication.lagMs} ms` };
}

/** Replica caught up with its (fenced) source: expected within seconds once writes stop. */
export const replicaCaughtUpWaiter = defineWaiter({
  service: 'rds',
  command: 'DescribeDBInstances',
  what: (p: ReplicaLagParams) => `replica ${p.identifier} caught up (lag ≤ ${p.maxLagMs ?? 0} ms)`,
  resource: (p: ReplicaLagParams) => p.identifier,
  acceptor: replicaCaughtUp,
  expectedMs: 5_000,
});

/** The describe call the replication waiters poll. */
export function describeInstanceCommand(identifier: string): DescribeDBInstancesCommand {
  return new DescribeDBInstancesCommand({ DBInstanceIdentifier: identifier });
}
