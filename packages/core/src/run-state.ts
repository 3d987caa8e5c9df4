import type { ErrorInfo } from './errors.js';
import type {
  CallCounts,
  JournalEvent,
  RunStartedEvent,
  RunStatus,
  StepStatus,
} from './journal-events.js';
import type { FailoverMode } from './step.js';

/** One step as folded from the journal. */
export interface StepState {
  id: string;
  status: StepStatus;
  /** First time the step started. */
  startedAt?: number;
  /** Last time the step reached an end state. */
  endedAt?: number;
  /** Attempts in every execution of the step: an operator's retry of a failed step adds to them. */
  attempts: number;
  /** Attempts of the executions before this one (a failed step the operator retried). */
  attemptsBefore?: number;
  calls?: CallCounts;
  result?: unknown;
  error?: ErrorInfo;
  skippedReason?: string;
  /** Who marked it done by hand or approved it. */
  by?: string;
  /** Last progress text seen while waiting. */
  progress?: string;
  /** When a manual or approval step first started waiting for a human (kept across a resume). */
  waitingSince?: number;
  /** Step-through runs: when the step became ready and started waiting for the operator's decision. */
  readySince?: number;
}

/** Something an operator did, as journaled: who, what, when. */
export interface OperatorActionRecord {
  action: string;
  stepId?: string;
  by: string;
  at: number;
  note?: string;
}

/** An approval as recorded. */
export interface ApprovalRecord {
  stepId: string;
  by: string;
  at: number;
  waitedMs: number;
}

/** A measured phase of a run: the failover, and in a live drill the failback. */
export interface PhaseState {
  name: string;
  startedAt: number;
  restoredAt?: number;
  restoredSource?: 'health-probe' | 'step';
  restoredByStep?: string;
  /** The data this phase lost, when measured (the first phase's is also the run's `rpo`). */
  rpo?: RpoState;
  /** Why this phase's RPO has no figure, when the run said so (`heartbeat.stopped`, "RPO not measured: …"). */
  rpoNotMeasured?: string;
}

/** How a `heartbeat.stopped` reason starts when it says why an RPO has no figure. */
export const RPO_NOT_MEASURED = 'RPO not measured: ';

/** A measured RPO as journaled (`rpo.measured`). */
export interface RpoState {
  seconds: number;
  source: 'heartbeat' | 'snapshot' | 'replica-lag';
  detail?: Record<string, unknown>;
  unverified?: string;
}

/** The state of a run: a pure fold over its journal. */
export interface RunState {
  meta: RunStartedEvent;
  startedAt: number;
  phase: 'running' | 'paused' | 'verifying' | 'compensating' | 'completed';
  mode: FailoverMode;
  steps: Record<string, StepState>;
  /** Steps in the order they succeeded: compensations run in reverse. */
  completionOrder: string[];
  disasterAt?: number;
  /** Measured phases, the first one starting at the disaster. Top-level `restored*` mirror the first. */
  phases: PhaseState[];
  restoredAt?: number;
  restoredSource?: 'health-probe' | 'step';
  restoredByStep?: string;
  rpo?: RpoState;
  approvals: ApprovalRecord[];
  /** Every operator action, in order. */
  operatorActions: OperatorActionRecord[];
  /** Observed moments (see `RunProbes.observers`), by name. */
  observations: Record<string, { target: string; reachedAt: number; detail?: string }>;
  heartbeats: { written: number; failed: number; lastSeq: number; lastOkSeq?: number; lastOkAt?: number; stopped: boolean };
  healthChecks: { at: number; healthy: boolean }[];
  status?: RunStatus;
  error?: ErrorInfo;
  endedAt?: number;
  lastEventAt: number;
  lastSeq: number;
}

/** The empty state a journal's first event (`run.started`) creates. */
export function initialRunState(started: RunStartedEvent & { at: number; seq: number }): RunState {
  const steps: Record<string, StepState> = {};
  for (const s of started.steps) steps[s.id] = { id: s.id, status: 'pending', attempts: 0 };
  return {
    meta: started,
    startedAt: started.at,
    phase: 'running',
    mode: started.mode,
    steps,
    completionOrder: [],
    phases: [],
    approvals: [],
    operatorActions: [],
    observations: {},
    heartbeats: { written: 0, failed: 0, lastSeq: 0, stopped: false },
    healthChecks: [],
    lastEventAt: started.at,
    lastSeq: started.seq,
  };
}

function endStep(step: StepState, status: StepStatus, at: number): void {
  step.status = status;
  step.endedAt = at;
}

/** Applies one event to `state` (in place, for speed on 10k-step runs) and returns it. */
export function applyJournalEvent(state: RunState, event: JournalEvent): RunState {
  state.lastEventAt = event.at;
  state.lastSeq = event.seq;
  const step = 'stepId' in event && event.stepId !== undefined ? state.steps[event.stepId] : undefined;
  switch (event.type) {
    case 'run.started':
    case 'run.resumed':
    case 'step.log':
    case 'approval.requested':
      break;
    case 'operator.action':
      state.operatorActions.push({ action: event.action, by: event.by, at: event.at, ...(event.stepId ? { stepId: event.stepId } : {}), ...(event.note ? { note: event.note } : {}) });
      break;
    case 'step.ready':
      if (step) step.readySince ??= event.at;
      break;
    case 'run.state':
      state.phase = event.state === 'preflight' || event.state === 'steady-state' ? 'running' : event.state;
      break;
    case 'run.completed':
      state.phase = 'completed';
      state.status = event.status;
      if (event.error) state.error = event.error;
      state.endedAt = event.at;
      break;
    case 'mode.switched':
      state.mode = event.to;
      break;
    case 'disaster.declared':
      if (state.disasterAt !== undefined) break;
      state.disasterAt = event.at;
      state.phases.unshift({ name: state.meta.operation === 'failback' ? 'failback' : 'failover', startedAt: event.at });
      break;
    case 'phase.started':
      if (!state.phases.some((p) => p.name === event.phase)) state.phases.push({ name: event.phase, startedAt: event.at });
      break;
    case 'step.started':
      if (!step) break;
      // A retry of a failed step: its attempts so far stay counted.
      if (step.status === 'failed') step.attemptsBefore = step.attempts;
      step.status = 'running';
      step.startedAt ??= event.at;
      break;
    case 'step.checked':
      break;
    case 'step.attempt-failed':
      if (step) step.attempts = Math.max(step.attempts, (step.attemptsBefore ?? 0) + event.attempt);
      break;
    case 'step.progress':
      if (step) step.progress = event.progress;
      break;
    case 'step.waiting':
      if (!step) break;
      step.status = 'waiting';
      step.waitingSince ??= event.at;
      break;
    case 'step.succeeded':
      if (!step) break;
      endStep(step, 'succeeded', event.at);
      step.attempts = (step.attemptsBefore ?? 0) + event.attempts;
      step.result = event.result;
      if (event.calls) step.calls = event.calls;
      if (event.by) step.by = event.by;
      delete step.error;
      state.completionOrder.push(step.id);
      break;
    case 'step.failed':
      if (!step) break;
      endStep(step, 'failed', event.at);
      step.attempts = (step.attemptsBefore ?? 0) + event.attempts;
      step.error = event.error;
      if (event.calls) step.calls = event.calls;
      break;
    case 'step.skipped':
      if (!step) break;
      endStep(step, 'skipped', event.at);
      step.skippedReason = event.reason;
      if (event.by) step.by = event.by;
      break;
    case 'approval.granted':
      state.approvals.push({ stepId: event.stepId, by: event.by, at: event.at, waitedMs: event.waitedMs });
      break;
    case 'compensation.started':
      break;
    case 'compensation.succeeded':
      if (step) step.status = 'compensated';
      state.completionOrder = state.completionOrder.filter((id) => id !== event.stepId);
      break;
    case 'compensation.failed':
      if (step) step.error = event.error;
      break;
    case 'probe.health':
      state.healthChecks.push({ at: event.at, healthy: event.healthy });
      break;
    case 'service.restored': {
      const phase = event.phase === undefined ? state.phases[0] : state.phases.find((p) => p.name === event.phase);
      // A health probe's first restoration stands; without one, the last step that restores service sets it.
      if (!phase || phase.restoredSource === 'health-probe') break;
      phase.restoredAt = event.restoredAt;
      phase.restoredSource = event.source;
      if (event.stepId) phase.restoredByStep = event.stepId;
      if (phase === state.phases[0]) {
        state.restoredAt = phase.restoredAt;
        state.restoredSource = phase.restoredSource;
        if (event.stepId) state.restoredByStep = event.stepId;
      }
      break;
    }
    case 'heartbeat.written':
      state.heartbeats.lastSeq = Math.max(state.heartbeats.lastSeq, event.beat);
      if (event.ok) {
        state.heartbeats.written++;
        state.heartbeats.lastOkSeq = event.beat;
        state.heartbeats.lastOkAt = event.at;
      } else state.heartbeats.failed++;
      break;
    case 'observation.reached':
      state.observations[event.name] ??= { target: event.target, reachedAt: event.reachedAt, ...(event.detail ? { detail: event.detail } : {}) };
      break;
    case 'heartbeat.stopped': {
      state.heartbeats.stopped = true;
      const phase = event.phase === undefined ? state.phases[0] : state.phases.find((p) => p.name === event.phase);
      if (phase && event.reason.startsWith(RPO_NOT_MEASURED)) phase.rpoNotMeasured = event.reason;
      break;
    }
    case 'heartbeat.started':
      state.heartbeats.stopped = false;
      break;
    case 'rpo.measured': {
      const rpo: RpoState = { seconds: event.seconds, source: event.source, ...(event.detail ? { detail: event.detail } : {}), ...(event.unverified ? { unverified: event.unverified } : {}) };
      const first = state.phases[0];
      const phase = event.phase === undefined ? first : state.phases.find((p) => p.name === event.phase);
      if (event.phase === undefined || phase === first) state.rpo = rpo;
      if (phase) phase.rpo = rpo;
      break;
    }
  }
  return state;
}

/**
 * Folds a journal into the run's state. The journal must start with `run.started`.
 * @throws Error when the journal is empty or does not start with `run.started`.
 */
export function foldJournal(events: readonly JournalEvent[]): RunState {
  const first = events[0];
  if (!first || first.type !== 'run.started') throw new Error('journal does not start with run.started; it is not a Firedrill run journal');
  const state = initialRunState(first);
  for (let i = 1; i < events.length; i++) applyJournalEvent(state, events[i]!);
  return state;
}
