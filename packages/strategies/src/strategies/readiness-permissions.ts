/**
 * The `permissions` readiness finding: whether the role Firedrill runs as may make every call the plan's operations
 * make. The actions come from the steps' own previews (the same source as `firedrill iam-policy`); IAM decides them
 * through `iam:SimulatePrincipalPolicy` for the principal each side's clients act as (identity policies, permissions
 * boundaries and SCPs; `aws:RequestedRegion` supplied per region). A refusal found here would otherwise surface at
 * 3 a.m., half way through a failover.
 */
import type { FailoverMode, Operation, Plan } from '@firedrill/core';
import { GetRoleCommand, type EvaluationResult, SimulatePrincipalPolicyCommand } from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import type { AwsClients } from '../aws/client-factory.js';
import { classifyAwsError, CREDENTIALS_ADVICE } from '../aws/classify-error.js';
import { sendOptions } from '../aws/aws-call.js';
import type { Side } from '../aws-environment.js';
import type { Finding, StrategyContext, StrategyRun } from '../strategy.js';

/** What `check` is given (no operation, mode or run id). */
export type CheckContext = Omit<StrategyContext, 'operation' | 'mode' | 'runId'>;

/** Every operation a plan may run (what `firedrill iam-policy` grants and `check` proves), with how messages name it. */
export const PLAN_OPERATIONS: ReadonlyArray<{ label: string; operation: Exclude<Operation, 'check'>; mode: FailoverMode; drill?: 'isolated' | 'live' }> = [
  { label: 'graceful failover', operation: 'failover', mode: 'graceful' },
  { label: 'ungraceful failover', operation: 'failover', mode: 'ungraceful' },
  { label: 'failback', operation: 'failback', mode: 'graceful' },
  { label: 'isolated drill', operation: 'drill', mode: 'ungraceful', drill: 'isolated' },
  { label: 'live drill', operation: 'drill', mode: 'ungraceful', drill: 'live' },
];

/** The IAM actions `check` itself needs to prove the grants (GetRole only when Firedrill runs as a role). */
export const PERMISSIONS_CHECK_ACTIONS: readonly string[] = ['iam:GetRole', 'iam:SimulatePrincipalPolicy', 'sts:GetCallerIdentity'];

/** Actions per region, and which operations need each, for the calls one principal makes. */
type RegionActions = Map<string, Map<string, Set<string>>>;

/** What one principal (a plan side's role, or the base credentials both sides share) is asked to do. */
interface PrincipalCalls {
  sides: Side[];
  actions: RegionActions;
}

const entry = <K, V>(map: Map<K, V>, key: K, make: () => V): V => map.get(key) ?? map.set(key, make()).get(key)!;

/**
 * The side whose clients make a previewed call (so whose role needs its action): Route 53 goes through the
 * primary's, else the side of the call's region (the primary when both sides share it).
 *
 * @example sideOfCall(plan, 'rds', 'us-west-2') // 'recovery' for a plan recovering in us-west-2
 */
export function sideOfCall(plan: Pick<Plan, 'regions'>, service: string, region: string | undefined): Side {
  if (service === 'route53') return 'primary';
  return region === plan.regions.recovery && region !== plan.regions.primary ? 'recovery' : 'primary';
}

/**
 * The IAM actions the plan's operations call, from the previews of the steps `build` returns, per principal (the
 * role a side's clients act as; sides on the same role, or both on the base credentials, are one) and region.
 */
function planIamActions(ctx: CheckContext, build: (ctx: StrategyContext) => StrategyRun): Map<string, PrincipalCalls> {
  const byPrincipal = new Map<string, PrincipalCalls>();
  for (const choice of PLAN_OPERATIONS) {
    let steps;
    try {
      steps = build({ ...ctx, ...choice, runId: 'readiness-check' }).steps;
    } catch {
      continue; // an operation the strategy refuses for this plan (say, an isolated drill in-region) calls nothing
    }
    for (const call of steps.flatMap((s) => s.preview?.() ?? [])) {
      const side = sideOfCall(ctx.plan, call.service, call.region);
      const principal = entry(byPrincipal, ctx.plan.accounts?.[side]?.roleArn ?? 'base credentials', () => ({ sides: [], actions: new Map() }));
      if (!principal.sides.includes(side)) principal.sides.push(side);
      const actions = entry(principal.actions, call.region ?? ctx.plan.regions[side], () => new Map<string, Set<string>>());
      for (const action of call.iamActions ?? []) entry(actions, action, () => new Set<string>()).add(choice.label);
    }
  }
  return byPrincipal;
}

/**
 * Every IAM action the plan's failover (both modes), failback and drills call, sorted: what a role needs to run them.
 *
 * @example
 * iamActionsOfPlan({ plan, aws }, (c) => strategy.build(c)) // ['autoscaling:UpdateAutoScalingGroup', …]
 */
export function iamActionsOfPlan(ctx: CheckContext, build: (ctx: StrategyContext) => StrategyRun): string[] {
  const actions = [...planIamActions(ctx, build).values()].flatMap(({ actions: regions }) => [...regions.values()].flatMap((a) => [...a.keys()]));
  return [...new Set(actions)].sort();
}

/** The IAM principal (user or role ARN, with its path) the clients act as, or why it cannot be simulated. */
async function principalOf(clients: AwsClients): Promise<{ arn: string } | { unsupported: string }> {
  const { Arn: caller = '' } = await clients.sts.send(new GetCallerIdentityCommand({}), sendOptions(undefined));
  if (/^arn:aws[\w-]*:iam::\d{12}:user\//.test(caller)) return { arn: caller };
  const session = /^arn:(aws[\w-]*):sts::(\d{12}):assumed-role\/([\w+=,.@-]+)\//.exec(caller);
  if (!session) return { unsupported: caller };
  const [, partition, account, roleName] = session as unknown as [string, string, string, string];
  // The session's ARN drops the role's path, which SimulatePrincipalPolicy needs: GetRole has it.
  try {
    const { Role } = await clients.iam.send(new GetRoleCommand({ RoleName: roleName }), sendOptions(undefined));
    if (Role?.Arn) return { arn: Role.Arn };
  } catch (error) {
    if (classifyAwsError(error).reason !== 'access-denied') throw error;
  }
  return { arn: `arn:${partition}:iam::${account}:role/${roleName}` };
}

/** IAM's decisions for `actions` in `region`, every page. */
async function simulate(clients: AwsClients, principal: string, region: string, actions: string[]): Promise<EvaluationResult[]> {
  const results: EvaluationResult[] = [];
  // Chunks keep each request well under IAM's request size; pages follow Marker.
  for (let i = 0; i < actions.length; i += 50) {
    let marker: string | undefined;
    do {
      const page = await clients.iam.send(new SimulatePrincipalPolicyCommand({
        PolicySourceArn: principal,
        ActionNames: actions.slice(i, i + 50),
        ContextEntries: [{ ContextKeyName: 'aws:RequestedRegion', ContextKeyType: 'string', ContextKeyValues: [region] }],
        ...(marker === undefined ? {} : { Marker: marker }),
      }), sendOptions(undefined));
      results.push(...(page.EvaluationResults ?? []));
      marker = page.IsTruncated ? page.Marker : undefined;
    } while (marker !== undefined);
  }
  return results;
}

/** Why IAM refused an action, when it says more than "no policy allows it". */
function refusedBy(r: EvaluationResult): string {
  if (r.OrganizationsDecisionDetail?.AllowedByOrganizations === false) return 'a service control policy';
  if (r.PermissionsBoundaryDecisionDetail?.AllowedByPermissionsBoundary === false) return 'the permissions boundary';
  return r.EvalDecision === 'explicitDeny' ? 'an explicit Deny' : 'no policy allows it';
}

/** The findings of one principal: pass, fail (refused actions), or warn (undecided or not simulated). */
async function principalFindings(ctx: CheckContext, { sides, actions }: PrincipalCalls): Promise<Finding[]> {
  const clients = ctx.aws.clients(sides[0]!);
  const count = new Set([...actions.values()].flatMap((a) => [...a.keys()])).size;
  const who = sides.length > 1 ? 'Firedrill' : `Firedrill's ${sides[0]} side`;
  // In a multi-account plan each side's principal is simulated for the calls made through it.
  const calls = sides.length > 1 ? 'failover, failback and drills call' : `failover, failback and drills call through the ${sides[0]} side (${ctx.plan.regions[sides[0]!]})`;
  const base = { check: 'permissions', region: 'global' };
  let principal: string;
  try {
    const found = await principalOf(clients);
    if ('unsupported' in found) {
      return [{ ...base, status: 'warn', resource: `iam:${found.unsupported}`, message: `${who} runs as ${found.unsupported}, which IAM cannot simulate: the ${count} IAM actions failover, failback and drills call are not proven granted`, action: 'run Firedrill as an IAM role or user (not the root user or a federated user), with the policy of `firedrill iam-policy`' }];
    }
    principal = found.arn;
  } catch (error) {
    return [{ ...base, status: 'warn', resource: 'iam', message: `${who} could not read who it runs as (${classifyAwsError(error).code}: ${(error as Error).message}): the ${count} IAM actions of the plan's operations are not proven granted`, action: 'run check again; if it persists, check the credentials Firedrill is given' }];
  }
  const refused: { action: string; why: string; needs: Set<string>; region: string }[] = [];
  const undecided: { action: string; keys: string[] }[] = [];
  try {
    for (const [region, needs] of actions) {
      for (const r of await simulate(clients, principal, region, [...needs.keys()].sort())) {
        if (r.EvalDecision === 'allowed') continue;
        const action = r.EvalActionName ?? '?';
        if (r.EvalDecision === 'implicitDeny' && (r.MissingContextValues?.length ?? 0) > 0) undecided.push({ action, keys: r.MissingContextValues! });
        else refused.push({ action, why: refusedBy(r), needs: needs.get(action) ?? new Set(), region });
      }
    }
  } catch (error) {
    const c = classifyAwsError(error);
    return [{
      ...base, status: 'warn', resource: `iam:${principal}`,
      message: `${c.code}: ${principal} could not be simulated (${(error as Error).message}); the ${count} IAM actions failover, failback and drills call are not proven granted`,
      action: c.reason === 'access-denied' ? `allow ${principal} iam:SimulatePrincipalPolicy and iam:GetRole on itself so check can prove its grants (the policy of \`firedrill iam-policy\` includes them)`
        : c.reason === 'credentials' ? CREDENTIALS_ADVICE
        : 'run check again; if it persists, check the AWS Health Dashboard for IAM',
    }];
  }
  const findings: Finding[] = [];
  if (refused.length > 0) {
    const explicit = refused.some((r) => r.why !== 'no policy allows it');
    // One entry per action: the operations that need it (in PLAN_OPERATIONS' order) and the regions it was refused in.
    const byAction = new Map<string, typeof refused>();
    for (const r of refused) byAction.set(r.action, [...(byAction.get(r.action) ?? []), r]);
    const list = [...byAction].map(([action, rs]) => {
      const needs = PLAN_OPERATIONS.map((o) => o.label).filter((label) => rs.some((r) => r.needs.has(label)));
      const whys = [...new Set(rs.map((r) => r.why))].filter((w) => w !== 'no policy allows it');
      return `${action} in ${rs.map((r) => r.region).join(' and ')} (${needs.join(', ')}${whys.length ? `; refused by ${whys.join(', ')}` : ''})`;
    }).join('; ');
    // One side's own principal (a multi-account plan) needs only that side's policy.
    const printed = sides.length > 1 ? '`firedrill iam-policy <plan>` prints every action the plan needs' : `\`firedrill iam-policy <plan> --side ${sides[0]}\` prints every action its ${sides[0]} side needs`;
    findings.push({
      ...base, status: 'fail', resource: `iam:${principal}`,
      message: `${principal} is refused ${byAction.size} of the ${count} IAM actions ${calls}: ${list}`,
      action: explicit
        ? `remove the Deny that refuses them (an identity policy, a permissions boundary or an SCP), and grant the rest: ${printed}`
        : `add them to ${principal}'s policy: ${printed}`,
    });
  }
  if (undecided.length > 0) {
    findings.push({
      ...base, status: 'warn', resource: `iam:${principal}`,
      message: `IAM decides ${undecided.map((u) => u.action).join(', ')} for ${principal} on condition keys check cannot supply (${[...new Set(undecided.flatMap((u) => u.keys))].join(', ')}): not proven granted`,
      action: 'make sure the conditions hold when Firedrill runs, or grant these actions without them',
    });
  }
  if (findings.length === 0) {
    findings.push({ ...base, status: 'pass', resource: `iam:${principal}`, message: `${principal} is allowed all ${count} IAM actions ${calls} (IAM policy simulation: identity policies, permissions boundaries and SCPs)` });
  }
  return findings;
}

/**
 * The `permissions` findings of a plan: for each principal its sides act as (one, or one per account in a
 * multi-account plan), `pass` when IAM allows every action the plan's failover, failback and drills call, `fail`
 * naming each refused action with the operations that need it, `warn` when IAM cannot decide or simulate.
 *
 * @example
 * findings.push(...(await permissionsFindings(ctx, (c) => strategy.build(c))));
 */
export async function permissionsFindings(ctx: CheckContext, build: (ctx: StrategyContext) => StrategyRun): Promise<Finding[]> {
  // The primary side's principal first, as sides are ordered everywhere else.
  const rank = (p: PrincipalCalls): number => (p.sides.includes('primary') ? 0 : 1);
  const principals = [...planIamActions(ctx, build).values()].sort((a, b) => rank(a) - rank(b));
  return (await Promise.all(principals.map((p) => principalFindings(ctx, p)))).flat();
}
