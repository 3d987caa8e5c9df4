/**
 * What every building-block step takes, and the small pieces they share: the call preview for dry runs and
 * paper runbooks, and how an adapter's outcome is journaled.
 */
import type { CallPreview, StepContext, StepPolicy } from '@firedrill/core';
import type { ActionOutcome } from '../aws/aws-call.js';
import type { AwsService } from '../aws/aws-service.js';
import { ROUTE53_CONTROL_PLANE_REGION } from '../aws/aws-service.js';
import { iamActionFor } from '../aws/iam-action.js';
import type { AwsEnvironment, Side } from '../aws-environment.js';

/** Options every building block accepts. */
export interface AwsStepOptions {
  /** The run's AWS: clients per side, the shared rate limiter, the Route 53 change queues. */
  aws: AwsEnvironment;
  /** Step id; each block has a default named for what it does (`promote-replica`). */
  id?: string;
  /** Steps that must finish first. */
  dependsOn?: readonly string[];
  /** Overrides the block's default policy (a plan's `policies.<id>` still wins). */
  policy?: StepPolicy;
  /**
   * Before the compensation undoes this step, asks whether the run has passed a point of no return (say, the
   * replica was promoted): a reason string keeps the effect in place and journals why.
   */
  keepWhen?: (ctx: StepContext) => Promise<string | undefined>;
}

/** Runs `undo` unless `keepWhen` gives a reason to keep the effect. */
export async function compensateUnlessKept(options: Pick<AwsStepOptions, 'keepWhen'>, ctx: StepContext, what: string, undo: () => Promise<void>): Promise<void> {
  const reason = await options.keepWhen?.(ctx);
  if (reason !== undefined) {
    ctx.log(`not undoing ${what}: ${reason}`);
    return;
  }
  await undo();
}

/**
 * One previewed AWS call with the IAM action it needs, for `firedrill plan`, the paper runbook and
 * `firedrill iam-policy`.
 *
 * @example
 * previewCall('rds', 'us-west-2', 'PromoteReadReplica', { DBInstanceIdentifier: 'tracking-db-replica' })
 * // { service: 'rds', region: 'us-west-2', command: 'PromoteReadReplica', input: {…}, iamActions: ['rds:PromoteReadReplica'] }
 */
export function previewCall(service: AwsService, region: string, command: string, input: Record<string, unknown>): CallPreview {
  const where = service === 'route53' ? ROUTE53_CONTROL_PLANE_REGION : region;
  return { service, region: where, command, input, iamActions: [iamActionFor(service, command)] };
}

/** A region, and the side it belongs to, for titles: "us-west-2 (recovery)". */
export function regionLabel(aws: AwsEnvironment, side: Side): string {
  return `${aws.region(side)} (${side})`;
}

/** Journals what an adapter did and returns its outcome as the step's (JSON) result. */
export function journaled<T extends ActionOutcome>(ctx: StepContext, outcome: T): T {
  ctx.log(outcome.note);
  return outcome;
}
