/**
 * What pilot light and warm standby share: a primary RDS writer with a cross-region read replica, an Auto
 * Scaling group per region and a Route 53 record pair. They differ only in the recovery fleet's size on
 * standby (0 for pilot light, a small warm fleet for warm standby). This file holds the topology lookup and
 * the failover graph; failback and the isolated drill have their own files.
 */
import type { Plan, PlanIssue, StepContext, StepDefinition } from '@firedrill/core';
import { describeDbInstance } from '../aws/rds-instances.js';
import type { AwsEnvironment } from '../aws-environment.js';
import { promoteReplicaStep, resizeDatabaseStep, waitPromotedStep, waitReplicaCaughtUpStep } from '../steps/database-steps.js';
import { declareDisasterStep } from '../steps/disaster-steps.js';
import { fenceWritersStep } from '../steps/fence-steps.js';
import { scaleGroupStep, waitGroupInServiceStep } from '../steps/compute-steps.js';
import { switchDnsStep, waitDnsInSyncStep, waitDnsTargetHealthyStep } from '../steps/dns-steps.js';
import { injectedOutage, type StrategyContext } from '../strategy.js';
import { type ComputeResource, type DatabaseResource, type DnsRecordResource, missingRoleIssue, requireRole, rolesOfKind } from './plan-roles.js';

/** Which member of the family. */
export type StandbyKind = 'pilot-light' | 'warm-standby';

/** The resources a standby strategy drives. */
export interface StandbyTopology {
  database: DatabaseResource;
  compute: ComputeResource;
  dns: DnsRecordResource;
}

const NEEDS = [
  ['rds-instance', 'the replicated database (a cross-region read replica)', ['aurora-global-cluster']],
  ['auto-scaling-group', 'compute in each region', []],
  ['route53-record', 'moving users between regions', []],
] as const;

/** The plan issues of a standby strategy: the kinds it needs, and a standby size that fits the strategy. */
export function validateStandbyPlan(plan: Plan, file: string, kind: StandbyKind): PlanIssue[] {
  const issues: PlanIssue[] = [];
  for (const [resourceKind, purpose, alternatives] of NEEDS) {
    if (rolesOfKind(plan, resourceKind).length === 0) issues.push(missingRoleIssue(plan, kind, [resourceKind, ...alternatives], purpose, file));
  }
  for (const { role, resource } of rolesOfKind(plan, 'auto-scaling-group')) {
    const standby = resource.recovery.standbyCapacity;
    const path = `resources.${role}.recovery.standbyCapacity`;
    if (kind === 'warm-standby' && (standby === undefined || standby.desired < 1)) {
      issues.push({ file, path, expected: 'a warm fleet with desired ≥ 1 (warm standby keeps a scaled-down copy running)', found: standby === undefined ? 'nothing' : `desired ${standby.desired}`, message: `expected a warm fleet with desired ≥ 1, got ${standby === undefined ? 'nothing' : `desired ${standby.desired}`}; use pilot-light for a fleet that is off` });
    }
    if (kind === 'pilot-light' && standby !== undefined && standby.desired > 0) {
      issues.push({ file, path, expected: '0/0/0 or nothing (pilot light keeps compute off)', found: `desired ${standby.desired}`, message: `expected compute off (0/0/0) for pilot light, got desired ${standby.desired}; use warm-standby for a running fleet` });
    }
  }
  return issues;
}

/** The topology of a plan. @throws MissingRoleError naming what is missing. */
export function standbyTopology(plan: Plan, kind: StandbyKind, file = 'plan.yaml'): StandbyTopology {
  const strategy = kind;
  return {
    database: requireRole(plan, 'rds-instance', { strategy, purpose: NEEDS[0][1], file, alternatives: ['aurora-global-cluster'] }).resource,
    compute: requireRole(plan, 'auto-scaling-group', { strategy, purpose: NEEDS[1][1], file }).resource,
    dns: requireRole(plan, 'route53-record', { strategy, purpose: NEEDS[2][1], file }).resource,
  };
}

/** The recovery fleet's size on standby. */
export function standbyCapacity(topology: StandbyTopology, kind: StandbyKind): { min: number; desired: number; max: number } {
  return topology.compute.recovery.standbyCapacity ?? (kind === 'pilot-light' ? { min: 0, desired: 0, max: 0 } : { min: 1, desired: 1, max: topology.compute.recovery.capacity.max });
}

/**
 * A compensation guard: once the replica is standalone the recovery region holds the data of record, so the
 * primary must stay fenced and the recovery fleet must keep serving, whatever else rolls back.
 */
export function promotedGuard(aws: AwsEnvironment, identifier: string): (ctx: StepContext) => Promise<string | undefined> {
  return async (ctx) => {
    const db = await describeDbInstance({ rds: aws.clients('recovery').rds, identifier, signal: ctx.signal });
    return db !== undefined && db.readReplicaSource === undefined ? `${identifier} has been promoted: the recovery region holds the data of record` : undefined;
  };
}

/** Step ids of the failover graph that other graphs hang off. */
export const FAILOVER_IDS = { declare: 'declare-disaster', scaleRecovery: 'scale-recovery-compute', dnsInSync: 'wait-switch-dns-to-recovery-in-sync' } as const;

/**
 * The failover graph. Database and compute are independent branches from the declared disaster (compute does
 * not need the database to boot), so the critical path is max(fence + catch-up + promotion, scale-out) plus
 * the health gate and the DNS change:
 *
 * ```
 * declare ─┬─ fence (graceful) ─ wait lag 0 (graceful) ─ promote ─ wait promoted ─┬─ (resize)
 *          └─ scale recovery compute ─ wait InService ≥ desired ───────────────────┴─ wait recovery healthy ─ switch DNS ─ wait INSYNC
 * ```
 */
export function failoverSteps(ctx: StrategyContext, topology: StandbyTopology, options: { title?: string } = {}): StepDefinition[] {
  const { aws } = ctx;
  const { database: db, compute, dns } = topology;
  const replica = db.recovery.identifier;
  const keepWhen = promotedGuard(aws, replica);
  const steps: StepDefinition[] = [
    declareDisasterStep({
      id: FAILOVER_IDS.declare,
      title: options.title ?? `Declare the disaster: ${aws.region('primary')} stops serving ${ctx.plan.metadata.name}`,
      ...injectedOutage(ctx),
    }),
    fenceWritersStep({ aws, side: 'primary', identifier: db.primary.identifier, id: 'fence-primary-writers', dependsOn: [FAILOVER_IDS.declare], modes: ['graceful'], keepWhen }),
    waitReplicaCaughtUpStep({ aws, side: 'recovery', identifier: replica, dependsOn: ['fence-primary-writers'], modes: ['graceful'] }),
    promoteReplicaStep({ aws, side: 'recovery', identifier: replica, dependsOn: [FAILOVER_IDS.declare, 'wait-replica-caught-up'], ...(db.backup ? { backupRetentionPeriod: Math.min(35, db.backup.retentionDays) } : {}) }),
    waitPromotedStep({ aws, side: 'recovery', identifier: replica, dependsOn: ['promote-replica'] }),
    scaleGroupStep({ aws, side: 'recovery', name: compute.recovery.name, capacity: compute.recovery.capacity, atLeast: true, id: FAILOVER_IDS.scaleRecovery, dependsOn: [FAILOVER_IDS.declare], keepWhen }),
    waitGroupInServiceStep({ aws, side: 'recovery', name: compute.recovery.name, id: 'wait-recovery-compute-in-service', dependsOn: [FAILOVER_IDS.scaleRecovery] }),
    waitDnsTargetHealthyStep({ aws, record: dns, to: 'recovery', id: 'wait-recovery-healthy', dependsOn: ['wait-replica-promoted', 'wait-recovery-compute-in-service'] }),
    switchDnsStep({ aws, record: dns, to: 'recovery', id: 'switch-dns-to-recovery', dependsOn: ['wait-recovery-healthy'] }),
    waitDnsInSyncStep({ aws, switchStepId: 'switch-dns-to-recovery', id: FAILOVER_IDS.dnsInSync, restoresService: true }),
  ];
  if (db.recovery.instanceClass !== undefined) {
    steps.push(resizeDatabaseStep({ aws, side: 'recovery', identifier: replica, instanceClass: db.recovery.instanceClass, dependsOn: ['wait-replica-promoted'] }));
  }
  return steps;
}
