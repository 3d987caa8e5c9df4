/**
 * The sandbox's ground truth for the strategy benchmark, read the same way for Firedrill's drill and the naive
 * runbook: when users were truly served again after the disaster, through DNS (or at the service region's endpoint
 * when the failover changes no DNS), computed from the world's timelines — not sampled.
 */
import type { VirtualClock } from '../packages/core/src/index.js';
import type { Sandbox, World } from '../packages/sandbox/src/index.js';
import { endpointHealthAt, findApplication, healthChangeTimes } from '../packages/sandbox/src/application-health.js';
import { resolveDnsAnswer } from '../packages/sandbox/src/services/route53-dns.js';
import { dnsHistory } from '../packages/sandbox/src/truth.js';
import type { DrillSetup } from './drill-scenarios.js';

// The DNS history replay lives with the sandbox's ground truth (its firstHealthyAt uses it too).
export { type DnsBaseline, dnsBaseline, dnsHistory } from '../packages/sandbox/src/truth.js';

/** Route 53 health checks in the scenarios observe an endpoint 10 s × 3 in the past (as the strategy test harness). */
const HEALTH_CHECK_DELAY_MS = 30_000;

/** How far in the past each health check of the world observes its endpoint (RequestInterval × FailureThreshold). */
function healthCheckDelays(world: World): number[] {
  const delays = Object.values(world.route53.healthChecks).map((c) => c.config.RequestInterval * 1000 * c.config.FailureThreshold);
  return [...new Set([HEALTH_CHECK_DELAY_MS, ...delays])];
}

/**
 * Users' view of the service at `t`: through DNS's data plane (health-checked routing included), or the endpoint.
 * `dnsWorld` is the world with its hosted zones as they were at `t` ({@link dnsHistory}): it answers DNS, and it
 * also judges the endpoints, whose health depends on the share of traffic DNS sends them (the sandbox's load rule).
 */
export function servingAt(s: Pick<DrillSetup, 'names' | 'recordName' | 'serviceRegion'>, world: World, t: number, dnsWorld: World = world): boolean {
  const application = findApplication(dnsWorld, s.names.app);
  if (s.recordName === undefined) return endpointHealthAt(dnsWorld, application, s.serviceRegion, t).healthy;
  const answer = resolveDnsAnswer(dnsWorld, s.recordName, undefined, t);
  return answer.regions.length > 0 && answer.regions.every((r) => endpointHealthAt(dnsWorld, application, r, t).healthy);
}

/** Every moment the truth can change: health inputs, those moments seen through each health check's delay, DNS changes. */
export function truthChangeTimes(s: Pick<DrillSetup, 'names'>, world: World): number[] {
  const application = findApplication(world, s.names.app);
  const base = Object.keys(application.sites).flatMap((r) => healthChangeTimes(world, application, r));
  const changes = Object.values(world.route53.changes).flatMap((c) => [c.submittedAt, c.inSyncAt ?? Number.NaN]);
  return [...base, ...healthCheckDelays(world).flatMap((d) => base.map((t) => t + d)), ...changes].filter(Number.isFinite);
}

/**
 * The first moment in (`after`, `until`] when users were served again after being cut off: DNS answered only healthy
 * endpoints (every answered region must serve), after a moment when it did not. Undefined when never.
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
  const limit = Math.min(until, s.sandbox.clock.now());
  const candidates = [after, ...truthChangeTimes(s, world)]
    .filter((t) => Number.isFinite(t) && t >= after && t <= limit)
    .sort((a, b) => a - b);
  const dnsAt = dnsHistory(world, s.dnsBaseline);
  let down = false;
  for (const t of new Set(candidates)) {
    if (!servingAt(s, world, t, dnsAt(t))) down = true;
    else if (down) return t;
  }
  return undefined;
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
