/**
 * A DNS cutover that survives the loss of Route 53's control plane. Route 53's API lives in us-east-1: when that is
 * the region lost, `ChangeResourceRecordSets` cannot be called, but the health-checked failover records — Route 53's
 * data plane — already answer with the healthy side. In an ungraceful failover the step then records that the
 * cutover is left to the records and lets the run go on; the run's health probe, which resolves the name as users
 * do, is what proves users reach the recovery region.
 */
import type { ActionStep, CheckResult, StepContext } from '@firedrill/core';
import { StepFailure } from '@firedrill/core';
import { classifyAwsError } from '../aws/classify-error.js';
import type { RecordChangeOutcome } from '../aws/route53.js';
import { type DnsStepOptions, switchDnsStep } from './dns-steps.js';

const UNREACHABLE_CODES = new Set(['TimeoutError', 'NetworkingError', 'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'RequestTimeout']);

/** The Route 53 API could not be reached (as opposed to answering with an error). */
export function isControlPlaneUnreachable(error: unknown): boolean {
  if (error instanceof StepFailure && error.code !== undefined && UNREACHABLE_CODES.has(error.code)) return true;
  const reason = classifyAwsError(error).reason;
  return reason === 'network' || reason === 'timeout';
}

/**
 * {@link switchDnsStep}, except that in an ungraceful failover an unreachable Route 53 control plane ends the step
 * with a note instead of failing the failover: the health-checked failover records carry the cutover.
 *
 * @example
 * dnsCutoverStep({ aws, record: dns, to: 'recovery', dependsOn: ['wait-database-restored'] });
 */
export function dnsCutoverStep(options: DnsStepOptions): ActionStep<RecordChangeOutcome> {
  const base = switchDnsStep(options);
  const region = options.aws.region(options.to);
  const deferred = (ctx: StepContext, error: unknown): RecordChangeOutcome => {
    const note = `Route 53's control plane is unreachable (${(error as Error).message}); the health-checked failover records send users to the healthy side, ${region} — the health probe verifies it. Make ${options.record[options.to].setIdentifier} PRIMARY once Route 53 answers.`;
    ctx.log(note);
    return { changed: false, note };
  };
  return {
    ...base,
    why: `${base.why ?? ''} If Route 53's API is unreachable (us-east-1 lost), the failover records' health checks do the cutover.`,
    check: async (ctx): Promise<CheckResult<RecordChangeOutcome>> => {
      try {
        return await base.check!(ctx);
      } catch (error) {
        if (ctx.mode === 'ungraceful' && isControlPlaneUnreachable(error)) return { applied: false };
        throw error;
      }
    },
    act: async (ctx) => {
      try {
        return await base.act(ctx);
      } catch (error) {
        if (ctx.mode === 'ungraceful' && isControlPlaneUnreachable(error)) return deferred(ctx, error);
        throw error;
      }
    },
  };
}
