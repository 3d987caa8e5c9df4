/**
 * Route 53's data plane: health checkers and DNS answers. It keeps working when the control plane
 * (us-east-1) is down.
 */
import { endpointHealthAt } from '../application-health.js';
import type { ApplicationRecord } from '../world.js';
import type { HealthCheckRecord, HostedZoneRecord, RecordSetRecord } from '../resources-compute.js';
import { SeededRandom } from '../random.js';
import type { World } from '../world.js';

/** What DNS answers for a name. */
export interface DnsAnswer {
  recordName: string;
  type: string | undefined;
  /** The values answered (IP addresses, host names, alias DNS names). */
  values: string[];
  /** SetIdentifiers of the record sets that can answer (one for failover; every healthy one for weighted). */
  setIdentifiers: string[];
  /** Regions of the application endpoints the values point at. */
  regions: string[];
}

/** Normalises a DNS name: lower case, trailing dot. */
export function fqdn(name: string): string {
  const lower = name.toLowerCase();
  return lower.endsWith('.') ? lower : `${lower}.`;
}

/** The application site region whose endpoint is `host`, if any. */
export function regionOfEndpoint(world: World, host: string): { app: string; region: string } | undefined {
  const wanted = fqdn(host);
  for (const app of Object.values(world.applications)) {
    for (const [region, site] of Object.entries(app.sites)) if (fqdn(site.endpoint) === wanted) return { app: app.name, region };
  }
  return undefined;
}

/** Whether an application's endpoint in a region answered its health check at a moment. */
export type EndpointObserver = (world: World, app: ApplicationRecord, region: string, t: number) => boolean;

const observeEndpoint: EndpointObserver = (world, app, region, t) => endpointHealthAt(world, app, region, t).healthy;

/**
 * Whether a health check reports healthy at `t`. Checkers need FailureThreshold consecutive
 * observations, RequestInterval apart, to change their verdict, so the status follows the endpoint's
 * health with a delay of RequestInterval × FailureThreshold. `observe` is what a checker's request finds
 * (by default the endpoint's full health, load included).
 */
export function healthCheckHealthy(world: World, check: HealthCheckRecord, t: number, observe: EndpointObserver = observeEndpoint): boolean {
  const host = check.config.FullyQualifiedDomainName ?? check.config.IPAddress ?? '';
  const target = regionOfEndpoint(world, host);
  if (!target) return false;
  const observedAt = t - check.config.RequestInterval * 1000 * check.config.FailureThreshold;
  if (observedAt < check.createdAt) return true; // Route 53 treats a new check as healthy until it has data.
  return observe(world, world.applications[target.app]!, target.region, observedAt);
}

function recordHealthy(world: World, record: RecordSetRecord, t: number, observe: EndpointObserver = observeEndpoint): boolean {
  if (record.HealthCheckId === undefined) return true;
  const check = world.route53.healthChecks[record.HealthCheckId];
  return check !== undefined && healthCheckHealthy(world, check, t, observe);
}

export function valuesOf(record: RecordSetRecord): string[] {
  if (record.AliasTarget) return [record.AliasTarget.DNSName];
  return (record.ResourceRecords ?? []).map((r) => r.Value);
}

/**
 * Picks among record sets for one name and type the way Route 53's routing policies do. `observe` is what the
 * health checks find at an endpoint (see {@link healthCheckHealthy}).
 */
export function route(world: World, sets: RecordSetRecord[], t: number, observe: EndpointObserver = observeEndpoint): RecordSetRecord[] {
  const failover = sets.filter((s) => s.Failover !== undefined);
  if (failover.length > 0) {
    const primary = failover.find((s) => s.Failover === 'PRIMARY');
    const secondary = failover.find((s) => s.Failover === 'SECONDARY');
    if (primary && recordHealthy(world, primary, t, observe)) return [primary];
    if (secondary && recordHealthy(world, secondary, t, observe)) return [secondary];
    return primary ? [primary] : secondary ? [secondary] : []; // all unhealthy: Route 53 answers as if all were healthy
  }
  const weighted = sets.filter((s) => s.Weight !== undefined);
  if (weighted.length > 0) {
    const healthy = weighted.filter((s) => recordHealthy(world, s, t, observe));
    const pool = healthy.length > 0 ? healthy : weighted;
    const positive = pool.filter((s) => (s.Weight ?? 0) > 0);
    return positive.length > 0 ? positive : pool; // all weights 0: Route 53 answers each equally
  }
  return sets.slice(0, 1);
}

function zoneFor(world: World, name: string): HostedZoneRecord | undefined {
  const wanted = fqdn(name);
  return Object.values(world.route53.zones)
    .filter((z) => wanted === z.name || wanted.endsWith(`.${z.name}`))
    .sort((a, b) => b.name.length - a.name.length)[0];
}

/** The candidate answers for `recordName` at `t`, using the records that are in sync. */
export function resolveDnsAnswer(world: World, recordName: string, type: string | undefined, t: number): DnsAnswer {
  const name = fqdn(recordName);
  const zone = zoneFor(world, name);
  const served = zone ? servedRecords(world, zone, t) : [];
  const sets = served.filter((r) => fqdn(r.Name) === name && (type === undefined || r.Type === type));
  const chosen = route(world, sets, t);
  const values = chosen.flatMap(valuesOf);
  const regions = [...new Set(values.map((v) => regionOfEndpoint(world, v)?.region).filter((r): r is string => r !== undefined))];
  return { recordName: name, type: chosen[0]?.Type ?? type, values, setIdentifiers: chosen.map((s) => s.SetIdentifier ?? ''), regions };
}

/** One answer, as a resolver would get it: weighted records pick one by weight with the seeded PRNG. */
export function answerOnce(world: World, recordName: string, type: string | undefined, t: number): { values: string[]; type?: string } {
  const name = fqdn(recordName);
  const zone = zoneFor(world, name);
  const sets = (zone ? servedRecords(world, zone, t) : []).filter((r) => fqdn(r.Name) === name && (type === undefined || r.Type === type));
  const chosen = route(world, sets, t);
  if (chosen.length <= 1) return { values: chosen.flatMap(valuesOf), type: chosen[0]?.Type };
  const total = chosen.reduce((sum, s) => sum + (s.Weight ?? 0), 0);
  let pick = new SeededRandom(world.random).next() * (total || chosen.length);
  for (const s of chosen) {
    pick -= total ? (s.Weight ?? 0) : 1;
    if (pick < 0) return { values: valuesOf(s), type: s.Type };
  }
  return { values: valuesOf(chosen[chosen.length - 1]!), type: chosen[0]?.Type };
}

/**
 * The records DNS servers answer with at `t`: the previous version until the pending change is INSYNC — and before
 * the change was made, too. A health checker judges the endpoint as it was half a minute ago, when its load (the
 * share of users DNS sent it) followed the records of then, not those of a change made since.
 */
export function servedRecords(world: World, zone: HostedZoneRecord, t: number): RecordSetRecord[] {
  const change = zone.lastChangeId ? world.route53.changes[zone.lastChangeId] : undefined;
  if (change && (change.inSyncAt === undefined || change.inSyncAt > t)) return zone.servedRecords;
  return zone.records;
}
