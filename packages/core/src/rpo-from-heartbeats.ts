/**
 * RPO from heartbeats: what the store the application now writes to actually holds, against what the old writer
 * acknowledged before the cut (heartbeats stop when a step promotes a new writer).
 *
 * The loss runs from the moment the surviving data is complete (`dataAsOf`) to the later of the disaster and the
 * last acknowledged heartbeat that did not survive. Counting lost acknowledged writes after the disaster is what
 * keeps the figure honest when writes did not stop where the run said they did — a failback's freeze marked done
 * by hand while the application kept writing — where `t_disaster − newest survivor` alone would read 0.
 */
import type { Heartbeat } from './probes.js';

/** A heartbeat the store acknowledged, as the run journaled it. */
export interface AcknowledgedHeartbeat {
  seq: number;
  /** The heartbeat's own timestamp (what the store keeps and `readNewest` returns). */
  at: number;
  /** When the store acknowledged it. */
  ackedAt: number;
}

/** What {@link rpoFromHeartbeats} measures from. */
export interface HeartbeatRpoInput {
  disasterAt: number;
  /** The newest heartbeat on the promoted (or restored) store; `undefined` when none reached it. */
  newestSurviving: Heartbeat | undefined;
  /** Every heartbeat this run wrote that was acknowledged, in order. */
  acknowledged: readonly AcknowledgedHeartbeat[];
  /** The snapshot the promoted data was restored from (backup & restore), when there is one. */
  snapshot?: { capturedAt: number; id?: string };
}

/** The measured RPO and what it rests on (journaled as the `rpo.measured` detail). */
export interface HeartbeatRpo {
  seconds: number;
  detail: Record<string, unknown>;
}

const iso = (ms: number): string => new Date(ms).toISOString();

/**
 * Measures the RPO from heartbeats, or `undefined` when nothing tells how far the surviving data reaches (no
 * heartbeat survived and no complete snapshot was restored).
 *
 * - Lost: acknowledged heartbeats newer than the newest survivor (readNewest returns the newest by timestamp, so
 *   anything acknowledged after it is not on the store).
 * - `dataAsOf`: the newest survivor's timestamp — or the restored snapshot's capture time when that is later and
 *   the snapshot is complete (no heartbeat acknowledged before the capture was lost).
 * - RPO = max(t_disaster, last lost acknowledgement) − `dataAsOf`, never below 0; precision ± one interval.
 *
 * @example
 * rpoFromHeartbeats({ disasterAt: 60_000, newestSurviving: { seq: 55, at: 55_000 }, acknowledged }) // { seconds: 5, … }
 */
export function rpoFromHeartbeats(input: HeartbeatRpoInput): HeartbeatRpo | undefined {
  const { disasterAt, newestSurviving: newest, snapshot } = input;
  const lost = input.acknowledged.filter((b) => newest === undefined || b.at > newest.at);
  const lastLost = lost.at(-1);
  const reference = Math.max(disasterAt, lastLost?.ackedAt ?? Number.NEGATIVE_INFINITY);
  let dataAsOf = newest?.at;
  let dataAsOfSource: 'heartbeat' | 'snapshot' = 'heartbeat';
  const complete = snapshot !== undefined && (lost[0] === undefined || lost[0].ackedAt > snapshot.capturedAt);
  if (complete && (dataAsOf === undefined || snapshot.capturedAt > dataAsOf)) {
    dataAsOf = snapshot.capturedAt;
    dataAsOfSource = 'snapshot';
  }
  if (dataAsOf === undefined) return undefined;
  const afterDisaster = lost.filter((b) => b.ackedAt > disasterAt);
  const detail: Record<string, unknown> = {
    newestSeq: newest?.seq ?? null,
    newestAt: newest === undefined ? null : iso(newest.at),
    lastWrittenSeq: input.acknowledged.at(-1)?.seq ?? null,
    lostAcknowledged: lost.length,
    dataAsOf: iso(dataAsOf),
    dataAsOfSource,
    ...(snapshot?.id ? { snapshotId: snapshot.id } : {}),
  };
  if (afterDisaster.length > 0) {
    detail['lostAfterDisaster'] = afterDisaster.length;
    detail['note'] =
      `${afterDisaster.length} heartbeat(s) acknowledged after the disaster (${iso(disasterAt)}), the last at ${iso(afterDisaster.at(-1)!.ackedAt)}, ` +
      'are not in the restored store: writes went on after the cut the run declared (a freeze marked done that did not stop them?), and the RPO runs to the last of them.';
  }
  // Whole milliseconds: the run's clock may carry fractions, the figure should not.
  return { seconds: Math.round(Math.max(0, reference - dataAsOf)) / 1000, detail };
}
