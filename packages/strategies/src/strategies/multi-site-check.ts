/**
 * Readiness of an active/active plan: both regions pass their health checks and carry the configured weights, the
 * global database has both members with the writer in the primary region and the secondary connected, and both
 * Auto Scaling groups run their normal capacity in service. Reads only.
 */
import { DescribeGlobalClustersCommand } from '@aws-sdk/client-rds';
import { describeAutoScalingGroup } from '../aws/auto-scaling.js';
import { describeDbCluster } from '../aws/rds-clusters.js';
import { getHealthCheckStatus } from '../aws/route53.js';
import type { AwsEnvironment, Side } from '../aws-environment.js';
import { readWeights } from '../steps/weighted-ramp-steps.js';
import type { Finding } from '../strategy.js';
import { type MultiSiteResources, normalCapacity } from './multi-site-resources.js';

const SIDES: Side[] = ['primary', 'recovery'];

async function dnsFindings(aws: AwsEnvironment, { dns }: MultiSiteResources): Promise<Finding[]> {
  const findings: Finding[] = [];
  const weights = await readWeights(aws, dns, new AbortController().signal);
  for (const side of SIDES) {
    const resource = `route53:${dns.name}/${dns[side].setIdentifier}`;
    const region = aws.region(side);
    const wanted = dns.weights?.[side];
    findings.push(weights[side] === wanted
      ? { status: 'pass', check: 'weights', resource, region, message: `weight ${weights[side]} as planned` }
      : { status: 'fail', check: 'weights', resource, region, message: `weight is ${weights[side] ?? 'missing'}, the plan says ${wanted}`, action: `Run failback (it ramps the weights back), or set the weight of ${dns[side].setIdentifier} to ${wanted}.` });
    const checkId = dns[side].healthCheckId;
    if (checkId === undefined) continue;
    const status = await getHealthCheckStatus({ route53: aws.clients('primary').route53, healthCheckId: checkId });
    findings.push(status.healthy
      ? { status: 'pass', check: 'region-health', resource: `route53-health-check:${checkId}`, region, message: `${status.healthyCheckers}/${status.checkers} checkers healthy` }
      : { status: 'fail', check: 'region-health', resource: `route53-health-check:${checkId}`, region, message: `${region} fails its health check (${status.healthyCheckers}/${status.checkers} checkers healthy)`, action: `Find out why ${region} does not serve before relying on it to carry the other region's traffic.` });
  }
  return findings;
}

async function databaseFindings(aws: AwsEnvironment, { database }: MultiSiteResources): Promise<Finding[]> {
  const globalId = database.globalClusterIdentifier;
  const resource = `rds:${globalId}`;
  const region = aws.region('recovery');
  const { rds } = aws.clients('recovery');
  const out = await rds.send(new DescribeGlobalClustersCommand({ GlobalClusterIdentifier: globalId })).catch(() => undefined);
  const global = out?.GlobalClusters?.[0];
  if (global === undefined) return [{ status: 'fail', check: 'global-database', resource, region, message: `no global cluster ${globalId}`, action: 'Check resources.database.globalClusterIdentifier.' }];
  const findings: Finding[] = [];
  const arns: Partial<Record<Side, string>> = {};
  for (const side of SIDES) arns[side] = (await describeDbCluster({ rds: aws.clients(side).rds, identifier: database[side].clusterIdentifier }))?.arn;
  const member = (side: Side) => global.GlobalClusterMembers?.find((m) => m.DBClusterArn === arns[side]);
  const missing = SIDES.filter((side) => member(side) === undefined).map((side) => database[side].clusterIdentifier);
  if (missing.length > 0) findings.push({ status: 'fail', check: 'global-database', resource, region, message: `${missing.join(', ')} not a member of ${globalId}`, action: 'Add the cluster to the global database (or fix the plan).' });
  else if (global.Status !== 'available' || global.FailoverState?.Status !== undefined) findings.push({ status: 'fail', check: 'global-database', resource, region, message: `${globalId} is ${global.Status}${global.FailoverState?.Status ? `, ${global.FailoverState.Status}` : ''}`, action: 'Wait until no failover or switchover is under way.' });
  else if (member('primary')?.IsWriter !== true) findings.push({ status: 'warn', check: 'writer-region', resource, region, message: `the writer is not ${database.primary.clusterIdentifier} in ${aws.region('primary')}`, action: 'Run failback to switch the writer back.' });
  else findings.push({ status: 'pass', check: 'global-database', resource, region, message: `${globalId} available, writer ${database.primary.clusterIdentifier} in ${aws.region('primary')}` });
  const sync = member('recovery')?.SynchronizationStatus;
  // DescribeGlobalClusters has no lag figure: it says whether the secondary replicates. The lag itself comes from
  // aurora_global_db_status() (Aurora PostgreSQL, rpo_lag_in_msec) or CloudWatch AuroraGlobalDBReplicationLag.
  findings.push(sync === undefined || sync === 'connected'
    ? { status: 'pass', check: 'replication', resource: `rds:${database.recovery.clusterIdentifier}`, region, message: `secondary ${sync ?? 'connected'}; lag is not in DescribeGlobalClusters — the heartbeat measures what survives` }
    : { status: 'fail', check: 'replication', resource: `rds:${database.recovery.clusterIdentifier}`, region, message: `secondary is ${sync}`, action: 'Wait until it is connected; a failover now would lose more than the usual sub-second lag.' });
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
    }
  }
  return findings;
}

/** Every readiness finding of a multi-site plan. */
export async function checkMultiSite(aws: AwsEnvironment, resources: MultiSiteResources): Promise<Finding[]> {
  return [...(await dnsFindings(aws, resources)), ...(await databaseFindings(aws, resources)), ...(await capacityFindings(aws, resources))];
}
