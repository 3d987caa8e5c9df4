/**
 * The simulated STS API: just enough for a client factory that assumes a role per account. Resources are
 * kept in one account; AssumeRole mints session credentials whose identity GetCallerIdentity reports.
 */
import { AwsApiError, badRequest } from '../errors.js';
import type { OperationContext, ServiceHandlers } from '../operation-context.js';
import { defaultIdentity, str } from '../operation-context.js';

type Input = Record<string, unknown>;

function assumeRole(ctx: OperationContext, input: Input): object {
  const roleArn = str(input, 'RoleArn');
  const sessionName = str(input, 'RoleSessionName');
  const m = roleArn ? /^arn:aws:iam::(\d{12}):role\/(?:.*\/)?([\w+=,.@-]+)$/.exec(roleArn) : null;
  if (!m) throw badRequest('ValidationError', `${roleArn ?? 'RoleArn'} is invalid`);
  if (!sessionName || !/^[\w+=,.@-]{2,64}$/.test(sessionName)) throw badRequest('ValidationError', 'RoleSessionName must satisfy regular expression pattern: [\\w+=,.@-]*');
  const [, accountId, roleName] = m as unknown as [string, string, string];
  if (!ctx.world.accounts.includes(accountId)) {
    throw new AwsApiError('AccessDenied', `User: ${ctx.identity?.arn ?? 'unknown'} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`, 403);
  }
  const duration = Number(input['DurationSeconds'] ?? 3600);
  if (!(duration >= 900 && duration <= 43200)) throw badRequest('ValidationError', 'DurationSeconds must be between 900 and 43200');
  const accessKeyId = `ASIA${ctx.random.hex(16).toUpperCase()}`;
  const roleId = `AROA${ctx.random.hex(17).toUpperCase()}`;
  const arn = `arn:aws:sts::${accountId}:assumed-role/${roleName}/${sessionName}`;
  const expiresAt = ctx.now + duration * 1000;
  ctx.world.sts.sessions[accessKeyId] = { accountId, arn, userId: `${roleId}:${sessionName}`, expiresAt };
  return {
    Credentials: { AccessKeyId: accessKeyId, SecretAccessKey: ctx.random.hex(40), SessionToken: ctx.random.hex(64), Expiration: new Date(expiresAt) },
    AssumedRoleUser: { AssumedRoleId: `${roleId}:${sessionName}`, Arn: arn },
  };
}

/** STS operations the sandbox simulates. */
export const stsHandlers: ServiceHandlers = {
  GetCallerIdentity: (ctx) => {
    const identity = ctx.identity ?? defaultIdentity(ctx.world);
    return { Account: identity.accountId, Arn: identity.arn, UserId: identity.userId };
  },
  AssumeRole: assumeRole,
};
