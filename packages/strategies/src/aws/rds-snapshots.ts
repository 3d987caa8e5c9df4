import {
  CopyDBSnapshotCommand,
  CreateDBSnapshotCommand,
  type DBSnapshot,
  DescribeDBSnapshotsCommand,
  type RDSClient,
} from '@aws-sdk/client-rds';
import { type ActionOutcome, type AdapterCallOptions, callAws, callAwsOrNotFound, sendOptions, toAwsTags } from './aws-call.js';

/** A DB snapshot, as the strategies need it. */
export interface DbSnapshotSummary {
  identifier: string;
  arn: string | undefined;
  instanceIdentifier: string | undefined;
  status: string;
  /** `automated`, `manual`, … (cross-region copies are `manual`). */
  type: string | undefined;
  /** When the snapshot was taken; the `snapshot` RPO source uses it. */
  createdAt: Date | undefined;
  /** ARN of the snapshot this one was copied from, if it is a copy. */
  copiedFrom: string | undefined;
  encrypted: boolean;
}

function summarize(s: DBSnapshot): DbSnapshotSummary {
  return {
    identifier: s.DBSnapshotIdentifier ?? '',
    arn: s.DBSnapshotArn,
    instanceIdentifier: s.DBInstanceIdentifier,
    status: s.Status ?? 'unknown',
    type: s.SnapshotType,
    createdAt: s.SnapshotCreateTime ?? s.OriginalSnapshotCreateTime,
    copiedFrom: s.SourceDBSnapshotIdentifier,
    encrypted: s.Encrypted === true,
  };
}

const site = (rds: RDSClient, command: string, resource: string) => ({ service: 'rds' as const, client: rds, command, resource });

/** Options of {@link describeNewestSnapshot}. */
export interface NewestSnapshotOptions extends AdapterCallOptions {
  rds: RDSClient;
  /** The instance the snapshots were taken of. */
  instanceIdentifier: string;
  /** Only this type (`automated`, `manual`). @default any */
  snapshotType?: string;
}

/**
 * The newest `available` snapshot of an instance in the client's region (for example the newest cross-region copy
 * in the recovery region), or `undefined`. Pages through every result. For copies the creation time is the
 * original snapshot's, which is what RPO is measured from.
 *
 * @example
 * const newest = await describeNewestSnapshot({ rds: recovery.rds, instanceIdentifier: 'tracking-db' });
 */
export async function describeNewestSnapshot(options: NewestSnapshotOptions): Promise<DbSnapshotSummary | undefined> {
  const { rds, signal } = options;
  let marker: string | undefined;
  let newest: DbSnapshotSummary | undefined;
  do {
    const out = await callAws(site(rds, 'DescribeDBSnapshots', options.instanceIdentifier), signal, () =>
      rds.send(new DescribeDBSnapshotsCommand({
        DBInstanceIdentifier: options.instanceIdentifier,
        ...(options.snapshotType ? { SnapshotType: options.snapshotType } : {}),
        ...(marker ? { Marker: marker } : {}),
      }), sendOptions(signal)));
    for (const raw of out.DBSnapshots ?? []) {
      const snapshot = summarize({ ...raw, SnapshotCreateTime: raw.OriginalSnapshotCreateTime ?? raw.SnapshotCreateTime });
      if (snapshot.status !== 'available' || snapshot.createdAt === undefined) continue;
      if (newest?.createdAt === undefined || snapshot.createdAt > newest.createdAt) newest = snapshot;
    }
    marker = out.Marker;
  } while (marker);
  return newest;
}

/** Describes one DB snapshot by identifier (or ARN); `undefined` when it does not exist. */
export async function describeDbSnapshot(options: AdapterCallOptions & { rds: RDSClient; identifier: string }): Promise<DbSnapshotSummary | undefined> {
  const { rds, identifier, signal } = options;
  const out = await callAwsOrNotFound(site(rds, 'DescribeDBSnapshots', identifier), signal, () =>
    rds.send(new DescribeDBSnapshotsCommand({ DBSnapshotIdentifier: identifier }), sendOptions(signal)));
  const snapshot = out?.DBSnapshots?.[0];
  return snapshot === undefined ? undefined : summarize(snapshot);
}

/** Options of {@link createDbSnapshot}. */
export interface CreateDbSnapshotOptions extends AdapterCallOptions {
  rds: RDSClient;
  instanceIdentifier: string;
  snapshotIdentifier: string;
  tags?: Readonly<Record<string, string>>;
}

/** Takes a manual snapshot (failback's backup). Check-then-act: a snapshot of that name is left alone. */
export async function createDbSnapshot(options: CreateDbSnapshotOptions): Promise<ActionOutcome> {
  const { rds, snapshotIdentifier, signal } = options;
  const existing = await describeDbSnapshot({ rds, identifier: snapshotIdentifier, ...(signal ? { signal } : {}) });
  if (existing !== undefined) return { changed: false, note: `snapshot ${snapshotIdentifier} already exists (${existing.status})` };
  await callAws(site(rds, 'CreateDBSnapshot', options.instanceIdentifier), signal, () =>
    rds.send(new CreateDBSnapshotCommand({
      DBInstanceIdentifier: options.instanceIdentifier,
      DBSnapshotIdentifier: snapshotIdentifier,
      ...(options.tags ? { Tags: toAwsTags(options.tags) } : {}),
    }), sendOptions(signal)));
  return { changed: true, note: `snapshot ${snapshotIdentifier} of ${options.instanceIdentifier} started` };
}

/** Options of {@link copyDbSnapshot}. `rds` is a client in the destination region. */
export interface CopyDbSnapshotOptions extends AdapterCallOptions {
  rds: RDSClient;
  /** ARN of the snapshot to copy (required across regions). */
  sourceSnapshotArn: string;
  /** Region of the source; the SDK presigns the cross-region request with it. */
  sourceRegion?: string;
  targetIdentifier: string;
  /** KMS key in the destination region (required for encrypted snapshots across regions). */
  kmsKeyId?: string;
  /** @default true */
  copyTags?: boolean;
  tags?: Readonly<Record<string, string>>;
}

/** Copies a DB snapshot (across regions for backup & restore). Check-then-act: the target name existing → no call. */
export async function copyDbSnapshot(options: CopyDbSnapshotOptions): Promise<ActionOutcome> {
  const { rds, targetIdentifier, signal } = options;
  const existing = await describeDbSnapshot({ rds, identifier: targetIdentifier, ...(signal ? { signal } : {}) });
  if (existing !== undefined) return { changed: false, note: `snapshot copy ${targetIdentifier} already exists (${existing.status})` };
  await callAws(site(rds, 'CopyDBSnapshot', targetIdentifier), signal, () =>
    rds.send(new CopyDBSnapshotCommand({
      SourceDBSnapshotIdentifier: options.sourceSnapshotArn,
      TargetDBSnapshotIdentifier: targetIdentifier,
      CopyTags: options.copyTags ?? true,
      ...(options.sourceRegion ? { SourceRegion: options.sourceRegion } : {}),
      ...(options.kmsKeyId ? { KmsKeyId: options.kmsKeyId } : {}),
      ...(options.tags ? { Tags: toAwsTags(options.tags) } : {}),
    }), sendOptions(signal)));
  return { changed: true, note: `copying ${options.sourceSnapshotArn} to ${targetIdentifier}` };
}
