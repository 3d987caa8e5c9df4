import type { ErrorInfo } from './errors.js';
import type { FailoverMode, StepKind } from './step.js';

/** Operations Firedrill runs. */
export type Operation = 'check' | 'failover' | 'failback' | 'drill';

/** Final status of a run. */
export type RunStatus = 'succeeded' | 'failed' | 'rolled-back' | 'aborted';

/** Status of a step, as folded from the journal. */
export type StepStatus = 'pending' | 'running' | 'waiting' | 'succeeded' | 'failed' | 'skipped' | 'compensated';

/** The step graph as recorded in the journal: enough to rebuild the report and the scheduler. */
export interface JournalStepInfo {
  id: string;
  title: string;
  kind: StepKind;
  dependsOn: string[];
  restoresService?: boolean;
  declaresDisaster?: boolean;
  promotesData?: boolean;
  bringsUpDrillCopy?: boolean;
  beginsPhase?: string;
  modes?: FailoverMode[];
  hasCompensation?: boolean;
}

/** The plan's objectives for a run. */
export interface RunObjectives {
  rtoMs?: number;
  rpoMs?: number;
  /**
   * Set when the run measures its RTO on a path a failover would not take (an isolated drill of a standby brings a
   * copy up from a snapshot; a failover promotes the replica): the RTO is reported with this note and not judged
   * against `rtoMs`, so a drill is not failed (or passed) on a figure that is not the failover's.
   */
  rtoNotJudged?: string;
}

/** Run metadata written first in every journal. */
export interface RunStartedEvent {
  type: 'run.started';
  runId: string;
  plan: string;
  strategy: string;
  operation: Operation;
  mode: FailoverMode;
  drill?: 'isolated' | 'live';
  target: string;
  clock: 'real' | 'virtual';
  objectives: RunObjectives;
  concurrency: number;
  /**
   * Step-through (interactive runbook): every ready step waits for an operator to run, skip or mark it
   * done. Kept in the journal so a resumed run is stepped through too.
   */
  stepThrough?: boolean;
  rollback: 'on-failure' | 'always' | 'never';
  probes: { health?: { interval: number; consecutive: number }; heartbeat?: { interval: number }; phaseHealth?: Record<string, { interval: number; consecutive: number }> };
  steps: JournalStepInfo[];
  /** The plan as the user wrote it, so a resume in another process can rebuild the step graph. */
  planInput?: unknown;
  /** Free-form data the strategy needs to rebuild the graph (resource names, scenario, …). */
  context?: Record<string, unknown>;
}

/** Who did what, for operator actions. */
export interface OperatorInfo {
  by: string;
  note?: string;
}

/** Every event a run journals. `seq` and `at` (epoch ms on the run's clock) are added by the journal. */
export type JournalEventBody =
  | RunStartedEvent
  | { type: 'run.resumed'; pid?: number }
  | { type: 'run.state'; state: 'preflight' | 'steady-state' | 'running' | 'paused' | 'verifying' | 'compensating'; untilMs?: number }
  | { type: 'run.completed'; status: RunStatus; error?: ErrorInfo }
  | { type: 'operator.action'; action: OperatorAction; stepId?: string; by: string; note?: string }
  | { type: 'mode.switched'; from: FailoverMode; to: FailoverMode; by: string }
  | { type: 'disaster.declared'; source: 'run-start' | 'step'; stepId?: string }
  | { type: 'phase.started'; phase: string; stepId?: string }
  | { type: 'step.ready'; stepId: string }
  | { type: 'step.started'; stepId: string; recheck?: boolean }
  | { type: 'step.checked'; stepId: string; applied: boolean; note?: string }
  | { type: 'step.attempt-failed'; stepId: string; attempt: number; error: ErrorInfo; retryInMs?: number }
  | { type: 'step.progress'; stepId: string; progress: string }
  | { type: 'step.log'; stepId: string; message: string }
  | { type: 'step.waiting'; stepId: string; reason: 'approval' | 'manual' }
  | { type: 'step.succeeded'; stepId: string; result?: unknown; attempts: number; calls?: CallCounts; by?: string }
  | { type: 'step.failed'; stepId: string; error: ErrorInfo; attempts: number; calls?: CallCounts }
  | { type: 'step.skipped'; stepId: string; reason: string; by?: string }
  | { type: 'approval.requested'; stepId: string; approvers?: string[] }
  | { type: 'approval.granted'; stepId: string; by: string; waitedMs: number }
  | { type: 'compensation.started'; stepId: string }
  | { type: 'compensation.succeeded'; stepId: string }
  | { type: 'compensation.failed'; stepId: string; error: ErrorInfo }
  | { type: 'probe.health'; healthy: boolean; detail?: string }
  | { type: 'service.restored'; source: 'health-probe' | 'step'; stepId?: string; restoredAt: number; phase?: string }
  | { type: 'observation.reached'; name: string; target: string; reachedAt: number; detail?: string }
  | {
      type: 'heartbeat.written';
      /** The heartbeat's own sequence number (`seq` is the journal's). */
      beat: number;
      /** The heartbeat's own timestamp, as written to the store (the event's `at` is when the store answered). */
      beatAt?: number;
      ok: boolean;
      error?: string;
    }
  /**
   * Heartbeats stop (`verifying`, a promotion). A `reason` starting "RPO not measured:" says why a phase's RPO has
   * no figure; `phase` names a later phase (absent: the first, the run's own).
   */
  | { type: 'heartbeat.stopped'; reason: string; phase?: string }
  /** Heartbeats start again for a later phase (a live drill's failback writes to the store it will move). */
  | { type: 'heartbeat.started'; phase: string }
  | {
      type: 'rpo.measured';
      seconds: number;
      source: 'heartbeat' | 'snapshot' | 'replica-lag';
      detail?: Record<string, unknown>;
      /** The phase measured (a live drill's `failback`); absent: the first phase, the run's own RPO. */
      phase?: string;
      /**
       * Set when `seconds` rests on something Firedrill could not check (writes stopped by a step a person marked
       * done): why. The report then gives no figure (`seconds: null`, `verified: false`).
       */
      unverified?: string;
    };

/** Operator controls, as journaled. */
export type OperatorAction = 'run' | 'pause' | 'resume' | 'skip' | 'retry' | 'approve' | 'mark-done' | 'abort' | 'switch-mode' | 'leave';

/** API calls made by a step. */
export interface CallCounts {
  total: number;
  throttled: number;
  byService: Record<string, number>;
}

/** A journal line. */
export type JournalEvent = JournalEventBody & { seq: number; at: number };

/** The event type names. */
export type JournalEventType = JournalEventBody['type'];
