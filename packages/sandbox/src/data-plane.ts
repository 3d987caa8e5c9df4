/**
 * The data plane: application endpoints, database writes and replication. This is what makes RTO and
 * RPO real: heartbeats are written to the application's current writer, replicate with a lag, and a
 * promotion keeps exactly what had arrived.
 */
import type { Clock } from '@firedrill/core';
import {
  acceptingWriters,
  currentWriter,
  endpointHealthAt,
  type EndpointHealth,
  findApplication,
} from './application-health.js';
import {
  applicationOfNode,
  lagAt,
  nodeKey,
  observedReplicaLag,
  type ResolvedNode,
  resolveNode,
  visibleWrites,
  whyNotAccepting,
} from './database-nodes.js';
import type { WriteRecord } from './resources.js';
import { scheduleFrom, valueAt } from './timeline.js';
import type { World } from './world.js';

/** The latest written (then the highest `seq`) of some writes. */
function newestWrite(writes: readonly WriteRecord[]): WriteRecord | undefined {
  return writes.reduce<WriteRecord | undefined>((best, w) => (best === undefined || w.at > best.at || (w.at === best.at && w.seq > best.seq) ? w : best), undefined);
}

/** A data-plane write was refused. */
export class DataPlaneError extends Error {
  override readonly name = 'DataPlaneError';
  constructor(message: string, readonly code: 'NoWriter' | 'NotWriter' | 'Unreachable' | 'UnknownDatabase') {
    super(message);
  }
}

/** A heartbeat: a sequence number and the writer's timestamp. */
export interface Heartbeat {
  seq: number;
  /** Writer's timestamp (epoch ms). @default the clock's now */
  at?: number;
}

/**
 * Data-plane operations on the simulated applications.
 *
 * @example
 * sandbox.dataPlane.writeHeartbeat('tracking', { seq: 1 });
 * sandbox.dataPlane.endpointHealth('us-west-2'); // { healthy: false, reasons: ['no compute in service …'] }
 */
export class DataPlane {
  constructor(
    private readonly world: () => World,
    private readonly clock: Clock,
  ) {}

  /** Health of the application endpoint in `region` now (`app` needed only when several apps share it). */
  endpointHealth(region: string, app?: string): EndpointHealth {
    const world = this.world();
    return endpointHealthAt(world, findApplication(world, app, region), region, this.clock.now());
  }

  /** Writes a heartbeat to the application's current writer; throws {@link DataPlaneError} when none accepts. */
  writeHeartbeat(app: string, heartbeat: Heartbeat): WriteRecord {
    const world = this.world();
    const application = findApplication(world, app);
    const now = this.clock.now();
    const writer = currentWriter(world, application, now);
    if (!writer) {
      const why = application.databases.map((k) => resolveNode(world, k)).filter((n): n is ResolvedNode => !!n).map((n) => whyNotAccepting(world, n, now));
      throw new DataPlaneError(`application ${app}: no database writer accepts writes (${why.join('; ')})`, 'NoWriter');
    }
    return this.#acknowledge(world, writer, app, heartbeat.seq, heartbeat.at ?? now, now);
  }

  /**
   * Writes to one database, e.g. a stale client still connected to the old primary. `db` is an instance
   * or cluster identifier, optionally `region:identifier` when it exists in several regions.
   */
  write(db: string, record: { seq: number; at?: number; data?: unknown }): WriteRecord {
    const world = this.world();
    const node = this.#findNode(world, db);
    const now = this.clock.now();
    const why = whyNotAccepting(world, node, now);
    if (why !== undefined) throw new DataPlaneError(why, why.includes('down') ? 'Unreachable' : 'NotWriter');
    return this.#acknowledge(world, node, applicationOfNode(world, node.key), record.seq, record.at ?? now, now, record.data);
  }

  /**
   * The newest heartbeat visible on the application's current writer: the latest written (then the highest
   * `seq`). By time, because several writers (a drill's warm-up, the run's own probe) number their beats apart.
   */
  readNewestHeartbeat(app: string): WriteRecord | undefined {
    const world = this.world();
    const now = this.clock.now();
    const writer = currentWriter(world, findApplication(world, app), now);
    if (!writer) throw new DataPlaneError(`application ${app}: no database writer is reachable to read from`, 'NoWriter');
    return newestWrite(visibleWrites(world, writer, now));
  }

  /**
   * The newest heartbeat visible on one database (`region:identifier` or an identifier), by the same rule: an
   * isolated drill's copy, which is never the application's writer.
   */
  readNewestHeartbeatOn(db: string): WriteRecord | undefined {
    return newestWrite(this.visibleWrites(db));
  }

  /** Writes visible on a database now (a replica shows what has replicated so far). */
  visibleWrites(db: string): WriteRecord[] {
    const world = this.world();
    return visibleWrites(world, this.#findNode(world, db), this.clock.now());
  }

  /**
   * Fences writers so they refuse writes: every writer of an application, or one database. The guardrail
   * of a graceful failover: fence before promote, so there are never two writers.
   * @returns the identifiers fenced
   */
  fenceWriters(target: string): string[] {
    return this.#setFenced(target, true);
  }

  /** Lifts a fence (unfreezing writes after a failback). */
  unfenceWriters(target: string): string[] {
    return this.#setFenced(target, false);
  }

  /** Replica lag a monitor would observe now (ms behind the source; 0 when caught up). */
  replicaLag(db: string): number | undefined {
    const world = this.world();
    return observedReplicaLag(world, this.#findNode(world, db), this.clock.now());
  }

  /** Sets the configured replication lag of an application's replicas, or one replica's, from `at`. */
  setReplicationLag(target: string, ms: number, at = this.clock.now()): void {
    const world = this.world();
    const nodes = world.applications[target]
      ? world.applications[target].databases.map((k) => resolveNode(world, k)).filter((n): n is ResolvedNode => !!n)
      : [this.#findNode(world, target)];
    let changed = 0;
    for (const node of nodes) {
      const link = valueAt(node.record.replication, at) ?? valueAt(node.record.replication, Number.MAX_SAFE_INTEGER);
      if (!link) continue;
      scheduleFrom(link.lagMs, at, [{ at, value: ms }]);
      changed++;
    }
    if (changed === 0) throw new TypeError(`replicationLag: '${target}' has no replica`);
  }

  /** The configured replication lag of a replica (ms), or `undefined` if it is not replicating. */
  configuredLag(db: string): number | undefined {
    const world = this.world();
    const link = valueAt(this.#findNode(world, db).record.replication, this.clock.now());
    return link ? lagAt(link.lagMs, this.clock.now()) : undefined;
  }

  #acknowledge(world: World, node: ResolvedNode, app: string | undefined, seq: number, at: number, now: number, data?: unknown): WriteRecord {
    const id = (world.counters['write'] = (world.counters['write'] ?? 0) + 1);
    const write: WriteRecord = { id, seq, at, ackedAt: now, node: node.key };
    if (data !== undefined) write.data = data;
    node.record.writes.push(write);
    if (app !== undefined) (world.acknowledgedWrites[app] ??= []).push(write);
    return write;
  }

  #setFenced(target: string, fenced: boolean): string[] {
    const world = this.world();
    const now = this.clock.now();
    const app = world.applications[target];
    const nodes = app
      ? fenced
        ? acceptingWriters(world, app, now)
        : app.databases.map((k) => resolveNode(world, k)).filter((n): n is ResolvedNode => !!n && valueAt(n.record.fenced, now) === true)
      : [this.#findNode(world, target)];
    for (const node of nodes) scheduleFrom(node.record.fenced, now, [{ at: now, value: fenced }]);
    return nodes.map((n) => `${n.region}:${n.record.id}`);
  }

  #findNode(world: World, db: string): ResolvedNode {
    const [maybeRegion, ...rest] = db.split(':');
    const scoped = rest.length > 0 && world.regions.includes(maybeRegion!) ? { region: maybeRegion!, id: rest.join(':') } : undefined;
    const matches: ResolvedNode[] = [];
    for (const region of scoped ? [scoped.region] : world.regions) {
      const id = scoped?.id ?? db;
      for (const kind of ['instance', 'cluster'] as const) {
        const node = resolveNode(world, nodeKey(kind, region, id));
        if (node && valueAt(node.record.status, this.clock.now()) !== 'deleted') matches.push(node);
      }
    }
    if (matches.length !== 1) {
      throw new DataPlaneError(
        matches.length === 0 ? `no database '${db}' in ${world.regions.join(', ')}` : `'${db}' exists in several regions: use region:identifier`,
        'UnknownDatabase',
      );
    }
    return matches[0]!;
  }
}
