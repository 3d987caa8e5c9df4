import { GetBucketReplicationCommand, GetBucketVersioningCommand, HeadObjectCommand, PutBucketVersioningCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { enableBucketVersioning, getBucketReplicationStatus, getObjectReplicationStatus } from '../src/aws/s3.js';

const s3 = new S3Client({ region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
const mock = mockClient(s3);
beforeEach(() => mock.reset());

describe('S3 adapters', () => {
  it('enables versioning only when it is not already enabled', async () => {
    mock.on(GetBucketVersioningCommand).resolves({});
    mock.on(PutBucketVersioningCommand).resolves({});
    expect(await enableBucketVersioning({ s3, bucket: 'backups' })).toMatchObject({ changed: true, note: 'versioning enabled on backups (was Disabled)' });
    expect(mock.commandCalls(PutBucketVersioningCommand)[0]?.args[0].input).toEqual({ Bucket: 'backups', VersioningConfiguration: { Status: 'Enabled' } });
    mock.reset();
    mock.on(GetBucketVersioningCommand).resolves({ Status: 'Enabled' });
    expect(await enableBucketVersioning({ s3, bucket: 'backups' })).toMatchObject({ changed: false });
    expect(mock.commandCalls(PutBucketVersioningCommand)).toHaveLength(0);
  });

  it('reads replication rules, and reports no configuration without failing', async () => {
    mock.on(GetBucketReplicationCommand).resolves({ ReplicationConfiguration: { Role: 'arn:role', Rules: [
      { ID: 'all', Status: 'Enabled', Destination: { Bucket: 'arn:aws:s3:::backups-dr', ReplicationTime: { Status: 'Enabled', Time: { Minutes: 15 } } } },
    ] } });
    expect(await getBucketReplicationStatus({ s3, bucket: 'backups' })).toEqual({
      configured: true, role: 'arn:role', rules: [{ id: 'all', enabled: true, destinationBucketArn: 'arn:aws:s3:::backups-dr', replicationTimeControl: true, prefix: undefined }],
    });
    mock.reset();
    mock.on(GetBucketReplicationCommand).rejects(new S3ServiceException({ name: 'ReplicationConfigurationNotFoundError', $fault: 'client', $metadata: { httpStatusCode: 404 }, message: 'none' }));
    expect(await getBucketReplicationStatus({ s3, bucket: 'backups' })).toEqual({ configured: false, role: undefined, rules: [] });
  });

  it('reads an object replication status', async () => {
    mock.on(HeadObjectCommand).resolves({ ReplicationStatus: 'PENDING' });
    expect(await getObjectReplicationStatus({ s3, bucket: 'backups', key: 'db/2026-01-01.dump' })).toBe('PENDING');
  });
});
