/**
 * One side of the waiter benchmark, in its own process: `firedrill` (Firedrill's `waitFor` with the shared rate
 * limiter) or `sdk` (the AWS SDK v3's own waiters with their defaults, on clock-backed global timers and a seeded
 * `Math.random`). For each seed: a warm-standby sandbox on a virtual clock, every operation of
 * `BENCH_OPERATIONS` started one after the other (so both sides see the same simulated durations), then all the
 * waits at once, as in a drill. Prints `WaitersRun` as JSON.
 *
 * Usage: node --conditions firedrill-source --import tsx bench/waiters-run.ts <firedrill|sdk> <seed,seed,…>
 */
import { VirtualClock } from '../packages/core/src/index.js';
import { buildWarmStandbyScenario, type CallLogEntry, type Sandbox } from '../packages/sandbox/src/index.js';
import { type AwsService, RateLimiter, rateLimitPlugin } from '../packages/strategies/src/index.js';
import { autoScalingSdk, ec2Sdk, rdsSdk, route53Sdk } from './aws-sdk.js';
import { DESCRIBE_REFILL_PER_S, peakBurstUse, peakInWindow } from './call-rates.js';
import { installSeededMathRandom } from './seeded-math-random.js';
import { installVirtualTimers } from './virtual-timers.js';
import { BENCH_OPERATIONS, type BenchClients, PollCounter, type StartedOperation, WAITER_DESCRIBES } from './waiter-operations.js';

export type Side = 'firedrill' | 'sdk';

/** One wait. */
export interface WaitSample {
  operation: string;
  seed: number;
  /** True completion minus the start of the wait (ms). */
  operationMs: number;
  /** When the waiter returned minus the true completion (ms); negative when it returned early. */
  lagMs: number;
  /** The waiter returned before the resource was really in the state (a wrong answer). */
  early: boolean;
  /** The waiter threw (timeout, failure) instead of returning. */
  error?: string;
}

/** What a side prints. */
export interface WaitersRun {
  side: Side;
  samples: WaitSample[];
  /** Describe calls the waiters sent, as the sandbox logged them (throttled retries included). */
  polls: number;
  /** Sum over waits of (return − start), in ms: the denominator of polls per minute. */
  waitingMs: number;
  /** Per service: the most calls any one sandbox (account) received in a sliding 1 s window, and in 60 s. */
  peakPerSecond: Record<string, number>;
  peakPer60s: Record<string, number>;
  /** Per service: the most tokens the calls ever needed from the bucket's burst (see `peakBurstUse`). */
  burstUse: Record<string, number>;
  /** Calls the sandbox refused with a throttling error. */
  throttled: number;
}

const SETUP_SNAPSHOT = 'bench-source-snapshot';

function clientsFor(sandbox: Sandbox, side: Side, limiter: RateLimiter | undefined): BenchClients {
  const make = <C extends { middlewareStack: { use(p: never): void }; config: { region: unknown } }>(
    Client: new (config: never) => C,
    service: AwsService,
    region: string,
  ): C => {
    // The SDK side keeps the SDK's default retries (3 attempts); Firedrill's clients retry nothing themselves.
    const client = new Client({ ...sandbox.clientConfig(region), ...(side === 'sdk' ? { maxAttempts: 3 } : {}) } as never);
    // The limiter goes on before the sandbox: both sit at initialize/high, ties run in the order added, and the
    // sandbox answers without calling further down (added after it, the limiter would never run).
    if (limiter !== undefined) client.middlewareStack.use(rateLimitPlugin(limiter)({ service, region }) as never);
    return sandbox.attach(client);
  };
  return {
    rds: (region) => make(rdsSdk.RDSClient, 'rds', region),
    ec2: (region) => make(ec2Sdk.EC2Client, 'ec2', region),
    autoScaling: (region) => make(autoScalingSdk.AutoScalingClient, 'autoScaling', region),
    route53: () => make(route53Sdk.Route53Client, 'route53', 'us-east-1'),
  };
}

async function runSeed(side: Side, seed: number, out: WaitersRun): Promise<void> {
  const clock = new VirtualClock({ start: '2026-11-22T03:00:00Z' });
  const restoreTimers = side === 'sdk' ? installVirtualTimers(clock) : () => {};
  const restoreRandom = side === 'sdk' ? installSeededMathRandom(seed) : () => {};
  try {
    const { sandbox, names } = await buildWarmStandbyScenario({ clock, seed });
    const limiter = side === 'firedrill' ? new RateLimiter({ clock }) : undefined;
    const clients = clientsFor(sandbox, side, limiter);
    // Setup, identical on both sides: a snapshot of the primary to copy, taken and completed before t0.
    const snapshot = await clients.rds(names.primaryRegion).send(new rdsSdk.CreateDBSnapshotCommand({ DBInstanceIdentifier: names.database.primary.identifier, DBSnapshotIdentifier: SETUP_SNAPSHOT }));
    await clock.sleep(10 * 60_000);
    const ctx = { sandbox, names, clock, clients, counter: new PollCounter(), sourceSnapshotArn: snapshot.DBSnapshot!.DBSnapshotArn!, ...(limiter ? { limiter } : {}) };
    const started: { name: string; op: StartedOperation }[] = [];
    for (const operation of BENCH_OPERATIONS) started.push({ name: operation.name, op: await operation.start(ctx) });
    const waitsFrom = clock.now();
    const results = await Promise.all(
      started.map(async ({ name, op }) => {
        const from = clock.now();
        let error: string | undefined;
        try {
          await (side === 'firedrill' ? op.firedrill() : op.sdk());
        } catch (e) {
          error = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
        }
        return { name, op, from, returnedAt: clock.now(), error };
      }),
    );
    for (const { name, op, from, returnedAt, error } of results) {
      out.waitingMs += returnedAt - from;
      const truth = op.truth();
      const early = truth === undefined || truth > returnedAt;
      out.samples.push({ operation: name, seed, operationMs: (truth ?? returnedAt) - from, lagMs: returnedAt - (truth ?? returnedAt), early, ...(error ? { error } : {}) });
    }
    recordCalls(sandbox.calls().filter((c) => c.at >= waitsFrom), out);
  } finally {
    restoreRandom();
    restoreTimers();
  }
}

function recordCalls(calls: readonly CallLogEntry[], out: WaitersRun): void {
  out.polls += calls.filter((c) => WAITER_DESCRIBES.has(c.command)).length;
  out.throttled += calls.filter((c) => /Throttl|RequestLimitExceeded/.test(`${c.outcome} ${c.errorCode ?? ''}`)).length;
  for (const service of new Set(calls.map((c) => c.service))) {
    const times = calls.filter((c) => c.service === service).map((c) => c.at).sort((a, b) => a - b);
    out.peakPerSecond[service] = Math.max(out.peakPerSecond[service] ?? 0, peakInWindow(times, 1_000));
    out.peakPer60s[service] = Math.max(out.peakPer60s[service] ?? 0, peakInWindow(times, 60_000));
    out.burstUse[service] = Math.max(out.burstUse[service] ?? 0, peakBurstUse(times, DESCRIBE_REFILL_PER_S[service] ?? 1));
  }
}

const side = process.argv[2] as Side;
if (side !== 'firedrill' && side !== 'sdk') throw new TypeError(`waiters-run: expected side 'firedrill' or 'sdk', got '${String(side)}'`);
const seeds = (process.argv[3] ?? '1').split(',').map(Number);
const run: WaitersRun = { side, samples: [], polls: 0, waitingMs: 0, peakPerSecond: {}, peakPer60s: {}, burstUse: {}, throttled: 0 };
for (const seed of seeds) await runSeed(side, seed, run);
process.stdout.write(JSON.stringify(run) + '\n');
