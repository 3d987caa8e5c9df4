/**
 * The readiness findings every plan gets whatever its strategy: its `launch-template` and `s3-bucket` resources,
 * and whether IAM grants what its operations call. Each strategy's check adds them once, through here.
 */
import type { Side } from '../aws-environment.js';
import type { Finding, StrategyContext, StrategyRun } from '../strategy.js';
import { bucketFindings } from './readiness-buckets.js';
import { plannedLaunchTemplateFindings } from './readiness-compute.js';
import { guardFindings } from './readiness-guard.js';
import { type CheckContext, permissionsFindings } from './readiness-permissions.js';

/**
 * The plan-wide findings: launch templates (read failures named in the `launchTemplates` side's region), buckets,
 * and — given the strategy's `build` — permissions.
 *
 * @example
 * findings.push(...(await planWideFindings({ ...ctx, build }, 'recovery')));
 */
export async function planWideFindings(ctx: CheckContext & { build?: (ctx: StrategyContext) => StrategyRun }, launchTemplates: Side): Promise<Finding[]> {
  const { aws, plan } = ctx;
  const groups = await Promise.all([
    guardFindings({ check: 'launch-template', resource: 'launch-template', region: aws.region(launchTemplates) }, () => plannedLaunchTemplateFindings(aws, plan)),
    // Buckets guard each bucket themselves.
    bucketFindings(aws, plan),
    ctx.build ? permissionsFindings(ctx, ctx.build) : [],
  ]);
  return groups.flat();
}

/**
 * A strategy's own findings followed by its plan-wide ones, without a launch template checked twice: a template the
 * strategy already checked where it is used (an Auto Scaling group's, or a role's whose AMI is given at launch) keeps
 * that finding — it names who launches from it and the version they launch — and drops the plan-wide one.
 *
 * @example
 * return withPlanWide(own, await planWideFindings(ctx, 'recovery'));
 */
export function withPlanWide(own: Finding[], planWide: Finding[]): Finding[] {
  const checkedInUse = new Set(own.filter((f) => f.resource.startsWith('launch-template:')).map((f) => `${f.resource} ${f.region}`));
  return [...own, ...planWide.filter((f) => !(f.resource.startsWith('launch-template:') && checkedInUse.has(`${f.resource} ${f.region}`)))];
}
