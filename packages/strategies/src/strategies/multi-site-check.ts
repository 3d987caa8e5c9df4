/**
 * Readiness of an active/active plan: both regions pass their health checks and carry the configured weights, the
 * global database has both members with the writer in the primary region and the secondary connected, both Auto
 * Scaling groups run their normal capacity in service and launch from an AMI available in their region (the
 * survivor scales out from it), the plan's buckets and launch templates are in place, and the IAM actions the plan
 * needs are listed. Reads only; a part that cannot be read is a `fail` finding, never a crash of the whole check.
 */
import { auroraGlobalLagDatapoints } from '../aws/cloudwatch-metrics.js';
import { describeAutoScalingGroup } from '../aws/auto-scaling.js';
import { describeDbCluster, describeGlobalCluster } from '../aws/rds-clusters.js';
import type { AwsEnvironment, Side } from '../aws-environment.js';
import { listRecordSets } from '../aws/route53.js';
import type { Finding, StrategyContext, StrategyRun } from '../strategy.js';
import { type MultiSiteResources, normalCapacity } from './multi-site-resources.js';
import { groupLaunchFindings } from './readiness-compute.js';
import { missingHealthCheckFinding, readHealthCheck } from './readiness-dns.js';
import { guardFindings } from './readiness-guard.js';
import { LAG_WINDOW_MS, lagFinding } from './readiness-lag.js';
import { type CheckContext } from './readiness-permissions.js';
import { planWideFindings, withPlanWide } from './readiness-plan-wide.js';

const SIDES: Side[] = ['primary', 'recovery'];

async function dnsFindings(aws: AwsEnvironment, { dns }: MultiSiteResources): Promise<Finding[]> {
  const findings: Finding[] = [];
  const sets = await listRecordSets({ route53: aws.clients('primary').route53, hostedZoneId: dns.hostedZoneId, name: dns.name, type: dns.type });
  for (const side of SIDES) {
    const label = dns[side].setIdentifier;
    const resource = `route53:${dns.name}/${label}`;
    const region = aws.region(side);
    const set = sets.find((s) => s.SetIdentifier === label);
    const wanted = dns.weights?.[side];
    findings.push(set?.Weight === wanted
      ? { status: 'pass', check: 'weights', resource, region, message: `weight ${set?.Weight} as planned` }
      : { status: 'fail', check: 'weights', resource, region, message: `weight is ${set?.Weight ?? 'missing'}, the plan says ${wanted}`, action: `Run failback (it ramps the weights back), or set the weight of ${label} to ${wanted}.` });
    const checkId = dns[side].healthCheckId;
    // Route 53 stops answering a lost region only through the health check on its own weighted record: without one
    // (or with another than the plan's) a share of users goes on to the dead region until the failover drains it.
    if (set !== undefined && set.HealthCheckId !== checkId) {
      findings.push({
        status: 'warn', check: 'dns-health-check', resource, region,
        message: checkId === undefined
          ? `no health check guards the ${label} weighted record: Route 53 keeps sending users to ${region} when it is lost, until the failover drains its weight`
          : `the ${label} weighted record is guarded by ${set.HealthCheckId ?? 'no health check'}, not by ${checkId} (the plan's): Route 53 answers by the record's own health check`,
        action: checkId === undefined ? `attach a Route 53 health check of ${region}'s endpoint to ${label}, and name it in resources.dns.${side}.healthCheckId` : `attach ${checkId} to ${label}, or fix resources.dns.${side}.healthCheckId`,
      });
    }
    if (checkId === undefined) continue;
    const status = await readHealthCheck(aws, checkId);
    if (status === undefined) {
      findings.push(missingHealthCheckFinding(aws, dns, side, checkId));
      continue;
    }
    findings.push(status.healthy
      ? { status: 'pass', check: 'dns-health-check', resource: `route53-health-check:${checkId}`, region, message: `${status.healthyCheckers}/${status.checkers} checkers healthy` }
      : { status: 'fail', check: 'dns-health-check', resource: `route53-health-check:${checkId}`, region, message: `${region} fails its health check (${status.healthyCheckers}/${status.checkers} checkers healthy)`, action: `Find out why ${region} does not serve before relying on it to carry the other region's traffic.` });
  }
  return findings;
}

async function databaseFindings(aws: AwsEnvironment, { database }: MultiSiteResources): Promise<Finding[]> {
  const globalId = database.globalClusterIdentifier;
  const resource = `rds:${globalId}`;
  const region = aws.region('recovery');
  // GlobalClusterNotFoundFault is an answer; any other error (access denied, the region down) is the guard's.
  const global = await describeGlobalCluster({ rds: aws.clients('recovery').rds, identifier: globalId });
  if (global === undefined) return [{ status: 'fail', check: 'global-database', resource, region, message: `no global cluster ${globalId}`, action: 'Check resources.database.globalClusterIdentifier.' }];
  const findings: Finding[] = [];
  const arns: Partial<Record<Side, string>> = {};
  for (const side of SIDES) arns[side] = (await describeDbCluster({ rds: aws.clients(side).rds, identifier: database[side].clusterIdentifier }))?.arn;
  const member = (side: Side) => global.members.find((m) => m.clusterArn === arns[side]);
  const missing = SIDES.filter((side) => member(side) === undefined).map((side) => database[side].clusterIdentifier);
  if (missing.length > 0) findings.push({ status: 'fail', check: 'global-database', resource, region, message: `${missing.join(', ')} not a member of ${globalId}`, action: 'Add the cluster to the global database (or fix the plan).' });
  else if (global.status !== 'available' || global.failoverStatus !== undefined) findings.push({ status: 'fail', check: 'global-database', resource, region, message: `${globalId} is ${global.status}${global.failoverStatus ? `, ${global.failoverStatus}` : ''}`, action: 'Wait until no failover or switchover is under way.' });
  else if (member('primary')?.isWriter !== true) findings.push({ status: 'warn', check: 'writer-region', resource, region, message: `the writer is not ${database.primary.clusterIdentifier} in ${aws.region('primary')}`, action: 'Run failback to switch the writer back.' });
  else findings.push({ status: 'pass', check: 'global-database', resource, region, message: `${globalId} available, writer ${database.primary.clusterIdentifier} in ${aws.region('primary')}` });
  const sync = member('recovery')?.synchronizationStatus;
  const secondary = `rds:${database.recovery.clusterIdentifier}`;
  if (sync !== undefined && sync !== 'connected') {
    findings.push({ status: 'fail', check: 'replica-replicating', resource: secondary, region, message: `secondary is ${sync}`, action: 'Wait until it is connected; a failover now would lose more than the usual sub-second lag.' });
    return findings;
  }
  // DescribeGlobalClusters has no lag figure: it says whether the secondary replicates. Aurora publishes the lag as
  // the CloudWatch metric AuroraGlobalDBReplicationLag, in the secondary's region, labelled with the source region.
  const now = aws.clock.now();
  const points = await auroraGlobalLagDatapoints({ cloudWatch: aws.clients('recovery').cloudWatch, clusterIdentifier: database.recovery.clusterIdentifier, sourceRegion: aws.region('primary'), from: now - LAG_WINDOW_MS, to: now });
  findings.push(
    { status: 'pass', check: 'replica-replicating', resource: secondary, region, message: `secondary ${sync ?? 'connected'} to ${globalId}` },
    lagFinding({ points, rpoMs: aws.plan.objectives.rpo, resource: secondary, region, metric: 'AuroraGlobalDBReplicationLag', lagged: 'replication lag' }),
  );
  return findings;
}

async function capacityFindings(aws: AwsEnvironment, { groups }: MultiSiteResources): Promise<Finding[]> {
  const findings: Finding[] = [];
  for (const group of groups) {
    for (const side of SIDES) {
      const name = group[side].name;
      const wanted = normalCapacity(group, side);
      const seen = await describeAutoScalingGroup({ autoScaling: aws.clients(side).autoScaling, name });
      const resource = `autoscaling:${name}`;
      const region = aws.region(side);
      if (seen === undefined) {
        findings.push({ status: 'fail', check: 'capacity', resource, region, message: `no Auto Scaling group ${name}`, action: 'Check the plan.' });
        continue;
      }
      const sized = seen.min === wanted.min && seen.desired === wanted.desired && seen.max === wanted.max && seen.inService >= wanted.desired;
      findings.push(sized
        ? { status: 'pass', check: 'capacity', resource, region, message: `${seen.inService} InService at ${seen.min}/${seen.desired}/${seen.max}` }
        : { status: 'fail', check: 'capacity', resource, region, message: `${seen.inService} InService at ${seen.min}/${seen.desired}/${seen.max}; the plan says ${wanted.min}/${wanted.desired}/${wanted.max}`, action: `Scale ${name} to ${wanted.min}/${wanted.desired}/${wanted.max}.` });
      // The survivor scales out from this template when the other region is lost.
      findings.push(...(await groupLaunchFindings(aws, { side, group: seen, ...(side === 'recovery' && group.recovery.launchTemplate ? { plannedTemplate: group.recovery.launchTemplate } : {}) })));
    }
  }
  return findings;
}

/**
 * Every readiness finding of a multi-site plan; with `ctx.build`, the last say whether IAM grants what its operations call.
 *
 * @example
 * const findings = await checkMultiSite(aws, multiSiteResources(plan));
 */
export async function checkMultiSite(aws: AwsEnvironment, resources: MultiSiteResources, ctx?: CheckContext & { build: (ctx: StrategyContext) => StrategyRun }): Promise<Finding[]> {
  const { dns, database } = resources;
  const guard = (check: string, resource: string, region: string, run: () => Promise<Finding[]>): Promise<Finding[]> => guardFindings({ check, resource, region }, run);
  const groups = await Promise.all([
    guard('weights', `route53:${dns.name}`, 'global', () => dnsFindings(aws, resources)),
    guard('global-database', `rds:${database.globalClusterIdentifier}`, aws.region('recovery'), () => databaseFindings(aws, resources)),
    guard('capacity', 'autoscaling', aws.region('recovery'), () => capacityFindings(aws, resources)),
    planWideFindings({ plan: aws.plan, aws, ...(ctx ?? {}) }, 'recovery'),
  ]);
  return withPlanWide(groups.slice(0, -1).flat(), groups.at(-1)!);
}
