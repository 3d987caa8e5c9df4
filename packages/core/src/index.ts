export { type Clock, type VirtualClockOptions, realClock, VirtualClock } from './clock.js';
export { type Duration, formatDuration, isDurationText, parseDuration } from './duration.js';
export {
  type ErrorInfo,
  errorCode,
  RunAbortedError,
  StepFailure,
  type StepFailureOptions,
  StepTimeoutFailure,
  toErrorInfo,
  WaitFailedFailure,
} from './errors.js';
export {
  DEFAULT_STEP_POLICY,
  type PollPolicy,
  type ResolvedPollPolicy,
  type ResolvedRetryPolicy,
  type ResolvedStepPolicy,
  resolveStepPolicy,
  type RetryPolicy,
  type StepPolicy,
} from './policy.js';
export { type PollOptions, type PollOutcome, pollUntil } from './poll.js';
export { backoffDelay, isRetryableError, type RetryOptions, retryWithPolicy } from './retry.js';
export { approvalStepId, withApprovalGates } from './approval-gates.js';
export { recordCallInCurrentStep, withCallSink } from './call-attribution.js';
export { idempotencyToken } from './idempotency-token.js';
export { FileJournal, type FileJournalOptions, type Journal, MemoryJournal, readJournalFile } from './journal.js';
export type {
  CallCounts,
  JournalEvent,
  JournalEventBody,
  JournalEventType,
  JournalStepInfo,
  Operation,
  OperatorAction,
  RunObjectives,
  RunStartedEvent,
  RunStatus,
  StepStatus,
} from './journal-events.js';
export { criticalPath, type CriticalPathEntry, measureRto, type RtoMeasurement } from './measure.js';
export type { DataStoreLocation, DrillCopyResult, HealthObservation, HealthProbe, Heartbeat, HeartbeatProbe, RpoEvidence, RunProbes } from './probes.js';
export { drillCopyOf } from './probes.js';
export { buildReport, type ObjectiveResult, reportFromState, type ReportPhase, type ReportRpo, type ReportStep, type RunReport } from './report.js';
export { OperatorError, RunControls } from './run-controls.js';
export { type RunEventListener, RunEventStream } from './run-events.js';
export { acquireRunLock, type RunLock, RunLockedError, type RunLockOwner } from './run-lock.js';
export { type ApprovalRecord, applyJournalEvent, foldJournal, type PhaseState, type RpoState, type RunState, type StepState } from './run-state.js';
export { newRunId } from './run-id.js';
export { FileRunStore, RunIdTakenError } from './run-store.js';
export { type ResumeRunOptions, resumeRun, type Run, type RunSubject, startRun, type StartRunOptions } from './run.js';
export { buildStepGraph, type StepGraph, StepGraphError } from './step-graph.js';
export type {
  ActionStep,
  ApprovalStep,
  CallPreview,
  CallRecord,
  CheckResult,
  FailoverMode,
  ManualStep,
  ProbeStep,
  StepContext,
  StepDefinition,
  StepKind,
  WaitStep,
} from './step.js';
export * from './plan/index.js';
export { cronFirings, nextCronTime, previousCronTime } from './cron.js';
