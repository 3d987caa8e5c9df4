import type { CallPreview, StepKind } from '@firedrill/core';

/** What the operator is being asked about. */
export type PromptKind =
  /** A step is ready: run it, skip it, or say it was done by hand. */
  | 'ready'
  /** A step failed and the run holds for a decision. */
  | 'failed'
  /** An approval step waits for someone to approve it. */
  | 'approval'
  /** A manual step waits for a person to do it and confirm. */
  | 'manual'
  /** The primary looks unreachable during a graceful failover. */
  | 'primary-unreachable'
  /** The run is paused. */
  | 'paused';

/** Everything the operator can answer. Each prompt offers a subset. */
export type OperatorChoice =
  | 'run'
  | 'skip'
  | 'done'
  | 'retry'
  | 'approve'
  | 'ungraceful'
  | 'wait'
  | 'pause'
  | 'resume'
  | 'abort'
  | 'quit';

/** The step a prompt is about, as the operator needs to see it. */
export interface StepView {
  id: string;
  title: string;
  kind: StepKind;
  /** Why the step exists. */
  why?: string;
  /** The exact AWS calls it will make (service, region, command, input). */
  calls: CallPreview[];
  /** For manual steps: what to do by hand. */
  instruction?: string;
  /** For approval steps: who may approve (empty: anyone). */
  approvers?: string[];
  /** For failed steps: the error, and how many attempts were made. */
  error?: { message: string; code?: string };
  attempts?: number;
  /** Latest progress note (waits), e.g. "replication stopped …". */
  progress?: string;
}

/** One question to the operator. */
export interface OperatorPrompt {
  kind: PromptKind;
  /** The step it is about (not for `paused`). */
  step?: StepView;
  /** What the operator may answer, in the order to show them. */
  choices: OperatorChoice[];
  /** Context for the operator: the run, its mode, what is running now. */
  run: { runId: string; plan: string; operation: string; mode: string; running: string[] };
  /** Why this prompt was raised (e.g. the evidence that the primary is unreachable). */
  reason?: string;
}

/** The operator's answer. `by` names who decided (required for approvals); `note` is kept in the journal. */
export interface OperatorDecision {
  choice: OperatorChoice;
  by?: string;
  note?: string;
}

/**
 * The person (or script) stepping through a runbook. The terminal implementation asks on a TTY; the
 * scripted one answers from a list, for tests and chat-ops bots. Everything decided is journaled by the
 * driver with who and when.
 */
export interface RunbookOperator {
  /** Who is at the keyboard; recorded for every action that does not name someone else. */
  readonly name: string;
  /**
   * A person deciding at their own pace: on a virtual clock, simulated time stands still while they think
   * (otherwise it would race through every pending timer). A script that acts before answering (a console
   * action through the SDK) needs time to pass, so it leaves this unset.
   */
  readonly thinksInRealTime?: boolean;
  /** Asks one question and resolves with the answer. Must answer with one of `prompt.choices`. */
  decide(prompt: OperatorPrompt): Promise<OperatorDecision>;
  /** Shows a line (progress, a refused action); never asks. */
  show(line: string): void;
  /**
   * Settles when the person asks to stop while no question is open (Ctrl-C as steps run): the runbook then leaves
   * the run, resumable, as quitting at a question does.
   */
  readonly interrupted?: Promise<void>;
  /** Releases the terminal or whatever the operator holds. */
  close(): void;
}

/** One-line descriptions of each choice, for menus and help. */
export const CHOICE_LABELS: Record<OperatorChoice, string> = {
  run: 'run it now',
  skip: 'skip it (its dependants go on)',
  done: 'mark done by hand (I did it myself)',
  retry: 'retry the step',
  approve: 'approve (you will be asked your name)',
  ungraceful: 'switch the failover to ungraceful (promote what has replicated)',
  wait: 'wait: let the running steps go on and ask again when something changes',
  pause: 'pause the run (nothing new starts)',
  resume: 'resume the run',
  abort: 'abort the run',
  quit: 'quit for now: the run is kept; `firedrill resume <run-id>` continues here',
};
