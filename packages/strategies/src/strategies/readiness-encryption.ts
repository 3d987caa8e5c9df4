/**
 * Readiness of an encrypted database's cross-region copies: each copy an operation makes into a region (a failback's
 * reverse replica, a re-protection replica, a snapshot copied across) needs a KMS key of that region, which only the
 * plan can name. A plan that names none for an encrypted database is not ready: RDS refuses the copy, so the
 * operation that makes it (a failback; backup & restore's graceful failover) cannot complete.
 */
import type { DbInstanceSummary } from '../aws/rds-instances.js';
import type { AwsEnvironment } from '../aws-environment.js';
import { copiesWithoutKey, type EncryptedCopy, keysToAdd } from '../steps/encrypted-copies.js';
import type { Finding } from '../strategy.js';

/**
 * The `encryption-keys` finding of `db` (the production database in the primary region): `fail` when it is encrypted
 * and the plan names no key for a region a copy is made in, `warn` when the plan names keys for an unencrypted one
 * (they are not sent: RDS cannot encrypt a replica of an unencrypted source), `pass` otherwise.
 *
 * @example
 * encryptionKeysFinding(aws, db, encryptedCopies('database', plannedDb, { primary: "the failback's reverse replica tracking-db" }))
 */
export function encryptionKeysFinding(aws: AwsEnvironment, db: DbInstanceSummary, copies: readonly EncryptedCopy[]): Finding {
  const region = aws.region('primary');
  const resource = `rds:${db.identifier}`;
  const named = copies.filter((c) => c.kmsKeyId !== undefined);
  if (!db.storageEncrypted) {
    return named.length === 0
      ? { status: 'pass', check: 'encryption-keys', resource, region, message: `${db.identifier} is not encrypted: its cross-region copies need no KMS key` }
      : {
          status: 'warn', check: 'encryption-keys', resource, region,
          message: `${db.identifier} is not encrypted, yet the plan names ${named.map((c) => c.field).join(' and ')}: the copies stay unencrypted and the key is not sent`,
          action: `remove ${named.map((c) => c.field).join(' and ')} from the plan, or encrypt the database (a copy of an unencrypted snapshot can be encrypted, then restored)`,
        };
  }
  const unkeyed = copiesWithoutKey(aws, copies);
  if (unkeyed.length > 0) {
    return {
      status: 'fail', check: 'encryption-keys', resource, region,
      message: `${db.identifier} is encrypted (KMS key ${db.kmsKeyId ?? 'unknown'}): ${unkeyed.join('; ')}: each needs a KMS key of its region and the plan names none, so RDS would refuse the copy`,
      action: `add ${keysToAdd(aws, copies)} to the plan (a key its region's RDS may use, such as a multi-Region key's replica there)`,
    };
  }
  const keys = copies.map((c) => `${c.what} in ${aws.region(c.to)} with ${c.kmsKeyId}`).join('; ');
  return { status: 'pass', check: 'encryption-keys', resource, region, message: `${db.identifier} is encrypted (KMS key ${db.kmsKeyId ?? 'unknown'}); the plan encrypts ${keys}` };
}
