/**
 * The sandbox's ground truth for the strategy benchmark, read the same way for Firedrill's drill and the naive
 * runbook: when users were truly served again after the disaster, through DNS (or at the service region's endpoint
 * when the failover changes no DNS), computed from the world's timelines — not sampled.
 */
import type { VirtualClock } from '../packages/core/src/index.js';
import type { Sandbox } from '../packages/sandbox/src/index.js';
import { endpointHealthAt, findApplication, healthChangeTimes } from '../packages/sandbox/src/application-health.js';
import { resolveDnsAnswer } from '../packages/sandbox/src/services/route53-dns.js';
import type { DrillSetup } from './drill-scenarios.js';

/** Route 53 health checks in the scenarios observe an endpoint 10 s × 3 in the past (as the strategy test harness). */
const HEALTH_CHECK_DELAY_MS = 30_000;

/**
 * The first moment in (`after`, `until`] when users were served again after being cut off: DNS answered only healthy
 * endpoints (every answered region must serve), after a moment when it did not. Undefined when never.
 */
export function trueRestoredAt(s: Pick<DrillSetup, 'sandbox' | 'names' | 'recordName' | 'serviceRegion'>, after: number, until: number): number | undefined {
  const { sandbox, names } = s;
  const world = sandbox.world;
  const application = findApplication(world, names.app);
  const regions = Object.keys(application.sites);
  const base = regions.flatMap((r) => healthChangeTimes(world, application, r));
  const changes = Object.values(world.route53.changes).flatMap((c) => [c.submittedAt, c.inSyncAt ?? Number.NaN]);
  const limit = Math.min(until, sandbox.clock.now());
  const candidates = [after, ...base, ...base.map((t) => t + HEALTH_CHECK_DELAY_MS), ...changes]
    .filter((t) => Number.isFinite(t) && t >= after && t <= limit)
    .sort((a, b) => a - b);
  const serving = (t: number): boolean => {
    if (s.recordName === undefined) return endpointHealthAt(world, application, s.serviceRegion, t).healthy;
    const answer = resolveDnsAnswer(world, s.recordName, undefined, t);
    return answer.regions.length > 0 && answer.regions.every((r) => endpointHealthAt(world, application, r, t).healthy);
  };
  let down = false;
  for (const t of new Set(candidates)) {
    if (!serving(t)) down = true;
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
