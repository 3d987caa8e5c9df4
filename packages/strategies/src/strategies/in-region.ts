/**
 * The `in-region` strategy: high availability inside one region. An Aurora cluster's writer fails over to a reader
 * (preferably in another Availability Zone) with FailoverDBCluster; failback fails over to the preferred writer
 * again. An RDS Multi-AZ DB instance (an `rds-instance` with `multiAz: true`) fails over to its synchronous standby
 * with RebootDBInstance ForceFailover; failback returns it to `strategy.parameters.preferredZone`. Measured like the
 * rest: RTO from the health probe (the endpoint refuses writes while the cluster fails over or the instance
 * reboots into the other AZ), RPO from the heartbeat (Aurora's shared storage and Multi-AZ's synchronous standby
 * lose no acknowledged write).
 */
import { type ActionStep, type Plan, type PlanIssue, type StepDefinition, StepFailure } from '@firedrill/core';
import { describeDbCluster } from '../aws/rds-clusters.js';
import type { Side } from '../aws-environment.js';
import { clusterWriterFailoverSteps, memberZones, pickFailoverTarget } from '../steps/cluster-failover-steps.js';
import { describeMultiAzInstance, multiAzFailoverSteps } from '../steps/multi-az-failover-steps.js';
import { soakStep } from '../steps/soak-steps.js';
import type { Finding, Strategy, StrategyContext, StrategyRun } from '../strategy.js';
import { guardFindings } from './readiness-guard.js';
import { type CheckContext } from './readiness-permissions.js';
import { planWideFindings } from './readiness-plan-wide.js';

type AuroraClusterResource = Extract<Plan['resources'][string], { kind: 'aurora-cluster' }>;

/** The plan's Aurora clusters, by role. */
function auroraClusters(plan: Plan): [role: string, cluster: AuroraClusterResource][] {
  return Object.entries(plan.resources).flatMap(([role, r]) => (r.kind === 'aurora-cluster' ? [[role, r] as [string, AuroraClusterResource]] : []));
}

type RdsInstanceResource = Extract<Plan['resources'][string], { kind: 'rds-instance' }>;

/** The plan's RDS instances, by role (in-region: each must be Multi-AZ; validation says so). */
function rdsInstances(plan: Plan): [role: string, db: RdsInstanceResource][] {
  return Object.entries(plan.resources).flatMap(([role, r]) => (r.kind === 'rds-instance' ? [[role, r] as [string, RdsInstanceResource]] : []));
}

/** `strategy.parameters.preferredZone`: a Multi-AZ instance's home AZ in normal operation (failback's target). */
function preferredZone(plan: Plan): string | undefined {
  const value = plan.strategy.parameters['preferredZone'];
  return typeof value === 'string' ? value : undefined;
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
  const multiAz = rdsInstances(plan).filter(([, db]) => db.multiAz === true);
  if (auroraClusters(plan).length === 0 && multiAz.length === 0) {
    const expected = 'a resource of kind aurora-cluster or a Multi-AZ rds-instance, such as database: { kind: aurora-cluster, identifier: ledger-cluster } or database: { kind: rds-instance, multiAz: true, primary: { identifier: orders-db } }';
    const found = Object.entries(plan.resources).map(([role, r]) => (r.kind === 'rds-instance' ? `${role} (rds-instance, multiAz ${r.multiAz ?? 'not set'})` : `${role} (${r.kind})`)).join(', ') || 'nothing';
    issues.push({ file, path: 'resources', expected, found, message: `strategy in-region: expected ${expected}, got ${found}` });
  }
  for (const [role, db] of rdsInstances(plan)) {
    if (db.multiAz === true || (multiAz.length === 0 && auroraClusters(plan).length === 0)) continue;
    // The plan has something to fail over: this instance would be left out silently.
    const found = `multiAz ${db.multiAz ?? 'not set'}`;
    const expected = 'multiAz: true (strategy in-region fails an instance over to its Multi-AZ standby; a Single-AZ instance has none)';
    issues.push({ file, path: `resources.${role}.multiAz`, expected, found, message: `expected ${expected}, got ${found}` });
  }
  const preferred = plan.strategy.parameters['preferredWriter'];
  if (preferred !== undefined && typeof preferred !== 'string') {
    const found = JSON.stringify(preferred);
    issues.push({ file, path: 'strategy.parameters.preferredWriter', expected: 'a DB instance identifier', found, message: `expected a DB instance identifier, got ${found}` });
  }
  const zone = plan.strategy.parameters['preferredZone'];
  if (zone !== undefined) {
    const region = plan.regions.primary;
    const expected = `an Availability Zone of ${region}, such as ${region}a`;
    if (typeof zone !== 'string' || !new RegExp(`^${region}[a-z]$`).test(zone)) {
      const found = JSON.stringify(zone);
      issues.push({ file, path: 'strategy.parameters.preferredZone', expected, found, message: `expected ${expected}, got ${found}` });
    } else if (multiAz.length === 0) {
      const expected2 = 'preferredZone only with a Multi-AZ rds-instance (an Aurora cluster names its preferredWriter)';
      issues.push({ file, path: 'strategy.parameters.preferredZone', expected: expected2, found: JSON.stringify(zone), message: `expected ${expected2}, got ${JSON.stringify(zone)}` });
    }
  }
  return issues;
}

/**
 * An in-region failover moves the production writer itself: there is no copy to rehearse it on, and an isolated
 * drill promises to leave production untouched. So an isolated drill is one step that refuses, before any AWS call,
 * and says what to run instead. (Built as a step, not thrown, so that previews of every operation still work.)
 */
function refuseIsolatedDrillStep(plan: Plan, region: string): ActionStep {
  const databases = [...auroraClusters(plan).map(([, c]) => c.identifier), ...rdsInstances(plan).map(([, db]) => db.primary.identifier)].join(', ');
  return {
    id: 'refuse-isolated-drill',
    kind: 'action',
    title: `Refuse the isolated drill: an in-region failover of ${databases} cannot be rehearsed without moving production`,
    why: 'An isolated drill must not touch the production path; in-region has no copy to fail over instead.',
    preview: () => [],
    act: async () => {
      throw new StepFailure(
        `IsolatedDrillUnsupported: strategy in-region has no isolated drill: its failover moves the writer of ${databases} in ${region}, which is production itself, and there is no copy to rehearse on. Nothing was changed. Run a live drill instead (firedrill drill <plan> --live: failover, soak, failback, each measured), or firedrill check <plan> for readiness without changing anything.`,
        { code: 'IsolatedDrillUnsupported', retryable: false },
      );
    },
  };
}

function build(ctx: StrategyContext): StrategyRun {
  const { plan, aws, operation } = ctx;
  // `drill` without `--live` is the CLI's default (and a schedule's): it must never move the production writer.
  if (operation === 'drill' && ctx.drill !== 'live') return { steps: [refuseIsolatedDrillStep(plan, aws.region('primary'))] };
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
  for (const [role, db] of rdsInstances(plan)) {
    if (db.multiAz !== true) continue;
    const id = db.primary.identifier;
    const ids = { choose: `choose-${role}-zone`, failover: `failover-${role}`, wait: `wait-${role}-failover` };
    const home = preferredZone(plan);
    steps.push(...multiAzFailoverSteps({ aws, side: 'primary', instanceIdentifier: id, ids, ...(failback && home ? { targetZone: home } : {}) }));
    if (operation === 'drill' && ctx.drill === 'live') {
      // A live drill fails over, holds, then fails back: to the home AZ, else to where the instance was.
      const back = { choose: `choose-${role}-zone-back`, failover: `failback-${role}`, wait: `wait-${role}-failback` };
      const hold = soakStep({ id: `soak-${role}`, dependsOn: [ids.wait], duration: soakDuration(plan), what: `${id} in its standby's Availability Zone` });
      steps.push(hold);
      const [choose, move, wait] = multiAzFailoverSteps({
        aws, side: 'primary', instanceIdentifier: id, ids: back, dependsOn: [hold.id],
        ...(home ? { targetZone: home } : { targetZoneFrom: ids.choose }),
      });
      choose.beginsPhase = 'failback';
      steps.push(choose, move, wait);
    }
  }
  return { steps };
}

/** Readiness of a Multi-AZ instance: exists, Multi-AZ, available, home AZ, backups; reads only. */
async function multiAzFindings(ctx: CheckContext, db: RdsInstanceResource): Promise<Finding[]> {
  const { plan, aws } = ctx;
  const id = db.primary.identifier;
  const region = aws.region('primary');
  const resource = `rds:${id}`;
  const state = await describeMultiAzInstance(aws, 'primary', id);
  if (state === undefined) {
    return [{ status: 'fail', check: 'instance-exists', resource, region, message: `no DB instance ${id} in ${region}`, action: 'Check resources.<role>.primary.identifier and regions.primary in the plan.' }];
  }
  const findings: Finding[] = [{ status: 'pass', check: 'instance-exists', resource, region, message: `${id} exists in ${state.zone ?? 'an unknown AZ'}` }];
  findings.push(state.multiAz
    ? { status: 'pass', check: 'multi-az', resource, region, message: `${id} is Multi-AZ${state.secondaryZone ? `: standby in ${state.secondaryZone}` : ''}` }
    : { status: 'fail', check: 'multi-az', resource, region, message: `${id} is not Multi-AZ: it has no standby to fail over to`, action: `aws rds modify-db-instance --db-instance-identifier ${id} --multi-az --apply-immediately --region ${region}` });
  findings.push(state.status === 'available'
    ? { status: 'pass', check: 'instance-available', resource, region, message: `${id} is available` }
    : { status: 'fail', check: 'instance-available', resource, region, message: `${id} is ${state.status}`, action: 'Wait until it is available before failing over (RebootDBInstance needs it).' });
  const home = preferredZone(plan);
  if (home !== undefined && state.zone !== undefined && state.zone !== home) {
    findings.push({ status: 'warn', check: 'preferred-zone', resource, region, message: `${id} runs in ${state.zone}, not its home ${home}`, action: 'Run failback to return it to its home AZ.' });
  }
  const retention = db.backup?.retentionDays;
  const kept = state.backupRetentionPeriod;
  findings.push(retention === undefined
    ? kept > 0
      ? { status: 'pass', check: 'rds-backup-retention', resource, region, message: `automated backups kept ${kept} days` }
      : { status: 'warn', check: 'rds-backup-retention', resource, region, message: 'automated backups are off: a failover protects against an AZ loss, not against lost or corrupted data', action: `aws rds modify-db-instance --db-instance-identifier ${id} --backup-retention-period 7 --apply-immediately` }
    : kept >= retention
      ? { status: 'pass', check: 'rds-backup-retention', resource, region, message: `automated backups kept ${kept} days (plan: ${retention})` }
      : { status: 'fail', check: 'rds-backup-retention', resource, region, message: `automated backups kept ${kept} days, plan expects ${retention}`, action: `aws rds modify-db-instance --db-instance-identifier ${id} --backup-retention-period ${retention} --apply-immediately` });
  return findings;
}

/** Readiness of an Aurora cluster: exists, runs the plan's engine, available, a reader to fail over to (in another AZ), writer, backups. */
async function clusterFindings(ctx: CheckContext, role: string, cluster: AuroraClusterResource): Promise<Finding[]> {
  const { plan, aws } = ctx;
  const findings: Finding[] = [];
  const region = aws.region(cluster.region);
  const { rds } = aws.clients(cluster.region);
  const resource = `rds:${cluster.identifier}`;
  const summary = await describeDbCluster({ rds, identifier: cluster.identifier });
  if (summary === undefined) {
    return [{ status: 'fail', check: 'cluster-exists', resource, region, message: `no DB cluster ${cluster.identifier} in ${region}`, action: 'Check the identifier in the plan.' }];
  }
  const runs = `${summary.engine ?? 'an unknown engine'}${summary.engineVersion ? ` ${summary.engineVersion}` : ''}${summary.port ? ` on port ${summary.port}` : ''}`;
  findings.push(summary.status === 'available'
    ? { status: 'pass', check: 'cluster-available', resource, region, message: `${cluster.identifier} is available (${runs}), writer ${summary.writer ?? 'none'}` }
    : { status: 'fail', check: 'cluster-available', resource, region, message: `${cluster.identifier} is ${summary.status}`, action: 'Wait until it is available before failing over.' });
  if (summary.engine !== undefined && summary.engine !== cluster.engine) {
    // FailoverDBCluster works on either engine, so the failover is not at stake: what the plan says the database is
    // (the sandbox builds it, probes connect to it with that engine's driver) is.
    findings.push({
      status: 'warn', check: 'cluster-exists', resource, region,
      message: `${cluster.identifier} runs ${runs}, but resources.${role}.engine is ${cluster.engine}${cluster.engine === 'aurora-postgresql' ? ' (the default when the plan names none)' : ''}`,
      action: `Set resources.${role}.engine: ${summary.engine} in the plan. On the sandbox, a world saved before the plan changed keeps its old cluster: delete it under .firedrill/sandbox/ to build the plan's.`,
    });
  }
  const zones = await memberZones(aws, cluster.region, cluster.identifier);
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
    const kept = summary.backupRetentionPeriod ?? 0;
    findings.push(kept >= retention
      ? { status: 'pass', check: 'rds-backup-retention', resource, region, message: `automated backups kept ${kept} days (plan: ${retention})` }
      : { status: 'fail', check: 'rds-backup-retention', resource, region, message: `automated backups kept ${kept} days, plan expects ${retention}`, action: `aws rds modify-db-cluster --db-cluster-identifier ${cluster.identifier} --backup-retention-period ${retention} --apply-immediately` });
  }
  return findings;
}

async function check(ctx: CheckContext): Promise<Finding[]> {
  const { plan, aws } = ctx;
  const findings: Finding[] = [];
  for (const [, db] of rdsInstances(plan)) {
    if (db.multiAz !== true) continue;
    findings.push(...(await guardFindings({ check: 'instance-exists', resource: `rds:${db.primary.identifier}`, region: aws.region('primary') }, () => multiAzFindings(ctx, db))));
  }
  for (const [role, cluster] of auroraClusters(plan)) {
    findings.push(...(await guardFindings({ check: 'cluster-exists', resource: `rds:${cluster.identifier}`, region: aws.region(cluster.region) }, () => clusterFindings(ctx, role, cluster))));
  }
  findings.push(...(await planWideFindings({ ...ctx, build }, 'primary')));
  return findings;
}

/**
 * The built-in `in-region` strategy. `drill` `live`: failover, soak (`parameters.soak`), failback, each phase
 * measured; `isolated`: refused by its one step, before any AWS call (there is no copy to rehearse on).
 *
 * @example
 * const run = inRegionStrategy.build({ plan, operation: 'failover', mode: 'graceful', aws, runId });
 */
export const inRegionStrategy: Strategy = {
  name: 'in-region',
  description: 'In-region high availability: Aurora cluster writer failover to a reader in another Availability Zone, or RDS Multi-AZ instance failover to its standby, and back.',
  // An isolated drill is still built (one step that refuses, for `drill --isolated`), but it cannot rehearse anything.
  drills: ['live'],
  validate,
  build,
  check,
};
