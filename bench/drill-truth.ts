/**
 * The sandbox's ground truth for the strategy benchmark, read the same way for Firedrill's drill and the naive
 * runbook: when users were truly served again after the disaster, through DNS (or at the service region's endpoint
 * when the failover changes no DNS), computed from the world's timelines — not sampled.
 */
import type { VirtualClock } from '../packages/core/src/index.js';
import type { Sandbox, World } from '../packages/sandbox/src/index.js';
import { type ServiceEntry, usersServedAgainAt } from '../packages/sandbox/src/truth.js';
import type { DrillSetup } from './drill-scenarios.js';

// The DNS history replay lives with the sandbox's ground truth (its firstHealthyAt uses it too).
export { type DnsBaseline, dnsBaseline, dnsHistory, servingChangeTimes } from '../packages/sandbox/src/truth.js';

/** Where users reach the drill's service: its DNS record, or the service region's endpoint. */
function entryOf(s: Pick<DrillSetup, 'recordName' | 'serviceRegion'>): ServiceEntry {
  return s.recordName === undefined ? { region: s.serviceRegion } : { recordName: s.recordName };
}

/**
 * The first moment in (`after`, `until`] when users were served again after being cut off (the sandbox's
 * {@link usersServedAgainAt}). Undefined when never.
 *
 * `world` defaults to the sandbox's world now; pass a copy taken when the failover phase ended when later phases
 * replace resources (a failback deletes and recreates the replica under the same name: its history goes with it).
 */
export function trueRestoredAt(
  s: Pick<DrillSetup, 'sandbox' | 'names' | 'recordName' | 'serviceRegion' | 'dnsBaseline'>,
  after: number,
  until: number,
  world: World = s.sandbox.world,
): number | undefined {
  return usersServedAgainAt(world, entryOf(s), after, Math.min(until, s.sandbox.clock.now()), { app: s.names.app, ...(s.dnsBaseline ? { dnsBaseline: s.dnsBaseline } : {}) });
}

/** The application's own writes: a heartbeat every second for `ms`. */
export async function writeHeartbeats(sandbox: Sandbox, clock: VirtualClock, app: string, ms: number): Promise<void> {
  for (let t = 0, seq = 1; t < ms; t += 1_000) {
    sandbox.dataPlane.writeHeartbeat(app, { seq: seq++ });
    await clock.sleep(1_000);
  }
}

/**
 * The data a live drill's failback truly lost: of the writes acknowledged between the failover's restoration and the
 * failback's, those the final writer lacks; the loss runs from the newest it kept to the last it lost (0 when none).
 */
export function failbackLossMs(sandbox: Sandbox, app: string, from: number, until: number): number {
  const acked = (sandbox.world.acknowledgedWrites[app] ?? []).filter((w) => w.ackedAt >= from && w.ackedAt <= until);
  const survivor = sandbox.truth.lostWrites(app).survivor;
  if (survivor === undefined) return Number.NaN;
  const kept = new Set(sandbox.dataPlane.visibleWrites(survivor).map((w) => w.id));
  const lost = acked.filter((w) => !kept.has(w.id));
  if (lost.length === 0) return 0;
  return lost.at(-1)!.ackedAt - (acked.filter((w) => kept.has(w.id)).at(-1)?.ackedAt ?? from);
}
