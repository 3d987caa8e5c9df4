import type { WaiterDefinition } from './acceptor.js';
import { groupInServiceWaiter, groupScaledInWaiter } from './auto-scaling-waiters.js';
import {
  imageAvailableWaiter,
  instancesRunningWaiter,
  instancesStoppedWaiter,
  instancesTerminatedWaiter,
  snapshotsCompletedWaiter,
} from './ec2-waiters.js';
import {
  dbClusterAvailableWaiter,
  dbClusterFailoverCompleteWaiter,
  dbInstanceAvailableWaiter,
  dbInstanceDeletedWaiter,
  dbInstancePromotedWaiter,
  dbSnapshotAvailableWaiter,
  dbSnapshotDeletedWaiter,
  globalClusterWriterMovedWaiter,
} from './rds-waiters.js';
import { changeInSyncWaiter, healthCheckHealthyWaiter } from './route53-waiters.js';
import { objectReplicatedWaiter } from './s3-waiters.js';

/**
 * Every waiter, by name. Steps refer to waiters by these names (so a plan, a journal or a paper runbook can name
 * them), and `waitFor` infers the describe output and parameter types from the name.
 */
export const waiters = {
  dbInstanceAvailable: dbInstanceAvailableWaiter,
  dbInstancePromoted: dbInstancePromotedWaiter,
  dbInstanceDeleted: dbInstanceDeletedWaiter,
  dbSnapshotAvailable: dbSnapshotAvailableWaiter,
  dbSnapshotDeleted: dbSnapshotDeletedWaiter,
  dbClusterAvailable: dbClusterAvailableWaiter,
  dbClusterFailoverComplete: dbClusterFailoverCompleteWaiter,
  globalClusterWriterMoved: globalClusterWriterMovedWaiter,
  instancesRunning: instancesRunningWaiter,
  instancesStopped: instancesStoppedWaiter,
  instancesTerminated: instancesTerminatedWaiter,
  imageAvailable: imageAvailableWaiter,
  snapshotsCompleted: snapshotsCompletedWaiter,
  groupInService: groupInServiceWaiter,
  groupScaledIn: groupScaledInWaiter,
  changeInSync: changeInSyncWaiter,
  healthCheckHealthy: healthCheckHealthyWaiter,
  objectReplicated: objectReplicatedWaiter,
} as const;

/** The name of a registered waiter. */
export type WaiterName = keyof typeof waiters;

/** The describe output a waiter judges. */
export type WaiterOutput<N extends WaiterName> = (typeof waiters)[N] extends WaiterDefinition<infer O, infer _P> ? O : never;

/** The parameters a waiter needs. */
export type WaiterParams<N extends WaiterName> = (typeof waiters)[N] extends WaiterDefinition<infer _O, infer P> ? P : never;
