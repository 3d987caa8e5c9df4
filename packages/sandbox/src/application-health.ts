/**
 * The health of an application's regional endpoint at any time `t`: the region is up, compute is in
 * service, the application's database writer is reachable and accepting writes, and the compute in service
 * can carry the traffic DNS sends the endpoint (the load rule below).
 *
 * **The load rule.** An application has a production load, {@link ApplicationRecord.productionCapacity}: the
 * in-service capacity, in instances, that carries all of production's traffic (by default what the sites DNS sent
 * traffic to when the application was defined carry together: the sum of the fleets of an active/active pair, the
 * answered primary's fleet of a failover pair — see {@link defaultProductionCapacity}). An
 * endpoint receives the share of that traffic DNS sends it: with failover records, all of it while its record
 * is the one answered; with weighted records, its weight over the answered records' total weight; with no
 * Route 53 record pointing at the application's endpoints, all of it. The endpoint is healthy only while
 *
 *     in-service capacity ≥ max(1, share × productionCapacity)
 *
 * so a warm standby of 1 instance for a production of 4 is healthy while idle (share 0, Route 53's health
 * checks pass) and overloaded (5xx, failing health checks) once DNS sends it production's traffic, until 4
 * instances are InService. The share follows Route 53's routing with each record's health check observing the
 * endpoints' health without the load rule (region up, compute ≥ 1, writer): an overloaded endpoint fails its
 * own checks, but that does not route its traffic elsewhere (with failover records Route 53 then answers the
 * primary, which is down; with weighted records the others would take the traffic and overload in turn), so users
 * are not served either way. The ground truth uses the same rule.
 */
import { isRegionDown, outageTimes } from './faults.js';
import { nodeChangeTimes, type ResolvedNode, resolveNode, whyNotAccepting } from './database-nodes.js';
import type { RecordSetRecord } from './resources-compute.js';
import { type EndpointObserver, fqdn, regionOfEndpoint, route, servedRecords, valuesOf } from './services/route53-dns.js';
import { sinceAt, valueAt } from './timeline.js';
import type { ApplicationRecord, ApplicationSite, World } from './world.js';

/** An endpoint's health and, when unhealthy, why. */
export interface EndpointHealth {
  healthy: boolean;
  reasons: string[];
}

/** The application's nodes that exist. */
export function applicationNodes(world: World, app: ApplicationRecord): ResolvedNode[] {
  return app.databases.map((key) => resolveNode(world, key)).filter((n): n is ResolvedNode => n !== undefined);
}

/** Nodes accepting writes at `t`, newest writer first. */
export function acceptingWriters(world: World, app: ApplicationRecord, t: number): ResolvedNode[] {
  return applicationNodes(world, app)
    .filter((node) => whyNotAccepting(world, node, t) === undefined)
    .sort((a, b) => (sinceAt(b.record.role, t) ?? 0) - (sinceAt(a.record.role, t) ?? 0));
}

/** The writer the application writes to at `t`: the most recently promoted node accepting writes. */
export function currentWriter(world: World, app: ApplicationRecord, t: number): ResolvedNode | undefined {
  return acceptingWriters(world, app, t)[0];
}

/** The node that holds the application's data of record: the current writer, else the latest writer. */
export function survivingWriter(world: World, app: ApplicationRecord, t: number): ResolvedNode | undefined {
  const current = currentWriter(world, app, t);
  if (current) return current;
  return applicationNodes(world, app)
    .filter((n) => valueAt(n.record.role, t) === 'writer' && valueAt(n.record.status, t) !== 'deleted')
    .sort((a, b) => (sinceAt(b.record.role, t) ?? 0) - (sinceAt(a.record.role, t) ?? 0))[0];
}

/** InService capacity of a site at `t` and a description of it. */
export function computeInService(world: World, site: ApplicationSite, region: string, t: number): { count: number; what: string } {
  let count = 0;
  const what: string[] = [];
  if (site.autoScalingGroup !== undefined) {
    const group = world.autoScaling[region]?.[site.autoScalingGroup];
    const active = group && (group.deletedAt === undefined || group.deletedAt > t);
    const inService = active ? group.instances.filter((i) => valueAt(i.lifecycle, t) === 'InService').length : 0;
    count += inService;
    what.push(`Auto Scaling group ${site.autoScalingGroup}: ${inService} InService`);
  }
  if (site.instanceTag !== undefined) {
    const { key, value } = site.instanceTag;
    const running = Object.values(world.ec2[region]?.instances ?? {}).filter(
      (i) => i.tags.some((tag) => tag.Key === key && tag.Value === value) && valueAt(i.state, t) === 'running',
    ).length;
    count += running;
    what.push(`instances tagged ${key}=${value}: ${running} running`);
  }
  return { count, what: what.join('; ') || 'no compute configured' };
}

/**
 * The production load of `app` when none is given: the traffic the sites DNS sends a share to carry together at
 * `t` (the moment it is defined). `app` must already be in the world (its endpoints are matched to the records).
 *
 * - With Route 53 records pointing at its endpoints, every site with a share above 0 carries that share of
 *   production with the capacity it has in service, so production is the load at which the first of them is full:
 *   the least of `in service ÷ share`. When the weights follow the fleets — the usual active/active — that is the
 *   **sum** of the fleets (4 + 4 = 8 at 50/50; losing a region leaves all 8 to the survivor); a failover pair's
 *   answered primary has share 1 (its fleet is production; the idle standby, share 0, does not count). When the
 *   weights and the fleets disagree (60/40 over 2 + 2: 3.33), the application is still healthy as defined.
 * - With no record in front, every site is called directly and takes all the traffic it gets: the **largest**
 *   site's capacity (the primary's production fleet).
 *
 * Rounded down to hundredths. 0 when nothing serves yet (then only the ≥ 1 instance rule applies). Records created
 * after the application is defined do not change it: define the application once its DNS is in place, or give
 * `productionCapacity`.
 */
export function defaultProductionCapacity(world: World, app: ApplicationRecord, t: number): number {
  const sites = Object.entries(app.sites).map(([region, site]) => ({ count: computeInService(world, site, region, t).count, share: trafficShare(world, app, region, t) }));
  if (applicationRecordGroups(world, app, t).length === 0) return Math.max(0, ...sites.map((s) => s.count));
  const serving = sites.filter((s) => s.share > 0);
  if (serving.length === 0) return 0;
  return Math.floor(Math.min(...serving.map((s) => s.count / s.share)) * 100 + 1e-6) / 100;
}

/** Why `app`'s endpoint in `region` is down at `t` without the load rule (region, compute ≥ 1, writer). */
function baseReasons(world: World, app: ApplicationRecord, site: ApplicationSite, region: string, t: number, compute: { count: number; what: string }): string[] {
  const reasons: string[] = [];
  if (isRegionDown(world, region, t)) reasons.push(`region ${region} is down`);
  if (compute.count < 1) reasons.push(`no compute in service (${compute.what})`);
  if (currentWriter(world, app, t) === undefined) {
    const why = applicationNodes(world, app).map((n) => whyNotAccepting(world, n, t)).filter(Boolean);
    reasons.push(`no database writer accepting writes (${why.join('; ') || 'no database'})`);
  }
  return reasons;
}

/** What Route 53's health checkers find when deciding where traffic goes: the endpoint's health without the load rule. */
const observeBase: EndpointObserver = (world, app, region, t) => {
  const site = app.sites[region];
  return site !== undefined && baseReasons(world, app, site, region, t, computeInService(world, site, region, t)).length === 0;
};

/** The record sets served at `t` that point at one of `app`'s endpoints, grouped by name and type. */
function applicationRecordGroups(world: World, app: ApplicationRecord, t: number): RecordSetRecord[][] {
  const groups = new Map<string, RecordSetRecord[]>();
  for (const zone of Object.values(world.route53.zones)) {
    const served = servedRecords(world, zone, t);
    const names = new Set(served.filter((r) => valuesOf(r).some((v) => regionOfEndpoint(world, v)?.app === app.name)).map((r) => `${fqdn(r.Name)} ${r.Type}`));
    for (const r of served) {
      const key = `${fqdn(r.Name)} ${r.Type}`;
      if (names.has(key)) groups.set(`${zone.id} ${key}`, [...(groups.get(`${zone.id} ${key}`) ?? []), r]);
    }
  }
  return [...groups.values()];
}

/**
 * The share (0…1) of the application's production traffic that DNS sends to its endpoint in `region` at `t`:
 * 1 with no Route 53 record pointing at the application's endpoints; else, for each user-facing name, Route 53's
 * answer (health checks observing the endpoints without the load rule) — failover: 1 for the answered record's
 * region; weighted: weight ÷ the answered records' total weight (equal shares when all are 0) — and the largest
 * share over the names.
 */
export function trafficShare(world: World, app: ApplicationRecord, region: string, t: number): number {
  const groups = applicationRecordGroups(world, app, t);
  if (groups.length === 0) return 1;
  let share = 0;
  for (const sets of groups) {
    const chosen = route(world, sets, t, observeBase);
    const regionOf = (r: RecordSetRecord): string | undefined => valuesOf(r).map((v) => regionOfEndpoint(world, v)?.region).find((x) => x !== undefined);
    const total = chosen.reduce((sum, r) => sum + (r.Weight ?? 0), 0);
    const mine = chosen.filter((r) => regionOf(r) === region);
    const part = chosen.length <= 1 || chosen.every((r) => r.Weight === undefined)
      ? (mine.length > 0 ? 1 : 0)
      : total > 0 ? mine.reduce((sum, r) => sum + (r.Weight ?? 0), 0) / total : mine.length / chosen.length;
    share = Math.max(share, part);
  }
  return share;
}

/** Health of `app`'s endpoint in `region` at `t` (the load rule included: see the module's TSDoc). */
export function endpointHealthAt(world: World, app: ApplicationRecord, region: string, t: number): EndpointHealth {
  const site = app.sites[region];
  if (site === undefined) return { healthy: false, reasons: [`application ${app.name} has no site in ${region}`] };
  const compute = computeInService(world, site, region, t);
  const reasons = baseReasons(world, app, site, region, t, compute);
  const load = app.productionCapacity ?? 0;
  if (reasons.length === 0 && load > 0) {
    const share = trafficShare(world, app, region, t);
    const needed = share * load;
    if (compute.count < needed) {
      reasons.push(`overloaded: ${compute.count} in service for ${Math.round(share * 100)}% of production traffic, which needs ${Number(needed.toFixed(2))} (production capacity ${load}; ${compute.what})`);
    }
  }
  return { healthy: reasons.length === 0, reasons };
}

/** Every time the endpoint's own inputs changed: outages, its database nodes, its compute. */
function ownChangeTimes(world: World, app: ApplicationRecord, region: string): number[] {
  const times: number[] = [];
  const site = app.sites[region];
  const nodes = applicationNodes(world, app);
  for (const r of new Set([region, ...nodes.map((n) => n.region)])) times.push(...outageTimes(world, r));
  times.push(...nodeChangeTimes(world, nodes));
  if (site?.autoScalingGroup !== undefined) {
    const group = world.autoScaling[region]?.[site.autoScalingGroup];
    for (const i of group?.instances ?? []) for (const c of i.lifecycle) times.push(c.at);
    if (group?.deletedAt !== undefined) times.push(group.deletedAt);
  }
  if (site?.instanceTag !== undefined) {
    for (const i of Object.values(world.ec2[region]?.instances ?? {})) for (const c of i.state) times.push(c.at);
  }
  return times;
}

/**
 * Every time something that the endpoint's health depends on changed: its own inputs, and what its traffic
 * share depends on — Route 53 changes, and every site's inputs as the health checks see them (RequestInterval ×
 * FailureThreshold later).
 */
export function healthChangeTimes(world: World, app: ApplicationRecord, region: string): number[] {
  const times = ownChangeTimes(world, app, region);
  if ((app.productionCapacity ?? 0) <= 0) return times;
  const delays = [...new Set(Object.values(world.route53.healthChecks).map((c) => c.config.RequestInterval * 1000 * c.config.FailureThreshold))];
  const checks = Object.values(world.route53.healthChecks).map((c) => c.createdAt);
  const sites = Object.keys(app.sites).flatMap((r) => ownChangeTimes(world, app, r));
  for (const d of delays) {
    for (const t of sites) times.push(t + d);
    for (const t of checks) times.push(t + d);
  }
  for (const c of Object.values(world.route53.changes)) times.push(c.submittedAt, ...(c.inSyncAt === undefined ? [] : [c.inSyncAt]));
  return times;
}

/** The application named `name`, or the only one with a site in `region`; a TypeError otherwise. */
export function findApplication(world: World, name: string | undefined, region?: string): ApplicationRecord {
  if (name !== undefined) {
    const app = world.applications[name];
    if (!app) throw new TypeError(`unknown application '${name}' (known: ${Object.keys(world.applications).join(', ') || 'none'})`);
    return app;
  }
  const candidates = Object.values(world.applications).filter((a) => region === undefined || a.sites[region] !== undefined);
  if (candidates.length !== 1) {
    throw new TypeError(`name the application: ${candidates.length} applications match${region ? ` region ${region}` : ''} (${candidates.map((a) => a.name).join(', ') || 'none'})`);
  }
  return candidates[0]!;
}
