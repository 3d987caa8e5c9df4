/**
 * Identity policies and how IAM evaluates them, for the principals a test restricts. A principal with no policy
 * here is allowed everything (the sandbox's default identity acts as an administrator), so a world only enforces
 * IAM where a test or scenario says what a role may do.
 *
 * Modelled: `Allow`/`Deny` statements on `Action` lists with `*` and `?` wildcards, matched case-insensitively;
 * an explicit deny wins over any allow; no matching allow is an implicit deny (IAM User Guide, "Policy evaluation
 * logic"). Not modelled: `Resource` other than `"*"`, `NotAction`, `Condition`, resource-based policies, permission
 * boundaries and SCPs — {@link validateIdentityPolicy} refuses a policy that uses them rather than ignore them.
 */
import type { World } from './world.js';

/** One statement of an identity policy, as IAM's JSON grammar writes it. */
export interface IdentityPolicyStatement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Action: string | string[];
  Resource: '*' | ['*'];
}

/** An identity-based policy document. */
export interface IdentityPolicy {
  Version?: '2012-10-17';
  Statement: IdentityPolicyStatement[];
}

/** A principal (user or role) whose permissions the world enforces. */
export interface IamPrincipalRecord {
  /** `arn:aws:iam::<account>:role/<path/>name` or `…:user/<path/>name`. */
  arn: string;
  policy: IdentityPolicy;
}

/** What IAM decides for one action (the values of SimulatePrincipalPolicy's `EvalDecision`). */
export type IamDecision = 'allowed' | 'explicitDeny' | 'implicitDeny';

const PRINCIPAL_ARN = /^arn:aws:iam::(\d{12}):(role|user)\/(?:[\w+=,.@/-]*\/)?([\w+=,.@-]+)$/;

/** The parts of a user or role ARN, or `undefined` when `arn` is neither. */
export function parsePrincipalArn(arn: string): { accountId: string; kind: 'role' | 'user'; name: string } | undefined {
  const m = PRINCIPAL_ARN.exec(arn);
  return m ? { accountId: m[1]!, kind: m[2] as 'role' | 'user', name: m[3]! } : undefined;
}

/** Throws a `TypeError` naming the field when `policy` uses what the sandbox does not evaluate. */
export function validateIdentityPolicy(policy: IdentityPolicy, where: string): void {
  if (!Array.isArray(policy?.Statement)) throw new TypeError(`${where}: Statement: expected a list of statements`);
  policy.Statement.forEach((s, i) => {
    const at = `${where}: Statement[${i}]`;
    if (s.Effect !== 'Allow' && s.Effect !== 'Deny') throw new TypeError(`${at}.Effect: expected "Allow" or "Deny", got ${JSON.stringify(s.Effect)}`);
    const actions = [s.Action].flat();
    if (actions.length === 0 || actions.some((a) => typeof a !== 'string' || !/^([\w*?-]+:[\w*?]+|\*)$/.test(a))) {
      throw new TypeError(`${at}.Action: expected actions such as "rds:PromoteReadReplica" or "rds:Describe*", got ${JSON.stringify(s.Action)}`);
    }
    const resources = [s.Resource].flat();
    if (resources.length !== 1 || resources[0] !== '*') {
      throw new TypeError(`${at}.Resource: the sandbox evaluates identity policies on "*" only, got ${JSON.stringify(s.Resource)}`);
    }
    const extra = Object.keys(s).filter((k) => !['Sid', 'Effect', 'Action', 'Resource'].includes(k));
    if (extra.length > 0) throw new TypeError(`${at}: ${extra.join(', ')} not modelled by the sandbox (Effect, Action and Resource "*" only)`);
  });
}

/** IAM's wildcard match: `*` any run of characters, `?` one; case-insensitive. */
function actionMatches(pattern: string, action: string): boolean {
  const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 'i');
  return re.test(action);
}

/** IAM's decision for `action` under `policy`. */
export function evaluatePolicy(policy: IdentityPolicy, action: string): { decision: IamDecision; matched: string[] } {
  const matching = (effect: 'Allow' | 'Deny'): string[] =>
    policy.Statement.flatMap((s, i) => (s.Effect === effect && [s.Action].flat().some((p) => actionMatches(p, action)) ? [s.Sid ?? `Statement${i}`] : []));
  const denies = matching('Deny');
  if (denies.length > 0) return { decision: 'explicitDeny', matched: denies };
  const allows = matching('Allow');
  return allows.length > 0 ? { decision: 'allowed', matched: allows } : { decision: 'implicitDeny', matched: [] };
}

/**
 * The IAM principal a caller acts as: a user ARN as is; an assumed-role session (`arn:aws:sts::…:assumed-role/Name/s`)
 * as its role, found among the restricted principals whatever its path, else `arn:aws:iam::<account>:role/Name`.
 */
export function principalOfCaller(world: World, callerArn: string): string {
  const session = /^arn:aws:sts::(\d{12}):assumed-role\/([\w+=,.@-]+)\//.exec(callerArn);
  if (!session) return callerArn;
  const [, accountId, roleName] = session as unknown as [string, string, string];
  return roleArnIn(world, accountId, roleName);
}

/** A role's ARN in `accountId` (with the path a restricted principal was given). */
export function roleArnIn(world: World, accountId: string, roleName: string): string {
  const known = Object.keys(world.iam?.principals ?? {}).find((arn) => {
    const p = parsePrincipalArn(arn);
    return p?.kind === 'role' && p.accountId === accountId && p.name === roleName;
  });
  return known ?? `arn:aws:iam::${accountId}:role/${roleName}`;
}

/** A role's unique id as IAM prints it (`AROA` and 17 characters), derived from its name so worlds stay deterministic. */
export function roleIdOf(roleName: string): string {
  return `AROA${roleName.toUpperCase().replace(/[^A-Z0-9]/g, '').padEnd(17, 'X').slice(0, 17)}`;
}

/** IAM's decision for `action` by `principalArn` in `world` (allowed when the world does not restrict it). */
export function decide(world: World, principalArn: string, action: string): { decision: IamDecision; matched: string[] } {
  const record = world.iam?.principals[principalArn];
  return record === undefined ? { decision: 'allowed', matched: ['SandboxAdministratorAccess'] } : evaluatePolicy(record.policy, action);
}
