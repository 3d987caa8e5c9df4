/**
 * The simulated IAM API: `GetRole` (a role's ARN with its path, which an assumed-role session's ARN drops) and
 * `SimulatePrincipalPolicy` (IAM's decision per action for a user or role of the caller's own account), evaluated
 * with the same rules the sandbox enforces on every call (`iam-policies.ts`). IAM is global: served from us-east-1.
 */
import { AwsApiError, badRequest, notFound } from '../errors.js';
import { decide, parsePrincipalArn, roleArnIn, roleIdOf } from '../iam-policies.js';
import type { CallerIdentity, OperationContext, ServiceHandlers } from '../operation-context.js';
import { defaultIdentity, str } from '../operation-context.js';

type Input = Record<string, unknown>;

const callerOf = (ctx: OperationContext): CallerIdentity => ctx.identity ?? defaultIdentity(ctx.world);

function getRole(ctx: OperationContext, input: Input): object {
  const name = str(input, 'RoleName');
  if (!name || !/^[\w+=,.@-]{1,64}$/.test(name)) throw badRequest('ValidationError', `RoleName ${JSON.stringify(name ?? '')} must satisfy regular expression pattern: [\\w+=,.@-]+`);
  const account = callerOf(ctx).accountId;
  // Any role of a known account exists, as AssumeRole enters any; a restricted one keeps the path it was given.
  if (!ctx.world.accounts.includes(account)) throw notFound('NoSuchEntity', `The role with name ${name} cannot be found.`);
  const arn = roleArnIn(ctx.world, account, name);
  const path = arn.slice(arn.indexOf(':role') + ':role'.length, arn.length - name.length);
  return { Role: { Path: path, RoleName: name, RoleId: roleIdOf(name), Arn: arn, CreateDate: new Date(ctx.world.createdAt) } };
}

function simulatePrincipalPolicy(ctx: OperationContext, input: Input): object {
  const source = str(input, 'PolicySourceArn') ?? '';
  const principal = parsePrincipalArn(source);
  if (!principal) throw badRequest('InvalidInput', `Invalid ARN: PolicySourceArn ${JSON.stringify(source)} is not the ARN of a user or role.`);
  // IAM simulates principals of the caller's own account only.
  if (principal.accountId !== callerOf(ctx).accountId) {
    throw new AwsApiError('AccessDenied', `User: ${callerOf(ctx).arn} is not authorized to perform: iam:SimulatePrincipalPolicy on resource: ${source}`, 403);
  }
  if (principal.kind === 'user' && source !== defaultIdentity(ctx.world).arn && ctx.world.iam?.principals[source] === undefined) {
    throw notFound('NoSuchEntity', `The user with name ${principal.name} cannot be found.`);
  }
  const actions = input['ActionNames'];
  if (!Array.isArray(actions) || actions.length === 0 || actions.some((a) => typeof a !== 'string')) throw badRequest('InvalidInput', 'ActionNames: expected a list of actions.');
  const resources = Array.isArray(input['ResourceArns']) && input['ResourceArns'].length > 0 ? (input['ResourceArns'] as string[]) : ['*'];
  const all = (actions as string[]).flatMap((action) =>
    resources.map((resource) => {
      const { decision, matched } = decide(ctx.world, source, action);
      return {
        EvalActionName: action,
        EvalResourceName: resource,
        EvalDecision: decision,
        MatchedStatements: matched.map((id) => ({ SourcePolicyId: id, SourcePolicyType: 'IAM Policy' })),
        MissingContextValues: [],
      };
    }),
  );
  // Paginated as IAM pages it: MaxItems (default 100) per answer, Marker to go on.
  const start = Number(str(input, 'Marker') ?? 0);
  const max = Number(input['MaxItems'] ?? 100);
  const page = all.slice(start, start + max);
  const truncated = start + max < all.length;
  return { EvaluationResults: page, IsTruncated: truncated, ...(truncated ? { Marker: String(start + max) } : {}) };
}

/** IAM operations the sandbox simulates. */
export const iamHandlers: ServiceHandlers = {
  GetRole: getRole,
  SimulatePrincipalPolicy: simulatePrincipalPolicy,
};
