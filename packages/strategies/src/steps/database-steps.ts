/**
 * Database building blocks for cross-region replicas: wait for a replica to catch up, promote it, wait until it
 * is a standalone writer, resize it, and wait for an instance to be available or gone. Fencing is in
 * fence-steps.ts; creating and retiring replicas in replica-steps.ts.
 */
import { DescribeDBInstancesCommand } from '@aws-sdk/client-rds';
import type { ActionStep, RpoEvidence, StepContext, WaitStep } from '@firedrill/core';
import type { ActionOutcome } from '../aws/aws-call.js';
import { describeDbInstance, modifyDbInstance, promoteReadReplica } from '../aws/rds-instances.js';
import { waiters } from '../aws/waiters/waiter-registry.js';
import type { AwsEnvironment, Side } from '../aws-environment.js';
import { type AwsStepOptions, journaled, previewCall, regionLabel } from './aws-step-options.js';
import { type AwsWaitResult, awsWaitStep, waitPolicy } from './aws-wait-step.js';
import type { InstanceShape } from './instance-shape-step.js';
import { lagMetricPreview, replicaLagEvidence, slotLagMetricPreview } from './replica-lag-evidence.js';
import { observeReplicaLag, type ReplicaLagParams, replicaCaughtUpWaiter } from './replication-lag.js';

/** Options naming one DB instance on one side. */
export interface DatabaseStepOptions extends AwsStepOptions {
  side: Side;
  identifier: string;
  modes?: readonly ('graceful' | 'ungraceful')[];
}

const describeOn = (aws: AwsEnvironment, side: Side, identifier: string) => (signal: AbortSignal | undefined) =>
  aws.clients(side).rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: identifier }), signal ? { abortSignal: signal } : {});

const describePreview = (aws: AwsEnvironment, side: Side, identifier: string) => previewCall('rds', aws.region(side), 'DescribeDBInstances', { DBInstanceIdentifier: identifier });


/**
 * Waits until a replica has received everything its source acknowledged: CloudWatch's ReplicaLag reads 0 (or at
 * most `maxLagMs`) for a minute that began after the wait started. In a graceful failover this runs after the
 * fence, so such a minute began with the source fenced: once it succeeds, promoting loses nothing. Expect one to
 * two minutes (the metric is per minute and published once the minute is over). While replication has stopped
 * (the source region is gone) it keeps waiting and says so — switch the run to ungraceful then.
 *
 * @example
 * waitReplicaCaughtUpStep({ aws, side: 'recovery', identifier: 'tracking-db-replica', dependsOn: ['fence-primary-writers'], modes: ['graceful'] });
 */
export function waitReplicaCaughtUpStep(options: DatabaseStepOptions & { maxLagMs?: number }): WaitStep<AwsWaitResult> {
  const { aws, side, identifier } = options;
  const maxLagMs = options.maxLagMs ?? 0;
  return awsWaitStep({
    aws, side, id: options.id ?? 'wait-replica-caught-up',
    title: `Wait until ${identifier} in ${regionLabel(aws, side)} has caught up (replica lag ${maxLagMs === 0 ? '0' : `≤ ${maxLagMs / 1000} s`})`,
    why: 'Promoting a replica that has every acknowledged write gives an RPO of zero.',
    ...(options.dependsOn ? { dependsOn: options.dependsOn } : {}),
    ...(options.modes ? { modes: options.modes } : {}),
    policy: waitPolicy('10m', options.policy),
    definition: replicaCaughtUpWaiter,
    // `since` is when this execution of the wait began: it runs after its dependencies (the fence), so a minute
    // that begins at or after it began after the fence. A retried or resumed wait takes a later time: still safe.
    params: (ctx): ReplicaLagParams => ({ identifier, maxLagMs, since: ctx.clock.now() }),
    describe: (ctx, signal, params) =>
      observeReplicaLag({
        rds: aws.clients(side).rds, cloudWatch: aws.clients(side).cloudWatch, cloudWatchIn: (region) => cloudWatchIn(aws, region), region: aws.region(side),
        identifier, since: params.since ?? 0, now: ctx.clock.now(), signal,
      }),
    preview: () => [describePreview(aws, side, identifier), lagMetricPreview(aws, side, identifier), slotLagMetricPreview(aws, side === 'primary' ? 'recovery' : 'primary', identifier)],
    verifyByHand:
      `MySQL, MariaDB: CloudWatch ReplicaLag of ${identifier} in ${aws.region(side)} reads 0. ` +
      `PostgreSQL (its ReplicaLag grows while the source is fenced): the source's OldestReplicationSlotLag in ${aws.region(side === 'primary' ? 'recovery' : 'primary')} reads 0 bytes.`,
  });
}

/** The CloudWatch client of the side whose region is `region` (the source of a replica lives on the other side). */
function cloudWatchIn(aws: AwsEnvironment, region: string) {
  const side = (['primary', 'recovery'] as const).find((s) => aws.region(s) === region);
  return side === undefined ? undefined : aws.clients(side).cloudWatch;
}

/** What {@link promoteReplicaStep} returns: the adapter's outcome and the lag seen just before promoting. */
export interface PromoteResult extends ActionOutcome {
  rpoEvidence?: RpoEvidence;
}

/**
 * Promotes a read replica to a standalone writer (`promotesData`: heartbeats stop before it starts). Returns the
 * replica lag seen just before promotion as RPO evidence for runs without a heartbeat probe. Check-then-act: an
 * instance already standalone is left alone. There is no undo: a promoted replica cannot become a replica again.
 *
 * @example
 * promoteReplicaStep({ aws, side: 'recovery', identifier: 'tracking-db-replica', dependsOn: ['wait-replica-caught-up'] });
 */
export function promoteReplicaStep(options: DatabaseStepOptions & {
  /** Days of automated backups the new writer keeps. Unset, RDS promotes with its default (1 day). */
  backupRetentionPeriod?: number;
  /**
   * A step whose {@link InstanceShape} result holds the retention to keep when `backupRetentionPeriod` is unset: a
   * failback promotes the copy that replaces production's writer, which must keep the backups production kept.
   */
  retentionFrom?: string;
}): ActionStep<PromoteResult> {
  const { aws, side, identifier } = options;
  const retentionOf = (ctx: Pick<StepContext, 'resultOf'>): number | undefined =>
    options.backupRetentionPeriod ?? (options.retentionFrom ? ctx.resultOf<InstanceShape>(options.retentionFrom)?.backupRetentionPeriod : undefined);
  return {
    id: options.id ?? 'promote-replica',
    kind: 'action',
    title: `Promote ${identifier} in ${regionLabel(aws, side)} to a standalone writer`,
    why: 'The replica becomes the database of record; the application writes to it from now on.',
    promotesData: true,
    ...(options.dependsOn ? { dependsOn: options.dependsOn } : {}),
    ...(options.modes ? { modes: options.modes } : {}),
    policy: options.policy ?? { retry: { maximumAttempts: 5, nonRetryable: ['DBInstanceNotFound', 'AccessDenied', 'AccessDeniedException'] } },
    preview: () => [
      describePreview(aws, side, identifier),
      lagMetricPreview(aws, side, identifier),
      previewCall('rds', aws.region(side), 'PromoteReadReplica', {
        DBInstanceIdentifier: identifier,
        ...(options.backupRetentionPeriod !== undefined ? { BackupRetentionPeriod: options.backupRetentionPeriod }
          : options.retentionFrom ? { BackupRetentionPeriod: `<days of backups of the instance ${options.retentionFrom} read>` } : {}),
      }),
    ],
    verifyByHand: `aws rds describe-db-instances --region ${aws.region(side)} --db-instance-identifier ${identifier}: no ReadReplicaSourceDBInstanceIdentifier, status available.`,
    undoByHand: 'None: a promoted replica stays standalone. Fail back with `firedrill failback` (reverse replication).',
    check: async (ctx) => {
      const db = await describeDbInstance({ rds: aws.clients(side).rds, identifier, signal: ctx.signal });
      return db !== undefined && db.readReplicaSource === undefined
        ? { applied: true, result: { changed: false, note: `${identifier} is already standalone (${db.status})` } }
        : { applied: false };
    },
    act: async (ctx) => promoteWithEvidence(aws, side, identifier, retentionOf(ctx), ctx),
  };
}

async function promoteWithEvidence(aws: AwsEnvironment, side: Side, identifier: string, retention: number | undefined, ctx: StepContext): Promise<PromoteResult> {
  const rds = aws.clients(side).rds;
  // Read before promoting (a promoted replica publishes no ReplicaLag), logged after: the step's first journal line
  // stays "the promotion landed", which a resumed run relies on.
  const { evidence, log } = await replicaLagEvidence({ aws, side, identifier, ctx, before: 'promotion' });
  const outcome = journaled(ctx, await promoteReadReplica({ rds, identifier, signal: ctx.signal, ...(retention === undefined ? {} : { backupRetentionPeriod: retention }) }));
  ctx.log(log);
  return evidence === undefined ? outcome : { ...outcome, rpoEvidence: evidence };
}

/**
 * Waits until a promoted replica is standalone and available (it reboots during promotion; RDS says "several
 * minutes or longer").
 *
 * @example
 * waitPromotedStep({ aws, side: 'recovery', identifier: 'tracking-db-replica', dependsOn: ['promote-replica'] });
 */
export function waitPromotedStep(options: DatabaseStepOptions): WaitStep<AwsWaitResult> {
  const { aws, side, identifier } = options;
  return awsWaitStep({
    aws, side, id: options.id ?? 'wait-replica-promoted',
    title: `Wait until ${identifier} in ${regionLabel(aws, side)} is a standalone, available writer`,
    why: 'The application can write only once the promotion (and its reboot) has finished.',
    ...(options.dependsOn ? { dependsOn: options.dependsOn } : {}),
    ...(options.modes ? { modes: options.modes } : {}),
    policy: waitPolicy('30m', options.policy),
    definition: waiters.dbInstancePromoted,
    params: { identifier },
    describe: (_ctx, signal) => describeOn(aws, side, identifier)(signal),
    preview: () => [describePreview(aws, side, identifier)],
    verifyByHand: `The console shows ${identifier} in ${aws.region(side)} as "Primary", status Available.`,
  });
}

/**
 * Resizes an instance (a replica kept small to save money gets the production class once promoted). Runs off
 * the critical path: a `modifying` instance still accepts writes.
 *
 * @example
 * resizeDatabaseStep({ aws, side: 'recovery', identifier: 'tracking-db-replica', instanceClass: 'db.r6g.2xlarge', dependsOn: ['wait-replica-promoted'] });
 */
export function resizeDatabaseStep(options: DatabaseStepOptions & { instanceClass: string }): ActionStep<ActionOutcome> {
  const { aws, side, identifier, instanceClass } = options;
  return {
    id: options.id ?? 'resize-database',
    kind: 'action',
    title: `Resize ${identifier} in ${regionLabel(aws, side)} to ${instanceClass}`,
    why: 'The recovery database must carry production load.',
    ...(options.dependsOn ? { dependsOn: options.dependsOn } : {}),
    ...(options.policy ? { policy: options.policy } : {}),
    preview: () => [
      describePreview(aws, side, identifier),
      previewCall('rds', aws.region(side), 'ModifyDBInstance', { DBInstanceIdentifier: identifier, DBInstanceClass: instanceClass, ApplyImmediately: true }),
    ],
    verifyByHand: `${identifier} shows class ${instanceClass} once its status is back to available.`,
    undoByHand: `Modify ${identifier} back to its previous class (apply immediately).`,
    check: async (ctx) => {
      const db = await describeDbInstance({ rds: aws.clients(side).rds, identifier, signal: ctx.signal });
      return db?.instanceClass === instanceClass ? { applied: true, result: { changed: false, note: `${identifier} is already ${instanceClass}` } } : { applied: false };
    },
    act: async (ctx) => journaled(ctx, await modifyDbInstance({ rds: aws.clients(side).rds, identifier, instanceClass, applyImmediately: true, signal: ctx.signal })),
  };
}

/**
 * Waits until an instance is `available` (a new replica, a restored copy, a resize).
 *
 * @example
 * waitDatabaseAvailableStep({ aws, side: 'primary', identifier: 'tracking-db', id: 'wait-reverse-replica', dependsOn: ['create-reverse-replica'] });
 */
export function waitDatabaseAvailableStep(options: DatabaseStepOptions & { title?: string }): WaitStep<AwsWaitResult> {
  const { aws, side, identifier } = options;
  return awsWaitStep({
    aws, side, id: options.id ?? `wait-${identifier}-available`,
    title: options.title ?? `Wait until ${identifier} in ${regionLabel(aws, side)} is available`,
    ...(options.dependsOn ? { dependsOn: options.dependsOn } : {}),
    policy: waitPolicy('60m', options.policy),
    definition: waiters.dbInstanceAvailable,
    params: { identifier },
    describe: (_ctx, signal) => describeOn(aws, side, identifier)(signal),
    // Right after a create, RDS may not list the instance for a moment.
    notFoundGraceMs: 60_000,
    preview: () => [describePreview(aws, side, identifier)],
  });
}

/**
 * Waits until an instance is gone (`DBInstanceNotFound` is the success).
 *
 * @example
 * waitDatabaseDeletedStep({ aws, side: 'recovery', identifier: 'tracking-db-drill-abc123', dependsOn: ['delete-drill-database'] });
 */
export function waitDatabaseDeletedStep(options: DatabaseStepOptions & { title?: string }): WaitStep<AwsWaitResult> {
  const { aws, side, identifier } = options;
  return awsWaitStep({
    aws, side, id: options.id ?? `wait-${identifier}-deleted`,
    title: options.title ?? `Wait until ${identifier} in ${regionLabel(aws, side)} is deleted`,
    ...(options.dependsOn ? { dependsOn: options.dependsOn } : {}),
    policy: waitPolicy('60m', options.policy),
    definition: waiters.dbInstanceDeleted,
    params: { identifier },
    describe: (_ctx, signal) => describeOn(aws, side, identifier)(signal),
    preview: () => [describePreview(aws, side, identifier)],
  });
}
