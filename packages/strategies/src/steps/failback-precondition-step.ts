/**
 * A failback undoes a failover: it retires the database in the primary region as stale and rebuilds it from the
 * recovery region's writer. Run when no failover happened (a mistaken command, a CI retry, a second failback), the
 * "stale" database it retires is production's writer. So a failback's first step reads the recovery region and goes
 * no further unless the writer a failover leaves there exists and is no longer a read replica.
 */
import { type ActionStep, StepFailure } from '@firedrill/core';
import { describeRawDbInstance, summarizeDbInstance } from '../aws/rds-instances.js';
import type { AwsEnvironment } from '../aws-environment.js';
import { previewCall } from './aws-step-options.js';
import { copiesWithoutKey, type EncryptedCopy, keysToAdd } from './encrypted-copies.js';
import { writersFenced } from './fence-steps.js';

/** Options of {@link confirmFailedOverStep}. */
export interface ConfirmFailedOverOptions {
  id: string;
  aws: AwsEnvironment;
  /** The database the failover left writing in the recovery region (a promoted replica, or a restore). */
  recoveryIdentifier: string;
  /** The primary-region database the failback would replace, for the message. */
  primaryIdentifier: string;
  /**
   * The cross-region copies the failback makes of the recovery writer's data: when it is encrypted, each needs a KMS
   * key of its region, and a failback the plan names no key for would stop half way (RDS refuses the copy after the
   * stale primary is retired), so it is refused here, before any change.
   */
  encryptedCopies?: readonly EncryptedCopy[];
  dependsOn?: readonly string[];
}

/**
 * Fails, before any change, unless `recoveryIdentifier` exists in the recovery region as a standalone database —
 * what a failover leaves behind. A missing database or a read replica means the writer is still (or again) in the
 * primary region: the failback stops with `NotFailedOver` and nothing changed.
 *
 * @example
 * confirmFailedOverStep({ id: 'confirm-failed-over', aws, recoveryIdentifier: 'tracking-db-replica', primaryIdentifier: 'tracking-db' })
 */
export function confirmFailedOverStep(options: ConfirmFailedOverOptions): ActionStep<{ changed: false; note: string }> {
  const { aws, recoveryIdentifier, primaryIdentifier } = options;
  const region = aws.region('recovery');
  const primaryRegion = aws.region('primary');
  const refuse = (why: string) => new StepFailure(
    `NotFailedOver: ${why}, so the writer is still ${primaryIdentifier} in ${primaryRegion}: no failover happened, or a failback already completed. ` +
      `A failback now would retire ${primaryIdentifier} as stale; nothing was changed. Run \`firedrill check\` to see the topology; fail back only after a failover.`,
    { code: 'NotFailedOver', retryable: false },
  );
  return {
    id: options.id,
    kind: 'action',
    guard: true,
    title: `Confirm a failover left the writer in ${region}: ${recoveryIdentifier} is a standalone database`,
    why: `A failback retires ${primaryIdentifier} in ${primaryRegion} as stale: that is only safe when the recovery region took over the writes.`,
    ...(options.dependsOn ? { dependsOn: options.dependsOn } : {}),
    preview: () => [
      previewCall('rds', region, 'DescribeDBInstances', { DBInstanceIdentifier: recoveryIdentifier }),
      previewCall('rds', region, 'DescribeDBParameters', { DBParameterGroupName: `<parameter group of ${recoveryIdentifier}>`, Source: 'user' }),
    ],
    // On paper the operator is the guard: say which answers mean stop, not just what to run.
    verifyByHand:
      `\`aws rds describe-db-instances --region ${region} --db-instance-identifier ${recoveryIdentifier} --query 'DBInstances[0].[DBInstanceStatus,ReadReplicaSourceDBInstanceIdentifier,DBParameterGroups[0].DBParameterGroupName]'\`, ` +
      `then \`aws rds describe-db-parameters --region ${region} --db-parameter-group-name <that group> --source user --query "Parameters[?ParameterName=='default_transaction_read_only' || ParameterName=='read_only'].ParameterValue"\`. ` +
      `Go on only when the instance exists, is not \`deleting\`, has no source (None: not a read replica) and is not read-only (not 1). ` +
      `Otherwise **stop**: no failover left the writer here, and this failback would retire ${primaryIdentifier}, production's writer (read-only: resume the earlier failback instead).`,
    act: async (ctx) => {
      // One read: its state and source here, its parameter group for the fence below.
      const raw = await describeRawDbInstance({ rds: aws.clients('recovery').rds, identifier: recoveryIdentifier, signal: ctx.signal });
      if (raw === undefined) throw refuse(`there is no DB instance ${recoveryIdentifier} in ${region}`);
      const db = summarizeDbInstance(raw);
      if (db.readReplicaSource !== undefined) throw refuse(`${recoveryIdentifier} in ${region} is a read replica of ${db.readReplicaSource}`);
      if (db.status === 'deleting') throw refuse(`${recoveryIdentifier} in ${region} is being deleted`);
      // Fenced: an earlier failback already cut the writes over and stopped before its end. Starting another would
      // rebuild the primary from this frozen copy and lose what the primary took since; that failback is to resume.
      if (await writersFenced(aws, 'recovery', raw, ctx.signal)) {
        throw new StepFailure(
          `NotFailedOver: ${recoveryIdentifier} in ${region} is fenced (read-only): an earlier failback already moved the writes back to ${primaryRegion} and did not finish. ` +
            `Resume that failback (\`firedrill history\` lists its run id; \`firedrill resume <run-id>\`) rather than start another, which would rebuild ${primaryIdentifier} from this frozen copy; nothing was changed.`,
          { code: 'NotFailedOver', retryable: false },
        );
      }
      const unkeyed = db.storageEncrypted ? copiesWithoutKey(aws, options.encryptedCopies ?? []) : [];
      if (unkeyed.length > 0) {
        throw new StepFailure(
          `KmsKeyRequired: ${recoveryIdentifier} in ${region} is encrypted (KMS key ${db.kmsKeyId ?? 'unknown'}) and this failback copies it across regions: ${unkeyed.join('; ')}: each ` +
            `needs a KMS key of its region, which the plan does not name, and RDS refuses such a copy without one. Add ${keysToAdd(aws, options.encryptedCopies ?? [])} to the plan ` +
            'and start the failback again (a `firedrill check` shows it ready); nothing was changed.',
          { code: 'KmsKeyRequired', retryable: false },
        );
      }
      return { changed: false, note: `${recoveryIdentifier} in ${region} is a standalone database (${db.status}${db.storageEncrypted ? ', encrypted' : ''}): the failover's writer` };
    },
  };
}
