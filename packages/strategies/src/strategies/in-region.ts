/**
 * The `in-region` strategy: high availability inside one region. An Aurora cluster's writer fails over to a reader
 * (preferably in another Availability Zone) with FailoverDBCluster; failback fails over to the preferred writer
 * again. Measured like the rest: RTO from the health probe (the endpoint refuses writes while the cluster fails
 * over), RPO from the heartbeat (Aurora's shared storage loses no acknowledged write).
 */
import { DescribeDBClustersCommand, DescribeDBInstancesCommand } from '@aws-sdk/client-rds';
import type { Plan, PlanIssue, StepDefinition } from '@firedrill/core';
import { describeDbCluster } from '../aws/rds-clusters.js';
import type { Side } from '../aws-environment.js';
import { clusterWriterFailoverSteps, pickFailoverTarget } from '../steps/cluster-failover-steps.js';
import { soakStep } from '../steps/soak-steps.js';
import type { Finding, Strategy, StrategyContext, StrategyRun } from '../strategy.js';

type AuroraClusterResource = Extract<Plan['resources'][string], { kind: 'aurora-cluster' }>;

/** The plan's Aurora clusters, by role. */
function auroraClusters(plan: Plan): [role: string, cluster: AuroraClusterResource][] {
  return Object.entries(plan.resources).flatMap(([role, r]) => (r.kind === 'aurora-cluster' ? [[role, r] as [string, AuroraClusterResource]] : []));
}

/** `strategy.parameters.preferredWriter`: the member that writes in normal operation (failback's target). */
function preferredWriter(plan: Plan): string | undefined {
  const value = plan.strategy.parameters['preferredWriter'];
  return typeof value === 'string' ? value : undefined;
}

/** `strategy.parameters.soak`: how long a live drill holds the failover before failing back. @default '2m' */
function soakDuration(plan: Plan): string | number {
  const value = plan.strategy.parameters['soak'];
  return typeof value === 'string' || typeof value === 'number' ? value : '2m';
}

function validate(plan: Plan, file: string): PlanIssue[] {
  const issues: PlanIssue[] = [];
  if (auroraClusters(plan).length === 0) {
    const expected = 'a resource of kind aurora-cluster, such as database: { kind: aurora-cluster, identifier: ledger-cluster }';
    const found = Object.values(plan.resources).map((r) => r.kind).join(', ') || 'nothing';
    issues.push({ file, path: 'resources', expected, found, message: `strategy in-region: expected ${expected}, got ${found}` });
  }
  const preferred = plan.strategy.parameters['preferredWriter'];
  if (preferred !== undefined && typeof preferred !== 'string') {
    const found = JSON.stringify(preferred);
    issues.push({ file, path: 'strategy.parameters.preferredWriter', expected: 'a DB instance identifier', found, message: `expected a DB instance identifier, got ${found}` });
  }
  return issues;
}

function build(ctx: StrategyContext): StrategyRun {
  const { plan, aws, operation } = ctx;
  const steps: StepDefinition[] = [];
  const failback = operation === 'failback';
  for (const [role, cluster] of auroraClusters(plan)) {
    const side: Side = cluster.region;
    const target = failback ? preferredWriter(plan) : undefined;
    const ids = { choose: `choose-${role}-writer`, failover: `failover-${role}`, wait: `wait-${role}-writer` };
    steps.push(...clusterWriterFailoverSteps({ aws, side, clusterIdentifier: cluster.identifier, ids, ...(target ? { targetInstance: target } : {}) }));
    if (operation === 'drill' && ctx.drill === 'live') {
      // A live drill fails over, then back to the preferred (or original) writer: the failback phase.
      const back = { choose: `choose-${role}-writer-back`, failover: `failback-${role}`, wait: `wait-${role}-writer-back` };
      const hold = soakStep({ id: `soak-${role}`, dependsOn: [ids.wait], duration: soakDuration(plan), what: `the new writer of ${cluster.identifier}` });
      steps.push(hold);
      const [choose, move, wait] = clusterWriterFailoverSteps({
        aws, side, clusterIdentifier: cluster.identifier, ids: back, dependsOn: [hold.id],
        ...(preferredWriter(plan) ? { targetInstance: preferredWriter(plan)! } : {}),
      });
      // The choice of the way back is made after the failover: the original writer is now the reader.
      choose.beginsPhase = 'failback';
      steps.push(choose, move, wait);
    }
  }
  return { steps };
}

async function check(ctx: Omit<StrategyContext, 'operation' | 'mode' | 'runId'>): Promise<Finding[]> {
  const { plan, aws } = ctx;
  const findings: Finding[] = [];
  for (const [, cluster] of auroraClusters(plan)) {
    const region = aws.region(cluster.region);
    const { rds } = aws.clients(cluster.region);
    const resource = `rds:${cluster.identifier}`;
    const summary = await describeDbCluster({ rds, identifier: cluster.identifier });
    if (summary === undefined) {
      findings.push({ status: 'fail', check: 'cluster-exists', resource, region, message: `no DB cluster ${cluster.identifier} in ${region}`, action: 'Check the identifier in the plan.' });
      continue;
    }
    findings.push(summary.status === 'available'
      ? { status: 'pass', check: 'cluster-available', resource, region, message: `${cluster.identifier} is available, writer ${summary.writer ?? 'none'}` }
      : { status: 'fail', check: 'cluster-available', resource, region, message: `${cluster.identifier} is ${summary.status}`, action: 'Wait until it is available before failing over.' });
    const out = await rds.send(new DescribeDBInstancesCommand({ Filters: [{ Name: 'db-cluster-id', Values: [cluster.identifier] }] }));
    const zones = Object.fromEntries((out.DBInstances ?? []).map((db) => [db.DBInstanceIdentifier ?? '', db.AvailabilityZone ?? 'unknown']));
    const { target, note } = pickFailoverTarget(summary.writer, summary.readers, zones);
    const otherAz = target !== undefined && zones[target] !== zones[summary.writer ?? ''];
    findings.push(target === undefined
      ? { status: 'fail', check: 'failover-target', resource, region, message: note, action: `Add a reader to ${cluster.identifier} in another Availability Zone.` }
      : { status: otherAz ? 'pass' : 'warn', check: 'reader-in-other-az', resource, region, message: note, ...(otherAz ? {} : { action: 'Create the reader in another Availability Zone so an AZ failure leaves a writer candidate.' }) });
    const preferred = preferredWriter(plan);
    if (preferred !== undefined && summary.writer !== preferred) {
      findings.push({ status: 'warn', check: 'preferred-writer', resource, region, message: `${summary.writer ?? 'nobody'} writes, not the preferred ${preferred}`, action: 'Run failback to move the writer back.' });
    }
    const retention = cluster.backup?.retentionDays;
    if (retention !== undefined) {
      const detail = await rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: cluster.identifier }));
      const kept = detail.DBClusters?.[0]?.BackupRetentionPeriod ?? 0;
      findings.push(kept >= retention
        ? { status: 'pass', check: 'backup-retention', resource, region, message: `automated backups kept ${kept} days (plan: ${retention})` }
        : { status: 'fail', check: 'backup-retention', resource, region, message: `automated backups kept ${kept} days, plan expects ${retention}`, action: `aws rds modify-db-cluster --db-cluster-identifier ${cluster.identifier} --backup-retention-period ${retention} --apply-immediately` });
    }
  }
  return findings;
}

/**
 * The built-in `in-region` strategy.
 *
 * @example
 * const run = inRegionStrategy.build({ plan, operation: 'failover', mode: 'graceful', aws, runId });
 */
export const inRegionStrategy: Strategy = {
  name: 'in-region',
  description: 'In-region high availability: Aurora cluster writer failover to a reader in another Availability Zone, and back.',
  validate,
  build,
  check,
};
