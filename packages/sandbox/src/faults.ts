/**
 * Faults switchable at a simulated time: region outages, extra throttling, transient 5xx errors,
 * operations that never finish, replication lag. Stored in the world, so a saved world keeps its faults.
 */
import type { Clock } from '@firedrill/core';
import type { OutageFailure, ServiceName } from './errors.js';
import type { World } from './world.js';

/** A time window; `until` absent = open-ended. */
export interface FaultWindow {
  /** Start (epoch ms). @default the clock's current time */
  at?: number;
  /** End (epoch ms). @default never */
  until?: number;
}

/** A region outage. */
export interface OutageFault {
  region: string;
  at: number;
  until?: number;
  failure: OutageFailure;
}

/** Extra throttling on top of the token buckets. */
export interface ThrottleFault {
  service: ServiceName;
  region?: string;
  command?: string;
  errorRate: number;
  at: number;
  until?: number;
}

/** Random 500/503 answers. */
export interface TransientErrorFault {
  service: ServiceName;
  region?: string;
  rate: number;
  at: number;
  until?: number;
}

/** An operation that stays in its transitional state forever. */
export interface NeverFinishFault {
  /** A latency key such as `'rds.promoteReadReplica'`. */
  operation: string;
  /** Resource identifier it applies to; `'*'` for all. */
  resource: string;
}

/** All faults in the world. */
export interface FaultState {
  outages: OutageFault[];
  throttles: ThrottleFault[];
  transientErrors: TransientErrorFault[];
  neverFinish: NeverFinishFault[];
}

const inWindow = (w: { at: number; until?: number }, t: number): boolean => t >= w.at && (w.until === undefined || t < w.until);

/** The outage affecting `region` at `t`, if any. */
export function outageAt(world: World, region: string, t: number): OutageFault | undefined {
  return world.faults.outages.find((o) => o.region === region && inWindow(o, t));
}

/** Whether `region` is down at `t`. */
export function isRegionDown(world: World, region: string, t: number): boolean {
  return outageAt(world, region, t) !== undefined;
}

/** Throttle error rate for a call (the highest matching fault). */
export function throttleRate(world: World, service: ServiceName, region: string, command: string, t: number): number {
  let rate = 0;
  for (const f of world.faults.throttles) {
    if (f.service !== service || !inWindow(f, t)) continue;
    if (f.region !== undefined && f.region !== region) continue;
    if (f.command !== undefined && f.command !== command) continue;
    rate = Math.max(rate, f.errorRate);
  }
  return rate;
}

/** Transient error rate for a call. */
export function transientRate(world: World, service: ServiceName, region: string, t: number): number {
  let rate = 0;
  for (const f of world.faults.transientErrors) {
    if (f.service === service && inWindow(f, t) && (f.region === undefined || f.region === region)) rate = Math.max(rate, f.rate);
  }
  return rate;
}

/** Whether `operation` on `resource` is set never to finish. */
export function neverFinishes(world: World, operation: string, resource: string): boolean {
  return world.faults.neverFinish.some((f) => f.operation === operation && (f.resource === '*' || f.resource === resource));
}

/** Outage boundaries (for the ground truth's search over time). */
export function outageTimes(world: World, region: string): number[] {
  return world.faults.outages.filter((o) => o.region === region).flatMap((o) => (o.until === undefined ? [o.at] : [o.at, o.until]));
}

function checkRate(name: string, rate: number): void {
  if (!(rate >= 0 && rate <= 1)) throw new TypeError(`${name} must be between 0 and 1, got ${rate}`);
}

/**
 * Switches faults on. Replication lag lives with the data plane (`sandbox.dataPlane.setReplicationLag`)
 * and is also reachable here as {@link SandboxFaults.replicationLag}.
 *
 * @example
 * sandbox.faults.regionOutage('us-east-1', { at: clock.now() + 60_000 });
 * sandbox.faults.throttle({ service: 'ec2', errorRate: 0.3 });
 */
export class SandboxFaults {
  constructor(
    private readonly world: () => World,
    private readonly clock: Clock,
    private readonly setLag: (target: string, ms: number, at: number) => void,
  ) {}

  /** API calls to `region` fail as network errors and its data plane is down, from `at` until `until`. */
  regionOutage(region: string, options: FaultWindow & { failure?: OutageFailure } = {}): OutageFault {
    const world = this.world();
    if (!world.regions.includes(region)) throw new TypeError(`regionOutage: unknown region '${region}' (known: ${world.regions.join(', ')})`);
    const fault: OutageFault = { region, at: options.at ?? this.clock.now(), failure: options.failure ?? 'timeout' };
    if (options.until !== undefined) fault.until = options.until;
    world.faults.outages.push(fault);
    return fault;
  }

  /** Ends every open outage of `region` at `at` (default now). */
  endRegionOutage(region: string, at = this.clock.now()): void {
    for (const o of this.world().faults.outages) if (o.region === region && (o.until === undefined || o.until > at)) o.until = at;
  }

  /** Throttles a fraction of calls (seeded) with the service's throttling error. */
  throttle(options: { service: ServiceName; region?: string; command?: string; errorRate: number } & FaultWindow): void {
    checkRate('throttle: errorRate', options.errorRate);
    const { at, ...rest } = options;
    this.world().faults.throttles.push({ ...rest, at: at ?? this.clock.now() });
  }

  /** Answers a fraction of calls (seeded) with 500 InternalFailure or 503 ServiceUnavailable. */
  transientErrors(options: { service: ServiceName; region?: string; rate: number } & FaultWindow): void {
    checkRate('transientErrors: rate', options.rate);
    const { at, ...rest } = options;
    this.world().faults.transientErrors.push({ ...rest, at: at ?? this.clock.now() });
  }

  /** Makes `operation` (a latency key, e.g. `'rds.promoteReadReplica'`) on `resource` never finish. */
  neverFinish(operation: string, resource = '*'): void {
    this.world().faults.neverFinish.push({ operation, resource });
  }

  /** Sets the replication lag of an application's replicas or of one replica (`region:identifier` or identifier). */
  replicationLag(target: string, ms: number, options: { at?: number } = {}): void {
    if (!(ms >= 0)) throw new TypeError(`replicationLag: ms must be ≥ 0, got ${ms}`);
    this.setLag(target, ms, options.at ?? this.clock.now());
  }

  /** Removes every fault (outages, throttles, transient errors, never-finish). Lag stays as set. */
  clear(): void {
    this.world().faults = { outages: [], throttles: [], transientErrors: [], neverFinish: [] };
  }
}
