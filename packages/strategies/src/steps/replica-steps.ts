/**
 * Replica lifecycle building blocks: create a cross-region read replica (reverse replication for a failback,
 * re-protection after it) and retire a database (delete it, keeping a final snapshot unless it is a drill copy).
 */
import { CreateDBInstanceReadReplicaCommand } from '@aws-sdk/client-rds';
import { type ActionStep, StepFailure, type StepContext } from '@firedrill/core';
import { type ActionOutcome, callAws, sendOptions, toAwsTags } from '../aws/aws-call.js';
import { deleteDbInstance, describeDbInstance } from '../aws/rds-instances.js';
import type { AwsEnvironment, Side } from '../aws-environment.js';
import { type AwsStepOptions, journaled, previewCall, regionLabel } from './aws-step-options.js';
import type { InstanceShape } from './instance-shape-step.js';

/** Options of {@link createReplicaStep}. */
export interface CreateReplicaOptions extends AwsStepOptions {
  /** Side (region) the new replica is created in. */
  side: Side;
  identifier: string;
  /** The database it replicates, on the other side. */
  source: { side: Side; identifier: string };
  /** Parameter group of the replica, so it can be fenced once promoted (a function: from an earlier step's result). */
  parameterGroup?: string | ((ctx: StepContext) => string | undefined);
  /**
   * The step that read the shape of the instance this replica replaces (`describeInstanceShapeStep`): the replica is
   * created in its subnet group with its security groups, Multi-AZ if it was. Without it RDS puts a cross-region replica in the
   * region's default subnet group and security group — the default VPC, out of the application's reach.
   */
  shapeFrom?: string;
  instanceClass?: string;
  /**
   * KMS key of `side`'s region (the plan's `kmsKeyId` of that side), sent when the source is encrypted: RDS refuses a
   * cross-region replica of an encrypted source without a key of the replica's region. Not sent for an unencrypted
   * source, whose replica cannot be encrypted.
   */
  kmsKeyId?: string;
  tags?: Readonly<Record<string, string>>;
  /** Delete the replica when the run rolls back. @default true */
  compensate?: boolean;
}

async function createReplica(aws: AwsEnvironment, options: CreateReplicaOptions, ctx: StepContext): Promise<ActionOutcome> {
  const { side, identifier, source } = options;
  const rds = aws.clients(side).rds;
  const sourceDb = await describeDbInstance({ rds: aws.clients(source.side).rds, identifier: source.identifier, signal: ctx.signal });
  if (sourceDb?.arn === undefined) {
    throw new StepFailure(`DBInstanceNotFound: the source ${source.identifier} is not in ${aws.region(source.side)}; it must exist (and be the writer) before it can be replicated.`, { code: 'DBInstanceNotFound', retryable: false });
  }
  const existing = await describeDbInstance({ rds, identifier, signal: ctx.signal });
  if (existing !== undefined) {
    const replicates = existing.readReplicaSource === sourceDb.arn || existing.readReplicaSource === source.identifier;
    if (replicates) return { changed: false, note: `${identifier} already replicates ${source.identifier} (${existing.status})` };
    throw new StepFailure(
      `DBInstanceAlreadyExists: ${identifier} exists in ${aws.region(side)} but does not replicate ${source.identifier} (source: ${existing.readReplicaSource ?? 'none'}). Retire it first, or choose another identifier.`,
      { code: 'DBInstanceAlreadyExists', retryable: false },
    );
  }
  const parameterGroup = typeof options.parameterGroup === 'function' ? options.parameterGroup(ctx) : options.parameterGroup;
  const shape = options.shapeFrom ? ctx.resultOf<InstanceShape>(options.shapeFrom) : undefined;
  await callAws({ service: 'rds', client: rds, command: 'CreateDBInstanceReadReplica', resource: identifier }, ctx.signal, () =>
    rds.send(new CreateDBInstanceReadReplicaCommand({
      DBInstanceIdentifier: identifier,
      SourceDBInstanceIdentifier: sourceDb.arn,
      ...(options.instanceClass ?? sourceDb.instanceClass ? { DBInstanceClass: options.instanceClass ?? sourceDb.instanceClass } : {}),
      ...(parameterGroup ? { DBParameterGroupName: parameterGroup } : {}),
      // A replica is Single-AZ unless asked: one that will be promoted in place of a Multi-AZ database must be asked.
      ...(shape?.multiAz ? { MultiAZ: true } : {}),
      ...(shape?.subnetGroup ? { DBSubnetGroupName: shape.subnetGroup } : {}),
      ...(shape?.securityGroupIds?.length ? { VpcSecurityGroupIds: [...shape.securityGroupIds] } : {}),
      // RDS never copies deletion protection to a replica: the one that takes a protected database's place asks.
      ...(shape?.deletionProtection ? { DeletionProtection: true } : {}),
      ...(sourceDb.storageEncrypted && options.kmsKeyId ? { KmsKeyId: options.kmsKeyId } : {}),
      ...(options.tags ? { Tags: toAwsTags(options.tags) } : {}),
    }), sendOptions(ctx.signal)));
  return journaled(ctx, { changed: true, note: `creating ${identifier} in ${aws.region(side)} as a replica of ${source.identifier}` });
}

/**
 * Creates a cross-region read replica of `source` in `side`'s region: reverse replication for a failback, or
 * re-protection once the primary serves again. Check-then-act: a replica of that source under that name is
 * left alone; another instance under that name is an error. Wait with `waitDatabaseAvailableStep`, then
 * `waitReplicaCaughtUpStep`.
 *
 * @example
 * createReplicaStep({ aws, side: 'primary', identifier: 'tracking-db', source: { side: 'recovery', identifier: 'tracking-db-replica' }, parameterGroup: 'tracking-db-params' });
 */
export function createReplicaStep(options: CreateReplicaOptions): ActionStep<ActionOutcome> {
  const { aws, side, identifier, source } = options;
  const step: ActionStep<ActionOutcome> = {
    id: options.id ?? `create-replica-${identifier}`,
    kind: 'action',
    title: `Create ${identifier} in ${regionLabel(aws, side)} as a read replica of ${source.identifier}`,
    why: `Data must flow from ${aws.region(source.side)} to ${aws.region(side)} so it can take over without loss.`,
    ...(options.dependsOn ? { dependsOn: options.dependsOn } : {}),
    ...(options.policy ? { policy: options.policy } : {}),
    preview: () => [
      previewCall('rds', aws.region(source.side), 'DescribeDBInstances', { DBInstanceIdentifier: source.identifier }),
      previewCall('rds', aws.region(side), 'DescribeDBInstances', { DBInstanceIdentifier: identifier }),
      previewCall('rds', aws.region(side), 'CreateDBInstanceReadReplica', {
        DBInstanceIdentifier: identifier,
        SourceDBInstanceIdentifier: `arn:aws:rds:${aws.region(source.side)}:<account>:db:${source.identifier}`,
        DBInstanceClass: options.instanceClass ?? `<instance class of ${source.identifier}>`,
        ...(options.parameterGroup ? { DBParameterGroupName: typeof options.parameterGroup === 'string' ? options.parameterGroup : '<parameter group found by the fence step>' } : {}),
        // Sent only when the replaced instance had them (MultiAZ only when it was Multi-AZ): the placeholders say so.
        ...(options.shapeFrom
          ? {
            MultiAZ: `<true if ${options.shapeFrom} read it Multi-AZ>`, DBSubnetGroupName: `<subnet group as ${options.shapeFrom} read it, if any>`, VpcSecurityGroupIds: [`<security groups as ${options.shapeFrom} read them, if any>`],
            DeletionProtection: `<true if ${options.shapeFrom} read it protected>`,
          }
          : {}),
        // The plan's key of this side: sent for an encrypted source (every production database should be).
        ...(options.kmsKeyId ? { KmsKeyId: options.kmsKeyId } : {}),
        ...(options.tags ? { Tags: toAwsTags(options.tags) } : {}),
      }),
    ],
    verifyByHand: `${identifier} in ${aws.region(side)} lists ${source.identifier} as its replication source and its lag falls to 0.`,
    undoByHand: `Delete ${identifier} in ${aws.region(side)} (skip the final snapshot: it is a copy).`,
    check: async (ctx) => {
      const db = await describeDbInstance({ rds: aws.clients(side).rds, identifier, signal: ctx.signal });
      const replicates = db?.readReplicaSource !== undefined && (db.readReplicaSource === source.identifier || db.readReplicaSource.endsWith(`:db:${source.identifier}`));
      return replicates ? { applied: true, result: { changed: false, note: `${identifier} already replicates ${source.identifier}` } } : { applied: false };
    },
    act: (ctx) => createReplica(aws, options, ctx),
  };
  if (options.compensate ?? true) {
    step.compensate = async (ctx) => {
      const db = await describeDbInstance({ rds: aws.clients(side).rds, identifier, signal: ctx.signal });
      // Only a replica this step made is removed: a standalone instance under that name holds data of record.
      if (db === undefined || db.readReplicaSource === undefined) return;
      // It may carry the protection of the database it was to replace: the run made it, so the run removes it.
      journaled(ctx, await deleteDbInstance({ rds: aws.clients(side).rds, identifier, signal: ctx.signal, liftDeletionProtection: true }));
    };
  }
  return step;
}

/** Options of {@link retireDatabaseStep}. */
export interface RetireDatabaseOptions extends AwsStepOptions {
  side: Side;
  identifier: string;
  /** Keep a final snapshot under this name (data of record); omit only for copies (drills, replicas). */
  finalSnapshotIdentifier?: string;
  title?: string;
  why?: string;
}

/**
 * Deletes a DB instance: a stale former writer before its name is reused, a drill copy, an old replica.
 * Check-then-act: already gone or deleting → nothing to do. Wait with `waitDatabaseDeletedStep`.
 *
 * Deletion protection is turned off first: it guards production's database against a mistaken delete, and this
 * delete is the operation's own decision (its final snapshot keeps what the instance held). The instance that takes
 * the name gets the protection back (`shapeFrom` of the replica or restore step).
 *
 * @example
 * retireDatabaseStep({ aws, side: 'primary', identifier: 'tracking-db', finalSnapshotIdentifier: 'tracking-db-before-failback-abc123' });
 */
export function retireDatabaseStep(options: RetireDatabaseOptions): ActionStep<ActionOutcome> {
  const { aws, side, identifier } = options;
  const final = options.finalSnapshotIdentifier;
  return {
    id: options.id ?? `retire-${identifier}`,
    kind: 'action',
    title: options.title ?? `Delete ${identifier} in ${regionLabel(aws, side)}${final ? ` (final snapshot ${final})` : ''}`,
    why: options.why ?? 'It is no longer part of the topology.',
    ...(options.dependsOn ? { dependsOn: options.dependsOn } : {}),
    ...(options.policy ? { policy: options.policy } : {}),
    preview: () => [
      previewCall('rds', aws.region(side), 'DescribeDBInstances', { DBInstanceIdentifier: identifier }),
      // Only when DescribeDBInstances reads DeletionProtection: true.
      previewCall('rds', aws.region(side), 'ModifyDBInstance', { DBInstanceIdentifier: identifier, DeletionProtection: false, ApplyImmediately: true }),
      previewCall('rds', aws.region(side), 'DeleteDBInstance', {
        DBInstanceIdentifier: identifier,
        ...(final ? { SkipFinalSnapshot: false, FinalDBSnapshotIdentifier: final } : { SkipFinalSnapshot: true }),
        DeleteAutomatedBackups: true,
      }),
    ],
    verifyByHand: `aws rds describe-db-instances --region ${aws.region(side)} --db-instance-identifier ${identifier} answers DBInstanceNotFound${final ? `; snapshot ${final} exists` : ''}.`,
    undoByHand: final ? `Restore ${identifier} from snapshot ${final}.` : 'None (it was a copy).',
    check: async (ctx) => {
      const db = await describeDbInstance({ rds: aws.clients(side).rds, identifier, signal: ctx.signal });
      return db === undefined || db.status === 'deleting' ? { applied: true, result: { changed: false, note: `${identifier} is ${db?.status ?? 'gone'}` } } : { applied: false };
    },
    act: async (ctx) =>
      journaled(ctx, await deleteDbInstance({ rds: aws.clients(side).rds, identifier, signal: ctx.signal, liftDeletionProtection: true, ...(final ? { finalSnapshotIdentifier: final } : {}) })),
  };
}
