/**
 * One readiness check that cannot read what it needs (a region down, access denied, a resource gone) is a `fail`
 * finding naming the call and the resource — never a crash of the whole `check`, which would hide every other
 * finding from the person who most needs them.
 */
import { classifyAwsError, CREDENTIALS_ADVICE } from '../aws/classify-error.js';
import type { Finding } from '../strategy.js';

/** Where a guarded check looks: its id, and the resource and region its error finding names. */
export interface GuardedCheck {
  check: string;
  resource: string;
  region: string;
}

/**
 * Runs `run`; an error becomes one `fail` finding with the AWS error code and what to do (grant the read action,
 * or check the resource and region in the plan).
 *
 * @example
 * const findings = await guardFindings({ check: 'replica-exists', resource: 'rds:tracking-db-replica', region: 'us-west-2' }, () => replicaFindings(aws));
 */
export async function guardFindings(where: GuardedCheck, run: () => Promise<Finding[]>): Promise<Finding[]> {
  try {
    return await run();
  } catch (error) {
    const c = classifyAwsError(error);
    // Adapter failures already read "<code>: <action> on <resource> in <region> …"; raw SDK errors need the code.
    const message = (error as Error).message.startsWith(`${c.code}:`) ? (error as Error).message : `${c.code}: ${(error as Error).message}`;
    const action = c.reason === 'access-denied'
      ? 'grant the read permissions `check` uses (Describe*, List*, Get*) to the role Firedrill runs as, with the policy of `firedrill iam-policy`'
      : c.reason === 'credentials'
        ? `${CREDENTIALS_ADVICE}, or check on the simulated AWS with --target sandbox`
      : c.category === 'permanent'
        ? 'check the resource and the region in the plan'
        : 'run check again; if it persists, check the AWS Health Dashboard for the region';
    return [{ status: 'fail', ...where, message, action }];
  }
}
