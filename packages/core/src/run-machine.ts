import { assign, enqueueActions, fromPromise, setup } from 'xstate';
import type { RunStatus } from './journal-events.js';
import type { StepActorEvent, StepActorInput, StepEndedEvent } from './step-machine.js';
import type { StepScheduler } from './step-scheduler.js';
import type { FailoverMode, StepDefinition } from './step.js';

/** What to do with completed steps when a run fails or ends. */
export type RollbackStrategy = 'on-failure' | 'always' | 'never';

/** The side of the engine the run machine drives: every side effect lives behind it. */
export interface RunMachineEngine {
  readonly scheduler: StepScheduler;
  readonly concurrency: number;
  readonly holdOnFailure: boolean;
  /** Every ready step waits for the operator (`RUN_STEP`, a skip or a mark-done) before it starts. */
  readonly stepThrough: boolean;
  readonly rollback: RollbackStrategy;
  step(stepId: string): StepDefinition;
  mode(): FailoverMode;
  /** Steps that were started before a crash and never finished (consumed: the step is re-checked once). */
  needsRecheck(stepId: string): boolean;
  /** Whether a step was started before a crash (or an operator leaving) and never finished; not consumed. */
  wasCutOff(stepId: string): boolean;
  stepInput(step: StepDefinition, start: StepActorInput['start'], extra?: Partial<StepActorInput>): StepActorInput;
  /** Step-through: journals that a ready step now waits for the operator. */
  announceReady(stepId: string): void;
  /** Starts a step actor (a {@link stepMachine}); it reports back with `STEP.ENDED`. */
  launchStep(input: StepActorInput): void;
  /** Delivers an operator event to a step's live actor; false when it has none. */
  sendToStep(stepId: string, event: StepActorEvent): boolean;
  /** Ids of steps with a live actor. */
  runningSteps(): string[];
  preflight(): Promise<void>;
  verify(): Promise<void>;
  /** Runs the compensations of completed steps; resolves to how many ran. */
  compensate(): Promise<number>;
  interrupt(): Promise<void>;
  finish(status: RunStatus, error?: unknown): Promise<void>;
}

/** Operator and internal events of a run. */
export type RunMachineEvent =
  | StepEndedEvent
  | { type: 'RUN_STEP'; stepId: string }
  | { type: 'PAUSE' }
  | { type: 'RESUME' }
  | { type: 'SKIP'; stepId: string; by: string; reason: string }
  | { type: 'RETRY'; stepId: string }
  | { type: 'APPROVE'; stepId: string; by: string }
  | { type: 'MARK_DONE'; stepId: string; by: string }
  | { type: 'MODE_SWITCHED' }
  | { type: 'ABORT' };

interface RunMachineContext {
  engine: RunMachineEngine;
  /** Whether the steps all succeeded before any rollback ran. */
  completed: boolean;
  aborted: boolean;
  paused: boolean;
  status?: RunStatus;
  error?: unknown;
}

/**
 * The run lifecycle: preflight → running (active ⇄ paused) → verifying → succeeded; on failure →
 * compensating → rolled back / failed; aborted. Each step runs as its own step-lifecycle actor, at most
 * `concurrency` at a time, in dependency order. Step actors are owned by the engine rather than spawned as
 * children: xstate copies a machine's children map on every spawn and stop, which made 10,000-step runs
 * quadratic.
 */
export const runMachine = setup({
  types: {
    input: {} as { engine: RunMachineEngine },
    context: {} as RunMachineContext,
    events: {} as RunMachineEvent,
  },
  actors: {
    preflight: fromPromise<void, RunMachineEngine>(({ input }) => input.preflight()),
    verifyRestoration: fromPromise<void, RunMachineEngine>(({ input }) => input.verify()),
    compensate: fromPromise<number, RunMachineEngine>(({ input }) => input.compensate()),
    interrupt: fromPromise<void, RunMachineEngine>(({ input }) => input.interrupt()),
    finish: fromPromise<void, { engine: RunMachineEngine; status: RunStatus; error?: unknown }>(({ input }) =>
      input.engine.finish(input.status, input.error),
    ),
  },
  guards: {
    allStepsDone: ({ context }) => context.engine.scheduler.allDone,
    failedAndIdle: ({ context }) =>
      !context.engine.holdOnFailure && context.engine.scheduler.failed > 0 && context.engine.scheduler.running === 0,
    rollbackNever: ({ context }) => context.engine.rollback === 'never',
    rollbackAlways: ({ context }) => context.engine.rollback === 'always',
  },
  actions: {
    scheduleReadySteps: enqueueActions(({ context, enqueue }) => {
      const { engine } = context;
      const { scheduler } = engine;
      // A failure stops new work unless a human is driving (they decide: retry, skip or abort).
      if (context.paused || (scheduler.failed > 0 && !engine.holdOnFailure)) return;
      const launch = (stepId: string): void => {
        const step = engine.step(stepId);
        const requested = scheduler.skipRequested.get(stepId);
        const outOfMode = step.modes !== undefined && !step.modes.includes(engine.mode());
        const input = requested
          ? engine.stepInput(step, 'skip', { skipReason: requested.reason, by: requested.by })
          : outOfMode
            ? engine.stepInput(step, 'skip', { skipReason: `not part of ${engine.mode() === 'ungraceful' ? 'an ungraceful' : 'a graceful'} failover`, by: 'firedrill' })
            : engine.stepInput(step, 'run', { recheck: engine.needsRecheck(stepId) });
        enqueue(() => engine.launchStep(input));
      };
      if (engine.stepThrough) {
        // The operator decides each step; skips (asked for, or out of the run's mode) need no decision, and a
        // step the operator had already started before the run was left or crashed goes on (re-checked first).
        for (const stepId of scheduler.readySteps()) {
          const step = engine.step(stepId);
          const decided =
            scheduler.released.has(stepId) ||
            scheduler.skipRequested.has(stepId) ||
            engine.wasCutOff(stepId) ||
            (step.modes !== undefined && !step.modes.includes(engine.mode()));
          if (decided) {
            if (scheduler.running >= engine.concurrency) continue;
            scheduler.take(stepId);
            scheduler.released.delete(stepId);
            launch(stepId);
          } else if (!scheduler.announced.has(stepId)) {
            scheduler.announced.add(stepId);
            enqueue(() => engine.announceReady(stepId));
          }
        }
        return;
      }
      while (scheduler.running < engine.concurrency) {
        const stepId = scheduler.takeReady();
        if (stepId === undefined) break;
        launch(stepId);
      }
    }),
    recordStepEnd: ({ context, event }) => {
      if (event.type !== 'STEP.ENDED') return;
      context.engine.scheduler.ended(event.stepId, event.status);
      if (event.status === 'failed') context.error ??= event.error;
    },
    forwardToStep: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'SKIP' && event.type !== 'APPROVE' && event.type !== 'MARK_DONE') return;
      const { scheduler } = context.engine;
      const status = scheduler.status(event.stepId);
      if (status === 'running') {
        const forwarded: StepActorEvent =
          event.type === 'SKIP' ? { type: 'SKIP', by: event.by, reason: event.reason } : { type: event.type, by: event.by };
        enqueue(() => context.engine.sendToStep(event.stepId, forwarded));
        return;
      }
      if (event.type === 'SKIP' && (status === 'blocked' || status === 'ready')) {
        scheduler.skipRequested.set(event.stepId, { by: event.by, reason: event.reason });
        return;
      }
      // A failed step, or (step-through) a ready one the operator did by hand, is confirmed without running.
      if ((event.type === 'SKIP' || event.type === 'MARK_DONE') && (status === 'failed' || (event.type === 'MARK_DONE' && status === 'ready'))) {
        const step = context.engine.step(event.stepId);
        scheduler.markRunning(event.stepId);
        const extra = event.type === 'SKIP' ? { skipReason: event.reason, by: event.by } : { by: event.by };
        const input = context.engine.stepInput(step, event.type === 'SKIP' ? 'skip' : 'confirm', extra);
        enqueue(() => context.engine.launchStep(input));
      }
    }),
    retryStep: ({ context, event }) => {
      if (event.type !== 'RETRY') return;
      context.engine.scheduler.retry(event.stepId);
      // The operator's retry is their decision to run it again.
      if (context.engine.stepThrough) context.engine.scheduler.released.add(event.stepId);
    },
    releaseStep: ({ context, event }) => {
      if (event.type === 'RUN_STEP') context.engine.scheduler.released.add(event.stepId);
    },
    skipOutOfModeSteps: enqueueActions(({ context, enqueue }) => {
      const { engine } = context;
      const mode = engine.mode();
      for (const stepId of engine.runningSteps()) {
        const step = engine.step(stepId);
        if (step.modes !== undefined && !step.modes.includes(mode)) {
          enqueue(() => engine.sendToStep(stepId, { type: 'SKIP', by: 'firedrill', reason: `switched to ${mode}` }));
        }
      }
    }),
    markCompleted: assign({ completed: true }),
    markAborted: assign({ aborted: true }),
    rememberError: assign({ error: ({ event }) => ('error' in event ? event.error : undefined) }),
  },
}).createMachine({
  id: 'run',
  context: ({ input }) => ({ engine: input.engine, completed: false, aborted: false, paused: false }),
  initial: 'preflight',
  states: {
    preflight: {
      invoke: {
        src: 'preflight',
        input: ({ context }) => context.engine,
        onDone: 'running',
        onError: { target: 'finishing', actions: [assign({ status: 'failed' }), 'rememberError'] },
      },
      on: { ABORT: { target: 'finishing', actions: assign({ status: 'aborted' }) } },
    },
    running: {
      initial: 'active',
      entry: 'scheduleReadySteps',
      always: [
        { guard: 'allStepsDone', target: 'verifying' },
        { guard: 'failedAndIdle', target: 'failing' },
      ],
      on: {
        'STEP.ENDED': { actions: ['recordStepEnd', 'scheduleReadySteps'] },
        SKIP: { actions: ['forwardToStep', 'scheduleReadySteps'] },
        APPROVE: { actions: 'forwardToStep' },
        MARK_DONE: { actions: ['forwardToStep', 'scheduleReadySteps'] },
        RETRY: { actions: ['retryStep', 'scheduleReadySteps'] },
        RUN_STEP: { actions: ['releaseStep', 'scheduleReadySteps'] },
        MODE_SWITCHED: { actions: ['skipOutOfModeSteps', 'scheduleReadySteps'] },
        ABORT: { target: 'aborting', actions: 'markAborted' },
      },
      states: {
        active: { on: { PAUSE: { target: 'paused', actions: assign({ paused: true }) } } },
        paused: {
          // Steps in flight finish; nothing new starts until RESUME.
          on: { RESUME: { target: 'active', actions: [assign({ paused: false }), 'scheduleReadySteps'] } },
        },
      },
    },
    failing: {
      always: [
        { guard: 'rollbackNever', target: 'finishing', actions: assign({ status: 'failed' }) },
        { target: 'compensating' },
      ],
    },
    verifying: {
      invoke: {
        src: 'verifyRestoration',
        input: ({ context }) => context.engine,
        onDone: [
          { guard: 'rollbackAlways', target: 'compensating', actions: 'markCompleted' },
          { target: 'finishing', actions: ['markCompleted', assign({ status: 'succeeded' })] },
        ],
        onError: [
          { guard: 'rollbackNever', target: 'finishing', actions: [assign({ status: 'failed' }), 'rememberError'] },
          { target: 'compensating', actions: 'rememberError' },
        ],
      },
      on: { ABORT: { target: 'aborting', actions: 'markAborted' } },
    },
    compensating: {
      invoke: {
        src: 'compensate',
        input: ({ context }) => context.engine,
        onDone: {
          target: 'finishing',
          // Rolled back only when something was undone: a run that stopped before any step with a compensation
          // completed (a refused precondition, a first call denied) failed, and changed nothing to roll back.
          actions: assign({
            status: ({ context, event }) => (context.aborted ? 'aborted' : context.completed ? 'succeeded' : event.output > 0 ? 'rolled-back' : 'failed'),
          }),
        },
        onError: { target: 'finishing', actions: [assign({ status: ({ context }) => (context.aborted ? 'aborted' : 'failed') }), 'rememberError'] },
      },
    },
    aborting: {
      invoke: {
        src: 'interrupt',
        input: ({ context }) => context.engine,
        onDone: [
          { guard: 'rollbackAlways', target: 'compensating' },
          { target: 'finishing', actions: assign({ status: 'aborted' }) },
        ],
        onError: { target: 'finishing', actions: assign({ status: 'aborted' }) },
      },
    },
    finishing: {
      invoke: {
        src: 'finish',
        input: ({ context }) => ({ engine: context.engine, status: context.status ?? 'failed', error: context.error }),
        onDone: 'done',
        onError: 'done',
      },
    },
    done: { type: 'final' },
  },
});
