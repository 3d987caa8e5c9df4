/**
 * The naive runbook's side of the strategy benchmark, in its own process: the same scenario and seed as Firedrill's
 * drill, the same warm-up writes, the same outage injected at the same moment, then the runbook in
 * bench/naive-runbooks/ with the AWS SDK v3's own waiters on clock-backed global timers (and a seeded Math.random for
 * their jitter). Its RTO is read from the sandbox's truth exactly as Firedrill's true RTO is. Prints `NaiveDrill[]`.
 *
 * Usage: node --conditions firedrill-source --import tsx bench/strategy-drill-naive.ts <strategy> <seed,seed,…>
 */
import { backupRestoreRunbook } from './naive-runbooks/backup-restore.js';
import { inRegionRunbook } from './naive-runbooks/in-region.js';
import { multiSiteRunbook } from './naive-runbooks/multi-site.js';
import { type NaiveRunbook, runbookClients } from './naive-runbooks/runbook.js';
import { standbyRunbook } from './naive-runbooks/standby.js';
import { drillSetup, type StrategyName } from './drill-scenarios.js';
import { trueRestoredAt, writeHeartbeats } from './drill-truth.js';
import { installSeededMathRandom } from './seeded-math-random.js';
import { installVirtualTimers } from './virtual-timers.js';

export const NAIVE_RUNBOOKS: Record<StrategyName, NaiveRunbook> = {
  'pilot-light': standbyRunbook,
  'warm-standby': standbyRunbook,
  'multi-site': multiSiteRunbook,
  'in-region': inRegionRunbook,
  'backup-restore': backupRestoreRunbook,
};

/** One naive run against the truth. */
export interface NaiveDrill {
  strategy: StrategyName;
  seed: number;
  trueRtoMs: number | null;
  /** Simulated ms the script ran after the disaster. */
  scriptMs: number;
  notes: string[];
  error?: string;
}

const WARM_UP_MS = 10_000;

async function naive(strategy: StrategyName, seed: number): Promise<NaiveDrill> {
  const setup = await drillSetup(strategy, seed);
  const { sandbox, clock, names } = setup;
  await writeHeartbeats(sandbox, clock, names.app, WARM_UP_MS);
  const restoreTimers = installVirtualTimers(clock);
  const restoreRandom = installSeededMathRandom(seed);
  let disasterAt: number | undefined;
  const notes: string[] = [];
  let error: string | undefined;
  try {
    if (setup.injectOutage) {
      setup.injectOutage();
      disasterAt = clock.now();
    }
    await NAIVE_RUNBOOKS[strategy]({
      setup, ...runbookClients(sandbox),
      declareDisaster: () => void (disasterAt ??= clock.now()),
      note: (m) => void notes.push(m),
    });
  } catch (e) {
    error = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  } finally {
    restoreRandom();
    restoreTimers();
  }
  // Let the world run on a little, so a restoration the script did not wait for (DNS health checks) is seen.
  await clock.sleep(5 * 60_000);
  const restored = disasterAt === undefined ? undefined : trueRestoredAt(setup, disasterAt, clock.now());
  return {
    strategy, seed, trueRtoMs: restored === undefined || disasterAt === undefined ? null : restored - disasterAt,
    scriptMs: disasterAt === undefined ? 0 : clock.now() - 5 * 60_000 - disasterAt, notes, ...(error ? { error } : {}),
  };
}

const [strategy, seedList = '1'] = process.argv.slice(2);
const out: NaiveDrill[] = [];
for (const seed of seedList.split(',').map(Number)) out.push(await naive(strategy as StrategyName, seed));
process.stdout.write(JSON.stringify(out) + '\n');
