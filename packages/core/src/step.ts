import type { Clock } from './clock.js';
import type { PollOutcome } from './poll.js';
import type { StepPolicy } from './policy.js';

/** What a step does. */
export type StepKind = 'action' | 'wait' | 'manual' | 'approval' | 'probe';

/** Failover mode: planned (fence, catch up, promote) or unplanned (promote what survived). */
export type FailoverMode = 'graceful' | 'ungraceful';

/** One AWS call (or console action) a step will make, for dry runs and the paper runbook. */
export interface CallPreview {
  service: string;
  region?: string;
  command: string;
  input?: Record<string, unknown>;
  /** IAM action(s) the call needs, e.g. `rds:PromoteReadReplica`. */
  iamActions?: string[];
}

/** A call the step made, recorded by the AWS layer through {@link StepContext.recordCall}. */
export interface CallRecord {
  service: string;
  region?: string;
  command: string;
  /** `ok` or the error code. */
  outcome: string;
  throttled?: boolean;
}

/** What {@link ActionStep.check} found: the effect is already in place, or not yet. */
export type CheckResult<T = unknown> = { applied: true; result?: T; note?: string } | { applied: false };

/** Everything step code receives. */
export interface StepContext {
  readonly runId: string;
  readonly stepId: string;
  /** 1-based attempt number within this execution of the step. */
  readonly attempt: number;
  /** Aborted when the run aborts, the step times out, or the operator skips it: pass it to every call. */
  readonly signal: AbortSignal;
  readonly clock: Clock;
  /** The run's current failover mode (may change from graceful to ungraceful while the run goes on). */
  readonly mode: FailoverMode;
  /**
   * A token that is the same every time this step is executed in this run — across retries and across a
   * resume in another process — for APIs with idempotency tokens (EC2 `ClientToken`, Route 53
   * `CallerReference`). At most 64 characters of `[a-z0-9-]`.
   */
  idempotencyToken(purpose?: string): string;
  /** Results of finished steps, by step id (from the journal, so they survive a resume). */
  resultOf<T = unknown>(stepId: string): T | undefined;
  /** Counts an API call against this step (the AWS layer calls it). */
  recordCall(call: CallRecord): void;
  /** A note for the journal (shown by the interactive runbook). */
  log(message: string): void;
  /**
   * What a wait sees now, while its poll is still running (an `awsWaitStep` does a whole AWS wait in one poll):
   * if the wait runs out of its `timeout`, the timeout names the last state noted ("last seen: modifying").
   */
  noteProgress(progress: string): void;
  /**
   * True while a step that a crash cut off is re-checked on resume: its effect may have landed without its
   * result (say, the id of a change to wait for) reaching the journal.
   */
  readonly recheck?: boolean;
}

interface StepBase {
  /** Unique within the graph; kebab-case (`promote-database`). */
  id: string;
  /** One line for people: "Promote tracking-db-replica in us-west-2". */
  title: string;
  /** Why this step exists, for the runbook. */
  why?: string;
  /** Ids of steps that must succeed (or be skipped) before this one starts. */
  dependsOn?: readonly string[];
  policy?: StepPolicy;
  /** Run only in these failover modes; switched-out pending steps are skipped. @default both */
  modes?: readonly FailoverMode[];
  /**
   * A safety check the rest of the run must not go past unless it passes (a failback confirming that a failover
   * happened): an operator cannot skip it or mark it done — only retry it, abort or leave the run.
   */
  guard?: boolean;
  /** The end of this step restores service (used for RTO when no health probe is configured). */
  restoresService?: boolean;
  /** The disaster is declared (or injected) when this step starts: t_disaster for RTO and RPO. */
  declaresDisaster?: boolean;
  /**
   * Starts a new measured phase when this step starts (a live drill's `failback`): its start is the phase's
   * t_disaster, and the phase's own health probe (`probes.phaseHealth[phase]`) or its last `restoresService`
   * step gives its t_restored. The first phase (`failover`, or `failback` for a failback run) begins with the
   * disaster.
   */
  beginsPhase?: string;
  /** Heartbeats stop before this step starts (it promotes a new writer; later writes would mask loss). */
  promotesData?: boolean;
  /**
   * An isolated drill's step whose result names the copy of the data it brought up (`{ drillCopy }`, see
   * `DrillCopyResult`): the drill's RPO is read on that copy as soon as the step succeeds, before cleanup, and
   * never on the production writer (which the drill does not move).
   */
  bringsUpDrillCopy?: boolean;
  /** Exact calls this step makes, for `plan` and `render`. */
  preview?: () => CallPreview[];
  /** How to verify by hand, and how to undo by hand, for the printable runbook. */
  verifyByHand?: string;
  undoByHand?: string;
  /**
   * Undo this step's effect; run in reverse order of completion when the run rolls back. Must be
   * idempotent (check-then-act) like `act`.
   */
  compensate?: (ctx: StepContext) => Promise<void>;
}

/**
 * A step that changes the world. **The check-then-act contract**: `check` looks at the world and says
 * whether the effect is already in place; `act` makes it so. The engine always calls `check` before
 * `act`, on every attempt and on resume, so a step that was started before a crash is re-checked and
 * never blindly re-executed. `act` must pass {@link StepContext.idempotencyToken} to APIs that take one.
 */
export interface ActionStep<T = unknown> extends StepBase {
  kind: 'action';
  check?: (ctx: StepContext) => Promise<CheckResult<T>>;
  act: (ctx: StepContext) => Promise<T>;
}

/** A step that polls a condition until it holds, with the policy's bounded adaptive intervals. */
export interface WaitStep<T = unknown> extends StepBase {
  kind: 'wait';
  poll: (ctx: StepContext) => Promise<PollOutcome<T>>;
}

/** A step a human does and confirms (`markDone`). */
export interface ManualStep extends StepBase {
  kind: 'manual';
  instruction: string;
}

/** A step that holds its dependants until someone approves. */
export interface ApprovalStep extends StepBase {
  kind: 'approval';
  /** Who may approve; empty means anyone. */
  approvers?: readonly string[];
  /** Fail the step (and so the run) when nobody approves within this many milliseconds. */
  expiresAfterMs?: number;
}

/** A step that measures; its result is kept in the report. A probe step that returns `rpo` sets the RPO. */
export interface ProbeStep<T = unknown> extends StepBase {
  kind: 'probe';
  measure: (ctx: StepContext) => Promise<T>;
}

/** Any step. */
export type StepDefinition = ActionStep | WaitStep | ManualStep | ApprovalStep | ProbeStep;
