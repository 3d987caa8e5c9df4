import {
  GetBucketReplicationCommand,
  GetBucketVersioningCommand,
  HeadObjectCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { type ActionOutcome, type AdapterCallOptions, callAws, callAwsOrNotFound, sendOptions } from './aws-call.js';

const site = (s3: S3Client, command: string, resource: string) => ({ service: 's3' as const, client: s3, command, resource });

/** Options naming one bucket. */
export interface BucketOptions extends AdapterCallOptions {
  s3: S3Client;
  bucket: string;
}

/** A bucket's versioning: `Enabled`, `Suspended`, or `Disabled` (never enabled). */
export async function getBucketVersioning(options: BucketOptions): Promise<'Enabled' | 'Suspended' | 'Disabled'> {
  const { s3, bucket, signal } = options;
  const out = await callAws(site(s3, 'GetBucketVersioning', bucket), signal, () => s3.send(new GetBucketVersioningCommand({ Bucket: bucket }), sendOptions(signal)));
  return out.Status ?? 'Disabled';
}

/** Turns versioning on (backup buckets must be versioned). Check-then-act: already enabled → no call. */
export async function enableBucketVersioning(options: BucketOptions): Promise<ActionOutcome> {
  const { s3, bucket, signal } = options;
  const status = await getBucketVersioning(options);
  if (status === 'Enabled') return { changed: false, note: `versioning is already enabled on ${bucket}` };
  await callAws(site(s3, 'PutBucketVersioning', bucket), signal, () =>
    s3.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }), sendOptions(signal)));
  return { changed: true, note: `versioning enabled on ${bucket} (was ${status})` };
}

/** One replication rule. */
export interface ReplicationRuleSummary {
  id: string | undefined;
  enabled: boolean;
  destinationBucketArn: string | undefined;
  /** S3 Replication Time Control (15-minute SLA) is on. */
  replicationTimeControl: boolean;
  prefix: string | undefined;
}

/** A bucket's replication setup, as readiness checks need it. */
export interface BucketReplicationStatus {
  configured: boolean;
  role: string | undefined;
  rules: ReplicationRuleSummary[];
}

/** Reads a bucket's replication configuration; `configured: false` when it has none. */
export async function getBucketReplicationStatus(options: BucketOptions): Promise<BucketReplicationStatus> {
  const { s3, bucket, signal } = options;
  const out = await callAwsOrNotFound(site(s3, 'GetBucketReplication', bucket), signal, () =>
    s3.send(new GetBucketReplicationCommand({ Bucket: bucket }), sendOptions(signal)));
  const config = out?.ReplicationConfiguration;
  if (config === undefined) return { configured: false, role: undefined, rules: [] };
  return {
    configured: true,
    role: config.Role,
    rules: (config.Rules ?? []).map((r) => ({
      id: r.ID,
      enabled: r.Status === 'Enabled',
      destinationBucketArn: r.Destination?.Bucket,
      replicationTimeControl: r.Destination?.ReplicationTime?.Status === 'Enabled',
      prefix: r.Filter?.Prefix ?? r.Prefix,
    })),
  };
}

/** Options naming one object. */
export interface ObjectOptions extends BucketOptions {
  key: string;
  versionId?: string;
}

/** An object's replication status (`PENDING`, `COMPLETED`, `FAILED`, `REPLICA`) or `undefined` if no rule covers it; `null` if the object does not exist. */
export async function getObjectReplicationStatus(options: ObjectOptions): Promise<string | undefined | null> {
  const { s3, bucket, key, signal } = options;
  const out = await callAwsOrNotFound(site(s3, 'HeadObject', `s3://${bucket}/${key}`), signal, () =>
    s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key, ...(options.versionId ? { VersionId: options.versionId } : {}) }), sendOptions(signal)));
  return out === undefined ? null : out.ReplicationStatus;
}

/** `HeadObject` for the `objectReplicated` waiter's describe. */
export async function headObject(options: ObjectOptions): Promise<{ ReplicationStatus?: string; VersionId?: string; LastModified?: Date }> {
  const { s3, bucket, key, signal } = options;
  const out = await callAws(site(s3, 'HeadObject', `s3://${bucket}/${key}`), signal, () =>
    s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key, ...(options.versionId ? { VersionId: options.versionId } : {}) }), sendOptions(signal)));
  return {
    ...(out.ReplicationStatus ? { ReplicationStatus: out.ReplicationStatus } : {}),
    ...(out.VersionId ? { VersionId: out.VersionId } : {}),
    ...(out.LastModified ? { LastModified: out.LastModified } : {}),
  };
}

/** Writes a small object (a drill marker or a replication probe). Returns its version id when versioned. */
export async function putObject(options: ObjectOptions & { body: string; contentType?: string }): Promise<{ versionId: string | undefined }> {
  const { s3, bucket, key, signal } = options;
  const out = await callAws(site(s3, 'PutObject', `s3://${bucket}/${key}`), signal, () =>
    s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: options.body, ContentType: options.contentType ?? 'text/plain' }), sendOptions(signal)));
  return { versionId: out.VersionId };
}
