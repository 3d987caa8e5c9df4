/**
 * Steps on RDS DB snapshots for backup & restore: pick the newest copy in a region, restore an instance from it
 * (carrying the snapshot's capture time as RPO evidence), take a snapshot, copy it to the other region, and wait.
 */
import { DescribeDBSnapshotsCommand, RestoreDBInstanceFromDBSnapshotCommand, type RestoreDBInstanceFromDBSnapshotCommandInput } from '@aws-sdk/client-rds';
import { type ActionStep, type CallPreview, type RpoEvidence, type StepContext, StepFailure, type WaitStep } from '@firedrill/core';
import type { AwsEnvironment, Side } from '../aws-environment.js';
import { deleteDbInstance } from '../aws/rds-instances.js';
import { copyDbSnapshot, createDbSnapshot, describeDbSnapshot, describeNewestSnapshot } from '../aws/rds-snapshots.js';
import { callAws, callAwsOrNotFound, sendOptions, toAwsTags } from '../aws/aws-call.js';
import { waiters } from '../aws/waiters/waiter-registry.js';
import { RUN_ID_PLACEHOLDER } from '../run-id-placeholder.js';
import { previewCall } from './aws-step-options.js';
import { type AwsWaitResult, awsWaitStep, waitPolicy } from './aws-wait-step.js';
import type { InstanceShape } from './instance-shape-step.js';
import { identifierHolder, identifierTakenFailure, RESTORED_BY_RUN_TAG, waitIdentifierFreed } from './restore-identifier.js';

/** What {@link pickNewestSnapshotStep} chose; journaled, so a resumed run restores the same snapshot. */
export interface PickedSnapshot {
  snapshotIdentifier: string;
  snapshotArn: string;
  /** Capture time of the data (the original snapshot's, for a cross-region copy), epoch ms. */
  capturedAt: number;
  capturedAtIso: string;
  region: string;
}

/** What a restore step returns: the instance and the RPO evidence the report reads. */
export interface RestoredDatabase {
  identifier: string;
  region: string;
  snapshotIdentifier: string;
  /** Capture time of the data restored (the original snapshot's, for a copy), ISO-8601. */
  capturedAtIso: string;
  rpoEvidence?: RpoEvidence;
  /** What the RPO evidence rests on, for people (see {@link RestoreDatabaseOptions.rpoNote}). */
  note?: string;
}

const rdsAction = (region: string, command: string, input: Record<string, unknown>): CallPreview => previewCall('rds', region, command, input);

function signalOf(ctx: StepContext): { signal: AbortSignal } {
  return { signal: ctx.signal };
}

/** Options of {@link pickNewestSnapshotStep}. */
export interface PickNewestSnapshotOptions {
  id: string;
  aws: AwsEnvironment;
  side: Side;
  /** The instance the snapshots were taken of (copies keep the source's identifier). */
  instanceIdentifier: string;
  dependsOn?: readonly string[];
}

/**
 * Picks the newest `available` snapshot of an instance in one region (the newest cross-region copy, for a
 * failover). Fails, not retried, when there is none: there is nothing to restore, and a human must decide.
 *
 * @example
 * pickNewestSnapshotStep({ id: 'pick-snapshot', aws, side: 'recovery', instanceIdentifier: 'tracking-db' })
 */
export function pickNewestSnapshotStep(options: PickNewestSnapshotOptions): ActionStep<PickedSnapshot> {
  const { aws, side, instanceIdentifier } = options;
  const region = aws.region(side);
  return {
    id: options.id,
    kind: 'action',
    title: `Pick the newest snapshot of ${instanceIdentifier} in ${region}`,
    why: `Backup & restore recovers from the newest copy in ${region}; its capture time sets the RPO.`,
    ...(options.dependsOn ? { dependsOn: options.dependsOn } : {}),
    policy: { retry: { nonRetryable: ['SnapshotNotFound', 'AccessDenied'] } },
    preview: () => [rdsAction(region, 'DescribeDBSnapshots', { DBInstanceIdentifier: instanceIdentifier })],
    verifyByHand: `aws rds describe-db-snapshots --region ${region} --db-instance-identifier ${instanceIdentifier} --query 'reverse(sort_by(DBSnapshots,&OriginalSnapshotCreateTime))[0]'`,
    act: async (ctx) => {
      const newest = await describeNewestSnapshot({ rds: aws.clients(side).rds, instanceIdentifier, ...signalOf(ctx) });
      if (newest === undefined || newest.createdAt === undefined || newest.arn === undefined) {
        throw new StepFailure(
          `SnapshotNotFound: no available snapshot of ${instanceIdentifier} in ${region}, so there is nothing to restore. Copy a snapshot there (aws rds copy-db-snapshot --region ${region}) or check the backup schedule, then retry this step.`,
          { code: 'SnapshotNotFound', retryable: false },
        );
      }
      ctx.log(`newest snapshot: ${newest.identifier}, captured ${newest.createdAt.toISOString()}`);
      return { snapshotIdentifier: newest.identifier, snapshotArn: newest.arn, capturedAt: newest.createdAt.getTime(), capturedAtIso: newest.createdAt.toISOString(), region };
    },
  };
}

/** Options of {@link restoreDatabaseStep}. */
export interface RestoreDatabaseOptions {
  id: string;
  aws: AwsEnvironment;
  side: Side;
  /** Identifier of the new instance. */
  identifier: string;
  /**
   * The step whose result ({@link PickedSnapshot}) names the snapshot to restore; with several, the first that has a
   * result (a failover restores what `pick-snapshot` chose in ungraceful mode, the fresh copy in graceful mode).
   */
  snapshotFrom: string | readonly string[];
  /**
   * The step whose result ({@link InstanceShape}) describes the instance this restore replaces: its Multi-AZ, class,
   * subnet group, security groups, storage type and tag copying are restored as they were (options given here win).
   */
  shapeFrom?: string;
  instanceClass?: string;
  /** Restore Multi-AZ (a standby in a second AZ). @default the shape's, else Single-AZ */
  multiAz?: boolean;
  /**
   * Days of automated backups the restored instance keeps, at least (the plan's `backup.retentionDays`): the shape's
   * when it kept more. Without either, RDS copies the snapshot's source instance's setting.
   */
  backupRetentionPeriod?: number;
  /** DB parameter group of the new instance: a custom group lets a later step fence its writers (read-only). */
  parameterGroup?: string;
  tags?: Readonly<Record<string, string>>;
  /**
   * Return `rpoEvidence` (the restored snapshot's capture time): set on the restore whose data loss the run
   * measures (a failover's, a failback's). It also stops the run's heartbeats: the restored instance is the new writer.
   */
  measuresRpo?: boolean;
  /**
   * What the RPO evidence rests on, logged and returned with the result (`note`) and the evidence, e.g. that writes
   * were frozen by hand and Firedrill could not verify it.
   */
  rpoNote?: string;
  /**
   * The step that stopped writes before the snapshot restored here was taken (a failback's freeze). The report
   * trusts the snapshot to hold every write only if Firedrill ran that step itself; marked done by a person, the
   * RPO is measured from heartbeats, or reported unverified (see `RpoEvidence.writesStoppedBy`). With several
   * `snapshotFrom` steps, a map from the step whose snapshot is restored to the step that stopped writes before it
   * (a graceful failover's fence holds for its fresh copy, not for the newest copy an ungraceful one picks).
   */
  writesStoppedBy?: string | Readonly<Record<string, string>>;
  dependsOn?: readonly string[];
  /** Delete the instance when the run rolls back (drill copies). */
  deleteOnRollback?: boolean;
}

/**
 * Restores a DB instance from the snapshot an earlier step picked, tagged with the run id
 * (`firedrill:run-id`). Check-then-act: an instance with this identifier and this run's tag is this restore (a
 * resumed run); one still being deleted (an earlier run's, which RDS lets keep the identifier until it is gone)
 * is waited out, then the restore goes ahead; any other instance under the name fails the step
 * (`DBInstanceAlreadyExists`) rather than being taken for a restore that did not happen. The RPO evidence is
 * returned either way.
 *
 * @example
 * restoreDatabaseStep({ id: 'restore-database', aws, side: 'recovery', identifier: 'tracking-db', snapshotFrom: 'pick-snapshot', measuresRpo: true })
 */
export function restoreDatabaseStep(options: RestoreDatabaseOptions): ActionStep<RestoredDatabase> {
  const { aws, side, identifier } = options;
  const region = aws.region(side);
  const sources = typeof options.snapshotFrom === 'string' ? [options.snapshotFrom] : options.snapshotFrom;
  const resultOf = (ctx: StepContext): RestoredDatabase => {
    const picked = pickedSnapshot(ctx, sources);
    const stop = typeof options.writesStoppedBy === 'string' ? options.writesStoppedBy : options.writesStoppedBy?.[picked.from];
    // Extra fields travel to the journal's rpo.measured detail.
    const evidence: RpoEvidence = {
      source: 'snapshot', snapshotCreatedAt: picked.capturedAt, snapshotId: picked.snapshotIdentifier,
      ...(options.rpoNote ? { note: options.rpoNote } : {}), ...(stop ? { writesStoppedBy: stop } : {}),
    };
    return {
      identifier, region, snapshotIdentifier: picked.snapshotIdentifier, capturedAtIso: picked.capturedAtIso,
      ...(options.measuresRpo ? { rpoEvidence: evidence } : {}),
      ...(options.measuresRpo && options.rpoNote ? { note: options.rpoNote } : {}),
    };
  };
  const logNote = (ctx: StepContext): void => {
    if (options.measuresRpo && options.rpoNote) ctx.log(options.rpoNote);
  };
  return {
    id: options.id,
    kind: 'action',
    title: `Restore ${identifier} in ${region} from the picked snapshot`,
    why: 'The data comes back from the newest backup; this is usually the longest step of the recovery.',
    dependsOn: options.dependsOn ?? [...sources],
    ...(options.measuresRpo ? { promotesData: true } : {}),
    // Room for an earlier run's instance under this name to finish deleting (minutes) before the restore call.
    policy: { timeout: 45 * 60_000, retry: { nonRetryable: ['DBInstanceAlreadyExists', 'AccessDenied'] } },
    preview: () => [rdsAction(region, 'DescribeDBInstances', { DBInstanceIdentifier: identifier }), rdsAction(region, 'RestoreDBInstanceFromDBSnapshot', {
      DBInstanceIdentifier: identifier, DBSnapshotIdentifier: `<snapshot picked by ${sources.join(' or ')}>`,
      ...restoreShapePreview(options),
      ...(options.parameterGroup ? { DBParameterGroupName: options.parameterGroup } : {}),
      Tags: toAwsTags({ ...options.tags, [RESTORED_BY_RUN_TAG]: RUN_ID_PLACEHOLDER }),
    })],
    verifyByHand: `aws rds describe-db-instances --region ${region} --db-instance-identifier ${identifier} (status available)`,
    undoByHand: `aws rds delete-db-instance --region ${region} --db-instance-identifier ${identifier} --final-db-snapshot-identifier ${identifier}-final`,
    check: async (ctx) => {
      const holder = await identifierHolder(aws.clients(side).rds, identifier, ctx);
      if (holder.kind !== 'this-run') return { applied: false };
      logNote(ctx);
      return { applied: true, result: resultOf(ctx), note: `${identifier} exists (${holder.status})` };
    },
    act: async (ctx) => {
      const picked = pickedSnapshot(ctx, sources);
      const { rds } = aws.clients(side);
      const holder = await identifierHolder(rds, identifier, ctx);
      if (holder.kind === 'other') throw identifierTakenFailure(identifier, region, holder);
      if (holder.kind === 'going') await waitIdentifierFreed({ rds, identifier, region, limiter: aws.limiter, ctx });
      // `check` ran just before this attempt and found no instance of this run's under the name: the name is free,
      // or was just freed, so the restore call follows.
      const tags = { ...options.tags, [RESTORED_BY_RUN_TAG]: ctx.runId };
      const shape = restoreShape(ctx, options);
      await callAws({ service: 'rds', client: rds, command: 'RestoreDBInstanceFromDBSnapshot', resource: identifier }, ctx.signal, () =>
        rds.send(new RestoreDBInstanceFromDBSnapshotCommand({
          DBInstanceIdentifier: identifier, DBSnapshotIdentifier: picked.snapshotIdentifier,
          ...shape,
          ...(options.parameterGroup ? { DBParameterGroupName: options.parameterGroup } : {}), Tags: toAwsTags(tags),
        }), sendOptions(ctx.signal)));
      ctx.log(`restoring ${identifier} from ${picked.snapshotIdentifier}${options.parameterGroup ? ` with parameter group ${options.parameterGroup}` : ''}${describeShape(shape)}`);
      logNote(ctx);
      return resultOf(ctx);
    },
    ...(options.deleteOnRollback ? { compensate: async (ctx: StepContext) => deleteInstanceQuietly(aws, side, identifier, ctx) } : {}),
  };
}

async function deleteInstanceQuietly(aws: AwsEnvironment, side: Side, identifier: string, ctx: StepContext): Promise<void> {
  const outcome = await deleteDbInstance({ rds: aws.clients(side).rds, identifier, ...signalOf(ctx) });
  ctx.log(outcome.note);
}

function pickedSnapshot(ctx: StepContext, stepIds: readonly string[]): PickedSnapshot & { from: string } {
  for (const stepId of stepIds) {
    const picked = ctx.resultOf<PickedSnapshot>(stepId);
    if (picked !== undefined) return { ...picked, from: stepId };
  }
  throw new StepFailure(`no snapshot picked: step ${stepIds.join(' nor ')} has a result`, { code: 'MissingInput', retryable: false });
}

/** The restore's topology parameters: the replaced instance's shape, overridden by the options given. */
function restoreShape(ctx: StepContext, options: RestoreDatabaseOptions): Partial<RestoreDBInstanceFromDBSnapshotCommandInput> {
  const shape = options.shapeFrom ? ctx.resultOf<InstanceShape>(options.shapeFrom) : undefined;
  const multiAz = options.multiAz ?? shape?.multiAz;
  const instanceClass = options.instanceClass ?? shape?.instanceClass;
  // The replaced instance's backups as they were, never fewer days than the plan asks for (RDS allows 0–35).
  const kept = [options.backupRetentionPeriod, shape?.backupRetentionPeriod].filter((d): d is number => d !== undefined);
  const retention = kept.length ? Math.min(35, Math.max(...kept)) : undefined;
  return {
    ...(multiAz !== undefined ? { MultiAZ: multiAz } : {}),
    ...(retention !== undefined ? { BackupRetentionPeriod: retention } : {}),
    ...(instanceClass ? { DBInstanceClass: instanceClass } : {}),
    ...(shape?.subnetGroup ? { DBSubnetGroupName: shape.subnetGroup } : {}),
    ...(shape?.securityGroupIds?.length ? { VpcSecurityGroupIds: shape.securityGroupIds } : {}),
    ...storageOf(shape),
    ...(shape?.copyTagsToSnapshot !== undefined ? { CopyTagsToSnapshot: shape.copyTagsToSnapshot } : {}),
    // A restore is unprotected unless asked, whatever the snapshot's source had.
    ...(shape?.deletionProtection ? { DeletionProtection: true } : {}),
  };
}

/** Storage types whose restore must name the IOPS (RestoreDBInstanceFromDBSnapshot: "If you specify io1, io2 … you must also include a value for the Iops parameter"). */
const PROVISIONED_IOPS = new Set(['io1', 'io2']);

/**
 * The replaced instance's storage type, with its provisioned IOPS for io1 / io2: RDS refuses those without `Iops`.
 * gp3 goes without: RDS refuses `Iops` for a gp3 volume under its striping threshold, and takes the backup's.
 */
function storageOf(shape: InstanceShape | undefined): Partial<RestoreDBInstanceFromDBSnapshotCommandInput> {
  if (!shape?.storageType) return {};
  const iops = PROVISIONED_IOPS.has(shape.storageType) ? shape.iops : undefined;
  return { StorageType: shape.storageType, ...(iops !== undefined ? { Iops: iops } : {}) };
}

/**
 * The topology parameters {@link restoreShape} sends, as a preview: the options' values, and placeholders for what
 * is read from the replaced instance when the step runs (sent only when that instance had it).
 */
function restoreShapePreview(options: RestoreDatabaseOptions): Record<string, unknown> {
  const read = (what: string): string | undefined => (options.shapeFrom ? `<${what} as ${options.shapeFrom} read it, if any>` : undefined);
  const entries: [string, unknown][] = [
    ['MultiAZ', options.multiAz ?? read('Multi-AZ')],
    ['BackupRetentionPeriod', options.backupRetentionPeriod !== undefined && options.shapeFrom ? `<${options.backupRetentionPeriod}, or more as ${options.shapeFrom} read it (at most 35)>` : options.backupRetentionPeriod],
    ['DBInstanceClass', options.instanceClass ?? read('the instance class')],
    ['DBSubnetGroupName', read('the subnet group')],
    ['VpcSecurityGroupIds', options.shapeFrom ? [read('the security groups')] : undefined],
    ['StorageType', read('the storage type')],
    ['Iops', read('the provisioned IOPS (io1, io2)')],
    ['CopyTagsToSnapshot', read('tag copying')],
    ['DeletionProtection', options.shapeFrom ? `<true if ${options.shapeFrom} read it protected>` : undefined],
  ];
  return Object.fromEntries(entries.filter(([, value]) => value !== undefined));
}

function describeShape(input: Partial<RestoreDBInstanceFromDBSnapshotCommandInput>): string {
  const parts = [
    input.MultiAZ ? 'Multi-AZ' : undefined, input.DBInstanceClass, input.DBSubnetGroupName ? `subnet group ${input.DBSubnetGroupName}` : undefined,
    input.BackupRetentionPeriod !== undefined ? `backups kept ${input.BackupRetentionPeriod} day(s)` : undefined,
    input.DeletionProtection ? 'deletion protection' : undefined,
  ].filter(Boolean);
  return parts.length ? ` (${parts.join(', ')})` : '';
}

/** Options of {@link takeSnapshotStep}. */
export interface TakeSnapshotOptions {
  id: string;
  aws: AwsEnvironment;
  side: Side;
  instanceIdentifier: string;
  snapshotIdentifier: string;
  tags?: Readonly<Record<string, string>>;
  dependsOn?: readonly string[];
}

/** Takes a manual snapshot (failback's backup of the DR database). Check-then-act by snapshot name. */
export function takeSnapshotStep(options: TakeSnapshotOptions): ActionStep<{ snapshotIdentifier: string; region: string }> {
  const { aws, side, instanceIdentifier, snapshotIdentifier } = options;
  const region = aws.region(side);
  const result = { snapshotIdentifier, region };
  return {
    id: options.id,
    kind: 'action',
    title: `Snapshot ${instanceIdentifier} in ${region} as ${snapshotIdentifier}`,
    why: 'Writes are frozen, so this snapshot holds every write the DR site accepted: failback loses nothing.',
    ...(options.dependsOn ? { dependsOn: options.dependsOn } : {}),
    preview: () => [rdsAction(region, 'CreateDBSnapshot', { DBInstanceIdentifier: instanceIdentifier, DBSnapshotIdentifier: snapshotIdentifier, ...(options.tags ? { Tags: toAwsTags(options.tags) } : {}) })],
    verifyByHand: `aws rds describe-db-snapshots --region ${region} --db-snapshot-identifier ${snapshotIdentifier}`,
    check: async (ctx) => ((await describeDbSnapshot({ rds: aws.clients(side).rds, identifier: snapshotIdentifier, ...signalOf(ctx) })) ? { applied: true, result } : { applied: false }),
    act: async (ctx) => {
      ctx.log((await createDbSnapshot({ rds: aws.clients(side).rds, instanceIdentifier, snapshotIdentifier, ...(options.tags ? { tags: options.tags } : {}), ...signalOf(ctx) })).note);
      return result;
    },
  };
}

/** Options of {@link copySnapshotStep}. */
export interface CopySnapshotOptions {
  id: string;
  aws: AwsEnvironment;
  from: Side;
  to: Side;
  sourceIdentifier: string;
  targetIdentifier: string;
  /**
   * KMS key of `to`'s region (the plan's `kmsKeyId` of that side), sent when the snapshot is encrypted: RDS refuses a
   * cross-region copy of an encrypted snapshot without a key of the destination region.
   */
  kmsKeyId?: string;
  tags?: Readonly<Record<string, string>>;
  dependsOn?: readonly string[];
}

/**
 * A snapshot's ARN and the capture time of its data: `OriginalSnapshotCreateTime`, which a cross-region copy keeps
 * (its `SnapshotCreateTime` is when the copy was made), else `SnapshotCreateTime`. Undefined when it does not exist.
 */
async function describeCapture(aws: AwsEnvironment, side: Side, identifier: string, signal: AbortSignal): Promise<{ arn: string; capturedAt: Date } | undefined> {
  const { rds } = aws.clients(side);
  const out = await callAwsOrNotFound({ service: 'rds', client: rds, command: 'DescribeDBSnapshots', resource: identifier }, signal, () =>
    rds.send(new DescribeDBSnapshotsCommand({ DBSnapshotIdentifier: identifier }), sendOptions(signal)));
  const snapshot = out?.DBSnapshots?.[0];
  if (snapshot === undefined) return undefined;
  return { arn: snapshot.DBSnapshotArn ?? '', capturedAt: snapshot.OriginalSnapshotCreateTime ?? snapshot.SnapshotCreateTime ?? new Date(0) };
}

/**
 * Copies a snapshot to the other region. Check-then-act by target name. The result reads like a {@link PickedSnapshot}:
 * its `capturedAt` is when the data was captured (the source snapshot's time), not when the copy was made.
 */
export function copySnapshotStep(options: CopySnapshotOptions): ActionStep<PickedSnapshot> {
  const { aws, from, to, sourceIdentifier, targetIdentifier } = options;
  const source = aws.region(from);
  const region = aws.region(to);
  // The step sends the ARN DescribeDBSnapshots gives the source snapshot when it runs: its account is read then.
  const sourceArn = (): string => `arn:aws:rds:${source}:<account>:snapshot:${sourceIdentifier}`;
  const describeCopy = async (ctx: StepContext): Promise<PickedSnapshot | undefined> => {
    const copy = await describeCapture(aws, to, targetIdentifier, ctx.signal);
    return copy === undefined ? undefined : { snapshotIdentifier: targetIdentifier, snapshotArn: copy.arn, capturedAt: copy.capturedAt.getTime(), capturedAtIso: copy.capturedAt.toISOString(), region };
  };
  return {
    id: options.id,
    kind: 'action',
    title: `Copy snapshot ${sourceIdentifier} from ${source} to ${region}`,
    why: `RDS restores only from a snapshot in the same region, so the backup must be in ${region} first.`,
    ...(options.dependsOn ? { dependsOn: options.dependsOn } : {}),
    preview: () => [
      rdsAction(source, 'DescribeDBSnapshots', { DBSnapshotIdentifier: sourceIdentifier }),
      rdsAction(region, 'CopyDBSnapshot', {
        SourceDBSnapshotIdentifier: sourceArn(), TargetDBSnapshotIdentifier: targetIdentifier, CopyTags: true, SourceRegion: source,
        ...(options.kmsKeyId ? { KmsKeyId: options.kmsKeyId } : {}), ...(options.tags ? { Tags: toAwsTags(options.tags) } : {}),
      }),
    ],
    verifyByHand: `aws rds describe-db-snapshots --region ${region} --db-snapshot-identifier ${targetIdentifier}`,
    undoByHand: `aws rds delete-db-snapshot --region ${region} --db-snapshot-identifier ${targetIdentifier}`,
    check: async (ctx) => {
      const copy = await describeCopy(ctx);
      return copy === undefined ? { applied: false } : { applied: true, result: copy };
    },
    act: async (ctx) => {
      const snapshot = await describeDbSnapshot({ rds: aws.clients(from).rds, identifier: sourceIdentifier, ...signalOf(ctx) });
      if (snapshot?.arn === undefined) {
        throw new StepFailure(`SnapshotNotFound: ${sourceIdentifier} does not exist in ${source}; take the snapshot first.`, { code: 'SnapshotNotFound', retryable: false });
      }
      const outcome = await copyDbSnapshot({
        rds: aws.clients(to).rds, sourceSnapshotArn: snapshot.arn, sourceRegion: source, targetIdentifier, ...(options.tags ? { tags: options.tags } : {}), ...signalOf(ctx),
        ...(snapshot.encrypted && options.kmsKeyId ? { kmsKeyId: options.kmsKeyId } : {}),
      });
      ctx.log(outcome.note);
      const copy = await describeCopy(ctx);
      if (copy !== undefined) return copy;
      const original = await describeCapture(aws, from, sourceIdentifier, ctx.signal);
      const capturedAt = original?.capturedAt ?? snapshot.createdAt ?? new Date(0);
      return { snapshotIdentifier: targetIdentifier, snapshotArn: '', capturedAt: capturedAt.getTime(), capturedAtIso: capturedAt.toISOString(), region };
    },
  };
}

/** Waits until a DB snapshot (or a copy in progress) is `available`. */
export function waitSnapshotAvailableStep(options: { id: string; aws: AwsEnvironment; side: Side; snapshotIdentifier: string; dependsOn: readonly string[]; expectedMs?: number }): WaitStep<AwsWaitResult> {
  const { aws, side, snapshotIdentifier } = options;
  const region = aws.region(side);
  return awsWaitStep({
    id: options.id, aws, side, dependsOn: options.dependsOn, definition: waiters.dbSnapshotAvailable,
    title: `Wait until snapshot ${snapshotIdentifier} is available in ${region}`,
    params: { identifier: snapshotIdentifier },
    describe: (_ctx: StepContext, signal: AbortSignal | undefined) => aws.clients(side).rds.send(new DescribeDBSnapshotsCommand({ DBSnapshotIdentifier: snapshotIdentifier }), sendOptions(signal)),
    policy: waitPolicy('60m'),
    notFoundGraceMs: 60_000,
    ...(options.expectedMs === undefined ? {} : { expectedMs: options.expectedMs }),
    preview: () => [previewCall('rds', region, 'DescribeDBSnapshots', { DBSnapshotIdentifier: snapshotIdentifier })],
    verifyByHand: `aws rds wait db-snapshot-available --region ${region} --db-snapshot-identifier ${snapshotIdentifier}`,
  });
}
