/**
 * Plans for the multi-site and in-region scenarios: the plan file an SRE would write for what the scenario
 * built, so tests, the demo and the docs drive the sandbox through the same plan model as real AWS.
 * Only types come from `@firedrill/core` (the sandbox depends on no runtime of it): parse with `parsePlan`.
 */
import type { PlanInput } from '@firedrill/core';
import type { ScenarioNames } from './scenario.js';

/** Options of {@link planForMultiSiteScenario}. */
export interface MultiSitePlanOptions {
  /** @default `${app}-multi-site` */
  name?: string;
  /** Normal weights. @default { primary: 50, recovery: 50 } (what the scenario built) */
  weights?: { primary: number; recovery: number };
  /** Capacity each region runs in normal operation. @default 4/4/8 (what the scenario built) */
  normalCapacity?: { min: number; desired: number; max: number };
  /** Capacity the survivor is scaled to when it carries all traffic. @default 8/8/16 */
  fullCapacity?: { min: number; desired: number; max: number };
  /** @default { rto: '5m', rpo: '10s' } */
  objectives?: { rto: string; rpo: string };
  /** Health probe interval (the RTO's precision). @default '1s' */
  healthInterval?: string;
  /** Heartbeat interval (the RPO's precision). @default '1s' */
  heartbeatInterval?: string;
  /** `strategy.parameters` (ramp stages, …). */
  parameters?: Record<string, unknown>;
}

function requireNames(names: ScenarioNames, kind: ScenarioNames['strategy']): void {
  if (names.strategy !== kind) throw new TypeError(`expected the names of a ${kind} scenario, got ${names.strategy}`);
}

/**
 * The plan of a multi-site scenario: the Aurora global database, one Auto Scaling group per region (normal
 * capacity in both, full capacity for a survivor), the weighted record pair with its health checks.
 *
 * @example
 * const { sandbox, names } = await buildMultiSiteScenario({ clock });
 * const plan = parsePlan(planForMultiSiteScenario(names));
 */
export function planForMultiSiteScenario(names: ScenarioNames, options: MultiSitePlanOptions = {}): PlanInput {
  requireNames(names, 'multi-site');
  const { primaryRegion: primary, recoveryRegion: recovery, dns, database, compute } = names;
  if (!dns || !database.recovery || !database.globalClusterIdentifier || !compute.primary || !compute.recovery) {
    throw new TypeError('planForMultiSiteScenario: the scenario has no DNS, global database or compute in both regions');
  }
  const normal = options.normalCapacity ?? { min: 4, desired: 4, max: 8 };
  const full = options.fullCapacity ?? { min: 8, desired: 8, max: 16 };
  return {
    apiVersion: 'firedrill.dev/v1',
    kind: 'Plan',
    metadata: { name: options.name ?? `${names.app}-multi-site`, description: `${names.app}: active/active in ${primary} and ${recovery} (sandbox)` },
    target: 'sandbox',
    regions: { primary, recovery },
    strategy: { name: 'multi-site', parameters: options.parameters ?? {} },
    resources: {
      database: {
        kind: 'aurora-global-cluster',
        globalClusterIdentifier: database.globalClusterIdentifier,
        primary: { clusterIdentifier: database.primary.identifier },
        recovery: { clusterIdentifier: database.recovery.identifier },
      },
      compute: {
        kind: 'auto-scaling-group',
        primary: { name: compute.primary.autoScalingGroupName, capacity: normal },
        recovery: { name: compute.recovery.autoScalingGroupName, capacity: full, standbyCapacity: normal },
      },
      dns: {
        kind: 'route53-record',
        hostedZoneId: dns.hostedZoneId,
        name: dns.recordName,
        type: dns.recordType,
        routing: 'weighted',
        primary: { setIdentifier: dns.setIdentifiers[primary]!, healthCheckId: dns.healthChecks[primary]! },
        recovery: { setIdentifier: dns.setIdentifiers[recovery]!, healthCheckId: dns.healthChecks[recovery]! },
        weights: options.weights ?? { primary: 50, recovery: 50 },
      },
    },
    objectives: options.objectives ?? { rto: '5m', rpo: '10s' },
    probes: {
      health: { kind: 'sandbox', endpoint: 'recovery', interval: options.healthInterval ?? '1s', consecutive: 3 },
      heartbeat: { kind: 'sandbox', database: 'database', interval: options.heartbeatInterval ?? '1s' },
    },
  };
}

/** Options of {@link planForInRegionScenario}. */
export interface InRegionPlanOptions {
  /** @default `${app}-in-region` */
  name?: string;
  /** @default { rto: '2m', rpo: '5s' } (the RPO is measured to ± one heartbeat interval, so 0s cannot be an objective) */
  objectives?: { rto: string; rpo: string };
  /** @default '1s' */
  healthInterval?: string;
  /** `strategy.parameters`, e.g. `{ preferredWriter: 'tracking-cluster-1' }`. */
  parameters?: Record<string, unknown>;
}

/**
 * The plan of the in-region Aurora scenario: one Aurora cluster (writer and reader) failing over inside the
 * primary region, with daily backups kept 7 days.
 *
 * @example
 * const { names } = await buildInRegionAuroraScenario({ clock });
 * const plan = parsePlan(planForInRegionScenario(names));
 */
export function planForInRegionScenario(names: ScenarioNames, options: InRegionPlanOptions = {}): PlanInput {
  requireNames(names, 'in-region-ha');
  const region = names.primaryRegion;
  return {
    apiVersion: 'firedrill.dev/v1',
    kind: 'Plan',
    metadata: { name: options.name ?? `${names.app}-in-region`, description: `${names.app}: Aurora writer failover inside ${region} (sandbox)` },
    target: 'sandbox',
    regions: { primary: region, recovery: region },
    strategy: { name: 'in-region', parameters: options.parameters ?? {} },
    resources: {
      database: { kind: 'aurora-cluster', identifier: names.database.primary.identifier, region: 'primary', backup: { retentionDays: 7, schedule: '0 3 * * *' } },
    },
    objectives: options.objectives ?? { rto: '2m', rpo: '5s' },
    probes: {
      health: { kind: 'sandbox', endpoint: 'primary', interval: options.healthInterval ?? '1s', consecutive: 3 },
      heartbeat: { kind: 'sandbox', database: 'database', interval: '1s' },
    },
  };
}
