/**
 * The cross-region copies of a database an operation makes (a failback's reverse replica, a re-protection replica, a
 * snapshot copied to the other region), and the KMS keys they need: RDS refuses a cross-region replica or snapshot
 * copy of an encrypted source without a key of the destination region (CreateDBInstanceReadReplica, CopyDBSnapshot
 * API references, `KmsKeyId`). The plan names one per side (`resources.<role>.<side>.kmsKeyId`).
 */
import type { AwsEnvironment, Side } from '../aws-environment.js';

/** One cross-region copy an operation makes of an encrypted database. */
export interface EncryptedCopy {
  /** Side (region) the copy is made in. */
  to: Side;
  /** What the copy is, for messages: `the reverse replica tracking-db`. */
  what: string;
  /** The key the plan names for that side, if any. */
  kmsKeyId: string | undefined;
  /** The plan field that names it, e.g. `resources.database.primary.kmsKeyId`. */
  field: string;
}

/**
 * The copies a database's role makes into each side, with the plan's key of that side.
 * @example encryptedCopies('database', plan.resources.database, { primary: 'the reverse replica tracking-db' })
 */
export function encryptedCopies(
  role: string,
  db: { primary: { kmsKeyId?: string | undefined }; recovery: { kmsKeyId?: string | undefined } },
  made: Partial<Record<Side, string>>,
): EncryptedCopy[] {
  return (['primary', 'recovery'] as const).flatMap((to) => {
    const what = made[to];
    return what === undefined ? [] : [{ to, what, kmsKeyId: db[to].kmsKeyId, field: `resources.${role}.${to}.kmsKeyId` }];
  });
}

/** The copies that lack a key, each said as "<what> in <region> (<field>)". */
export function copiesWithoutKey(aws: AwsEnvironment, copies: readonly EncryptedCopy[]): string[] {
  return copies.filter((c) => c.kmsKeyId === undefined).map((c) => `${c.what} in ${aws.region(c.to)} (${c.field})`);
}

/** What to add to the plan: each missing field with a key of its region. */
export function keysToAdd(aws: AwsEnvironment, copies: readonly EncryptedCopy[]): string {
  return copies
    .filter((c) => c.kmsKeyId === undefined)
    .map((c) => `${c.field}: <a KMS key of ${aws.region(c.to)}: its ARN arn:aws:kms:${aws.region(c.to)}:<account>:key/<key id>, or alias/<name>>`)
    .join('; ');
}
