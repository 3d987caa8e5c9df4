/**
 * Firedrill's side of the strategy benchmark, in its own process: for each seed, the strategy's live drill on its
 * sandbox scenario (virtual clock), and what the report says against what the sandbox's truth says about the
 * failover phase. Prints `FiredrillDrill[]` as JSON (with `--debug`, also the steps and the mutating calls on stderr).
 *
 * Usage: node --conditions firedrill-source --import tsx bench/strategy-drill-firedrill.ts <strategy> <seed,seed,…> [--debug]
 */
import { startRun, VirtualClock } from '../packages/core/src/index.js';
import { GroundTruth, sandboxHealthProbe, sandboxHeartbeatProbe, type World } from '../packages/sandbox/src/index.js';
import { AwsEnvironment, getStrategy, registerBuiltinStrategies } from '../packages/strategies/src/index.js';
import { createBackupRestoreStrategy } from '../packages/strategies/src/strategies/backup-restore.js';
import { type ChainOperation, criticalPathBound } from './critical-path-bound.js';
import { drillSetup, type StrategyName } from './drill-scenarios.js';
import { failbackLossMs, trueRestoredAt, writeHeartbeats } from './drill-truth.js';

/** One live drill, measured and checked against the truth (times in ms, epoch or durations). */
export interface FiredrillDrill {
  strategy: StrategyName;
  seed: number;
  status: string;
  error?: string;
  /** Simulated ms from the scenario's start to the disaster (the naive runbook injects its outage at the same offset). */
  disasterOffsetMs: number;
  reportedRtoMs: number | null;
  reportedRpoMs: number | null;
  rpoSource: string;
  trueRtoMs: number | null;
  trueRpoMs: number;
  /** The failback phase's RTO as reported, and when users were truly served again after the failback cut them off. */
  reportedFailbackRtoMs: number | null;
  trueFailbackRtoMs: number | null;
  /** The failback phase's RPO as reported, and the data it truly lost (see failbackLossMs). */
  reportedFailbackRpoMs: number | null;
  failbackRpoSource: string;
  trueFailbackRpoMs: number;
  boundMs: number | null;
  chain: ChainOperation[];
  criticalPath: string[];
}

/**
 * The sandbox's own ground truth over the world as the failover phase left it (at `at`): what the failover kept.
 * Read later, the survivor would be the failback's (for backup & restore, a database restored from a backup taken
 * after the disaster).
 */
function failoverTruth(world: World, at: number): GroundTruth {
  return new GroundTruth(() => world, new VirtualClock({ start: at, autoAdvance: false }));
}

/** Heartbeats the application wrote before the drill (its acknowledged writes, what the RPO is about). */
const WARM_UP_MS = 10_000;
const HEALTH = { intervalMs: 1_000, consecutive: 3 };

async function drill(strategyName: StrategyName, seed: number, debug: boolean): Promise<FiredrillDrill> {
  const s = await drillSetup(strategyName, seed);
  const { sandbox, clock, names, plan } = s;
  const t0 = clock.now();
  await writeHeartbeats(sandbox, clock, names.app, WARM_UP_MS);
  const aws = new AwsEnvironment({ plan, clock, plugins: [((target: { region: string }) => sandbox.plugin(target.region)) as never] });
  const runId = `bench-${strategyName}-${seed}`;
  const strategy = strategyName === 'backup-restore' && s.injectOutage
    ? createBackupRestoreStrategy({ injectDisaster: async () => s.injectOutage!() })
    : getStrategy(strategyName);
  const built = strategy.build({
    plan, operation: 'drill', drill: 'live', mode: s.mode, aws, runId,
    ...(s.injectOutage ? { injectDisaster: async () => s.injectOutage!() } : {}),
  });
  const where = s.recordName ? { recordName: s.recordName } : { region: s.serviceRegion };
  // Users come back through the same record; without one (in-region), to the same region's endpoint.
  const failbackWhere = where;
  const run = await startRun({
    subject: { plan: plan.metadata.name, strategy: strategyName, target: 'sandbox', objectives: { rtoMs: plan.objectives.rto, rpoMs: plan.objectives.rpo } },
    operation: 'drill', drill: 'live', mode: s.mode, runId, steps: built.steps, clock, store: false, concurrency: plan.concurrency,
    probes: {
      ...(built.probes ?? {}),
      health: sandboxHealthProbe({ sandbox, app: names.app, ...HEALTH, ...where }),
      // Backup & restore measures its RPO from the snapshot it restored (as its tests): no heartbeat probe there.
      ...(strategyName === 'backup-restore' ? {} : { heartbeat: sandboxHeartbeatProbe({ sandbox, app: names.app, intervalMs: 1_000 }) }),
      phaseHealth: { failback: sandboxHealthProbe({ sandbox, app: names.app, ...HEALTH, ...failbackWhere }) },
    },
  });
  // The world as each phase started: the failover phase's truth and bound are read from the copy taken when the
  // next phase started, since a failback deletes and recreates resources under the same names (their history too).
  const worldAtPhase = new Map<string, World>();
  run.events.on('phase.started', (e) => void worldAtPhase.set(e.phase, structuredClone(sandbox.world)));
  if (s.injectOutage) {
    // As on a game day (and in `firedrill drill --live`): the outage lasts until the failover has restored
    // service, then the region comes back so the failback has somewhere to return to.
    const off = run.events.on('service.restored', () => {
      off();
      sandbox.faults.endRegionOutage(names.primaryRegion, clock.now());
    });
  }
  const report = await run.completion;
  const disasterAt = Date.parse(report.disasterAt ?? '');
  const phase = report.phases?.[0];
  const restoredAt = Date.parse(phase?.restoredAt ?? report.restoredAt ?? '');
  // The failover phase ends where the failback phase starts (its truth must not come from the failback).
  const failbackAt = Date.parse(report.phases?.[1]?.startedAt ?? '');
  const failoverWorld = (report.phases?.[1] ? worldAtPhase.get(report.phases[1].name) : undefined) ?? sandbox.world;
  const trueRestored = Number.isFinite(disasterAt) ? trueRestoredAt(s, disasterAt, Number.isFinite(failbackAt) ? failbackAt : clock.now(), failoverWorld) : undefined;
  void restoredAt;
  // The failback phase's truth, on the world as the drill left it: users served again after the failback cut them off.
  const failbackTrue = Number.isFinite(failbackAt) ? trueRestoredAt(s, failbackAt, clock.now()) : undefined;
  const stepTimes = Object.fromEntries(report.steps.map((st) => [st.id, { startedAt: Date.parse(st.startedAt ?? ''), endedAt: Date.parse(st.endedAt ?? '') }]));
  const path = (phase?.criticalPath ?? report.criticalPath).map((e) => e.stepId);
  const bound = Number.isFinite(disasterAt) ? criticalPathBound(s, path, stepTimes, HEALTH, { world: failoverWorld, disasterAt, restoredAt: trueRestored }) : undefined;
  if (debug) {
    process.stderr.write(`${strategyName} seed ${seed}: ${report.status} disaster +${(disasterAt - t0) / 1000}s rto ${report.rto.seconds} rpo ${report.rpo.seconds} (${report.rpo.source}) true rto ${trueRestored === undefined ? '—' : (trueRestored - disasterAt) / 1000}\n`);
    process.stderr.write(`  critical path: ${path.join(' → ')}\n`);
    for (const st of report.steps) process.stderr.write(`  step ${st.id} ${st.status} +${(Date.parse(st.startedAt ?? '') - disasterAt) / 1000} → +${(Date.parse(st.endedAt ?? '') - disasterAt) / 1000} deps ${JSON.stringify((built.steps.find((b) => b.id === st.id) as { dependsOn?: string[] } | undefined)?.dependsOn ?? [])}\n`);
    for (const c of sandbox.calls().filter((c) => c.at >= t0 && !/^(Describe|List|Get)/.test(c.command))) {
      process.stderr.write(`  call +${(c.at - disasterAt) / 1000} ${c.region} ${c.command} ${c.outcome} ${JSON.stringify(c.input).slice(0, 300)}\n`);
    }
    if (report.error) process.stderr.write(`  error ${JSON.stringify(report.error)}\n`);
  }
  return {
    strategy: strategyName, seed, status: report.status,
    ...(report.error ? { error: `${report.error.message ?? JSON.stringify(report.error)}` } : {}),
    disasterOffsetMs: disasterAt - t0,
    reportedRtoMs: report.rto.seconds === null ? null : report.rto.seconds * 1000,
    reportedRpoMs: report.rpo.seconds === null ? null : report.rpo.seconds * 1000,
    rpoSource: report.rpo.source,
    trueRtoMs: trueRestored === undefined ? null : trueRestored - disasterAt,
    reportedFailbackRtoMs: report.phases?.[1]?.rto.seconds == null ? null : report.phases[1].rto.seconds * 1000,
    trueFailbackRtoMs: failbackTrue === undefined ? null : failbackTrue - failbackAt,
    reportedFailbackRpoMs: report.phases?.[1]?.rpo.seconds == null ? null : report.phases[1].rpo.seconds * 1000,
    failbackRpoSource: report.phases?.[1]?.rpo.source ?? 'none',
    trueFailbackRpoMs: report.phases?.[1]?.restoredAt && phase?.restoredAt ? failbackLossMs(sandbox, names.app, Date.parse(phase.restoredAt), Date.parse(report.phases[1].restoredAt)) : Number.NaN,
    trueRpoMs: Number.isFinite(disasterAt) ? failoverTruth(failoverWorld, Number.isFinite(failbackAt) ? failbackAt : clock.now()).lostWrites(names.app, { disasterAt }).rpoMs : Number.NaN,
    boundMs: bound?.boundMs ?? null,
    chain: bound?.chain ?? [],
    criticalPath: path,
  };
}

registerBuiltinStrategies();
const [strategy, seedList = '1', flag] = process.argv.slice(2);
const out: FiredrillDrill[] = [];
for (const seed of seedList.split(',').map(Number)) {
  try {
    out.push(await drill(strategy as StrategyName, seed, flag === '--debug'));
  } catch (e) {
    out.push({ strategy: strategy as StrategyName, seed, status: 'crashed', error: e instanceof Error ? e.message : String(e), disasterOffsetMs: Number.NaN, reportedRtoMs: null, reportedRpoMs: null, rpoSource: 'none', reportedFailbackRtoMs: null, trueFailbackRtoMs: null, reportedFailbackRpoMs: null, failbackRpoSource: 'none', trueFailbackRpoMs: Number.NaN, trueRtoMs: null, trueRpoMs: Number.NaN, boundMs: null, chain: [], criticalPath: [] });
  }
}
process.stdout.write(JSON.stringify(out) + '\n');
