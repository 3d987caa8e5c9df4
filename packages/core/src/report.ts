import type { ErrorInfo } from './errors.js';
import type { CallCounts, JournalEvent, Operation, RunStatus, StepStatus } from './journal-events.js';
import { type CriticalPathEntry, criticalPath, measureRto } from './measure.js';
import { foldJournal, type RpoState, type RunState } from './run-state.js';
import type { FailoverMode, StepKind } from './step.js';

/** One step in the report. */
export interface ReportStep {
  id: string;
  title: string;
  kind: StepKind;
  status: StepStatus;
  startedAt: string | null;
  endedAt: string | null;
  seconds: number | null;
  attempts: number;
  calls: number;
  error?: ErrorInfo;
  skippedReason?: string;
  by?: string;
}

/** An objective as measured. `met` is `null` when there is no objective, nothing to measure, or (with `note`) the figure is not judged. */
export interface ObjectiveResult<S extends string> {
  seconds: number | null;
  source: S;
  objectiveSeconds: number | null;
  met: boolean | null;
  /** What the figure measures, when it is not what the objective is about (and so is not judged). */
  note?: string;
}

/** One measured phase of a run. */
export interface ReportPhase {
  name: string;
  startedAt: string;
  restoredAt: string | null;
  rto: ObjectiveResult<'health-probe' | 'step' | 'none'>;
  /** The data this phase lost (a live drill's failback measures its own), against the plan's RPO objective. */
  rpo: ReportRpo;
  criticalPath: CriticalPathEntry[];
}

/**
 * A measured RPO against its objective. `verified: false` (with `seconds: null`) when the only evidence rests on
 * something Firedrill could not check — writes stopped by a step a person marked done, with no heartbeat to see
 * whether they really stopped; `note` says what the figure rests on, when there is something to say.
 */
export type ReportRpo = ObjectiveResult<'heartbeat' | 'snapshot' | 'replica-lag' | 'none'> & { precisionSeconds?: number; verified?: false; note?: string };

/**
 * The run report: a stable contract (`schema: firedrill.report/v1`). Times are ISO-8601 UTC. Extra fields
 * may be added; these names and meanings stay.
 */
export interface RunReport {
  schema: 'firedrill.report/v1';
  runId: string;
  plan: string;
  strategy: string;
  operation: Operation;
  mode: FailoverMode;
  drill?: 'isolated' | 'live';
  target: string;
  clock: 'real' | 'virtual';
  status: RunStatus | 'running';
  startedAt: string;
  disasterAt: string | null;
  restoredAt: string | null;
  endedAt: string | null;
  rto: ObjectiveResult<'health-probe' | 'step' | 'none'>;
  rpo: ReportRpo;
  criticalPath: CriticalPathEntry[];
  /**
   * Every measured phase, when a run has more than one (a live drill: `failover`, then `failback`). The
   * top-level `rto`, `restoredAt` and `criticalPath` are the first phase's.
   */
  phases?: ReportPhase[];
  steps: ReportStep[];
  /**
   * Moments observed beside the RTO (`RunProbes.observers`), e.g. `dns`: when clients could first reach the
   * recovery region through DNS. `secondsAfterDisaster` is measured like the RTO.
   */
  observations?: { name: string; target: string; reachedAt: string; secondsAfterDisaster: number | null; detail?: string }[];
  approvals: { stepId: string; by: string; at: string; waitedSeconds: number }[];
  /** What operators did during the run (run, skip, mark done, approve, pause, switch mode, abort, leave): who and when. */
  operatorActions: { action: string; stepId?: string; by: string; at: string; note?: string }[];
  calls: CallCounts;
  error?: ErrorInfo;
}

const iso = (ms: number | undefined): string | null => (ms === undefined ? null : new Date(ms).toISOString());
const sec = (ms: number | undefined): number | null => (ms === undefined ? null : ms / 1000);

function objective<S extends string>(measured: number | null, source: S, objectiveMs: number | undefined): ObjectiveResult<S> {
  const objectiveSeconds = sec(objectiveMs);
  const met = objectiveSeconds === null ? null : measured === null ? false : measured <= objectiveSeconds;
  return { seconds: measured, source, objectiveSeconds, met };
}

function totalCalls(state: RunState): CallCounts {
  const total: CallCounts = { total: 0, throttled: 0, byService: {} };
  for (const step of Object.values(state.steps)) {
    if (!step.calls) continue;
    total.total += step.calls.total;
    total.throttled += step.calls.throttled;
    for (const [service, n] of Object.entries(step.calls.byService)) total.byService[service] = (total.byService[service] ?? 0) + n;
  }
  return total;
}

/** A measured RTO against the plan's objective — or, for a run that measures another path, reported with why it is not judged. */
function rtoResult<S extends string>(seconds: number | null, source: S, meta: RunState['meta']): ObjectiveResult<S> {
  const judged = objective(seconds, source, meta.objectives.rtoMs);
  return meta.objectives.rtoNotJudged === undefined ? judged : { ...judged, met: null, note: meta.objectives.rtoNotJudged };
}

/** A measured RPO (or none) against the plan's objective, as the report gives it. */
function rpoResult(measured: RpoState | undefined, meta: RunState['meta'], notMeasured?: string): ReportRpo {
  // An unverified figure is not reported as one: 0 s resting on a freeze nobody checked would claim no loss.
  const seconds = measured && measured.unverified === undefined ? measured.seconds : null;
  const note = measured === undefined ? notMeasured : measured.unverified ?? (typeof measured.detail?.['note'] === 'string' ? measured.detail['note'] : undefined);
  return {
    ...objective(seconds, measured?.source ?? 'none', meta.objectives.rpoMs),
    ...(measured?.source === 'heartbeat' && meta.probes.heartbeat ? { precisionSeconds: meta.probes.heartbeat.interval / 1000 } : {}),
    ...(measured?.unverified !== undefined ? { verified: false as const } : {}),
    ...(note !== undefined ? { note } : {}),
  };
}

/**
 * An objective of a run that has not ended is not judged: a drill still running (or interrupted, waiting for its
 * resume) has not missed its RTO, and a CI job that collects the report must not record it as missed.
 */
function judgedOnlyWhenEnded<T extends { met: boolean | null; objectiveSeconds: number | null; note?: string }>(state: RunState, result: T): T {
  if (state.status !== undefined || result.objectiveSeconds === null) return result;
  return { ...result, met: null, note: `run ${state.meta.runId} has not ended (still running, or interrupted: \`firedrill resume ${state.meta.runId}\` continues it)` };
}

/** Builds the report from a run's folded state. */
export function reportFromState(state: RunState): RunReport {
  const meta = state.meta;
  const rto = measureRto(state);
  const report: RunReport = {
    schema: 'firedrill.report/v1',
    runId: meta.runId,
    plan: meta.plan,
    strategy: meta.strategy,
    operation: meta.operation,
    mode: state.mode,
    ...(meta.drill ? { drill: meta.drill } : {}),
    target: meta.target,
    clock: meta.clock,
    status: state.status ?? 'running',
    startedAt: iso(state.startedAt)!,
    disasterAt: iso(state.disasterAt),
    restoredAt: iso(state.restoredAt),
    endedAt: iso(state.endedAt),
    rto: judgedOnlyWhenEnded(state, rtoResult(rto.seconds, rto.source, meta)),
    rpo: judgedOnlyWhenEnded(state, rpoResult(state.rpo, meta, state.phases[0]?.rpoNotMeasured)),
    criticalPath: criticalPath(state),
    ...(state.phases.length > 1
      ? {
          phases: state.phases.map((phase) => {
            const measured = measureRto(state, phase);
            return {
              name: phase.name,
              startedAt: iso(phase.startedAt)!,
              restoredAt: iso(phase.restoredAt),
              rto: judgedOnlyWhenEnded(state, rtoResult(measured.seconds, measured.source, meta)),
              rpo: judgedOnlyWhenEnded(state, rpoResult(phase === state.phases[0] ? state.rpo : phase.rpo, meta, phase.rpoNotMeasured)),
              criticalPath: criticalPath(state, phase),
            };
          }),
        }
      : {}),
    steps: meta.steps.map((info) => {
      const s = state.steps[info.id]!;
      return {
        id: info.id,
        title: info.title,
        kind: info.kind,
        status: s.status,
        startedAt: iso(s.startedAt),
        endedAt: iso(s.endedAt),
        seconds: s.startedAt !== undefined && s.endedAt !== undefined ? (s.endedAt - s.startedAt) / 1000 : null,
        attempts: s.attempts,
        calls: s.calls?.total ?? 0,
        ...(s.error ? { error: s.error } : {}),
        ...(s.skippedReason ? { skippedReason: s.skippedReason } : {}),
        ...(s.by ? { by: s.by } : {}),
      };
    }),
    ...(Object.keys(state.observations).length > 0
      ? {
          observations: Object.entries(state.observations).map(([name, o]) => ({
            name,
            target: o.target,
            reachedAt: iso(o.reachedAt)!,
            secondsAfterDisaster: state.disasterAt === undefined ? null : Math.max(0, o.reachedAt - state.disasterAt) / 1000,
            ...(o.detail ? { detail: o.detail } : {}),
          })),
        }
      : {}),
    approvals: state.approvals.map((a) => ({ stepId: a.stepId, by: a.by, at: iso(a.at)!, waitedSeconds: a.waitedMs / 1000 })),
    operatorActions: state.operatorActions.map((a) => ({ ...a, at: iso(a.at)! })),
    calls: totalCalls(state),
    ...(state.error ? { error: state.error } : {}),
  };
  return report;
}

/**
 * Rebuilds a run's report from its journal alone — the same report the run wrote when it ended.
 * @example
 * const report = buildReport(readJournalFile('.firedrill/runs/<id>/journal.jsonl'));
 */
export function buildReport(events: readonly JournalEvent[]): RunReport {
  return reportFromState(foldJournal(events));
}
