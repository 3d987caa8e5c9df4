/**
 * Readiness findings of the standby strategies. Reads only: every call here is a Describe/List/Get. Each
 * finding names the resource and region and, when it is not a pass, what to do.
 */
import { DescribeDBInstancesCommand } from '@aws-sdk/client-rds';
import { DescribeImagesCommand } from '@aws-sdk/client-ec2';
import { classifyAwsError } from '../aws/classify-error.js';
import { describeAutoScalingGroup } from '../aws/auto-scaling.js';
import { describeLaunchTemplateImage } from '../aws/ec2.js';
import { getHealthCheckStatus, listRecordSets } from '../aws/route53.js';
import type { AwsEnvironment } from '../aws-environment.js';
import type { Finding, StrategyContext } from '../strategy.js';
import { replicationStateOf } from '../steps/replication-lag.js';
import { type StandbyKind, type StandbyTopology, standbyCapacity, standbyTopology } from './standby-family.js';
import { failoverSteps } from './standby-family.js';
import { failbackSteps } from './standby-failback.js';

type CheckContext = Omit<StrategyContext, 'operation' | 'mode' | 'runId'> & { kind: StandbyKind };

/** Runs a check; an AWS error becomes a `fail` finding that says which call failed and why. */
async function guarded(resource: string, region: string, check: string, run: () => Promise<Finding[]>): Promise<Finding[]> {
  try {
    return await run();
  } catch (error) {
    const c = classifyAwsError(error);
    return [{ status: 'fail', check, resource, region, message: `${c.code}: ${(error as Error).message}`, action: c.reason === 'access-denied' ? 'grant the read permissions listed by `firedrill iam-policy`' : 'check the resource and the region in the plan' }];
  }
}

async function databaseFindings(aws: AwsEnvironment, t: StandbyTopology, rpoMs: number): Promise<Finding[]> {
  const region = aws.region('recovery');
  const id = t.database.recovery.identifier;
  const resource = `rds:${id}`;
  const out = await aws.clients('recovery').rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: id })).catch((e: unknown) => {
    if (classifyAwsError(e).reason === 'not-found') return undefined;
    throw e;
  });
  const db = out?.DBInstances?.[0];
  if (db === undefined) {
    return [{ status: 'fail', check: 'replica-exists', resource, region, message: `no DB instance ${id} in ${region}`, action: `create ${id} as a cross-region read replica of ${t.database.primary.identifier}` }];
  }
  const replication = replicationStateOf(db);
  if (replication.state === 'standalone') {
    return [{ status: 'fail', check: 'replica-replicating', resource, region, message: `${id} is a standalone instance, not a replica (was it promoted?)`, action: 'fail back, or re-create the replica, before relying on it' }];
  }
  if (replication.state === 'broken') {
    return [{ status: 'fail', check: 'replica-replicating', resource, region, message: `replication has stopped: ${replication.message}`, action: 'check the source instance and the replica in the console' }];
  }
  const lag = replication.lagMs;
  const lagFinding: Finding = lag === undefined
    ? { status: 'warn', check: 'replication-lag', resource, region, message: 'replica lag unknown', action: 'check the ReplicaLag metric in CloudWatch' }
    : lag > rpoMs
      ? { status: 'fail', check: 'replication-lag', resource, region, message: `replica lag ${lag / 1000} s is over the RPO objective of ${rpoMs / 1000} s`, action: 'find what slows replication (write bursts, replica class, network) or revisit the objective' }
      : { status: 'pass', check: 'replication-lag', resource, region, message: `replica lag ${lag / 1000} s, under the RPO objective of ${rpoMs / 1000} s` };
  return [{ status: 'pass', check: 'replica-replicating', resource, region, message: `${id} replicates ${db.ReadReplicaSourceDBInstanceIdentifier}` }, lagFinding];
}

async function fenceFindings(aws: AwsEnvironment, t: StandbyTopology): Promise<Finding[]> {
  const region = aws.region('primary');
  const id = t.database.primary.identifier;
  const out = await aws.clients('primary').rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: id }));
  const group = out.DBInstances?.[0]?.DBParameterGroups?.[0]?.DBParameterGroupName ?? 'unknown';
  return group.startsWith('default.') || group === 'unknown'
    ? [{ status: 'warn', check: 'fence-possible', resource: `rds:${id}`, region, message: `${id} uses the parameter group ${group}, which cannot be changed: a graceful failover cannot fence its writers`, action: `attach a custom parameter group to ${id}` }]
    : [{ status: 'pass', check: 'fence-possible', resource: `rds:${id}`, region, message: `writers can be fenced through parameter group ${group}` }];
}

async function computeFindings(aws: AwsEnvironment, t: StandbyTopology, kind: StandbyKind): Promise<Finding[]> {
  const region = aws.region('recovery');
  const name = t.compute.recovery.name;
  const resource = `autoscaling:${name}`;
  const group = await describeAutoScalingGroup({ autoScaling: aws.clients('recovery').autoScaling, name });
  if (group === undefined) return [{ status: 'fail', check: 'recovery-compute', resource, region, message: `no Auto Scaling group ${name} in ${region}`, action: 'create it with a launch template (capacity 0 for pilot light)' }];
  const standby = standbyCapacity(t, kind);
  const findings: Finding[] = [
    group.desired === standby.desired && group.inService >= standby.desired
      ? { status: 'pass', check: 'standby-capacity', resource, region, message: `${name} is at ${group.min}/${group.desired}/${group.max} with ${group.inService} InService (standby ${standby.desired})` }
      : { status: 'warn', check: 'standby-capacity', resource, region, message: `${name} is at desired ${group.desired} with ${group.inService} InService; the plan's standby size is ${standby.desired}`, action: `scale ${name} to ${standby.min}/${standby.desired}/${standby.max}` },
  ];
  const template = t.compute.recovery.launchTemplate ?? group.launchTemplate?.name;
  if (template === undefined) {
    findings.push({ status: 'warn', check: 'ami-in-recovery-region', resource, region, message: `${name} has no launch template Firedrill can read`, action: 'use a launch template (or name it in the plan)' });
    return findings;
  }
  const version = await describeLaunchTemplateImage({ ec2: aws.clients('recovery').ec2, name: template });
  const imageId = version?.imageId;
  const images = imageId === undefined ? [] : ((await aws.clients('recovery').ec2.send(new DescribeImagesCommand({ ImageIds: [imageId] })).catch(() => undefined))?.Images ?? []);
  const available = images.some((i) => i.State === 'available');
  findings.push(available
    ? { status: 'pass', check: 'ami-in-recovery-region', resource: `ec2:${template}`, region, message: `launch template ${template} uses ${imageId}, available in ${region}` }
    : { status: 'fail', check: 'ami-in-recovery-region', resource: `ec2:${template}`, region, message: `launch template ${template} uses ${imageId ?? 'no AMI'}, which is not available in ${region}: compute cannot start`, action: `copy the AMI to ${region} and point the launch template at the copy` });
  return findings;
}

async function dnsFindings(aws: AwsEnvironment, t: StandbyTopology): Promise<Finding[]> {
  const { dns } = t;
  const route53 = aws.clients('primary').route53;
  const resource = `route53:${dns.name}`;
  const sets = await listRecordSets({ route53, hostedZoneId: dns.hostedZoneId, name: dns.name, type: dns.type });
  const findings: Finding[] = [];
  for (const side of ['primary', 'recovery'] as const) {
    const set = sets.find((s) => s.SetIdentifier === dns[side].setIdentifier);
    if (set === undefined) {
      findings.push({ status: 'fail', check: 'dns-record', resource, region: 'global', message: `no ${dns.type} record ${dns.name} with set identifier ${dns[side].setIdentifier}`, action: `create the ${dns.routing} record for ${aws.region(side)}` });
      continue;
    }
    const checkId = dns[side].healthCheckId ?? set.HealthCheckId;
    if (checkId === undefined) {
      findings.push({ status: 'warn', check: 'health-check', resource, region: aws.region(side), message: `the ${side} record has no health check`, action: 'add a Route 53 health check: failover and the DNS guardrail depend on it' });
      continue;
    }
    const status = await getHealthCheckStatus({ route53, healthCheckId: checkId });
    findings.push({ status: side === 'primary' && !status.healthy ? 'warn' : 'pass', check: 'health-check', resource: `route53:healthcheck/${checkId}`, region: aws.region(side), message: `health check of ${dns[side].setIdentifier}: ${status.healthyCheckers}/${status.checkers} checkers healthy` });
  }
  return findings;
}

function permissionFindings(ctx: CheckContext, t: StandbyTopology): Finding[] {
  const build = { ...ctx, mode: 'graceful' as const, runId: 'readiness-check', operation: 'failover' as const };
  const steps = [...failoverSteps(build, t), ...failbackSteps(build, t, ctx.kind, { declare: true })];
  const actions = [...new Set(steps.flatMap((s) => (s.preview?.() ?? []).flatMap((c) => c.iamActions ?? [])))].sort();
  return [{
    status: 'warn', check: 'permissions', resource: 'iam', region: 'global',
    message: `failover and failback need ${actions.length} IAM actions: ${actions.join(', ')}. Firedrill cannot prove they are granted without IAM policy simulation`,
    action: 'attach the policy printed by `firedrill iam-policy` to the role Firedrill runs as (per account in multi-account plans)',
  }];
}

/** Every readiness finding of a standby plan. */
export async function standbyReadiness(ctx: CheckContext): Promise<Finding[]> {
  const t = standbyTopology(ctx.plan, ctx.kind);
  const { aws } = ctx;
  const groups = await Promise.all([
    guarded(`rds:${t.database.recovery.identifier}`, aws.region('recovery'), 'replica-replicating', () => databaseFindings(aws, t, ctx.plan.objectives.rpo)),
    guarded(`rds:${t.database.primary.identifier}`, aws.region('primary'), 'fence-possible', () => fenceFindings(aws, t)),
    guarded(`autoscaling:${t.compute.recovery.name}`, aws.region('recovery'), 'recovery-compute', () => computeFindings(aws, t, ctx.kind)),
    guarded(`route53:${t.dns.name}`, 'global', 'dns-record', () => dnsFindings(aws, t)),
  ]);
  return [...groups.flat(), ...permissionFindings(ctx, t)];
}
