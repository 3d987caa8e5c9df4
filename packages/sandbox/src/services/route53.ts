import { createHash } from 'node:crypto';
/** The simulated Route 53 API: hosted zones, record sets, changes, health checks, TestDNSAnswer. */
import { badRequest, notFound } from '../errors.js';
import type { OperationContext, ServiceHandlers } from '../operation-context.js';
import { str } from '../operation-context.js';
import type { HealthCheckRecord, HostedZoneRecord } from '../resources-compute.js';
import { applyChanges, requireNoPendingChange, submitChange, toChangeInfo } from './route53-changes.js';
import { answerOnce, fqdn, healthCheckHealthy, regionOfEndpoint } from './route53-dns.js';

type Input = Record<string, unknown>;

const stripPrefix = (id: string | undefined, prefix: string): string => (id ?? '').replace(new RegExp(`^/?${prefix}/`), '');

function findZone(ctx: OperationContext, id: string | undefined): HostedZoneRecord {
  const zone = ctx.world.route53.zones[stripPrefix(id, 'hostedzone')];
  if (!zone) throw notFound('NoSuchHostedZone', `No hosted zone found with ID: ${stripPrefix(id, 'hostedzone')}`);
  return zone;
}

function findHealthCheck(ctx: OperationContext, id: string | undefined): HealthCheckRecord {
  const check = id === undefined ? undefined : ctx.world.route53.healthChecks[id];
  if (!check) throw notFound('NoSuchHealthCheck', `A health check with id ${id ?? ''} does not exist.`);
  return check;
}

const toHostedZone = (zone: HostedZoneRecord): object => ({
  Id: `/hostedzone/${zone.id}`,
  Name: zone.name,
  CallerReference: zone.callerReference,
  Config: { PrivateZone: zone.privateZone, ...(zone.comment ? { Comment: zone.comment } : {}) },
  ResourceRecordSetCount: zone.records.length,
});

const toHealthCheck = (check: HealthCheckRecord): object => ({
  Id: check.id,
  CallerReference: check.callerReference,
  HealthCheckConfig: { ...check.config },
  HealthCheckVersion: check.version,
});

/**
 * Ids a sandbox provisioning step gives a hosted zone or health check instead of deriving them from the caller
 * reference, so a world can be built for an existing plan that names them. Not reachable through the SDK: AWS
 * chooses these ids, and so does the sandbox for every API call.
 */
export interface AdoptedId {
  id: string;
}

function adopt(kind: 'hosted zone' | 'health check', taken: Record<string, unknown>, adopted: AdoptedId | undefined, derived: string): string {
  if (adopted === undefined) return derived;
  if (!adopted.id || /\s|\//.test(adopted.id)) throw new TypeError(`sandbox provisioning: ${JSON.stringify(adopted.id)} is not a ${kind} id`);
  if (taken[adopted.id] !== undefined) throw new TypeError(`sandbox provisioning: a ${kind} with id ${adopted.id} already exists`);
  return adopted.id;
}

function createHostedZone(ctx: OperationContext, input: Input, adopted?: AdoptedId): object {
  const name = str(input, 'Name');
  const callerReference = str(input, 'CallerReference');
  if (!name || !callerReference) throw badRequest('InvalidInput', 'Invalid request: Name and CallerReference are required');
  const existing = Object.values(ctx.world.route53.zones).find((z) => z.callerReference === callerReference);
  if (existing) throw badRequest('HostedZoneAlreadyExists', `A hosted zone has already been created with the specified caller reference.`);
  const id = adopt('hosted zone', ctx.world.route53.zones, adopted, `Z${idFromReference('zone', ctx.world.accountId, callerReference, 20).toUpperCase()}`);
  const config = (input['HostedZoneConfig'] ?? {}) as { Comment?: string; PrivateZone?: boolean };
  const zone: HostedZoneRecord = { id, name: fqdn(name), callerReference, privateZone: config.PrivateZone === true, records: [], servedRecords: [] };
  if (config.Comment) zone.comment = config.Comment;
  zone.records.push(
    { Name: zone.name, Type: 'SOA', TTL: 900, ResourceRecords: [{ Value: 'ns-1.awsdns-01.org. awsdns-hostmaster.amazon.com. 1 7200 900 1209600 86400' }] },
    { Name: zone.name, Type: 'NS', TTL: 172800, ResourceRecords: [{ Value: 'ns-1.awsdns-01.org.' }] },
  );
  ctx.world.route53.zones[id] = zone;
  const change = submitChange(ctx, zone, undefined);
  zone.servedRecords = structuredClone(zone.records);
  return { HostedZone: toHostedZone(zone), ChangeInfo: toChangeInfo(ctx, change), DelegationSet: { NameServers: ['ns-1.awsdns-01.org'] }, Location: `https://route53.amazonaws.com/2013-04-01/hostedzone/${id}` };
}

function changeResourceRecordSets(ctx: OperationContext, input: Input): object {
  const zone = findZone(ctx, str(input, 'HostedZoneId'));
  const batch = (input['ChangeBatch'] ?? {}) as { Changes?: unknown; Comment?: string };
  requireNoPendingChange(ctx, zone);
  const next = applyChanges(ctx, zone, batch.Changes as never);
  const change = submitChange(ctx, zone, batch.Comment);
  zone.servedRecords = zone.records;
  zone.records = next;
  zone.lastChangeId = change.id;
  return { ChangeInfo: toChangeInfo(ctx, change) };
}

function listResourceRecordSets(ctx: OperationContext, input: Input): object {
  const zone = findZone(ctx, str(input, 'HostedZoneId'));
  const start = str(input, 'StartRecordName');
  const startType = str(input, 'StartRecordType');
  const max = Math.min(Number(input['MaxItems'] ?? 300) || 300, 300);
  const sorted = [...zone.records].sort((a, b) => a.Name.localeCompare(b.Name) || a.Type.localeCompare(b.Type) || (a.SetIdentifier ?? '').localeCompare(b.SetIdentifier ?? ''));
  const from = start === undefined ? 0 : Math.max(0, sorted.findIndex((r) => r.Name >= fqdn(start) && (startType === undefined || r.Name > fqdn(start) || r.Type >= startType)));
  const page = sorted.slice(from, from + max);
  const next = sorted[from + max];
  return {
    ResourceRecordSets: structuredClone(page),
    IsTruncated: next !== undefined,
    MaxItems: max,
    ...(next ? { NextRecordName: next.Name, NextRecordType: next.Type, ...(next.SetIdentifier ? { NextRecordIdentifier: next.SetIdentifier } : {}) } : {}),
  };
}

function createHealthCheck(ctx: OperationContext, input: Input, adopted?: AdoptedId): object {
  const callerReference = str(input, 'CallerReference');
  const config = input['HealthCheckConfig'] as HealthCheckRecord['config'] | undefined;
  if (!callerReference || !config?.Type) throw badRequest('InvalidInput', 'Invalid request: CallerReference and HealthCheckConfig.Type are required');
  const normalised: HealthCheckRecord['config'] = { ...config, RequestInterval: config.RequestInterval ?? 30, FailureThreshold: config.FailureThreshold ?? 3 };
  if (![10, 30].includes(normalised.RequestInterval)) throw badRequest('InvalidInput', 'Invalid request: RequestInterval must be 10 or 30');
  if (!(normalised.FailureThreshold >= 1 && normalised.FailureThreshold <= 10)) throw badRequest('InvalidInput', 'Invalid request: FailureThreshold must be between 1 and 10');
  const existing = Object.values(ctx.world.route53.healthChecks).find((c) => c.callerReference === callerReference);
  if (existing) {
    if (JSON.stringify(existing.config) !== JSON.stringify(normalised)) throw badRequest('HealthCheckAlreadyExists', 'A health check with this caller reference already exists with a different configuration.');
    return { HealthCheck: toHealthCheck(existing), Location: `https://route53.amazonaws.com/2013-04-01/healthcheck/${existing.id}` };
  }
  const h = idFromReference('health-check', ctx.world.accountId, callerReference, 32);
  const id = adopt('health check', ctx.world.route53.healthChecks, adopted, `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`);
  const check: HealthCheckRecord = { id, callerReference, createdAt: ctx.now, config: normalised, version: 1 };
  ctx.world.route53.healthChecks[id] = check;
  return { HealthCheck: toHealthCheck(check), Location: `https://route53.amazonaws.com/2013-04-01/healthcheck/${id}` };
}

const CHECKER_REGIONS = [['us-east-1', '15.177.0.10'], ['us-west-1', '15.177.2.10'], ['eu-west-1', '15.177.62.10']] as const;

function getHealthCheckStatus(ctx: OperationContext, input: Input): object {
  const check = findHealthCheck(ctx, str(input, 'HealthCheckId'));
  const healthy = healthCheckHealthy(ctx.world, check, ctx.now);
  const host = check.config.FullyQualifiedDomainName ?? check.config.IPAddress ?? '';
  const known = regionOfEndpoint(ctx.world, host) !== undefined;
  const status = healthy ? `Success: HTTP Status Code 200, OK` : known ? 'Failure: HTTP Status Code 503, Service Unavailable' : 'Failure: Connection timed out.';
  return {
    HealthCheckObservations: CHECKER_REGIONS.map(([Region, IPAddress]) => ({ Region, IPAddress, StatusReport: { Status: status, CheckedTime: new Date(ctx.now) } })),
  };
}

function testDnsAnswer(ctx: OperationContext, input: Input): object {
  const zone = findZone(ctx, str(input, 'HostedZoneId'));
  const name = str(input, 'RecordName');
  const type = str(input, 'RecordType');
  if (!name || !type) throw badRequest('InvalidInput', 'Invalid request: RecordName and RecordType are required');
  const answer = answerOnce(ctx.world, name, type, ctx.now);
  return {
    Nameserver: 'ns-1.awsdns-01.org',
    RecordName: fqdn(name),
    RecordType: type,
    RecordData: answer.values,
    ResponseCode: answer.values.length > 0 || zone.records.some((r) => r.Name === fqdn(name)) ? 'NOERROR' : 'NXDOMAIN',
    Protocol: 'UDP',
  };
}

/** Every Route 53 operation the sandbox simulates. Its control plane is served from us-east-1. */
export const route53Handlers: ServiceHandlers = {
  CreateHostedZone: (ctx, input) => createHostedZone(ctx, input),
  ListHostedZones: (ctx) => ({ HostedZones: Object.values(ctx.world.route53.zones).map(toHostedZone), IsTruncated: false, MaxItems: 100 }),
  GetHostedZone: (ctx, input) => ({ HostedZone: toHostedZone(findZone(ctx, str(input, 'Id'))), DelegationSet: { NameServers: ['ns-1.awsdns-01.org'] } }),
  ListResourceRecordSets: listResourceRecordSets,
  ChangeResourceRecordSets: changeResourceRecordSets,
  GetChange: (ctx, input) => {
    const change = ctx.world.route53.changes[stripPrefix(str(input, 'Id'), 'change')];
    if (!change) throw notFound('NoSuchChange', `A change with the specified change ID does not exist.`);
    return { ChangeInfo: toChangeInfo(ctx, change) };
  },
  CreateHealthCheck: (ctx, input) => createHealthCheck(ctx, input),
  GetHealthCheck: (ctx, input) => ({ HealthCheck: toHealthCheck(findHealthCheck(ctx, str(input, 'HealthCheckId'))) }),
  GetHealthCheckStatus: getHealthCheckStatus,
  ListHealthChecks: (ctx) => ({ HealthChecks: Object.values(ctx.world.route53.healthChecks).map(toHealthCheck), IsTruncated: false, MaxItems: 100 }),
  DeleteHealthCheck: (ctx, input) => {
    const check = findHealthCheck(ctx, str(input, 'HealthCheckId'));
    const inUse = Object.values(ctx.world.route53.zones).some((z) => z.records.some((r) => r.HealthCheckId === check.id));
    if (inUse) throw badRequest('HealthCheckInUse', `The health check ${check.id} is still referenced from a resource record set.`);
    delete ctx.world.route53.healthChecks[check.id];
    return {};
  },
  TestDNSAnswer: testDnsAnswer,
};

/**
 * Sandbox provisioning only (scenario builders): CreateHostedZone / CreateHealthCheck with the id a plan names
 * (`adopted`) instead of the one the caller reference derives. Validated like the API call otherwise.
 */
export const route53Provisioning = {
  createHostedZone: (ctx: OperationContext, input: Input, adopted?: AdoptedId): object => createHostedZone(ctx, input, adopted),
  createHealthCheck: (ctx: OperationContext, input: Input, adopted?: AdoptedId): object => createHealthCheck(ctx, input, adopted),
};

/**
 * Ids of hosted zones and health checks follow from their caller reference (AWS's are opaque, so nothing can
 * tell), so a scenario's ids stay the same whatever else the world drew from its random stream — plans can
 * name them.
 */
function idFromReference(kind: string, account: string, callerReference: string, length: number): string {
  return createHash('sha256').update(`${kind}\u0000${account}\u0000${callerReference}`).digest('hex').slice(0, length);
}
