import { type AcceptorResult, defineWaiter } from './acceptor.js';

/** The part of a HeadObject response the acceptor reads. */
export interface S3ObjectHeadOutput {
  ReplicationStatus?: string;
  VersionId?: string;
}

/** One object in the source bucket. */
export interface S3ObjectParams {
  bucket: string;
  key: string;
  versionId?: string;
}

/**
 * Acceptor: the object's replication finished. On the source object S3 reports PENDING, then COMPLETED (or
 * COMPLETE) once every destination has it, or FAILED; a replica reads REPLICA. No status at all means no
 * replication rule covers the object: it will never replicate, so waiting is pointless.
 */
export function objectReplicated(output: S3ObjectHeadOutput, params: S3ObjectParams): AcceptorResult {
  const status = output.ReplicationStatus;
  if (status === undefined) {
    return { state: 'FAILURE', progress: 'no status', reason: `no replication rule covers s3://${params.bucket}/${params.key}` };
  }
  if (status === 'COMPLETED' || status === 'COMPLETE' || status === 'REPLICA') return { state: 'SUCCESS', progress: status };
  if (status === 'FAILED') return { state: 'FAILURE', progress: status, reason: 'S3 reports the replication FAILED (check the replication role and the destination bucket policy)' };
  return { state: 'RETRY', progress: status };
}

/** S3 object replicated: S3 RTC replicates 99.99 % of objects within 15 min, most within seconds; expected ~15 s. */
export const objectReplicatedWaiter = defineWaiter({
  service: 's3',
  command: 'HeadObject',
  what: (p: S3ObjectParams) => `s3://${p.bucket}/${p.key} replicated`,
  resource: (p: S3ObjectParams) => `s3://${p.bucket}/${p.key}`,
  acceptor: objectReplicated,
  expectedMs: 15_000,
});
