/**
 * The health of an application's regional endpoint at any time `t`: the region is up, compute is in
 * service, and the application's database writer is reachable and accepting writes.
 */
import { isRegionDown, outageTimes } from './faults.js';
import { nodeChangeTimes, type ResolvedNode, resolveNode, whyNotAccepting } from './database-nodes.js';
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

/** Health of `app`'s endpoint in `region` at `t`. */
export function endpointHealthAt(world: World, app: ApplicationRecord, region: string, t: number): EndpointHealth {
  const site = app.sites[region];
  if (site === undefined) return { healthy: false, reasons: [`application ${app.name} has no site in ${region}`] };
  const reasons: string[] = [];
  if (isRegionDown(world, region, t)) reasons.push(`region ${region} is down`);
  const compute = computeInService(world, site, region, t);
  if (compute.count < 1) reasons.push(`no compute in service (${compute.what})`);
  if (currentWriter(world, app, t) === undefined) {
    const why = applicationNodes(world, app).map((n) => whyNotAccepting(world, n, t)).filter(Boolean);
    reasons.push(`no database writer accepting writes (${why.join('; ') || 'no database'})`);
  }
  return { healthy: reasons.length === 0, reasons };
}

/** Every time something that the endpoint's health depends on changed. */
export function healthChangeTimes(world: World, app: ApplicationRecord, region: string): number[] {
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
