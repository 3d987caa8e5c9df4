/**
 * Route 53's control plane lives in us-east-1: in an outage there, DNS answers keep working (data plane) while
 * GetHealthCheckStatus, ChangeResourceRecordSets and GetChange fail (aws-facts.md). A `failover` record pair
 * whose two sides are guarded by health checks moves users to the healthy side by itself, so the DNS steps of
 * a failover need not fail then: they notice the unreachable control plane quickly, journal why they did not
 * call it, and leave the proof of restoration to the run's health probe (which resolves through DNS). Weighted
 * records do not move by themselves: there the steps fail with what to do.
 */
import { StepFailure } from '@firedrill/core';
import { classifyAwsError } from '../aws/classify-error.js';
import type { AwsEnvironment, Side } from '../aws-environment.js';
import type { DnsRecordResource } from '../strategies/plan-roles.js';

/** Code of the failure that says "Route 53's control plane cannot be reached". */
export const CONTROL_PLANE_UNREACHABLE = 'Route53ControlPlaneUnreachable';

/**
 * Consecutive network failures (connection refused, DNS failure, connect timeout) that count as "the control
 * plane is unreachable". Two, not the usual ten retries: each timeout costs seconds of RTO, and one lost packet
 * is not an outage.
 */
export const UNREACHABLE_AFTER_FAILURES = 2;

/** Whether `error` (or its cause) is a network failure or timeout: the request never got an answer. */
export function isNetworkFailure(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e !== undefined && e !== null && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const { reason } = classifyAwsError(e);
    if (reason === 'network' || reason === 'timeout') return true;
  }
  return false;
}

/**
 * Whether the record pair moves users by itself when a side fails: `failover` routing with a health check on
 * both sides, named in the plan (with the control plane down the record sets cannot be read to find them).
 */
export function failsOverByItself(record: DnsRecordResource): boolean {
  return record.routing === 'failover' && record.primary.healthCheckId !== undefined && record.recovery.healthCheckId !== undefined;
}

/**
 * The failure for an unreachable control plane: `retryable: false` so waits and retries stop at once. The DNS
 * steps of a self-failing-over record catch it; for any other record it reaches the operator.
 */
export function controlPlaneUnreachable(aws: AwsEnvironment, record: DnsRecordResource, to: Side, cause: unknown): StepFailure {
  const why = cause instanceof Error ? cause.message : String(cause);
  const message = failsOverByItself(record)
    ? `${CONTROL_PLANE_UNREACHABLE}: Route 53's control plane (us-east-1) did not answer ${UNREACHABLE_AFTER_FAILURES} times in a row (${why}).`
    : `${CONTROL_PLANE_UNREACHABLE}: Route 53's control plane (us-east-1) did not answer ${UNREACHABLE_AFTER_FAILURES} times in a row (${why}), and ${record.name} uses ${record.routing} routing${record.routing === 'failover' ? ' without a health check on both sides (name both healthCheckIds in the plan)' : ''}, which does not move users by itself. Change the weights from another account or region (the Route 53 console), or wait for the control plane and retry this step.`;
  return new StepFailure(message, { code: CONTROL_PLANE_UNREACHABLE, retryable: false, cause });
}

/** Whether `error` is {@link controlPlaneUnreachable}'s failure. */
export function isControlPlaneUnreachable(error: unknown): error is StepFailure {
  return error instanceof StepFailure && error.code === CONTROL_PLANE_UNREACHABLE;
}

/**
 * Wraps one control-plane call: a network failure is retried once at once; a second one in a row throws
 * {@link controlPlaneUnreachable}. Other errors pass through. Counts across calls when given a shared counter
 * (a waiter's polls), so "2 in a row" holds across polls too.
 */
export function guardControlPlane<T>(aws: AwsEnvironment, record: DnsRecordResource, to: Side, counter: { failures: number } = { failures: 0 }): (call: () => Promise<T>) => Promise<T> {
  return async (call) => {
    for (;;) {
      try {
        const value = await call();
        counter.failures = 0;
        return value;
      } catch (error) {
        if (!isNetworkFailure(error)) throw error;
        counter.failures++;
        if (counter.failures >= UNREACHABLE_AFTER_FAILURES) throw controlPlaneUnreachable(aws, record, to, error);
      }
    }
  };
}

/** The journal line when the control plane is unreachable and the health-checked records do the cutover. */
export function dataPlaneCutoverNote(aws: AwsEnvironment, record: DnsRecordResource, to: Side, cause: StepFailure): string {
  const region = aws.region(to);
  const back = aws.region(to === 'primary' ? 'recovery' : 'primary');
  return `Route 53 control plane unreachable (${cause.message.replace(`${CONTROL_PLANE_UNREACHABLE}: `, '')}); the health-checked failover records move users to ${region} by themselves (data plane); the record set will be re-pointed by failback/once the control plane is back. Until then, when ${back} serves again its record takes users back: run the failback as soon as it returns.`;
}
