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
import type { WriteRecord } from './resources.js';
import { type DnsAnswer, resolveDnsAnswer } from './services/route53-dns.js';
import type { World } from './world.js';

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

  /** When the endpoint in `region` first was healthy at or after `after` (epoch ms), up to now. */
  firstHealthyAt(region: string, after = Number.NEGATIVE_INFINITY, app?: string): number | undefined {
    const world = this.world();
    const application = findApplication(world, app, region);
    const now = this.clock.now();
    const start = Math.max(after, world.createdAt);
    const candidates = [start, ...healthChangeTimes(world, application, region)].filter((t) => t >= start && t <= now);
    for (const t of [...new Set(candidates)].sort((a, b) => a - b)) {
      if (endpointHealthAt(world, application, region, t).healthy) return t;
    }
    return undefined;
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
