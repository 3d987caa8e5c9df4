/**
 * Encryption at rest as RDS applies it: which KMS key a new database, replica, snapshot or copy is encrypted with,
 * and AWS's refusals. KMS keys are specific to their region (CreateDBInstanceReadReplica, CopyDBSnapshot and
 * CopyDBClusterSnapshot API references, `KmsKeyId`): an encrypted copy made in another region needs a key of that
 * region, and one made in the same region keeps its source's key. The sandbox has no KMS service: a key ARN is
 * accepted in its own region, a key id or alias name is taken as a key of the region of the call. Key policies and
 * grants are not modelled.
 */
import { badRequest } from '../errors.js';
import type { OperationContext } from '../operation-context.js';
import { str } from '../operation-context.js';
import { createRandomState, deriveSeed, SeededRandom } from '../random.js';
import type { World } from '../world.js';

type Input = Record<string, unknown>;

const KEY_ID = /^(?:mrk-[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;
const ALIAS = /^alias\/[a-zA-Z0-9/_-]{1,250}$/;
const ARN = /^arn:aws[a-z-]*:kms:([a-z0-9-]+):(\d{12}):(key\/.+|alias\/.+)$/;

/**
 * The ARN of a KMS key of `region` in the world's account, the same for a seed, region and name on every run: the
 * key a scenario encrypts a region's databases with (`name` `aws/rds` stands for RDS's default key there).
 *
 * @example sandboxKmsKeyArn(world, 'us-west-2') // 'arn:aws:kms:us-west-2:111111111111:key/3f2a…'
 */
export function sandboxKmsKeyArn(world: World, region: string, name = 'aws/rds'): string {
  const h = new SeededRandom(createRandomState(deriveSeed(world.random.seed, `kms-key:${region}:${name}`))).hex(32);
  return `arn:aws:kms:${region}:${world.accountId}:key/${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** `KMSKeyNotAccessibleFault` with AWS's message, and what was wrong. */
function notAccessible(detail: string): Error {
  return badRequest('KMSKeyNotAccessibleFault', `An error occurred accessing an Amazon Web Services KMS key. ${detail}`);
}

/**
 * The key ARN `ref` (a key ARN, alias ARN, key id or alias name) names in `region`; KMSKeyNotAccessibleFault for a
 * key of another region or something that is no key.
 */
export function resolveKmsKey(world: World, ref: string, region: string): string {
  const arn = ARN.exec(ref);
  if (arn) {
    if (arn[1] !== region) throw notAccessible(`${ref} is a key of ${arn[1]}; a KMS key can be used only in its own region (${region} here).`);
    return ref;
  }
  if (KEY_ID.test(ref)) return `arn:aws:kms:${region}:${world.accountId}:key/${ref}`;
  if (ALIAS.test(ref)) return `arn:aws:kms:${region}:${world.accountId}:${ref}`;
  throw notAccessible(`${ref} is not a key ARN, alias ARN, key id or alias name.`);
}

/** The key a new database is encrypted with (`StorageEncrypted`, `KmsKeyId`), or `undefined`: unencrypted. */
export function keyOfNewDatabase(ctx: OperationContext, input: Input): string | undefined {
  const ref = str(input, 'KmsKeyId');
  if (ref !== undefined) return resolveKmsKey(ctx.world, ref, ctx.region);
  return input['StorageEncrypted'] === true ? sandboxKmsKeyArn(ctx.world, ctx.region) : undefined;
}

/**
 * The key of a read replica created in the caller's region of a source encrypted with `sourceKey` (`undefined`:
 * unencrypted) in `sourceRegion`. In its region a replica keeps its source's key and refuses another; across regions
 * an encrypted source needs `KmsKeyId` of the replica's region (CreateDBInstanceReadReplica API reference), and an
 * unencrypted one cannot have an encrypted replica.
 */
export function keyOfReplica(ctx: OperationContext, input: Input, sourceKey: string | undefined, sourceRegion: string): string | undefined {
  const ref = str(input, 'KmsKeyId');
  if (sourceRegion === ctx.region) {
    if (ref !== undefined) throw badRequest('InvalidParameterCombination', 'Your request does not require the KMS key parameter. Please remove the KMS key parameter and try your request again.');
    return sourceKey;
  }
  if (sourceKey === undefined) {
    if (ref !== undefined) throw badRequest('InvalidParameterCombination', 'Cannot create an encrypted read replica from an unencrypted source DB instance.');
    return undefined;
  }
  if (ref === undefined) throw badRequest('InvalidParameterCombination', 'Cannot create a cross region unencrypted read replica from encrypted source.');
  return resolveKmsKey(ctx.world, ref, ctx.region);
}

/**
 * The key of a snapshot copy made in the caller's region. In its region a copy keeps its source's key unless given
 * another; across regions an encrypted snapshot needs `KmsKeyId` of the destination region (CopyDBSnapshot and
 * CopyDBClusterSnapshot API references). An unencrypted DB snapshot copied with a key is encrypted with it; an
 * unencrypted DB cluster snapshot refuses one.
 */
export function keyOfSnapshotCopy(ctx: OperationContext, input: Input, kind: 'instance' | 'cluster', sourceKey: string | undefined, sourceRegion: string): string | undefined {
  const ref = str(input, 'KmsKeyId');
  if (sourceKey === undefined) {
    if (ref === undefined) return undefined;
    if (kind === 'cluster') throw badRequest('InvalidParameterCombination', 'Cannot encrypt an unencrypted DB cluster snapshot when copying it: remove KmsKeyId.');
    return resolveKmsKey(ctx.world, ref, ctx.region);
  }
  if (ref !== undefined) return resolveKmsKey(ctx.world, ref, ctx.region);
  if (sourceRegion === ctx.region) return sourceKey;
  throw badRequest('InvalidParameterValue', `Must specify new KMS key for cross region encrypted ${kind === 'instance' ? '' : 'cluster '}snapshot copy.`);
}
