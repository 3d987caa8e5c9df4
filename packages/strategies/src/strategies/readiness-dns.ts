/**
 * DNS readiness: the plan's record pair exists in its hosted zone with the routing the plan says (a failover pair
 * with the primary region PRIMARY, or weighted records at the planned weights), and each side is guarded by a Route 53
 * health check that exists and is the one attached to the record. Route 53 fails over on the record's own health
 * check — in a us-east-1 outage its control plane is down and that check is the only thing that moves users — so a
 * health check the plan names but the record does not carry is worth a warning. Reads only.
 */
import type { ResourceRecordSet } from '@aws-sdk/client-route-53';
import { classifyAwsError } from '../aws/classify-error.js';
import { getHealthCheckStatus, type HealthCheckStatus, listRecordSets } from '../aws/route53.js';
import type { AwsEnvironment, Side } from '../aws-environment.js';
import type { Finding } from '../strategy.js';
import type { DnsRecordResource } from './plan-roles.js';

const SIDES: readonly Side[] = ['primary', 'recovery'];

/**
 * The status of a health check, or `undefined` when Route 53 has no health check with that id (NoSuchHealthCheck).
 * Any other error (access denied, throttling) is thrown for the caller's guard.
 */
export async function readHealthCheck(aws: AwsEnvironment, healthCheckId: string): Promise<HealthCheckStatus | undefined> {
  try {
    return await getHealthCheckStatus({ route53: aws.clients('primary').route53, healthCheckId });
  } catch (error) {
    if (classifyAwsError(error).reason === 'not-found') return undefined;
    throw error;
  }
}

/** The finding of a health check the plan names that Route 53 does not have. */
export function missingHealthCheckFinding(aws: AwsEnvironment, record: DnsRecordResource, side: Side, healthCheckId: string, role = 'dns'): Finding {
  return {
    status: 'fail', check: 'dns-health-check', resource: `route53-health-check:${healthCheckId}`, region: aws.region(side),
    message: `health check ${healthCheckId} of ${record[side].setIdentifier} does not exist: Route 53 cannot tell whether ${aws.region(side)} serves`,
    action: `create a Route 53 health check on the ${aws.region(side)} endpoint, attach it to the ${record[side].setIdentifier} record and put its id in resources.${role}.${side}.healthCheckId`,
  };
}

function routingFinding(aws: AwsEnvironment, record: DnsRecordResource, side: Side, set: ResourceRecordSet): Finding {
  const resource = `route53:${record.name.replace(/\.$/, '')}/${record[side].setIdentifier}`;
  const region = aws.region(side);
  const target = set.AliasTarget?.DNSName ?? set.ResourceRecords?.map((r) => r.Value).join(', ') ?? 'no value';
  if (record.routing === 'weighted') {
    const wanted = record.weights?.[side];
    return set.Weight === wanted
      ? { status: 'pass', check: 'dns-record', resource, region, message: `weighted record → ${target}, weight ${set.Weight} as planned` }
      : { status: 'warn', check: 'dns-record', resource, region, message: `weighted record → ${target} has weight ${set.Weight ?? 'none'}; the plan says ${wanted}`, action: `run failback, or set the weight of ${record[side].setIdentifier} to ${wanted}` };
  }
  const role = side === 'primary' ? 'PRIMARY' : 'SECONDARY';
  if (set.Failover === role) return { status: 'pass', check: 'dns-record', resource, region, message: `${role} failover record → ${target}` };
  return {
    status: 'warn', check: 'dns-record', resource, region,
    message: set.Failover === undefined
      ? `${record[side].setIdentifier} is not a failover record (routing: failover in the plan)`
      : `${record[side].setIdentifier} is ${set.Failover}, not ${role}: users are sent to ${set.Failover === 'PRIMARY' ? region : 'the other region'} (a failover not yet failed back?)`,
    action: set.Failover === undefined ? `make ${record[side].setIdentifier} the ${role} record of a failover pair` : 'run failback before relying on this plan, or fix the records by hand',
  };
}

async function healthCheckFinding(aws: AwsEnvironment, record: DnsRecordResource, side: Side, set: ResourceRecordSet, role: string): Promise<Finding> {
  const planned = record[side].healthCheckId;
  const attached = set.HealthCheckId;
  const id = planned ?? attached;
  const region = aws.region(side);
  const label = record[side].setIdentifier;
  if (id === undefined) {
    return { status: 'warn', check: 'dns-health-check', resource: `route53:${record.name.replace(/\.$/, '')}/${label}`, region, message: `no health check guards ${label}`, action: 'attach a Route 53 health check so DNS fails over by itself: failover and the DNS guardrail depend on it' };
  }
  const status = await readHealthCheck(aws, id);
  if (status === undefined) return missingHealthCheckFinding(aws, record, side, id, role);
  const resource = `route53-health-check:${id}`;
  if (planned !== undefined && attached !== planned) {
    return {
      status: 'warn', check: 'dns-health-check', resource, region,
      message: `the ${label} record is guarded by ${attached ?? 'no health check'}, not by ${planned} (the plan's): Route 53 fails over on the record's own health check`,
      action: `attach ${planned} to the ${label} record, or fix resources.${role}.${side}.healthCheckId`,
    };
  }
  const health = `${status.healthyCheckers}/${status.checkers} checkers healthy`;
  // An unhealthy recovery endpoint is expected while its compute is off (pilot light); an unhealthy primary is not.
  return side === 'primary' && !status.healthy
    ? { status: 'warn', check: 'dns-health-check', resource, region, message: `the primary endpoint fails health check ${id} (${health}): users may already be on the recovery region`, action: `find out why ${region} does not serve` }
    : { status: 'pass', check: 'dns-health-check', resource, region, message: `${label} guarded by health check ${id} (${health})` };
}

/**
 * Findings of a record pair: per side, the record (exists, routing as planned) and its health check (exists, attached
 * to the record, the primary healthy).
 *
 * @example
 * const findings = await recordPairFindings(aws, topology.dns, 'dns');
 */
export async function recordPairFindings(aws: AwsEnvironment, record: DnsRecordResource, role = 'dns'): Promise<Finding[]> {
  const sets = await listRecordSets({ route53: aws.clients('primary').route53, hostedZoneId: record.hostedZoneId, name: record.name, type: record.type });
  const findings: Finding[] = [];
  for (const side of SIDES) {
    const set = sets.find((s) => s.SetIdentifier === record[side].setIdentifier);
    if (set === undefined) {
      const kind = record.routing === 'weighted' ? 'weighted' : side === 'primary' ? 'PRIMARY failover' : 'SECONDARY failover';
      findings.push({
        status: 'fail', check: 'dns-record', resource: `route53:${record.name.replace(/\.$/, '')}/${record[side].setIdentifier}`, region: aws.region(side),
        message: `no ${record.type} record ${record.name} with set identifier ${record[side].setIdentifier} in hosted zone ${record.hostedZoneId}`,
        action: `create the ${kind} record for ${aws.region(side)} (or fix resources.${role}.${side}.setIdentifier)`,
      });
      continue;
    }
    findings.push(routingFinding(aws, record, side, set), await healthCheckFinding(aws, record, side, set, role));
  }
  return findings;
}
