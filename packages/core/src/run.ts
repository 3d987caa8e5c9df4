import { existsSync } from 'node:fs';
import { createActor, waitFor } from 'xstate';
import { type Clock, VirtualClock } from './clock.js';
import { FileJournal, type Journal, MemoryJournal, readJournalFile } from './journal.js';
import type { JournalEvent, JournalStepInfo, Operation, RunObjectives, RunStartedEvent, RunStatus } from './journal-events.js';
import type { StepPolicy } from './policy.js';
import type { RunProbes } from './probes.js';
import { type RunReport, reportFromState } from './report.js';
import { acquireRunLock, type RunLock } from './run-lock.js';
import { RunEngine } from './run-engine.js';
import { RunEventStream } from './run-events.js';
import { type RollbackStrategy, runMachine } from './run-machine.js';
import { foldJournal, initialRunState, type RunState } from './run-state.js';
import { newRunId } from './run-id.js';
import { FileRunStore, RunIdTakenError } from './run-store.js';
import { buildStepGraph, type StepGraph } from './step-graph.js';
import type { FailoverMode, StepDefinition } from './step.js';
import { OperatorError, RunControls } from './run-controls.js';

/** What a run is of: the plan-level facts the journal and the report carry. */
export interface RunSubject {
  /** The plan's name (`metadata.name`): one active run per plan. */
  plan: string;
  strategy?: string;
  /**
   * Where the run acts: `sandbox` or `aws`. Reports and portals filter on it, so say it: left out, the report says
   * `unspecified` (it said `sandbox` before, which labelled runs on real AWS as simulated).
   */
  target?: string;
  objectives?: RunObjectives;
  /** The plan as written, journaled so a resume in another process can rebuild the step graph. */
  planInput?: unknown;
  /** Anything else the strategy needs to rebuild the graph on resume. */
  context?: Record<string, unknown>;
}

/** Options of {@link startRun}. */
export interface StartRunOptions {
  subject: RunSubject;
  operation: Operation;
  steps: readonly StepDefinition[];
  clock: Clock;
  /** @default 'graceful' */
  mode?: FailoverMode;
  drill?: 'isolated' | 'live';
  /** Where journals, reports and locks go; `false` keeps the journal in memory (no lock). @default new FileRunStore() */
  store?: FileRunStore | false;
  probes?: RunProbes;
  /** Steps allowed to run at once. @default 8 */
  concurrency?: number;
  /** @default 'on-failure' */
  rollback?: RollbackStrategy;
  /** Per-step policy overrides from the plan, by step id. */
  policies?: Record<string, StepPolicy>;
  /**
   * Keep a failed run open for a human to retry, skip or abort instead of rolling back at once
   * (interactive runbooks). @default false
   */
  holdOnFailure?: boolean;
  /**
   * Step-through (interactive runbooks): every ready step waits for the operator's `runStep`, `skipStep` or
   * `markDone`; watch `step.ready` events. Journaled, so a resume steps through too. @default false
   */
  stepThrough?: boolean;
  /** @default a new id from the plan name and the clock */
  runId?: string;
  /** How long, after the last step, to wait for the health probe to confirm service. @default 15 minutes */
  verifyTimeoutMs?: number;
  /**
   * Heartbeats are written this long before any step runs, so a drill's RPO measures real replication rather
   * than an empty table. @default ten heartbeat intervals for a drill with a heartbeat probe, else 0
   */
  steadyStateMs?: number;
  /** Journal tuning (tests). */
  journal?: { groupCommit?: boolean; fsync?: boolean; onDurable?: (events: readonly JournalEvent[]) => void };
}

/** A run in progress: its id, its event stream, operator controls and its outcome. */
export interface Run extends RunControls {
  readonly runId: string;
  readonly events: RunEventStream;
  /** Path of the journal on disk (`undefined` for an in-memory run). */
  readonly journalPath: string | undefined;
  /** The run's state: a fold over its journal. */
  state(): RunState;
  /** Resolves with the report when the run ends (whatever its status). Never rejects for a step failure. */
  readonly completion: Promise<RunReport>;
}

/** A small deterministic PRNG (mulberry32) seeded from the run id: jitter is reproducible per run. */
function seededRandom(seedText: string): () => number {
  let seed = 0;
  for (const ch of seedText) seed = (Math.imul(seed, 31) + ch.charCodeAt(0)) | 0;
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function stepInfo(graph: StepGraph): JournalStepInfo[] {
  return graph.steps.map((s) => ({
    id: s.id,
    title: s.title,
    kind: s.kind,
    dependsOn: [...(s.dependsOn ?? [])],
    ...(s.restoresService ? { restoresService: true } : {}),
    ...(s.declaresDisaster ? { declaresDisaster: true } : {}),
    ...(s.promotesData ? { promotesData: true } : {}),
    ...(s.bringsUpDrillCopy ? { bringsUpDrillCopy: true } : {}),
    ...(s.beginsPhase ? { beginsPhase: s.beginsPhase } : {}),
    ...(s.modes ? { modes: [...s.modes] } : {}),
    ...(s.compensate ? { hasCompensation: true } : {}),
  }));
}

interface LaunchOptions {
  graph: StepGraph;
  clock: Clock;
  journal: Journal;
  journalPath: string | undefined;
  state: RunState;
  events: RunEventStream;
  store: FileRunStore | undefined;
  lock: RunLock | undefined;
  probes: RunProbes;
  policies: Record<string, StepPolicy>;
  holdOnFailure: boolean;
  stepThrough: boolean;
  verifyTimeoutMs: number;
  steadyStateMs: number;
  resumed: boolean;
}

function launch(options: LaunchOptions): Run {
  let finished!: (status: RunStatus) => void;
  const ended = new Promise<RunStatus>((resolve) => (finished = resolve));
  const engine = new RunEngine({
    graph: options.graph,
    clock: options.clock,
    journal: options.journal,
    state: options.state,
    events: options.events,
    probes: options.probes,
    policies: options.policies,
    holdOnFailure: options.holdOnFailure,
    stepThrough: options.stepThrough,
    resumed: options.resumed,
    random: seededRandom(options.state.meta.runId),
    verifyTimeoutMs: options.verifyTimeoutMs,
    steadyStateMs: options.steadyStateMs,
    onFinished: (status) => finished(status),
  });
  const actor = createActor(runMachine, { input: { engine } });
  engine.attach(actor);
  const completion = (async (): Promise<RunReport> => {
    try {
      await ended;
      const report = reportFromState(engine.state);
      options.store?.writeReport(engine.runId, report);
      return report;
    } finally {
      actor.stop();
      options.journal.close();
      options.lock?.release();
      options.events.close();
    }
  })();
  // A resumed run replays what its journal already holds to late subscribers too.
  if (options.resumed) for (const event of options.journal.events()) options.events.publish(event);
  actor.start();
  // Operator commands wait until the run is past preflight (its journal header is durable and the probes
  // are running), so a command sent right after start is applied, never lost.
  const ready = waitFor(actor, (snapshot) => !snapshot.matches('preflight'), { timeout: Infinity }).then(() => undefined);
  const controls = new RunControls(engine, actor, ready);
  return Object.assign(controls, {
    runId: engine.runId,
    events: options.events,
    journalPath: options.journalPath,
    state: () => engine.state,
    completion,
  });
}

/**
 * Starts a run of `steps` and returns at once; `completion` resolves with the report. The journal's first
 * event (`run.started`, holding the step graph and the plan) is durable before anything else happens.
 *
 * @throws StepGraphError when the steps are not a DAG of known steps (nothing is journaled).
 * @throws RunLockedError when the plan already has an active run.
 * @throws RunIdTakenError when `runId` already has a journal in the store (nothing is journaled).
 * @example
 * const run = await startRun({ subject: { plan: 'tracking-app', objectives: { rtoMs: 900_000 } }, operation: 'drill', steps, clock: new VirtualClock() });
 * run.events.on('step.succeeded', (e) => console.log(e.stepId));
 * const report = await run.completion;
 */
export async function startRun(options: StartRunOptions): Promise<Run> {
  const graph = buildStepGraph(options.steps);
  const { clock } = options;
  const store = options.store === false ? undefined : (options.store ?? new FileRunStore());
  const runId = options.runId ?? newRunId(options.subject.plan, clock);
  // Appending to another run's journal would merge two runs into one history (and one report).
  if (store && existsSync(store.journalPath(runId))) throw new RunIdTakenError(runId, store.journalPath(runId));
  const lock = store ? acquireRunLock(store.lockPath(options.subject.plan), { runId, plan: options.subject.plan, since: clock.now() }) : undefined;
  const events = new RunEventStream();
  const journalPath = store?.journalPath(runId);
  const journal: Journal = journalPath
    ? new FileJournal({ path: journalPath, clock, ...options.journal })
    : new MemoryJournal(clock);
  const probes = options.probes ?? {};
  const started: RunStartedEvent = {
    type: 'run.started',
    runId,
    plan: options.subject.plan,
    strategy: options.subject.strategy ?? 'custom',
    operation: options.operation,
    mode: options.mode ?? 'graceful',
    ...(options.drill ? { drill: options.drill } : {}),
    target: options.subject.target ?? 'unspecified',
    clock: clock.kind,
    objectives: options.subject.objectives ?? {},
    concurrency: options.concurrency ?? 8,
    ...(options.stepThrough ? { stepThrough: true } : {}),
    rollback: options.rollback ?? 'on-failure',
    probes: {
      ...(probes.health ? { health: { interval: probes.health.intervalMs, consecutive: probes.health.consecutive } } : {}),
      ...(probes.heartbeat ? { heartbeat: { interval: probes.heartbeat.intervalMs } } : {}),
      ...(probes.phaseHealth
        ? { phaseHealth: Object.fromEntries(Object.entries(probes.phaseHealth).map(([phase, p]) => [phase, { interval: p.intervalMs, consecutive: p.consecutive }])) }
        : {}),
    },
    steps: stepInfo(graph),
    ...(options.subject.planInput !== undefined ? { planInput: options.subject.planInput } : {}),
    ...(options.subject.context ? { context: options.subject.context } : {}),
  };
  let first: JournalEvent;
  try {
    first = await journal.append(started);
  } catch (error) {
    lock?.release();
    throw error;
  }
  const state = initialRunState(first as RunStartedEvent & JournalEvent);
  events.publish(first);
  return launch({
    graph,
    clock,
    journal,
    journalPath,
    state,
    events,
    store,
    lock,
    probes,
    policies: options.policies ?? {},
    holdOnFailure: options.holdOnFailure ?? false,
    stepThrough: options.stepThrough ?? false,
    verifyTimeoutMs: options.verifyTimeoutMs ?? 15 * 60_000,
    steadyStateMs: options.steadyStateMs ?? (options.operation === 'drill' && probes.heartbeat ? 10 * probes.heartbeat.intervalMs : 0),
    resumed: false,
  });
}

/** What {@link resumeRun} needs to rebuild the step functions the journal cannot hold. */
export interface ResumeRunOptions {
  runId: string;
  store?: FileRunStore;
  /**
   * Rebuilds the steps (and probes) from the journaled `run.started` event — in practice, from its plan
   * and strategy. Step ids must match the journal's. `resumed.clock` is the clock the run goes on with (the one
   * given, or the virtual clock continuing the journal's time): build the AWS environment and probes on it.
   */
  rebuild: (started: RunStartedEvent, resumed: { clock: Clock }) => { steps: readonly StepDefinition[]; probes?: RunProbes; policies?: Record<string, StepPolicy> };
  /** @default a VirtualClock continuing from the last journaled time for virtual runs; required for real ones */
  clock?: Clock;
  holdOnFailure?: boolean;
  /**
   * Step through the rest of the run. @default what the run started with (an interactive runbook stays
   * interactive; pass `false` to let it run on by itself).
   */
  stepThrough?: boolean;
  verifyTimeoutMs?: number;
  journal?: StartRunOptions['journal'];
}

/**
 * Continues a run from its journal alone, in any process. Finished steps are not run again; a step that
 * started and never finished is re-checked through its check-then-act contract before anything is done.
 *
 * @throws OperatorError when the run already completed or its journal does not match the rebuilt steps.
 * @example
 * const run = await resumeRun({
 *   runId, store,
 *   rebuild: (started, { clock }) => {
 *     const plan = parsePlan(started.planInput);
 *     const aws = createAwsEnvironment({ plan, clock });
 *     return getStrategy(plan.strategy.name).build({ plan, operation: started.operation, mode: started.mode, aws, runId });
 *   },
 * });
 */
export async function resumeRun(options: ResumeRunOptions): Promise<Run> {
  const store = options.store ?? new FileRunStore();
  const journalPath = store.journalPath(options.runId);
  const existing = readJournalFile(journalPath);
  const state = foldJournal(existing);
  if (state.status !== undefined) throw new OperatorError(`run ${options.runId} already ended (${state.status}); nothing to resume. See its report: ${store.reportPath(options.runId)}`);
  let clock = options.clock;
  if (!clock) {
    if (state.meta.clock !== 'virtual') throw new OperatorError(`run ${options.runId} ran on the real clock: pass the clock to resume it`);
    clock = new VirtualClock({ start: state.lastEventAt });
  }
  // The clock the run resumes on, so what rebuild makes (a sandbox, probes) keeps the same time as the run.
  const rebuilt = options.rebuild(state.meta, { clock });
  const graph = buildStepGraph(rebuilt.steps);
  const missing = state.meta.steps.filter((s) => !graph.byId.has(s.id)).map((s) => s.id);
  if (missing.length > 0 || graph.steps.length !== state.meta.steps.length) {
    throw new OperatorError(`run ${options.runId}: the rebuilt steps do not match the journal (missing: ${missing.join(', ') || 'none'}); was the plan or the strategy changed?`);
  }
  const lock = acquireRunLock(store.lockPath(state.meta.plan), { runId: options.runId, plan: state.meta.plan, since: clock.now() });
  const journal = new FileJournal({ path: journalPath, clock, existing, ...options.journal });
  return launch({
    graph,
    clock,
    journal,
    journalPath,
    state,
    events: new RunEventStream(),
    store,
    lock,
    probes: rebuilt.probes ?? {},
    policies: rebuilt.policies ?? {},
    holdOnFailure: options.holdOnFailure ?? false,
    stepThrough: options.stepThrough ?? state.meta.stepThrough ?? false,
    verifyTimeoutMs: options.verifyTimeoutMs ?? 15 * 60_000,
    steadyStateMs: 0,
    resumed: true,
  });
}
