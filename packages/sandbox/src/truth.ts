/**
 * Ground truth: what really happened in the simulated world, for tests that compare Firedrill's measured
 * RTO and RPO with reality. Everything is derived from the world's timelines, so it is exact and it
 * survives save and load.
 */
import type { Clock } from '@firedrill/core';
import {
  acceptingWriters,
  applicationNodes,
  endpointHealthAt,
  findApplication,
  healthChangeTimes,
  survivingWriter,
} from './application-health.js';
import { nodeChangeTimes, visibleWrites } from './database-nodes.js';
import { outageTimes } from './faults.js';
import { createOperationContext } from './operation-context.js';
import type { WriteRecord } from './resources.js';
import { applyChanges } from './services/route53-changes.js';
import { type DnsAnswer, resolveDnsAnswer } from './services/route53-dns.js';
import type { World } from './world.js';

type Zones = World['route53']['zones'];

/** The hosted zones at some moment, and the last call made then (later record changes are replayed onto them). */
export interface DnsBaseline {
  zones: Zones;
  seq: number;
}

/** The hosted zones of `world` now, as a {@link DnsBaseline}. */
export function dnsBaseline(world: World): DnsBaseline {
  return { zones: structuredClone(world.route53.zones), seq: world.callLog.at(-1)?.seq ?? 0 };
}

/**
 * The world's record sets over time. The sandbox keeps a zone's current records (and the previous version while a
 * change is PENDING), not their history, so judging a moment before the zone's last change with the world as it is
 * would use records that did not exist yet — and with the load rule an endpoint's health depends on the share DNS
 * sends it. This replays the call log's accepted ChangeResourceRecordSets after `baseline` onto its zones: `at(t)`
 * is the world with the zones as they were at `t`. Without a baseline, the world as it is.
 */
export function dnsHistory(world: World, baseline: DnsBaseline | undefined): (t: number) => World {
  if (baseline === undefined) return () => world;
  const versions: { at: number; zones: Zones }[] = [{ at: Number.NEGATIVE_INFINITY, zones: structuredClone(baseline.zones) }];
  const changes = world.callLog.filter((c) => c.seq > baseline.seq && c.command === 'ChangeResourceRecordSets' && c.outcome === 'ok');
  for (const call of changes) {
    const input = call.input as { HostedZoneId: string; ChangeBatch: { Changes: never } };
    const zones = structuredClone(versions.at(-1)!.zones);
    const zone = zones[input.HostedZoneId.split('/').at(-1)!];
    const change = Object.values(world.route53.changes).find((c) => c.zoneId === zone?.id && Math.abs(c.submittedAt - call.at) < 1);
    if (zone === undefined || change === undefined) continue;
    const next = applyChanges(createOperationContext(world, call.region, call.at), zone, input.ChangeBatch.Changes);
    zone.servedRecords = zone.records;
    zone.records = next;
    zone.lastChangeId = change.id;
    versions.push({ at: change.submittedAt, zones });
  }
  const views = versions.map((v) => ({ at: v.at, world: { ...world, route53: { ...world.route53, zones: v.zones } } }));
  return (t) => views.findLast((v) => v.at <= t)!.world;
}

/** Route 53 health checks observe an endpoint up to RequestInterval × FailureThreshold in the past (30 s by default). */
const DEFAULT_HEALTH_CHECK_DELAY_MS = 30_000;

/** Where users reach the service: through a DNS record, or at a region's endpoint (no DNS in the way). */
export type ServiceEntry = { recordName: string } | { region: string };

/**
 * Whether users reaching `entry` were served at `t`: DNS's data plane answered (health-checked routing included) and
 * every endpoint it answered was healthy — or, for a region, its endpoint was. `dnsWorld` is the world with its
 * hosted zones as they were at `t` ({@link dnsHistory}); it also judges the endpoints, whose health depends on the
 * share of traffic DNS sends them (the sandbox's load rule).
 */
export function usersServedAt(world: World, entry: ServiceEntry, t: number, options: { app?: string; dnsWorld?: World } = {}): boolean {
  const dnsWorld = options.dnsWorld ?? world;
  if ('region' in entry) return endpointHealthAt(dnsWorld, findApplication(dnsWorld, options.app, entry.region), entry.region, t).healthy;
  const application = findApplication(dnsWorld, options.app);
  const answer = resolveDnsAnswer(dnsWorld, entry.recordName, undefined, t);
  return answer.regions.length > 0 && answer.regions.every((r) => endpointHealthAt(dnsWorld, application, r, t).healthy);
}

/**
 * Every moment what users see can change: the application's health inputs in every region, those moments as each
 * Route 53 health check sees them (in the past by its RequestInterval × FailureThreshold), and DNS changes.
 */
export function servingChangeTimes(world: World, app?: string): number[] {
  const application = findApplication(world, app);
  const base = Object.keys(application.sites).flatMap((r) => healthChangeTimes(world, application, r));
  const delays = new Set([DEFAULT_HEALTH_CHECK_DELAY_MS, ...Object.values(world.route53.healthChecks).map((c) => c.config.RequestInterval * 1000 * c.config.FailureThreshold)]);
  const changes = Object.values(world.route53.changes).flatMap((c) => [c.submittedAt, c.inSyncAt ?? Number.NaN]);
  return [...base, ...[...delays].flatMap((d) => base.map((t) => t + d)), ...changes].filter(Number.isFinite);
}

/**
 * The first moment in [`after`, `until`] when users were served again after being cut off: `entry` served, after
 * a moment in that window when it did not. Undefined when service was never cut off then, or never came back.
 * Computed from the world's timelines, not sampled. See {@link GroundTruth.usersServedAgainAt}.
 */
export function usersServedAgainAt(
  world: World,
  entry: ServiceEntry,
  after: number,
  until: number,
  options: { app?: string; dnsBaseline?: DnsBaseline } = {},
): number | undefined {
  const candidates = [after, ...servingChangeTimes(world, options.app)].filter((t) => t >= after && t <= until).sort((a, b) => a - b);
  const dnsAt = dnsHistory(world, options.dnsBaseline);
  let down = false;
  for (const t of new Set(candidates)) {
    if (!usersServedAt(world, entry, t, { ...(options.app ? { app: options.app } : {}), dnsWorld: dnsAt(t) })) down = true;
    else if (down) return t;
  }
  return undefined;
}

/** What an application lost in a failover. */
export interface LostWritesTruth {
  /** Acknowledged writes that are not on the surviving writer. */
  lost: WriteRecord[];
  /** The newest write on the surviving writer acknowledged at or before the reference moment. */
  newestSurviving: WriteRecord | undefined;
  /** The last write acknowledged anywhere. */
  lastAcknowledged: WriteRecord | undefined;
  /**
   * The moment up to which the surviving data is complete: the newest surviving write's acknowledgement, or, for
   * a database restored from a snapshot, the snapshot's capture time (SnapshotCreateTime of the original, kept by
   * copies) when that is later and the snapshot holds every write acknowledged before it.
   */
  dataAsOf: number | undefined;
  /** Where `dataAsOf` comes from. */
  dataAsOfSource: 'write' | 'snapshot' | 'none';
  /**
   * True RPO (ms): reference − dataAsOf (never below 0), where reference is `disasterAt` when given, else the
   * last lost write (0 when nothing was lost). With no surviving data at all, measured from the world's creation.
   */
  rpoMs: number;
  /** `region:identifier` of the database holding the surviving data. */
  survivor: string | undefined;
}

/**
 * The capture time of the snapshot a database was restored from (any region, deleted ones included), when that
 * snapshot holds every write the application had acknowledged before it; undefined otherwise.
 */
function snapshotCapture(world: World, restoredFrom: string | undefined, acknowledged: WriteRecord[], kept: Set<number>): number | undefined {
  if (restoredFrom === undefined) return undefined;
  const snapshot = Object.values(world.rds)
    .flatMap((r) => [...Object.values(r.snapshots), ...Object.values(r.clusterSnapshots)])
    .find((s) => s.arn === restoredFrom);
  if (snapshot === undefined) return undefined;
  const complete = acknowledged.every((w) => w.ackedAt > snapshot.createdAt || kept.has(w.id));
  return complete ? snapshot.createdAt : undefined;
}

/** A moment when more than one database accepted writes for the same application. */
export interface SplitBrainEpisode {
  app: string;
  at: number;
  writers: string[];
}

/**
 * The simulator's ground truth.
 *
 * @example
 * const restoredAt = sandbox.truth.firstHealthyAt('us-west-2', disasterAt);
 * const { rpoMs, lost } = sandbox.truth.lostWrites('tracking', { disasterAt });
 */
export class GroundTruth {
  constructor(
    private readonly world: () => World,
    private readonly clock: Clock,
  ) {}

  /**
   * When the endpoint in `region` first was healthy at or after `after` (epoch ms), up to now. Its health depends on
   * the share of traffic DNS sends it (the load rule), and the sandbox keeps only each zone's current records: after
   * record changes (a drain, a ramp back), give `dnsBaseline` — the zones as they were before them, from
   * {@link GroundTruth.dnsBaseline} — so that each moment is judged with the records as they were then.
   */
  firstHealthyAt(region: string, after = Number.NEGATIVE_INFINITY, app?: string, options: { dnsBaseline?: DnsBaseline } = {}): number | undefined {
    const world = this.world();
    const application = findApplication(world, app, region);
    const now = this.clock.now();
    const start = Math.max(after, world.createdAt);
    const dnsAt = dnsHistory(world, options.dnsBaseline);
    const candidates = [start, ...healthChangeTimes(world, application, region)].filter((t) => t >= start && t <= now);
    for (const t of [...new Set(candidates)].sort((a, b) => a - b)) {
      if (endpointHealthAt(dnsAt(t), application, region, t).healthy) return t;
    }
    return undefined;
  }

  /**
   * When users were served again after being cut off, from `after` up to `until` (default now): the first moment
   * `entry` — a DNS record as users resolve it, or a region's endpoint — served after one when it did not (a
   * graceful failover still serves for the instant before its fence; a failback serves until it fences the
   * recovery site). Undefined when service was never cut off, or never came back. Give `dnsBaseline` when the
   * zones changed since (a drain, a ramp back): each moment is then judged with the records as they were.
   */
  usersServedAgainAt(entry: ServiceEntry, after: number, options: { app?: string; until?: number; dnsBaseline?: DnsBaseline } = {}): number | undefined {
    const { until, ...rest } = options;
    return usersServedAgainAt(this.world(), entry, after, Math.min(until ?? Number.POSITIVE_INFINITY, this.clock.now()), rest);
  }

  /** The hosted zones now (a copy), to judge later moments with the records as they were: see {@link dnsHistory}. */
  dnsBaseline(): DnsBaseline {
    return dnsBaseline(this.world());
  }

  /** Which acknowledged writes the application lost, and the true RPO. */
  lostWrites(app: string, options: { disasterAt?: number } = {}): LostWritesTruth {
    const world = this.world();
    const application = findApplication(world, app);
    const now = this.clock.now();
    const survivor = survivingWriter(world, application, now);
    const acknowledged = world.acknowledgedWrites[application.name] ?? [];
    const kept = new Set(survivor ? visibleWrites(world, survivor, now).map((w) => w.id) : []);
    const lost = acknowledged.filter((w) => !kept.has(w.id));
    const reference = options.disasterAt ?? (lost.length > 0 ? lost[lost.length - 1]!.ackedAt : undefined);
    const surviving = acknowledged.filter((w) => kept.has(w.id) && (reference === undefined || w.ackedAt <= reference));
    const newestSurviving = surviving[surviving.length - 1];
    const capture = survivor ? snapshotCapture(world, survivor.record.restoredFrom, acknowledged, kept) : undefined;
    const fromSnapshot = capture !== undefined && (reference === undefined || capture <= reference) && capture > (newestSurviving?.ackedAt ?? Number.NEGATIVE_INFINITY);
    const dataAsOf = fromSnapshot ? capture : newestSurviving?.ackedAt;
    const rpoMs = reference === undefined ? 0 : Math.max(0, reference - (dataAsOf ?? world.createdAt));
    return {
      lost,
      newestSurviving,
      dataAsOf,
      dataAsOfSource: fromSnapshot ? 'snapshot' : newestSurviving ? 'write' : 'none',
      lastAcknowledged: acknowledged[acknowledged.length - 1],
      rpoMs,
      survivor: survivor ? `${survivor.region}:${survivor.record.id}` : undefined,
    };
  }

  /** Every moment (up to now) when two or more databases accepted writes for one application. */
  splitBrainEpisodes(): SplitBrainEpisode[] {
    const world = this.world();
    const now = this.clock.now();
    const episodes: SplitBrainEpisode[] = [];
    for (const app of Object.values(world.applications)) {
      const nodes = applicationNodes(world, app);
      const times = [...nodeChangeTimes(world, nodes), ...nodes.flatMap((n) => outageTimes(world, n.region))];
      for (const t of [...new Set(times)].filter((t) => t <= now).sort((a, b) => a - b)) {
        const writers = acceptingWriters(world, app, t);
        if (writers.length > 1) episodes.push({ app: app.name, at: t, writers: writers.map((w) => `${w.region}:${w.record.id}`) });
      }
    }
    return episodes;
  }

  /** Whether two writers ever accepted writes for the same application. */
  get splitBrainDetected(): boolean {
    return this.splitBrainEpisodes().length > 0;
  }

  /** What DNS answers for `recordName` now (data plane: works even when Route 53's API is down). */
  dnsTarget(recordName: string, type?: string): DnsAnswer {
    return resolveDnsAnswer(this.world(), recordName, type, this.clock.now());
  }
}
