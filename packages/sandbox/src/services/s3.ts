/**
 * The simulated S3 API: one bucket namespace, each bucket in one region; versioning; replication to a
 * bucket in another region (the replica lands after the replication lag; the source's ReplicationStatus
 * is PENDING until then, COMPLETED after).
 */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { AwsApiError, badRequest, conflict, notFound } from '../errors.js';
import { isRegionDown } from '../faults.js';
import { RegionUnreachable } from '../middleware.js';
import type { OperationContext, ServiceHandlers } from '../operation-context.js';
import { str } from '../operation-context.js';
import type { S3BucketRecord, S3ObjectVersion } from '../resources-compute.js';

type Input = Record<string, unknown>;

function findBucket(ctx: OperationContext, name: string | undefined): S3BucketRecord {
  const bucket = name === undefined ? undefined : ctx.world.s3.buckets[name];
  if (!bucket) throw notFound('NoSuchBucket', 'The specified bucket does not exist');
  if (isRegionDown(ctx.world, bucket.region, ctx.now)) throw new RegionUnreachable(bucket.region);
  return bucket;
}

/** The newest version of `key` visible now (replicas become visible after the lag). */
function latest(ctx: OperationContext, bucket: S3BucketRecord, key: string): S3ObjectVersion | undefined {
  const versions = (bucket.objects[key] ?? []).filter((v) => v.visibleAt <= ctx.now);
  return versions[versions.length - 1];
}

async function bodyBytes(body: unknown): Promise<Buffer> {
  if (body === undefined || body === null) return Buffer.alloc(0);
  if (typeof body === 'string') return Buffer.from(body);
  if (body instanceof Uint8Array) return Buffer.from(body);
  if (typeof (body as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function') {
    const chunks: Buffer[] = [];
    for await (const chunk of body as AsyncIterable<Uint8Array | string>) chunks.push(Buffer.from(chunk));
    return Buffer.concat(chunks);
  }
  throw badRequest('InvalidArgument', 'The sandbox accepts string, Uint8Array and stream bodies.');
}

/** A body stream with the SDK's helpers (`transformToString`, `transformToByteArray`). */
function sdkBody(bytes: Buffer): Readable & { transformToString(encoding?: BufferEncoding): Promise<string>; transformToByteArray(): Promise<Uint8Array> } {
  return Object.assign(Readable.from([bytes]), {
    transformToString: async (encoding: BufferEncoding = 'utf8') => bytes.toString(encoding),
    transformToByteArray: async () => new Uint8Array(bytes),
  });
}

function replicationTarget(ctx: OperationContext, bucket: S3BucketRecord, key: string): S3BucketRecord | undefined {
  const rules = (bucket.replication?.Rules ?? []) as { Status?: string; Filter?: { Prefix?: string }; Prefix?: string; Destination?: { Bucket?: string } }[];
  const rule = rules.find((r) => r.Status === 'Enabled' && key.startsWith(r.Filter?.Prefix ?? r.Prefix ?? ''));
  const name = rule?.Destination?.Bucket?.replace(/^arn:aws:s3:::/, '');
  return name === undefined ? undefined : ctx.world.s3.buckets[name];
}

async function putObject(ctx: OperationContext, input: Input): Promise<object> {
  const bucket = findBucket(ctx, str(input, 'Bucket'));
  const key = str(input, 'Key');
  if (!key) throw badRequest('InvalidArgument', 'Key is required');
  const bytes = await bodyBytes(input['Body']);
  const etag = `"${createHash('md5').update(bytes).digest('hex')}"`;
  const versionId = bucket.versioning === 'Enabled' ? ctx.random.hex(32) : 'null';
  const version: S3ObjectVersion = { versionId, body: bytes.toString('base64'), deleteMarker: false, etag, size: bytes.length, lastModified: ctx.now, visibleAt: ctx.now };
  const contentType = str(input, 'ContentType');
  if (contentType) version.contentType = contentType;
  const target = replicationTarget(ctx, bucket, key);
  if (target) {
    version.replicationStatus = 'PENDING';
    const lands = ctx.completesAt('s3.replication', `${bucket.name}/${key}`);
    if (lands !== undefined) {
      version.replicatedAt = lands;
      const { replicatedAt: _r, ...replica } = version;
      (target.objects[key] ??= []).push({ ...replica, replicationStatus: 'REPLICA', visibleAt: lands });
    }
  }
  const versions = (bucket.objects[key] ??= []);
  if (bucket.versioning !== 'Enabled') versions.splice(0, versions.length);
  versions.push(version);
  return { ETag: etag, ...(bucket.versioning === 'Enabled' ? { VersionId: versionId } : {}) };
}

function objectHead(ctx: OperationContext, v: S3ObjectVersion): Record<string, unknown> {
  const status = v.replicationStatus === 'PENDING' && v.replicatedAt !== undefined && v.replicatedAt <= ctx.now ? 'COMPLETED' : v.replicationStatus;
  return {
    ETag: v.etag, ContentLength: v.size, LastModified: new Date(v.lastModified), ContentType: v.contentType ?? 'application/octet-stream',
    ...(v.versionId !== 'null' ? { VersionId: v.versionId } : {}), ...(status ? { ReplicationStatus: status } : {}),
  };
}

function findObject(ctx: OperationContext, input: Input, head: boolean): S3ObjectVersion {
  const bucket = findBucket(ctx, str(input, 'Bucket'));
  const key = str(input, 'Key') ?? '';
  const wanted = str(input, 'VersionId');
  const v = wanted ? bucket.objects[key]?.find((x) => x.versionId === wanted && x.visibleAt <= ctx.now) : latest(ctx, bucket, key);
  if (!v || v.deleteMarker) throw head ? new AwsApiError('NotFound', 'Not Found', 404) : notFound('NoSuchKey', 'The specified key does not exist.');
  return v;
}

function deleteObject(ctx: OperationContext, bucket: S3BucketRecord, key: string): object {
  if (bucket.versioning === 'Enabled') {
    const versionId = ctx.random.hex(32);
    (bucket.objects[key] ??= []).push({ versionId, deleteMarker: true, etag: '', size: 0, lastModified: ctx.now, visibleAt: ctx.now });
    return { DeleteMarker: true, VersionId: versionId };
  }
  delete bucket.objects[key];
  return {};
}

function createBucket(ctx: OperationContext, input: Input): object {
  const name = str(input, 'Bucket');
  if (!name || !/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(name)) throw badRequest('InvalidBucketName', 'The specified bucket is not valid.');
  const existing = ctx.world.s3.buckets[name];
  if (existing) throw conflict('BucketAlreadyOwnedByYou', 'Your previous request to create the named bucket succeeded and you already own it.');
  const constraint = (input['CreateBucketConfiguration'] as { LocationConstraint?: string } | undefined)?.LocationConstraint;
  const region = constraint ?? 'us-east-1';
  if (region !== ctx.region) {
    throw badRequest('IllegalLocationConstraintException', `The ${region} location constraint is incompatible for the region specific endpoint this request was sent to.`);
  }
  ctx.world.s3.buckets[name] = { name, region, createdAt: ctx.now, objects: {} };
  return { Location: `/${name}` };
}

function listObjectsV2(ctx: OperationContext, input: Input): object {
  const bucket = findBucket(ctx, str(input, 'Bucket'));
  const prefix = str(input, 'Prefix') ?? '';
  const max = Number(input['MaxKeys'] ?? 1000);
  const keys = Object.keys(bucket.objects).filter((k) => k.startsWith(prefix)).sort();
  const contents = keys.flatMap((k) => {
    const v = latest(ctx, bucket, k);
    return v && !v.deleteMarker ? [{ Key: k, ETag: v.etag, Size: v.size, LastModified: new Date(v.lastModified), StorageClass: 'STANDARD' }] : [];
  });
  return { Name: bucket.name, Prefix: prefix, KeyCount: Math.min(contents.length, max), MaxKeys: max, IsTruncated: contents.length > max, Contents: contents.slice(0, max) };
}

/** Every S3 operation the sandbox simulates. */
export const s3Handlers: ServiceHandlers = {
  CreateBucket: createBucket,
  HeadBucket: (ctx, input) => ({ BucketRegion: findBucket(ctx, str(input, 'Bucket')).region }),
  GetBucketLocation: (ctx, input) => {
    const region = findBucket(ctx, str(input, 'Bucket')).region;
    return { LocationConstraint: region === 'us-east-1' ? undefined : region };
  },
  GetBucketVersioning: (ctx, input) => {
    const v = findBucket(ctx, str(input, 'Bucket')).versioning;
    return v ? { Status: v } : {};
  },
  PutBucketVersioning: (ctx, input) => {
    const bucket = findBucket(ctx, str(input, 'Bucket'));
    const status = (input['VersioningConfiguration'] as { Status?: string } | undefined)?.Status;
    if (status !== 'Enabled' && status !== 'Suspended') throw badRequest('MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema');
    bucket.versioning = status;
    return {};
  },
  GetBucketReplication: (ctx, input) => {
    const bucket = findBucket(ctx, str(input, 'Bucket'));
    if (!bucket.replication) throw notFound('ReplicationConfigurationNotFoundError', 'The replication configuration was not found');
    return { ReplicationConfiguration: structuredClone(bucket.replication) };
  },
  PutBucketReplication: (ctx, input) => {
    const bucket = findBucket(ctx, str(input, 'Bucket'));
    const config = input['ReplicationConfiguration'] as S3BucketRecord['replication'];
    if (bucket.versioning !== 'Enabled') throw badRequest('InvalidRequest', "Versioning must be 'Enabled' on the bucket to apply a replication configuration");
    for (const rule of (config?.Rules ?? []) as { Destination?: { Bucket?: string } }[]) {
      const dest = ctx.world.s3.buckets[rule.Destination?.Bucket?.replace(/^arn:aws:s3:::/, '') ?? ''];
      if (!dest) throw badRequest('InvalidRequest', 'Destination bucket must exist.');
      if (dest.versioning !== 'Enabled') throw badRequest('InvalidRequest', 'Destination bucket must have versioning enabled.');
    }
    bucket.replication = structuredClone(config);
    return {};
  },
  PutObject: putObject,
  GetObject: (ctx, input) => {
    const v = findObject(ctx, input, false);
    return { ...objectHead(ctx, v), Body: sdkBody(Buffer.from(v.body ?? '', 'base64')) };
  },
  HeadObject: (ctx, input) => objectHead(ctx, findObject(ctx, input, true)),
  ListObjectsV2: listObjectsV2,
  DeleteObject: (ctx, input) => deleteObject(ctx, findBucket(ctx, str(input, 'Bucket')), str(input, 'Key') ?? ''),
  DeleteObjects: (ctx, input) => {
    const bucket = findBucket(ctx, str(input, 'Bucket'));
    const objects = ((input['Delete'] as { Objects?: { Key?: string }[] } | undefined)?.Objects ?? []).map((o) => o.Key ?? '');
    return { Deleted: objects.map((Key) => ({ Key, ...deleteObject(ctx, bucket, Key) })) };
  },
  DeleteBucket: (ctx, input) => {
    const bucket = findBucket(ctx, str(input, 'Bucket'));
    if (Object.values(bucket.objects).some((versions) => versions.length > 0)) throw conflict('BucketNotEmpty', 'The bucket you tried to delete is not empty');
    delete ctx.world.s3.buckets[bucket.name];
    return {};
  },
};
