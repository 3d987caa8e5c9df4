/**
 * Rate-budget stress, in its own process: one account, one replica promotion, and `WAITS` concurrent Firedrill
 * waits on it sharing one `RateLimiter` (as a large drill's parallel steps would). Dense polling alone would ask
 * RDS for WAITS / 2 calls per second; the limiter must hold them to RDS's 300 burst / 12 per second, which the
 * sandbox enforces with the same buckets (so any excess shows up as throttled calls).
 * Prints `{ waits, calls, peakPerSecond, peakPer60s, burstUse, throttled, lagMedianMs }`.
 */
import { VirtualClock } from '../packages/core/src/index.js';
import { buildWarmStandbyScenario } from '../packages/sandbox/src/index.js';
import { RateLimiter, rateLimitPlugin, waitFor } from '../packages/strategies/src/index.js';
import { rdsSdk } from './aws-sdk.js';
import { peakBurstUse, peakInWindow } from './call-rates.js';

const WAITS = Number(process.argv[2] ?? 150);
const clock = new VirtualClock({ start: '2026-11-22T03:00:00Z' });
const { sandbox, names } = await buildWarmStandbyScenario({ clock, seed: 1 });
const region = names.recoveryRegion;
const id = names.database.recovery!.identifier;
const limiter = new RateLimiter({ clock });
// The limiter before the sandbox plugin (both at initialize/high; ties run in the order added).
const rds = new rdsSdk.RDSClient(sandbox.clientConfig(region));
rds.middlewareStack.use(rateLimitPlugin(limiter)({ service: 'rds', region }) as never);
sandbox.attach(rds);
await rds.send(new rdsSdk.PromoteReadReplicaCommand({ DBInstanceIdentifier: id }));
const from = clock.now();
const returned = await Promise.all(
  Array.from({ length: WAITS }, async () => {
    await waitFor('dbInstancePromoted', {
      describe: (signal) => rds.send(new rdsSdk.DescribeDBInstancesCommand({ DBInstanceIdentifier: id }), { abortSignal: signal }),
      params: { identifier: id }, clock, region, limiter, timeoutMs: 60 * 60_000,
    });
    return clock.now();
  }),
);
const record = sandbox.world.rds[region]!.instances[id]!;
const truth = record.status.find((c) => c.at >= from && c.value === 'available')!.at;
const calls = sandbox.calls({ service: 'rds' }).filter((c) => c.at >= from);
const times = calls.map((c) => c.at).sort((a, b) => a - b);
const lags = returned.map((t) => t - truth).sort((a, b) => a - b);
process.stdout.write(JSON.stringify({
  waits: WAITS,
  calls: calls.length,
  peakPerSecond: peakInWindow(times, 1_000),
  peakPer60s: peakInWindow(times, 60_000),
  burstUse: peakBurstUse(times, 12),
  throttled: calls.filter((c) => c.outcome !== 'ok').length,
  lagMedianMs: lags[Math.floor(lags.length / 2)]!,
}) + '\n');
