/** The truth side of the heartbeat tests: what the primary acknowledged, as the writes returned. */
import type { Heartbeat, HeartbeatProbe } from '../../packages/core/src/index.js';

/**
 * Wraps a probe so every heartbeat sent (`attempted`) and every one whose write returned (`acked`: the
 * primary acknowledged it) is recorded.
 */
export function recordingAcks(probe: HeartbeatProbe): { probe: HeartbeatProbe; acked: Heartbeat[]; attempted: Heartbeat[] } {
  const acked: Heartbeat[] = [];
  const attempted: Heartbeat[] = [];
  return {
    acked,
    attempted,
    probe: {
      target: probe.target,
      intervalMs: probe.intervalMs,
      write: async (beat, signal) => {
        attempted.push(beat);
        await probe.write(beat, signal);
        acked.push(beat);
      },
      readNewest: (signal) => probe.readNewest(signal),
    },
  };
}

/** Truth of an ungraceful failover: what was lost, from the writes and the promoted store's newest row. */
export interface LossTruth {
  /** Acknowledged heartbeats the promoted store does not have. */
  lost: Heartbeat[];
  /** Age at the disaster of the oldest lost acknowledged write: data back to then is gone. */
  lostSinceMs: number;
  /** Heartbeats between the survivor and the first lost one that were never acknowledged (timeouts). */
  unacknowledgedBetween: number;
}

/** Compares what the primary acknowledged with the newest heartbeat the promoted store holds. */
export function lossTruth(acked: readonly Heartbeat[], attempted: readonly Heartbeat[], survivorSeq: number, disasterAt: number): LossTruth {
  const lost = acked.filter((b) => b.seq > survivorSeq);
  const firstLost = lost[0]?.seq ?? Infinity;
  const ackedSeqs = new Set(acked.map((b) => b.seq));
  const unacknowledgedBetween = attempted.filter((b) => b.seq > survivorSeq && b.seq < firstLost && !ackedSeqs.has(b.seq)).length;
  return { lost, lostSinceMs: lost[0] ? disasterAt - lost[0].at : 0, unacknowledgedBetween };
}
