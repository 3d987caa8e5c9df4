/**
 * Plans for the replicated scenarios (pilot light, warm standby), with the scenario's real identifiers, so tests,
 * the demo and `--target sandbox` run a plan against exactly what the scenario built.
 */
import type { PlanInput } from '@firedrill/core';
import type { ScenarioNames } from './scenario.js';

/** What a caller may change in the generated plan (merged at the top level; `resources` by role). */
export type ScenarioPlanOverrides = Partial<Omit<PlanInput, 'resources'>> & { resources?: PlanInput['resources'] };

/**
 * A plan for a pilot-light or warm-standby scenario: its regions; resources by role (`database`, `compute`,
 * `dns`) with the scenario's identifiers and sizes (primary 4/4/8; recovery standby 0/0/0 or 1/1/8); objectives
 * 30m/1m (pilot light) or 15m/1m; sandbox probes (health through DNS every second, 3 in a row; heartbeat every
 * second).
 *
 * @example
 * const { sandbox, names } = await buildWarmStandbyScenario({ clock });
 * const plan = parsePlan(planForScenario(names));
 */
export function planForScenario(names: ScenarioNames, overrides: ScenarioPlanOverrides = {}): PlanInput {
  if (names.strategy !== 'pilot-light' && names.strategy !== 'warm-standby') {
    throw new TypeError(`planForScenario: ${names.strategy} scenarios have their own plan builder`);
  }
  const { database, compute, dns } = names;
  const keys = database.kmsKeys;
  if (database.recovery === undefined || compute.primary === undefined || compute.recovery === undefined || dns === undefined) {
    throw new TypeError('planForScenario: the scenario lacks a replica, compute in both regions or DNS');
  }
  const pilot = names.strategy === 'pilot-light';
  const { resources, ...rest } = overrides;
  return {
    apiVersion: 'firedrill.dev/v1',
    kind: 'Plan',
    metadata: { name: `${names.app}-app`, description: `${names.app} on the sandbox (${names.strategy})` },
    target: 'sandbox',
    regions: { primary: names.primaryRegion, recovery: names.recoveryRegion },
    strategy: { name: names.strategy, parameters: {} },
    resources: {
      database: {
        kind: 'rds-instance',
        engine: 'postgres',
        // The keys the scenario encrypted each side with: the failback's reverse replica and the re-protection need them.
        primary: { identifier: database.primary.identifier, ...(keys.primary ? { kmsKeyId: keys.primary } : {}) },
        recovery: { identifier: database.recovery.identifier, ...(keys.recovery ? { kmsKeyId: keys.recovery } : {}) },
      },
      compute: {
        kind: 'auto-scaling-group',
        primary: { name: compute.primary.autoScalingGroupName, capacity: { min: 4, desired: 4, max: 8 } },
        recovery: {
          name: compute.recovery.autoScalingGroupName,
          capacity: { min: 4, desired: 4, max: 8 },
          standbyCapacity: pilot ? { min: 0, desired: 0, max: 0 } : { min: 1, desired: 1, max: 8 },
          launchTemplate: compute.recovery.launchTemplateName,
        },
      },
      dns: {
        kind: 'route53-record',
        hostedZoneId: dns.hostedZoneId,
        name: dns.recordName,
        type: dns.recordType,
        routing: 'failover',
        primary: { setIdentifier: dns.setIdentifiers[names.primaryRegion]!, healthCheckId: dns.healthChecks[names.primaryRegion]! },
        recovery: { setIdentifier: dns.setIdentifiers[names.recoveryRegion]!, healthCheckId: dns.healthChecks[names.recoveryRegion]! },
      },
      ...resources,
    },
    objectives: { rto: pilot ? '30m' : '15m', rpo: '1m' },
    probes: { health: { kind: 'sandbox', endpoint: 'dns', interval: '1s', consecutive: 3 }, heartbeat: { kind: 'sandbox', database: 'database', interval: '1s' } },
    ...rest,
  };
}
