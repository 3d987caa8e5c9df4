import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import type { BenchResult } from './results-format.js';
import { DESCRIBE_REFILL_PER_S } from './call-rates.js';
import type { WaitersRun, WaitSample } from './waiters-run.js';

/** Fixed seeds, so two runs of `pnpm bench` compare the same simulated operations. */
const SEEDS = Array.from({ length: 20 }, (_, i) => i + 1);
/** Concurrent waits in the rate-budget stress: more first polls than RDS's burst of 300. */
const STRESS_WAITS = 400;

/** Runs a bench script in its own process, with the workspace packages resolved to their sources. */
function child<T>(script: string, ...args: string[]): T {
  const out = execFileSync(process.execPath, ['--conditions', 'firedrill-source', '--no-warnings', '--import', 'tsx', join(import.meta.dirname, script), ...args], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  return JSON.parse(out) as T;
}

const sorted = (xs: readonly number[]): number[] => [...xs].sort((a, b) => a - b);
const median = (xs: readonly number[]): number => sorted(xs)[Math.floor(xs.length / 2)]!;
/** Nearest-rank 95th percentile. */
const p95 = (xs: readonly number[]): number => sorted(xs)[Math.max(0, Math.ceil(0.95 * xs.length) - 1)]!;
const round = (x: number, digits = 1): number => Math.round(x * 10 ** digits) / 10 ** digits;
/** Lags (s) of the waits that returned a right answer (not early, no error). */
const lagsS = (samples: readonly WaitSample[]): number[] => samples.filter((s) => !s.early && s.error === undefined).map((s) => s.lagMs / 1000);

function compared(name: string, value: number, baseline: number, unit: string, extra: Partial<BenchResult> = {}): BenchResult {
  return { name, value: round(value), unit, better: 'lower', baseline: round(baseline), ratio: round(baseline / value), ...extra };
}

/**
 * Waiter figures (issue: tuned waiters). Firedrill's `waitFor` and the AWS SDK v3's own waiters with their defaults
 * wait for the same seven operations × 20 seeds in the sandbox, on the virtual clock; the ground truth of each
 * completion is read from the sandbox's resource timelines (see waiter-operations.ts).
 */
export function waiterBenchmarks(): BenchResult[] {
  const seeds = SEEDS.join(',');
  const firedrill = child<WaitersRun>('waiters-run.ts', 'firedrill', seeds);
  const sdk = child<WaitersRun>('waiters-run.ts', 'sdk', seeds);
  const stress = child<{ waits: number; calls: number; peakPerSecond: number; peakPer60s: number; burstUse: number; throttled: number; lagMedianMs: number }>(
    'waiters-rate-stress.ts',
    String(STRESS_WAITS),
  );
  const fd = lagsS(firedrill.samples);
  const base = lagsS(sdk.samples);
  const operations = [...new Set(firedrill.samples.map((s) => s.operation))];
  const sdkEarlyGroup = sdk.samples.filter((s) => s.operation === 'asg-scale-out-desired-only' && s.early).length;
  const perMinute = (run: WaitersRun): number => run.polls / (run.waitingMs / 60_000);
  const wrong = (run: WaitersRun): number => run.samples.filter((s) => s.early || s.error !== undefined).length;
  printBreakdown(firedrill, sdk, operations);
  return [
    // Median, over 7 operations × 20 seeds, of (moment the waiter returned − moment the resource truly reached the
    // state). Baseline: the SDK's default waiters on the same operations (its early returns excluded). Bound: ≤ 2 s.
    compared('waiters.detection-lag.median-s', median(fd), median(base), 's', { limit: { max: 2 } }),
    // 95th percentile of the same lags (nearest rank).
    compared('waiters.detection-lag.p95-s', p95(fd), p95(base), 's'),
    // How many times lower Firedrill's median lag is than the SDK's. Bound: ≥ 10×.
    { name: 'waiters.detection-lag.median-speedup', value: round(median(base) / median(fd)), unit: '×', better: 'higher', limit: { min: 10 } },
    // Per operation: median lag over the 20 seeds, with the SDK's alongside.
    ...operations.map((op) => {
      const mine = lagsS(firedrill.samples.filter((s) => s.operation === op));
      const theirs = lagsS(sdk.samples.filter((s) => s.operation === op));
      return theirs.length > 0
        ? compared(`waiters.detection-lag.${op}.median-s`, median(mine), median(theirs), 's')
        : { name: `waiters.detection-lag.${op}.median-s`, value: round(median(mine)), unit: 's', better: 'lower' as const };
    }),
    // SDK waitUntilGroupInService after raising only DesiredCapacity (1 → 4, MinSize 1): returns while instances are
    // still Pending because it compares InService with MinSize. Wrong answers out of 20 (excluded from the lags).
    { name: 'waiters.sdk-group-in-service.early-returns', value: sdkEarlyGroup, unit: `of ${SEEDS.length}`, better: 'lower' },
    // Waits that returned before the truth or threw, all operations (Firedrill; baseline the SDK). Bound: 0.
    { name: 'waiters.wrong-answers', value: wrong(firedrill), unit: 'waits', better: 'lower', baseline: wrong(sdk), limit: { max: 0 } },
    // Describe calls per minute of waiting, per waiter (calls logged by the sandbox ÷ Σ wait durations).
    { name: 'waiters.polls-per-minute', value: round(perMinute(firedrill), 2), unit: 'calls/min', better: 'lower', baseline: round(perMinute(sdk), 2), ratio: round(perMinute(sdk) / perMinute(firedrill), 2) },
    // Per service, the drill run's busiest minute (sliding 60 s window of the call log's simulated times, all 7 waits
    // in one account) as calls per second, against the bucket's refill (RDS 12, EC2 Describe* 20, Route 53 10;
    // Auto Scaling: Firedrill's assumed 2, AWS publishes none). Baseline: the SDK's.
    ...Object.keys(DESCRIBE_REFILL_PER_S).map((service) => ({
      name: `waiters.max-describe-rate-per-s.${service}`,
      value: round((firedrill.peakPer60s[service] ?? 0) / 60, 2),
      unit: 'calls/s',
      better: 'lower' as const,
      baseline: round((sdk.peakPer60s[service] ?? 0) / 60, 2),
      limit: { max: DESCRIBE_REFILL_PER_S[service]! },
    })),
    // Calls the sandbox (enforcing the same published buckets) throttled during the drill runs. Bound: 0.
    { name: 'waiters.throttled-calls', value: firedrill.throttled, unit: 'calls', better: 'lower', baseline: sdk.throttled, limit: { max: 0 } },
    // Stress: 400 concurrent Firedrill waits on one RDS instance in one account, one shared limiter. Most tokens the
    // polls ever drew from RDS's burst (calls in a window − 12/s × its length, worst window). Bound: the burst, 300.
    { name: `waiters.rate-stress-${stress.waits}.rds-burst-use`, value: round(stress.burstUse, 1), unit: 'tokens', better: 'lower', limit: { max: 300 } },
    // Same stress: the busiest minute as calls per second (the burst of first polls included).
    { name: `waiters.rate-stress-${stress.waits}.rds-max-rate-per-s`, value: round(stress.peakPer60s / 60, 2), unit: 'calls/s', better: 'lower' },
    // Same stress: calls the sandbox's RDS bucket throttled anyway. Bound: 0.
    { name: `waiters.rate-stress-${stress.waits}.throttled-calls`, value: stress.throttled, unit: `of ${stress.calls}`, better: 'lower', limit: { max: 0 } },
    // Same stress: median detection lag when 400 waits queue on the limiter (12 polls/s shared by 400 waiters).
    { name: `waiters.rate-stress-${stress.waits}.detection-lag.median-s`, value: round(stress.lagMedianMs / 1000), unit: 's', better: 'lower' },
  ];
}

/** Per operation, on stderr: what the table's summary rows are made of. */
function printBreakdown(firedrill: WaitersRun, sdk: WaitersRun, operations: readonly string[]): void {
  for (const op of operations) {
    const f = firedrill.samples.filter((s) => s.operation === op);
    const b = sdk.samples.filter((s) => s.operation === op);
    const fmt = (xs: number[]): string => (xs.length === 0 ? '—' : `median ${round(median(xs))} s, p95 ${round(p95(xs))} s`);
    process.stderr.write(
      `  ${op}: operation median ${round(median(f.map((s) => s.operationMs / 1000)))} s; firedrill ${fmt(lagsS(f))}; sdk ${fmt(lagsS(b))}` +
        `${b.some((s) => s.early) ? ` (${b.filter((s) => s.early).length} early returns)` : ''}\n`,
    );
  }
}
