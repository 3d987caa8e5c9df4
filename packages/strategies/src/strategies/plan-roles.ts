/**
 * Typed lookup of a plan's resources by kind, with errors that name the file, the field, what the strategy
 * needs and what was found. Strategies find their database, compute and DNS here instead of by role name, so a
 * plan may call its roles whatever it likes.
 */
import type { Plan, PlanIssue, PlanResource } from '@firedrill/core';

/** The plan resource of one kind. */
export type ResourceOfKind<K extends PlanResource['kind']> = Extract<PlanResource, { kind: K }>;
/** An RDS instance with a cross-region replica. */
export type DatabaseResource = ResourceOfKind<'rds-instance'>;
/** An Auto Scaling group per region. */
export type ComputeResource = ResourceOfKind<'auto-scaling-group'>;
/** A Route 53 record pair. */
export type DnsRecordResource = ResourceOfKind<'route53-record'>;

/** A resource found under its role. */
export interface Role<R> {
  role: string;
  resource: R;
}

/** A plan lacks a resource a strategy needs. */
export class MissingRoleError extends Error {
  override readonly name = 'MissingRoleError';
  readonly code = 'MISSING_ROLE';
  readonly exitCode = 2;
  constructor(readonly issue: PlanIssue) {
    super(`${issue.file}: ${issue.path}: ${issue.message}. Add a resource of that kind under resources.`);
  }
}

/** Every resource of `kind`, in plan order. */
export function rolesOfKind<K extends PlanResource['kind']>(plan: Plan, kind: K): Role<ResourceOfKind<K>>[] {
  return Object.entries(plan.resources)
    .filter(([, resource]) => resource.kind === kind)
    .map(([role, resource]) => ({ role, resource: resource as ResourceOfKind<K> }));
}

/**
 * The issue when a strategy needs one resource of `kinds` and the plan has none: "warm-standby needs an
 * rds-instance (or aurora-global-cluster) resource; found none".
 */
export function missingRoleIssue(plan: Plan, strategy: string, kinds: readonly string[], purpose: string, file = 'plan.yaml'): PlanIssue {
  const found = Object.entries(plan.resources).map(([role, r]) => `${role} (${r.kind})`).join(', ') || 'none';
  const article = /^(rds|ec2|[aeiou])/.test(kinds[0]!) ? 'an' : 'a';
  const wanted = kinds.length === 1 ? `${article} ${kinds[0]}` : `${article} ${kinds[0]} (or ${kinds.slice(1).join(', or ')})`;
  return {
    file,
    path: 'resources',
    message: `${strategy} needs ${wanted} resource for ${purpose}; found ${found === 'none' ? 'none' : `only ${found}`}`,
    expected: `${wanted} resource`,
    found,
  };
}

/**
 * The one resource of `kind` the strategy needs. @throws MissingRoleError naming the file, the field, what is
 * needed and what was found.
 *
 * @example
 * const { resource: db } = requireRole(plan, 'rds-instance', { strategy: 'pilot-light', purpose: 'the replicated database', file: 'plan.yaml' });
 */
export function requireRole<K extends PlanResource['kind']>(
  plan: Plan,
  kind: K,
  options: { strategy: string; purpose: string; file?: string; alternatives?: readonly string[] },
): Role<ResourceOfKind<K>> {
  const found = rolesOfKind(plan, kind);
  if (found.length === 0) throw new MissingRoleError(missingRoleIssue(plan, options.strategy, [kind, ...(options.alternatives ?? [])], options.purpose, options.file));
  return found[0]!;
}

/** The first resource of `kind`, or `undefined`. */
export function optionalRole<K extends PlanResource['kind']>(plan: Plan, kind: K): Role<ResourceOfKind<K>> | undefined {
  return rolesOfKind(plan, kind)[0];
}
