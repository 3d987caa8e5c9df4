/**
 * The standby failback: back to the primary region, leaving the topology as it was before the failover —
 * writer in the primary region, DNS on the primary, the recovery fleet at its standby size, replication from
 * primary to recovery — under the same identifiers. To reuse a name AWS first needs the old instance gone, so
 * the stale former writer (and later the former recovery writer) are deleted with a final snapshot each:
 * `<id>-before-failback-<run>` and `<id>-before-reprotect-<run>` are the only resources left behind.
 */
import type { StepDefinition } from '@firedrill/core';
import { isRunIdPlaceholder } from '../run-id-placeholder.js';
import { promoteReplicaStep, waitDatabaseAvailableStep, waitDatabaseDeletedStep, waitPromotedStep, waitReplicaCaughtUpStep } from '../steps/database-steps.js';
import { type FenceResult, fenceWritersStep, unfenceWritersStep } from '../steps/fence-steps.js';
import { scaleGroupStep, waitGroupInServiceStep, waitGroupScaledInStep } from '../steps/compute-steps.js';
import { restoreGroupSizeStep } from '../steps/group-size-steps.js';
import { switchDnsStep, waitDnsInSyncStep, waitDnsTargetHealthyStep } from '../steps/dns-steps.js';
import { encryptedCopies } from '../steps/encrypted-copies.js';
import { confirmFailedOverStep } from '../steps/failback-precondition-step.js';
import { describeInstanceShapeStep } from '../steps/instance-shape-step.js';
import { createReplicaStep, retireDatabaseStep } from '../steps/replica-steps.js';
import type { StrategyContext } from '../strategy.js';
import { rolesOfKind } from './plan-roles.js';
import { type StandbyKind, type StandbyTopology, standbyCapacity } from './standby-family.js';

/** A short, identifier-safe form of the run id for resource names (RDS identifiers stop at 63 characters). */
export function runSuffix(runId: string): string {
  if (isRunIdPlaceholder(runId)) return '<end of the run id>';
  const safe = runId.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
  return safe.slice(-12).replace(/^-+/, '');
}

/** Options of {@link failbackSteps}. */
export interface StandbyFailbackOptions {
  /** A failback run: its start is the failback's t_disaster. */
  declare?: boolean;
  /** A live drill: the failback follows this step and begins the `failback` phase. */
  after?: string;
  /**
   * A live drill: the id of the `recordGroupSizeStep` that read the recovery fleet's size before the drill. The
   * fleet returns to that size rather than to the plan's standby size.
   */
  recoverySizeRecordedBy?: string;
}

/**
 * The recovery fleet back on standby once users are on the primary: to the plan's standby size, or in a live drill
 * straight to the size it had before the drill — and, then, until that many instances are InService again.
 */
function recoveryBackOnStandbySteps(ctx: StrategyContext, topology: StandbyTopology, kind: StandbyKind, recordedBy: string | undefined): StepDefinition[] {
  const { aws } = ctx;
  const name = topology.compute.recovery.name;
  const dependsOn = ['wait-switch-dns-to-primary-in-sync'];
  const why = 'Users are back on the primary; the recovery fleet returns to its standby size.';
  const back = recordedBy === undefined
    ? scaleGroupStep({ aws, side: 'recovery', name, capacity: standbyCapacity(topology, kind), id: 'scale-recovery-to-standby', dependsOn, compensate: false, why })
    : restoreGroupSizeStep({ aws, side: 'recovery', name, recordedBy, id: 'scale-recovery-to-standby', dependsOn, why: `${why} In a drill, that is the size it had before the drill.` });
  return [
    back,
    waitGroupScaledInStep({ aws, side: 'recovery', name, id: 'wait-recovery-compute-scaled-in', dependsOn: [back.id] }),
    ...(recordedBy === undefined ? [] : [waitGroupInServiceStep({ aws, side: 'recovery', name, id: 'wait-recovery-compute-back-in-service', dependsOn: [back.id] })]),
  ];
}

/**
 * The failback graph. `declare: true` for a failback run (its start is the failback's t_disaster); `after` for a
 * live drill, where it follows the failover and begins the `failback` phase.
 */
export function failbackSteps(ctx: StrategyContext, topology: StandbyTopology, kind: StandbyKind, options: StandbyFailbackOptions): StepDefinition[] {
  const { aws } = ctx;
  const { database: db, compute, dns } = topology;
  const primaryId = db.primary.identifier;
  const recoveryId = db.recovery.identifier;
  const suffix = runSuffix(ctx.runId);
  // The preparation (reverse replication, ~15-25 min) does not interrupt users; the cutover does. So the
  // failback's t_disaster (or the live drill's `failback` phase) starts where writes stop: the fence of the
  // recovery writer. Measured from `begin-failback` instead, the health probe saw users served at once and
  // reported an RTO of 0 whatever the cutover cost.
  const begin: StepDefinition = {
    id: 'begin-failback',
    kind: 'action',
    title: `Begin the failback to ${aws.region('primary')}: prepare reverse replication`,
    why: 'Users stay on the recovery region while the primary region is prepared.',
    dependsOn: ['confirm-failed-over'],
    preview: () => [],
    act: async () => ({ changed: false, note: 'failback started' }),
  };
  const cutover = fenceWritersStep({ aws, side: 'recovery', identifier: recoveryId, id: 'fence-recovery-writers', dependsOn: ['wait-reverse-replica-near'] });
  if (options.declare) cutover.declaresDisaster = true;
  else cutover.beginsPhase = 'failback';
  const groupOf = (stepId: string) => (c: { resultOf<T>(id: string): T | undefined }) => c.resultOf<FenceResult>(stepId)?.parameterGroup || undefined;
  return [
    // 0. Nothing moves unless a failover left the writer in the recovery region: run on a healthy deployment, the
    //    steps below would retire production's writer as "stale".
    confirmFailedOverStep({
      aws, id: 'confirm-failed-over', recoveryIdentifier: recoveryId, primaryIdentifier: primaryId, ...(options.after ? { dependsOn: [options.after] } : {}),
      encryptedCopies: encryptedCopies(rolesOfKind(ctx.plan, 'rds-instance')[0]?.role ?? 'database', db, { primary: `the reverse replica ${primaryId}`, recovery: `the re-protection replica ${recoveryId}` }),
    }),
    begin,
    // 1. The stale former writer must not take writes: after an ungraceful failover it is a standalone writer
    //    again the moment its region returns (clients there still reach it), so this is the first call the
    //    failback makes, before anything else touches AWS. Then it makes way for a replica under its name.
    fenceWritersStep({ aws, side: 'primary', identifier: primaryId, id: 'fence-stale-primary', dependsOn: ['begin-failback'], compensate: false, missingIsFine: true }),
    // Its network, read before it goes: the replica that takes its name (and becomes the primary) is created there.
    describeInstanceShapeStep({ aws, side: 'primary', identifier: primaryId, id: 'read-stale-primary-shape', dependsOn: ['fence-stale-primary'] }),
    retireDatabaseStep({
      aws, side: 'primary', identifier: primaryId, id: 'retire-stale-primary', dependsOn: ['read-stale-primary-shape'],
      finalSnapshotIdentifier: `${primaryId}-before-failback-${suffix}`,
      why: `Its data is stale (the recovery region took writes since); its name is needed for the new replica. The final snapshot keeps it.`,
    }),
    waitDatabaseDeletedStep({ aws, side: 'primary', identifier: primaryId, id: 'wait-stale-primary-deleted', dependsOn: ['retire-stale-primary'] }),
    // 2. Reverse replication: the recovery writer's data flows back to the primary region.
    createReplicaStep({
      aws, side: 'primary', identifier: primaryId, id: 'create-reverse-replica', dependsOn: ['wait-stale-primary-deleted'],
      source: { side: 'recovery', identifier: recoveryId }, parameterGroup: groupOf('fence-stale-primary'), shapeFrom: 'read-stale-primary-shape',
      ...(db.primary.kmsKeyId ? { kmsKeyId: db.primary.kmsKeyId } : {}),
    }),
    waitDatabaseAvailableStep({ aws, side: 'primary', identifier: primaryId, id: 'wait-reverse-replica-available', dependsOn: ['create-reverse-replica'] }),
    waitReplicaCaughtUpStep({ aws, side: 'primary', identifier: primaryId, id: 'wait-reverse-replica-near', dependsOn: ['wait-reverse-replica-available'], maxLagMs: Math.max(5_000, ctx.plan.objectives.rpo) }),
    // 3. Freeze the recovery writer, let the last writes arrive, promote the primary-region copy.
    cutover,
    waitReplicaCaughtUpStep({ aws, side: 'primary', identifier: primaryId, id: 'wait-reverse-replica-caught-up', dependsOn: ['fence-recovery-writers'] }),
    // The copy becomes production's writer: it keeps the backups the plan asks for, or else those the stale primary
    // kept (RDS would promote it with 1 day, silently shortening production's point-in-time recovery).
    promoteReplicaStep({
      aws, side: 'primary', identifier: primaryId, id: 'promote-primary-copy', dependsOn: ['wait-reverse-replica-caught-up'],
      ...(db.backup ? { backupRetentionPeriod: Math.min(35, db.backup.retentionDays) } : { retentionFrom: 'read-stale-primary-shape' }),
    }),
    waitPromotedStep({ aws, side: 'primary', identifier: primaryId, id: 'wait-primary-copy-promoted', dependsOn: ['promote-primary-copy'] }),
    // The copy inherited the group fenced at failover: lift it now that the recovery writer is fenced.
    unfenceWritersStep({ aws, side: 'primary', identifier: primaryId, id: 'unfence-primary-writers', dependsOn: ['wait-primary-copy-promoted'] }),
    // At least the plan's size: a primary fleet already larger (scaled for a peak, or before a drill) keeps it, since
    // every user comes back to it next.
    scaleGroupStep({ aws, side: 'primary', name: compute.primary.name, capacity: compute.primary.capacity, atLeast: true, id: 'scale-primary-compute', dependsOn: ['fence-stale-primary'], compensate: false }),
    waitGroupInServiceStep({ aws, side: 'primary', name: compute.primary.name, id: 'wait-primary-compute-in-service', dependsOn: ['scale-primary-compute'] }),
    // 4. Users back to the primary once Route 53 sees it healthy.
    waitDnsTargetHealthyStep({ aws, record: dns, to: 'primary', id: 'wait-primary-healthy', dependsOn: ['unfence-primary-writers', 'wait-primary-compute-in-service'] }),
    switchDnsStep({ aws, record: dns, to: 'primary', id: 'switch-dns-to-primary', dependsOn: ['wait-primary-healthy'] }),
    waitDnsInSyncStep({ aws, switchStepId: 'switch-dns-to-primary', id: 'wait-switch-dns-to-primary-in-sync', restoresService: true }),
    // 5. The recovery region back on standby, protected by a fresh replica under the old name.
    ...recoveryBackOnStandbySteps(ctx, topology, kind, options.recoverySizeRecordedBy),
    describeInstanceShapeStep({ aws, side: 'recovery', identifier: recoveryId, id: 'read-recovery-writer-shape', dependsOn: ['wait-switch-dns-to-primary-in-sync'] }),
    retireDatabaseStep({
      aws, side: 'recovery', identifier: recoveryId, id: 'retire-former-recovery-writer', dependsOn: ['read-recovery-writer-shape'],
      finalSnapshotIdentifier: `${recoveryId}-before-reprotect-${suffix}`,
      why: 'It is fenced and no longer the writer; its name is needed for the new replica. The final snapshot keeps it.',
    }),
    waitDatabaseDeletedStep({ aws, side: 'recovery', identifier: recoveryId, id: 'wait-former-recovery-writer-deleted', dependsOn: ['retire-former-recovery-writer'] }),
    createReplicaStep({
      aws, side: 'recovery', identifier: recoveryId, id: 'reprotect-with-recovery-replica', dependsOn: ['wait-former-recovery-writer-deleted'],
      source: { side: 'primary', identifier: primaryId }, parameterGroup: groupOf('fence-recovery-writers'), compensate: false, shapeFrom: 'read-recovery-writer-shape',
      ...(db.recovery.kmsKeyId ? { kmsKeyId: db.recovery.kmsKeyId } : {}),
    }),
    waitDatabaseAvailableStep({ aws, side: 'recovery', identifier: recoveryId, id: 'wait-recovery-replica-available', dependsOn: ['reprotect-with-recovery-replica'] }),
    // The recovery group was fenced in step 3: a future failover must promote a replica that accepts writes.
    unfenceWritersStep({ aws, side: 'recovery', identifier: recoveryId, id: 'unfence-recovery-group', dependsOn: ['wait-recovery-replica-available'] }),
  ];
}
