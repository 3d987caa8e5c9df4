/**
 * What the multi-site strategy reads from a plan: the Aurora global database, the weighted record pair and the
 * Auto Scaling groups, by kind, with the capacities each region runs at in normal operation and when it carries
 * everything.
 */
import type { Plan, PlanIssue, PlanResource } from '@firedrill/core';
import type { Side } from '../aws-environment.js';
import type { GroupCapacity } from '../steps/compute-steps.js';
import type { WeightedRecord } from '../steps/weighted-ramp-steps.js';

/** A plan's `aurora-global-cluster` resource. */
export type GlobalClusterResource = Extract<PlanResource, { kind: 'aurora-global-cluster' }>;
/** A plan's `auto-scaling-group` resource. */
export type GroupResource = Extract<PlanResource, { kind: 'auto-scaling-group' }>;

/** The resources of a multi-site plan. */
export interface MultiSiteResources {
  database: GlobalClusterResource;
  dns: WeightedRecord;
  groups: GroupResource[];
}

function ofKind<K extends PlanResource['kind']>(plan: Plan, kind: K): [string, Extract<PlanResource, { kind: K }>][] {
  return Object.entries(plan.resources).flatMap(([role, r]) => (r.kind === kind ? [[role, r as Extract<PlanResource, { kind: K }>]] : []));
}

/** The multi-site resources; throws a TypeError naming what is missing (validate() reports it first). */
export function multiSiteResources(plan: Plan): MultiSiteResources {
  const database = ofKind(plan, 'aurora-global-cluster')[0]?.[1];
  const dns = ofKind(plan, 'route53-record').find(([, r]) => r.routing === 'weighted')?.[1];
  if (database === undefined || dns === undefined) throw new TypeError(`plan ${plan.metadata.name}: multi-site needs an aurora-global-cluster and a weighted route53-record`);
  return { database, dns, groups: ofKind(plan, 'auto-scaling-group').map(([, g]) => g) };
}

/** Capacity of a side in normal operation: the primary's `capacity`, the recovery's `standbyCapacity` (else `capacity`). */
export function normalCapacity(group: GroupResource, side: Side): GroupCapacity {
  return side === 'primary' ? group.primary.capacity : (group.recovery.standbyCapacity ?? group.recovery.capacity);
}

/** Capacity of the recovery side when it carries all traffic (the recovery group's `capacity`). */
export function fullCapacity(group: GroupResource): GroupCapacity {
  return group.recovery.capacity;
}

/** Plan checks of the multi-site strategy. */
export function validateMultiSite(plan: Plan, file: string): PlanIssue[] {
  const issues: PlanIssue[] = [];
  const issue = (path: string, expected: string, found: string): void => {
    issues.push({ file, path, expected, found, message: `strategy multi-site: expected ${expected}, got ${found}` });
  };
  const kinds = Object.values(plan.resources).map((r) => r.kind).join(', ') || 'nothing';
  if (ofKind(plan, 'aurora-global-cluster').length !== 1) issue('resources', 'exactly one resource of kind aurora-global-cluster (the global database whose writer moves)', kinds);
  const records = ofKind(plan, 'route53-record');
  if (!records.some(([, r]) => r.routing === 'weighted')) issue('resources', 'a route53-record with routing: weighted and weights (both regions serve)', records.map(([role, r]) => `${role} (${r.routing})`).join(', ') || kinds);
  for (const [role, r] of records) {
    if (r.routing === 'weighted' && (r.primary.healthCheckId === undefined || r.recovery.healthCheckId === undefined)) {
      issue(`resources.${role}`, 'a healthCheckId on both sides (the drain guardrail and the ramp gates read them)', 'a side without healthCheckId');
    }
  }
  const stages = plan.strategy.parameters['rampStages'];
  if (stages !== undefined && !(Array.isArray(stages) && stages.every((f) => typeof f === 'number' && f > 0 && f < 1))) {
    issue('strategy.parameters.rampStages', 'a list of fractions between 0 and 1, such as [0.1, 0.5]', JSON.stringify(stages));
  }
  return issues;
}

/** `strategy.parameters.rampStages` (fractions of the configured weight). @default [0.1, 0.5] */
export function rampStages(plan: Plan): number[] {
  const stages = plan.strategy.parameters['rampStages'];
  return Array.isArray(stages) ? stages.filter((f): f is number => typeof f === 'number') : [0.1, 0.5];
}

/** A duration parameter (`soak`, `rampSoak`) as text or milliseconds. */
export function durationParameter(plan: Plan, name: string, fallback: string): string | number {
  const value = plan.strategy.parameters[name];
  return typeof value === 'string' || typeof value === 'number' ? value : fallback;
}
