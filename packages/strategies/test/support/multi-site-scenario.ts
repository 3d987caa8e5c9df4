/**
 * The multi-site scenario with its plan, and readers of the final AWS state through the SDK, for the multi-site
 * tests. The primary region defaults to us-west-2 so that losing it leaves Route 53's control plane (us-east-1) up.
 */
import { DescribeAutoScalingGroupsCommand, AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { DescribeGlobalClustersCommand, RDSClient } from '@aws-sdk/client-rds';
import { ListResourceRecordSetsCommand, Route53Client } from '@aws-sdk/client-route-53';
import { parsePlan, type Plan, VirtualClock } from '@firedrill/core';
import { buildMultiSiteScenario, type Sandbox, type ScenarioNames } from '../../../sandbox/src/index.js';
import { type MultiSitePlanOptions, planForMultiSiteScenario } from '../../../sandbox/src/scenarios/scenario-plan-multi-site.js';

/** A built multi-site scenario, its plan, and SDK readers of its state. */
export interface MultiSiteFixture {
  clock: VirtualClock;
  sandbox: Sandbox;
  names: ScenarioNames;
  plan: Plan;
  primary: string;
  recovery: string;
  /** Weights by region, read with ListResourceRecordSets. */
  weights(): Promise<Record<string, number | undefined>>;
  /** The region of the global database's writer, read with DescribeGlobalClusters. */
  writerRegion(): Promise<string | undefined>;
  /** min/desired/max by region, read with DescribeAutoScalingGroups. */
  capacity(region: string): Promise<string>;
}

export async function multiSiteFixture(seed: number, options: { regions?: [string, string]; plan?: MultiSitePlanOptions } = {}): Promise<MultiSiteFixture> {
  const clock = new VirtualClock({ start: '2026-11-22T03:00:00Z' });
  const regions = options.regions ?? ['us-west-2', 'us-east-1'];
  const { sandbox, names } = await buildMultiSiteScenario({ clock, seed, regions });
  const plan = parsePlan(planForMultiSiteScenario(names, { parameters: { soak: '2m', rampSoak: '1m' }, ...options.plan }));
  const [primary, recovery] = regions;
  const dns = names.dns!;
  const route53 = sandbox.client(Route53Client, recovery);
  return {
    clock, sandbox, names, plan, primary, recovery,
    weights: async () => {
      const out = await route53.send(new ListResourceRecordSetsCommand({ HostedZoneId: dns.hostedZoneId }));
      const byRegion: Record<string, number | undefined> = {};
      for (const region of regions) byRegion[region] = out.ResourceRecordSets?.find((r) => r.SetIdentifier === dns.setIdentifiers[region])?.Weight;
      return byRegion;
    },
    writerRegion: async () => {
      const out = await sandbox.client(RDSClient, recovery).send(new DescribeGlobalClustersCommand({ GlobalClusterIdentifier: names.database.globalClusterIdentifier! }));
      return out.GlobalClusters?.[0]?.GlobalClusterMembers?.find((m) => m.IsWriter)?.DBClusterArn?.split(':')[3];
    },
    capacity: async (region) => {
      const name = region === primary ? names.compute.primary!.autoScalingGroupName : names.compute.recovery!.autoScalingGroupName;
      const out = await sandbox.client(AutoScalingClient, region).send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [name] }));
      const g = out.AutoScalingGroups![0]!;
      return `${g.MinSize}/${g.DesiredCapacity}/${g.MaxSize}`;
    },
  };
}

/**
 * When users were truly served again through DNS after `disasterAt`: the survivor's endpoint healthy and DNS no
 * longer answering the lost region (the drain change INSYNC).
 */
export function trueRestoredThroughDns(f: MultiSiteFixture, disasterAt: number): number {
  const healthy = f.sandbox.truth.firstHealthyAt(f.recovery, disasterAt, f.names.app)!;
  const drainedAt = Object.values(f.sandbox.world.route53.changes)
    .filter((c) => c.submittedAt >= disasterAt && c.inSyncAt !== undefined)
    .map((c) => c.inSyncAt!)
    .sort((a, b) => a - b)[0] ?? Number.POSITIVE_INFINITY;
  return Math.max(healthy, drainedAt);
}

/** Names every call may touch: the plan's resources (and the ARNs of its clusters). */
export function planResourceNames(f: MultiSiteFixture): Set<string> {
  const { names } = f;
  return new Set([
    names.database.globalClusterIdentifier!, names.database.primary.identifier, names.database.primary.arn, names.database.recovery!.identifier, names.database.recovery!.arn,
    names.compute.primary!.autoScalingGroupName, names.compute.recovery!.autoScalingGroupName,
    names.dns!.hostedZoneId, ...Object.values(names.dns!.healthChecks),
  ]);
}

/** The resource identifiers in a call's input (the fields the strategy's calls name resources by). */
export function resourcesInInput(input: unknown): string[] {
  const i = (input ?? {}) as Record<string, unknown>;
  const keys = ['GlobalClusterIdentifier', 'TargetDbClusterIdentifier', 'DBClusterIdentifier', 'HostedZoneId', 'HealthCheckId', 'AutoScalingGroupName'];
  const named = keys.flatMap((k) => (typeof i[k] === 'string' ? [i[k] as string] : []));
  const groups = Array.isArray(i['AutoScalingGroupNames']) ? (i['AutoScalingGroupNames'] as string[]) : [];
  const filters = Array.isArray(i['Filters']) ? (i['Filters'] as { Values?: string[] }[]).flatMap((f) => f.Values ?? []) : [];
  return [...named, ...groups, ...filters];
}
