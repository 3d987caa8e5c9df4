import { DeleteBucketCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { buildWarmStandbyScenario } from '../src/index.js';
import { VirtualClock } from '@firedrill/core';

describe('S3', () => {
  it('replicates objects: PENDING then COMPLETED at the source, REPLICA at the destination', async () => {
    const clock = new VirtualClock();
    const { sandbox, names } = await buildWarmStandbyScenario({ clock });
    const { primaryBucket, recoveryBucket } = names.storage!;
    const east = sandbox.client(S3Client, names.primaryRegion);
    const west = sandbox.client(S3Client, names.recoveryRegion);
    await east.send(new PutObjectCommand({ Bucket: primaryBucket, Key: 'orders/1.json', Body: '{"id":1}' }));
    expect((await east.send(new HeadObjectCommand({ Bucket: primaryBucket, Key: 'orders/1.json' }))).ReplicationStatus).toBe('PENDING');
    const early = await west.send(new GetObjectCommand({ Bucket: recoveryBucket, Key: 'orders/1.json' })).catch((e: unknown) => e);
    expect(early).toMatchObject({ name: 'NoSuchKey', $metadata: { httpStatusCode: 404 } });
    await clock.sleep(16_000);
    expect((await east.send(new HeadObjectCommand({ Bucket: primaryBucket, Key: 'orders/1.json' }))).ReplicationStatus).toBe('COMPLETED');
    const replica = await west.send(new GetObjectCommand({ Bucket: recoveryBucket, Key: 'orders/1.json' }));
    expect(replica.ReplicationStatus).toBe('REPLICA');
    expect(await replica.Body!.transformToString()).toBe('{"id":1}');
    const notEmpty = await east.send(new DeleteBucketCommand({ Bucket: primaryBucket })).catch((e: unknown) => e);
    expect(notEmpty).toMatchObject({ name: 'BucketNotEmpty', $metadata: { httpStatusCode: 409 } });
  });
});
