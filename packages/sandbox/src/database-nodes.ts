/**
 * Database nodes as the data plane sees them: RDS instances and Aurora clusters that accept writes (a
 * writer) or receive them over a replication link (a replica). Pure functions of the world and a time.
 */
import { isRegionDown } from './faults.js';
import type { DatabaseNode, DbClusterRecord, DbInstanceRecord, WriteRecord } from './resources.js';
import { type Timeline, valueAt } from './timeline.js';
import type { World } from './world.js';

/** `rds:<region>:instance:<id>` or `rds:<region>:cluster:<id>`. */
export type NodeKey = string;

/** The node key of an RDS instance or Aurora cluster. */
export function nodeKey(kind: 'instance' | 'cluster', region: string, id: string): NodeKey {
  return `rds:${region}:${kind}:${id}`;
}

/** Parses a node key. */
export function parseNodeKey(key: NodeKey): { kind: 'instance' | 'cluster'; region: string; id: string } {
  const [, region, kind, ...rest] = key.split(':');
  return { kind: kind === 'cluster' ? 'cluster' : 'instance', region: region ?? '', id: rest.join(':') };
}

/** A resolved node. */
export type ResolvedNode =
  | { kind: 'instance'; key: NodeKey; region: string; record: DbInstanceRecord }
  | { kind: 'cluster'; key: NodeKey; region: string; record: DbClusterRecord };

/** Looks a node up; `undefined` when it was never created (or was replaced). */
export function resolveNode(world: World, key: NodeKey): ResolvedNode | undefined {
  const { kind, region, id } = parseNodeKey(key);
  const rds = world.rds[region];
  if (rds === undefined) return undefined;
  if (kind === 'cluster') {
    const record = rds.clusters[id];
    return record && { kind, key, region, record };
  }
  const record = rds.instances[id];
  return record && { kind, key, region, record };
}

const WRITABLE_STATUSES = new Set(['available', 'backing-up', 'modifying', 'storage-optimization', 'configuring-enhanced-monitoring']);

/** Why a node does not accept writes at `t`, or `undefined` when it does. */
export function whyNotAccepting(world: World, node: ResolvedNode, t: number): string | undefined {
  const name = `${node.kind} ${node.record.id} (${node.region})`;
  if (isRegionDown(world, node.region, t)) return `${name}: region ${node.region} is down`;
  if (valueAt(node.record.role, t) !== 'writer') return `${name} is not a writer`;
  if (valueAt(node.record.fenced, t) === true) return `${name} is fenced`;
  const status = valueAt(node.record.status, t);
  if (status === undefined || !WRITABLE_STATUSES.has(status)) return `${name} is ${status ?? 'not created yet'}`;
  if (node.kind === 'cluster') {
    const rds = world.rds[node.region]!;
    const writer = node.record.members.find((m) => valueAt(m.isWriter, t) === true);
    const writerStatus = writer && valueAt(rds.instances[writer.instanceId]?.status ?? [], t);
    if (writerStatus === undefined || !WRITABLE_STATUSES.has(writerStatus)) return `${name} has no available writer instance`;
  }
  return undefined;
}

/** The replication lag configured on a link at `t`. */
export function lagAt(lag: Timeline<number>, t: number): number {
  return valueAt(lag, t) ?? lag[0]?.value ?? 0;
}

/** When a write acknowledged by the source reaches the replica, given source-region outages. */
function deliveredAt(world: World, sourceRegion: string, write: WriteRecord, lagMs: number): number {
  let delivered = write.ackedAt + lagMs;
  for (const outage of world.faults.outages) {
    if (outage.region !== sourceRegion) continue;
    if (outage.at > write.ackedAt && outage.at < delivered) delivered = outage.until ?? Number.POSITIVE_INFINITY;
  }
  return delivered;
}

/**
 * Writes visible on `node` at `t`: its own, plus its source's that replication had delivered by `t`.
 * A write in flight when the source region went down arrives only after the region comes back.
 */
export function visibleWrites(world: World, node: ResolvedNode, t: number, depth = 0): WriteRecord[] {
  const own = node.record.writes.filter((w) => w.ackedAt <= t);
  const link = valueAt(node.record.replication, t);
  if (!link || depth > 8) return own;
  const source = resolveNode(world, link.source);
  if (!source) return own;
  const seen = new Set(own.map((w) => w.id));
  const replicated = visibleWrites(world, source, t, depth + 1).filter(
    (w) => !seen.has(w.id) && deliveredAt(world, source.region, w, lagAt(link.lagMs, w.ackedAt)) <= t,
  );
  return [...own, ...replicated].sort((a, b) => a.ackedAt - b.ackedAt);
}

/**
 * The replica lag a monitor would report at `t`: how old the oldest write not yet delivered is (0 when
 * caught up), or `undefined` for a node that is not replicating.
 */
export function observedReplicaLag(world: World, node: ResolvedNode, t: number): number | undefined {
  const link = valueAt(node.record.replication, t);
  if (!link) return undefined;
  const source = resolveNode(world, link.source);
  if (!source) return undefined;
  const onSource = visibleWrites(world, source, t);
  const here = new Set(visibleWrites(world, node, t).map((w) => w.id));
  const pending = onSource.find((w) => !here.has(w.id));
  return pending === undefined ? 0 : t - pending.ackedAt;
}

/** A fresh data-plane state for a standalone writer created at `at` (holding `writes`). */
export function writerNode(at: number, writes: WriteRecord[] = []): DatabaseNode {
  return { role: [{ at, value: 'writer' }], replication: [{ at, value: null }], fenced: [{ at, value: false }], writes };
}

/** A fresh data-plane state for a replica of `source` created at `at`, lagging `lagMs`. */
export function replicaNode(at: number, source: NodeKey, lagMs: number): DatabaseNode {
  return {
    role: [{ at, value: 'replica' }],
    replication: [{ at, value: { source, lagMs: [{ at, value: lagMs }] } }],
    fenced: [{ at, value: false }],
    writes: [],
  };
}

/** The application whose data `key` holds, if any. */
export function applicationOfNode(world: World, key: NodeKey): string | undefined {
  return Object.values(world.applications).find((app) => app.databases.includes(key))?.name;
}

/** Adds `key` to the application of `relatedTo` (a replica or restore joins its source's application). */
export function joinApplicationOf(world: World, relatedTo: NodeKey | undefined, key: NodeKey): void {
  if (relatedTo === undefined) return;
  const app = applicationOfNode(world, relatedTo);
  if (app !== undefined && !world.applications[app]!.databases.includes(key)) world.applications[app]!.databases.push(key);
}

/** Every time any of `nodes` changed role, status, fencing or replication (for searches over time). */
export function nodeChangeTimes(world: World, nodes: ResolvedNode[]): number[] {
  const times: number[] = [];
  for (const node of nodes) {
    for (const tl of [node.record.role, node.record.status, node.record.fenced, node.record.replication]) {
      for (const c of tl as Timeline<unknown>) times.push(c.at);
    }
    if (node.kind === 'cluster') {
      for (const m of node.record.members) {
        for (const c of m.isWriter) times.push(c.at);
        for (const c of world.rds[node.region]?.instances[m.instanceId]?.status ?? []) times.push(c.at);
      }
    }
  }
  return times;
}
