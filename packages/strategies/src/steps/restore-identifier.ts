/**
 * Who holds the identifier a restore is about to use. RDS keeps an instance's identifier until the instance is
 * fully gone: one still `deleting` (an earlier run's DR database, say) makes `RestoreDBInstanceFromDBSnapshot`
 * fail with `DBInstanceAlreadyExists`. A restore must tell that apart from its own instance (a resumed run, a
 * retried attempt whose answer was lost), which it recognises by the run-id tag it puts on what it creates.
 */
import { DescribeDBInstancesCommand, type RDSClient } from '@aws-sdk/client-rds';
import { type StepContext, StepFailure } from '@firedrill/core';
import { sendOptions } from '../aws/aws-call.js';
import type { RateLimiter } from '../aws/rate-limiter.js';
import { describeRawDbInstance } from '../aws/rds-instances.js';
import { waitFor } from '../aws/waiters/wait-for.js';
import { DRILL_RUN_TAG } from './drill-cleanup-steps.js';

/** The tag a restore puts on the instance it creates; its value is the run id. */
export const RESTORED_BY_RUN_TAG = DRILL_RUN_TAG;

/** What holds an identifier now. */
export type IdentifierHolder =
  | { kind: 'free' }
  /** This run's restore: created by this run (its run-id tag). */
  | { kind: 'this-run'; status: string }
  /** An instance being deleted: the identifier is free once it is gone. */
  | { kind: 'going'; status: string }
  /** Another instance (another run's, a person's, a read replica): not this restore's to take over. */
  | { kind: 'other'; status: string; createdBy: string | undefined; replicaOf: string | undefined };

/**
 * Describes the instance under `identifier` and says whose it is.
 *
 * @example
 * const holder = await identifierHolder(rds, 'tracking-db-restored', ctx); // { kind: 'going', status: 'deleting' }
 */
export async function identifierHolder(rds: RDSClient, identifier: string, ctx: StepContext): Promise<IdentifierHolder> {
  const db = await describeRawDbInstance({ rds, identifier, signal: ctx.signal });
  const status = db?.DBInstanceStatus ?? 'unknown';
  if (db === undefined || status === 'deleted') return { kind: 'free' };
  if (status === 'deleting') return { kind: 'going', status };
  const createdBy = db.TagList?.find((t) => t.Key === RESTORED_BY_RUN_TAG)?.Value;
  const replicaOf = db.ReadReplicaSourceDBInstanceIdentifier || undefined;
  if (createdBy === ctx.runId && replicaOf === undefined) return { kind: 'this-run', status };
  return { kind: 'other', status, createdBy, replicaOf };
}

/**
 * Waits until an instance being deleted is gone, so its identifier can be restored into. The time counts in the
 * step (and so in the RTO): the restore really could not start before.
 */
export async function waitIdentifierFreed(options: { rds: RDSClient; identifier: string; region: string; limiter: RateLimiter; ctx: StepContext }): Promise<void> {
  const { rds, identifier, region, ctx } = options;
  ctx.log(`${identifier} in ${region} is still being deleted (left by an earlier run); RDS keeps its identifier until it is gone: waiting, then restoring`);
  await waitFor('dbInstanceDeleted', {
    describe: (signal) => rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: identifier }), sendOptions(signal)),
    params: { identifier }, clock: ctx.clock, region, signal: ctx.signal, limiter: options.limiter, timeoutMs: 30 * 60_000,
  });
}

/** The failure for an identifier another instance holds: restoring is impossible, and adopting it would measure a restore that did not happen. */
export function identifierTakenFailure(identifier: string, region: string, holder: Extract<IdentifierHolder, { kind: 'other' }>): StepFailure {
  const whose = holder.replicaOf !== undefined
    ? `it is a read replica of ${holder.replicaOf}`
    : holder.createdBy !== undefined ? `run ${holder.createdBy} restored it` : 'Firedrill did not create it';
  return new StepFailure(
    `DBInstanceAlreadyExists: ${identifier} already exists in ${region} (${holder.status}) and this run did not restore it (${whose}). ` +
      'Taking it over would report a restore that did not happen. If an earlier run left it, finish that run (firedrill resume <run-id>) or fail back (firedrill failback); otherwise delete it, then retry this step.',
    { code: 'DBInstanceAlreadyExists', retryable: false },
  );
}
