/** The truth side of the heartbeat tests: what the primary acknowledged, as the writes returned. */
import type { Heartbeat, HeartbeatProbe } from '../../packages/core/src/index.js';

/** Wraps a probe so every heartbeat whose write returned (the primary acknowledged it) is recorded. */
export function recordingAcks(probe: HeartbeatProbe): { probe: HeartbeatProbe; acked: Heartbeat[] } {
  const acked: Heartbeat[] = [];
  return {
    acked,
    probe: {
      target: probe.target,
      intervalMs: probe.intervalMs,
      write: async (beat, signal) => {
        await probe.write(beat, signal);
        acked.push(beat);
      },
      readNewest: (signal) => probe.readNewest(signal),
    },
  };
}
