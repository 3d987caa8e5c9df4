import { assign, fromPromise, setup } from 'xstate';
import { linkAbort } from './abort-link.js';
import { StepFailure, toErrorInfo } from './errors.js';
import type { JournalEvent, JournalEventBody } from './journal-events.js';
import type { StepEnvironment } from './step-executor.js';
import { executeAutomatedStep } from './step-executor.js';
import type { StepDefinition } from './step.js';

/** What a step actor needs: its definition, how it starts, and the run it belongs to. */
export interface StepActorInput {
  step: StepDefinition;
  env: StepEnvironment;
  /** `run`: execute (or wait for a human); `skip`: record a skip at once; `confirm`: done by hand. */
  start: 'run' | 'skip' | 'confirm';
  /** The step was started before a crash and never finished: re-check before acting. */
  recheck: boolean;
  /** Why, for `start: 'skip'`. */
  skipReason?: string;
  by?: string;
}

/** Operator events a step actor understands. */
export type StepActorEvent =
  | { type: 'SKIP'; by: string; reason: string }
  | { type: 'APPROVE'; by: string }
  | { type: 'MARK_DONE'; by: string };

/** The event a step actor sends its run when it ends. */
export interface StepEndedEvent {
  type: 'STEP.ENDED';
  stepId: string;
  status: 'succeeded' | 'failed' | 'skipped';
  error?: unknown;
}

interface StepActorContext extends StepActorInput {
  error?: unknown;
  waitingSince?: number;
}

const record = (env: StepEnvironment, event: JournalEventBody): Promise<JournalEvent> => env.record(event);

/**
 * The lifecycle of one step: pending → running → (waiting) → succeeded | failed | skipped.
 * Automated steps run in `running`; manual and approval steps are announced and then `waiting` for a human.
 * A skip or a "done by hand" while running stops the invoked actor, which aborts its signal, so the AWS call
 * in flight is cancelled. Every journal write lives in a named promise actor, so state changes are pure.
 */
export const stepMachine = setup({
  types: {
    input: {} as StepActorInput,
    context: {} as StepActorContext,
    events: {} as StepActorEvent,
  },
  actors: {
    executeStep: fromPromise<void, StepActorContext>(async ({ input, signal }) => {
      const step = input.step;
      if (step.kind === 'manual' || step.kind === 'approval') throw new Error(`step ${step.id} needs a human`);
      // Stopping this actor (skip, done by hand) or aborting the run both cancel the step's calls.
      const { controller, dispose } = linkAbort(input.env.runSignal);
      const forward = (): void => controller.abort(signal.reason);
      signal.addEventListener('abort', forward, { once: true });
      try {
        await executeAutomatedStep(input.env, step, controller.signal, input.recheck);
      } finally {
        dispose();
        signal.removeEventListener('abort', forward);
      }
    }),
    announceStep: fromPromise<number, StepActorContext>(async ({ input }) => {
      const { step, env } = input;
      const started = await record(env, { type: 'step.started', stepId: step.id });
      if (step.declaresDisaster) await env.declareDisaster(step.id);
      if (step.beginsPhase) await env.beginPhase(step.beginsPhase, step.id);
      await record(env, { type: 'step.waiting', stepId: step.id, reason: step.kind === 'approval' ? 'approval' : 'manual' });
      if (step.kind === 'approval') {
        const approvers = step.approvers && step.approvers.length > 0 ? { approvers: [...step.approvers] } : {};
        await record(env, { type: 'approval.requested', stepId: step.id, ...approvers });
      }
      // An approval requested before a crash keeps its original request time.
      return env.state.steps[step.id]?.waitingSince ?? started.at;
    }),
    confirmStep: fromPromise<void, StepActorContext & { by: string }>(async ({ input }) => {
      const { step, env, by } = input;
      if (step.kind === 'approval') {
        const waitedMs = env.clock.now() - (input.waitingSince ?? env.clock.now());
        await record(env, { type: 'approval.granted', stepId: step.id, by, waitedMs });
      }
      await record(env, { type: 'step.succeeded', stepId: step.id, attempts: 1, by });
      await env.afterStepSucceeded(step, undefined);
    }),
    approvalDeadline: fromPromise<void, StepActorContext>(async ({ input, signal }) => {
      const step = input.step;
      if (step.kind !== 'approval' || step.expiresAfterMs === undefined) return new Promise<void>(() => {});
      const waited = input.env.clock.now() - (input.waitingSince ?? input.env.clock.now());
      await input.env.clock.sleep(Math.max(0, step.expiresAfterMs - waited), signal);
      const error = new StepFailure(`nobody approved "${step.title}" within ${Math.round(step.expiresAfterMs / 60_000)}m`, { code: 'ApprovalExpired', retryable: false });
      await record(input.env, { type: 'step.failed', stepId: step.id, error: toErrorInfo(error), attempts: 1 });
      throw error;
    }),
    recordSkip: fromPromise<void, StepActorContext>(async ({ input }) => {
      await record(input.env, { type: 'step.skipped', stepId: input.step.id, reason: input.skipReason ?? 'skipped', ...(input.by ? { by: input.by } : {}) });
    }),
  },
  guards: {
    startsSkipped: ({ context }) => context.start === 'skip',
    startsConfirmed: ({ context }) => context.start === 'confirm',
    needsHuman: ({ context }) => context.step.kind === 'manual' || context.step.kind === 'approval',
    mayApprove: ({ context, event }) =>
      event.type === 'APPROVE' &&
      context.step.kind === 'approval' &&
      (!context.step.approvers?.length || context.step.approvers.includes(event.by)),
    isManualOrRunning: ({ context }) => context.step.kind !== 'approval',
  },
  actions: {
    rememberSkip: assign(({ event }) => (event.type === 'SKIP' ? { skipReason: event.reason, by: event.by } : {})),
    rememberConfirmer: assign(({ event }) => ('by' in event ? { by: event.by } : {})),
    reportEnd: ({ context }, params: { status: StepEndedEvent['status'] }) =>
      context.env.stepEnded({
        type: 'STEP.ENDED',
        stepId: context.step.id,
        status: params.status,
        ...(params.status === 'failed' ? { error: context.error } : {}),
      }),
  },
}).createMachine({
  id: 'step',
  context: ({ input }) => ({ ...input }),
  initial: 'pending',
  states: {
    pending: {
      always: [
        { guard: 'startsSkipped', target: 'skipping' },
        { guard: 'startsConfirmed', target: 'confirming' },
        { guard: 'needsHuman', target: 'announcing' },
        { target: 'running' },
      ],
    },
    running: {
      invoke: {
        src: 'executeStep',
        input: ({ context }) => context,
        onDone: 'succeeded',
        onError: { target: 'failed', actions: assign({ error: ({ event }) => event.error }) },
      },
      on: {
        SKIP: { target: 'skipping', actions: 'rememberSkip' },
        MARK_DONE: { target: 'confirming', actions: 'rememberConfirmer' },
      },
    },
    announcing: {
      invoke: {
        src: 'announceStep',
        input: ({ context }) => context,
        onDone: { target: 'waiting', actions: assign({ waitingSince: ({ event }) => event.output }) },
        onError: { target: 'failed', actions: assign({ error: ({ event }) => event.error }) },
      },
    },
    waiting: {
      invoke: {
        src: 'approvalDeadline',
        input: ({ context }) => context,
        onError: { target: 'failed', actions: assign({ error: ({ event }) => event.error }) },
      },
      on: {
        APPROVE: { guard: 'mayApprove', target: 'confirming', actions: 'rememberConfirmer' },
        MARK_DONE: { guard: 'isManualOrRunning', target: 'confirming', actions: 'rememberConfirmer' },
        SKIP: { target: 'skipping', actions: 'rememberSkip' },
      },
    },
    confirming: {
      invoke: {
        src: 'confirmStep',
        input: ({ context }) => ({ ...context, by: context.by ?? 'operator' }),
        onDone: 'succeeded',
        onError: { target: 'failed', actions: assign({ error: ({ event }) => event.error }) },
      },
    },
    skipping: {
      invoke: {
        src: 'recordSkip',
        input: ({ context }) => context,
        onDone: 'skipped',
        onError: { target: 'failed', actions: assign({ error: ({ event }) => event.error }) },
      },
    },
    succeeded: { type: 'final', entry: { type: 'reportEnd', params: { status: 'succeeded' } } },
    failed: { type: 'final', entry: { type: 'reportEnd', params: { status: 'failed' } } },
    skipped: { type: 'final', entry: { type: 'reportEnd', params: { status: 'skipped' } } },
  },
});
