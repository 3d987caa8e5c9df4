import { setMaxListeners } from 'node:events';
import type { Clock } from './clock.js';
import { RunAbortedError, toErrorInfo } from './errors.js';
import { idempotencyToken } from './idempotency-token.js';
import type { Journal } from './journal.js';
import type { JournalEvent, JournalEventBody, RunStatus } from './journal-events.js';
import { type ResolvedStepPolicy, resolveStepPolicy, type StepPolicy } from './policy.js';
import type { HealthProbe, RunProbes } from './probes.js';
import { retryWithPolicy } from './retry.js';
import { RpoRecorder, type RpoRecorderHost } from './rpo-recorder.js';
import type { RollbackStrategy, RunMachineEngine } from './run-machine.js';
import { applyJournalEvent, type RunState } from './run-state.js';
import type { RunEventStream } from './run-events.js';
import { HeartbeatWriter, HealthWatch } from './run-probes.js';
import type { StepEnvironment } from './step-executor.js';
import type { StepGraph } from './step-graph.js';
import { type Actor, createActor } from 'xstate';
import { type StepActorEvent, type StepActorInput, type StepEndedEvent, stepMachine } from './step-machine.js';
import { StepScheduler } from './step-scheduler.js';
import type { FailoverMode, StepDefinition } from './step.js';

/** Everything a {@link RunEngine} is built from. */
export interface RunEngineOptions {
  graph: StepGraph;
  clock: Clock;
  journal: Journal;
  state: RunState;
  events: RunEventStream;
  probes: RunProbes;
  policies: Record<string, StepPolicy>;
  holdOnFailure: boolean;
  /** Each ready step waits for the operator (interactive runbooks). */
  stepThrough: boolean;
  resumed: boolean;
  random: () => number;
  /** How long verification waits for the health probe after all steps ended. */
  verifyTimeoutMs: number;
  /** Heartbeats written before anything runs (a drill's steady state), so RPO has history to measure against. */
  steadyStateMs: number;
  onFinished: (status: RunStatus) => void;
}

/**
 * The side-effecting half of a run: journal writes, probes, compensation. The xstate run machine decides
 * *what* happens next; the engine does it. State is a fold over the journal, updated as each event
 * becomes durable, so the live run and a resumed one see the same thing.
 */
export class RunEngine implements StepEnvironment, RunMachineEngine, RpoRecorderHost {
  readonly runId: string;
  readonly clock: Clock;
  readonly state: RunState;
  readonly scheduler: StepScheduler;
  readonly concurrency: number;
  readonly rollback: RollbackStrategy;
  readonly holdOnFailure: boolean;
  readonly stepThrough: boolean;
  readonly random: () => number;
  readonly #abort = new AbortController();
  readonly #probeStop = new AbortController();
  #leftBy: string | undefined;
  readonly #options: RunEngineOptions;
  readonly #policies = new Map<string, ResolvedStepPolicy>();
  readonly #recheck = new Set<string>();
  readonly #stepActors = new Map<string, Actor<typeof stepMachine> | undefined>();
  #runActor: { send(event: StepEndedEvent): void } | undefined;
  #heartbeats: HeartbeatWriter | undefined;
  readonly #healthWatches = new Map<string, HealthWatch>();
  readonly #observerWatches = new Map<string, HealthWatch>();
  readonly #rpo: RpoRecorder;

  constructor(options: RunEngineOptions) {
    this.#options = options;
    this.state = options.state;
    this.runId = options.state.meta.runId;
    this.clock = options.clock;
    this.concurrency = options.state.meta.concurrency;
    this.rollback = options.state.meta.rollback;
    this.holdOnFailure = options.holdOnFailure;
    this.stepThrough = options.stepThrough;
    this.random = options.random;
    this.#rpo = new RpoRecorder(this, options.probes.heartbeat);
    // Every step in flight listens on the run's signals; a wide run has hundreds at once by design.
    setMaxListeners(0, this.#abort.signal, this.#probeStop.signal);
    const done = new Map<string, 'succeeded' | 'skipped' | 'failed'>();
    for (const step of Object.values(options.state.steps)) {
      if (step.status === 'succeeded' || step.status === 'skipped' || step.status === 'failed') done.set(step.id, step.status);
      else if (step.status === 'compensated') done.set(step.id, 'succeeded');
      else if (step.status === 'running' || step.status === 'waiting') this.#recheck.add(step.id);
    }
    this.scheduler = new StepScheduler(options.graph, done);
    for (const step of options.graph.steps) {
      const override = options.policies[step.id];
      const base = resolveStepPolicy(step.policy ?? {}, undefined, `step ${step.id} policy`);
      this.#policies.set(step.id, override ? resolveStepPolicy(override, base, `policies.${step.id}`) : base);
    }
  }

  get runSignal(): AbortSignal {
    return this.#abort.signal;
  }

  /** Appends to the journal, folds the event into the state once durable, then publishes it. */
  async record(body: JournalEventBody): Promise<JournalEvent> {
    const event = await this.#options.journal.append(body);
    applyJournalEvent(this.state, event);
    this.#options.events.publish(event);
    if (event.type === 'service.restored') {
      const phase = event.phase === undefined ? this.state.phases[0] : this.state.phases.find((p) => p.name === event.phase);
      if (phase?.restoredAt !== undefined) this.#rpo.restored(event.phase);
    }
    return event;
  }

  /** The journal so far. */
  events(): readonly JournalEvent[] {
    return this.#options.journal.events();
  }

  step(stepId: string): StepDefinition {
    return this.#options.graph.byId.get(stepId)!;
  }
  policyOf(stepId: string): ResolvedStepPolicy {
    return this.#policies.get(stepId)!;
  }
  mode(): FailoverMode {
    return this.state.mode;
  }
  needsRecheck(stepId: string): boolean {
    return this.#recheck.delete(stepId);
  }
  wasCutOff(stepId: string): boolean {
    return this.#recheck.has(stepId);
  }
  stepInput(step: StepDefinition, start: StepActorInput['start'], extra: Partial<StepActorInput> = {}): StepActorInput {
    return { step, env: this, start, recheck: false, ...extra };
  }

  announceReady(stepId: string): void {
    // A journal that cannot be written fails the run through the next step's own record; nothing to add here.
    this.record({ type: 'step.ready', stepId }).catch(() => undefined);
  }

  /** Connects the run actor that step actors report to. */
  attach(runActor: { send(event: StepEndedEvent): void }): void {
    this.#runActor = runActor;
  }

  // Step actors are started and sent to in a microtask: the run machine calls these from its actions, and
  // xstate must not run a step machine's transition nested inside the run machine's.
  launchStep(input: StepActorInput): void {
    const stepId = input.step.id;
    this.#stepActors.set(stepId, undefined);
    queueMicrotask(() => {
      if (!this.#stepActors.has(stepId)) return;
      const actor = createActor(stepMachine, { input });
      this.#stepActors.set(stepId, actor);
      actor.start();
    });
  }

  sendToStep(stepId: string, event: StepActorEvent): boolean {
    if (!this.#stepActors.has(stepId)) return false;
    // Queued after the launch microtask (FIFO), so the actor exists by then.
    queueMicrotask(() => this.#stepActors.get(stepId)?.send(event));
    return true;
  }

  runningSteps(): string[] {
    return [...this.#stepActors.keys()];
  }

  stepEnded(event: StepEndedEvent): void {
    this.#stepActors.delete(event.stepId);
    // Delivered after the step actor's own transition completes: xstate must not run the run machine's
    // transition (and its assigns) nested inside the step machine's action.
    queueMicrotask(() => this.#runActor?.send(event));
  }

  /** Aborts every step in flight (operator abort). */
  abortInFlight(reason: string): void {
    this.#abort.abort(new RunAbortedError(reason));
  }

  async preflight(): Promise<void> {
    if (this.#options.resumed) await this.record({ type: 'run.resumed', pid: process.pid });
    const { probes } = this.#options;
    // A crash between one phase's measurement and the next phase's heartbeats: they start now.
    if (this.#options.resumed) await this.#rpo.resumeHeartbeatsIfDue();
    if (probes.heartbeat && !this.state.heartbeats.stopped && !this.#heartbeats) {
      this.startHeartbeats();
      const steady = this.#options.resumed ? 0 : this.#options.steadyStateMs;
      if (steady > 0) {
        await this.record({ type: 'run.state', state: 'steady-state', untilMs: this.clock.now() + steady });
        await this.clock.sleep(steady, this.runSignal);
      }
    }
    const declaredByStep = this.#options.graph.steps.some((s) => s.declaresDisaster);
    const op = this.state.meta.operation;
    if (this.state.disasterAt === undefined && !declaredByStep && op !== 'check') {
      await this.record({ type: 'disaster.declared', source: 'run-start' });
    }
    // After a resume, phases that started and were not yet restored are watched again; a phase restored before the
    // crash whose RPO was not yet read is measured now, before anything moves the writer again.
    for (const phase of this.state.phases) {
      this.#watchHealth(phase.name);
      if (phase.restoredAt !== undefined && !this.#rpo.measured(phase.name)) this.#rpo.restored(phase === this.state.phases[0] ? undefined : phase.name);
    }
    await this.record({ type: 'run.state', state: 'running' });
  }

  async declareDisaster(stepId: string): Promise<void> {
    if (this.state.disasterAt !== undefined) return;
    await this.record({ type: 'disaster.declared', source: 'step', stepId });
    this.#watchHealth(this.state.phases[0]!.name);
  }

  async beginPhase(phase: string, stepId: string): Promise<void> {
    if (this.state.phases.some((p) => p.name === phase)) return;
    // The phase before it is measured first: this one's heartbeats must not be mistaken for its data.
    await this.#rpo.settled();
    await this.record({ type: 'phase.started', phase, stepId });
    this.#watchHealth(phase);
    await this.#rpo.resumeHeartbeatsIfDue();
  }

  /** Starts writing heartbeats (the run's start, or a later phase's: see `RpoRecorder.resumeHeartbeatsIfDue`). */
  startHeartbeats(): void {
    this.#heartbeats = new HeartbeatWriter(this, this.#options.probes.heartbeat!, this.#probeStop.signal);
    this.#heartbeats.start();
  }

  #probeForPhase(phase: string): HealthProbe | undefined {
    const { probes } = this.#options;
    return phase === this.state.phases[0]?.name ? probes.health : probes.phaseHealth?.[phase];
  }

  /** Observers start with the first phase (the disaster) and only record when they see their moment. */
  #watchObservers(): void {
    for (const [name, probe] of Object.entries(this.#options.probes.observers ?? {})) {
      if (this.#observerWatches.has(name) || this.state.observations[name]) continue;
      const watch = new HealthWatch(this, probe, name, this.#probeStop.signal, true);
      this.#observerWatches.set(name, watch);
      watch.start();
    }
  }

  #watchHealth(phase: string): void {
    if (phase === this.state.phases[0]?.name) this.#watchObservers();
    const probe = this.#probeForPhase(phase);
    const state = this.state.phases.find((p) => p.name === phase);
    if (!probe || this.#healthWatches.has(phase) || state?.restoredSource === 'health-probe') return;
    const watch = new HealthWatch(this, probe, phase, this.#probeStop.signal);
    this.#healthWatches.set(phase, watch);
    watch.start();
  }

  /**
   * The operator left the run (`leave`): this process stops watching it — no more health checks or heartbeats,
   * nothing journaled for them, no clock kept busy — while the resume (another process, or `resumeRun`) takes over.
   */
  detach(by: string): void {
    this.#leftBy = by;
    this.#probeStop.abort(new RunAbortedError(`${by} left the run`));
  }

  /** Who left the run in this process, if someone did. */
  get leftBy(): string | undefined {
    return this.#leftBy;
  }

  async stopHeartbeats(reason: string): Promise<void> {
    await this.#heartbeats?.stop(reason);
  }

  async afterStepSucceeded(step: StepDefinition, result: unknown): Promise<void> {
    // A step restores service for the phase it ran in, unless a health probe measures that phase.
    const phase = this.state.phases.at(-1);
    if (step.restoresService && phase && !this.#probeForPhase(phase.name)) {
      await this.record({ type: 'service.restored', source: 'step', stepId: step.id, restoredAt: this.clock.now(), phase: phase.name });
    }
    await this.#rpo.stepSucceeded(step, result);
    // What comes after a restoration may move the writer again or delete a drill copy: its RPO is read first.
    if (step.restoresService) await this.#rpo.settled();
  }

  /** After every step ended: wait for the health probe to confirm service, then measure RPO. */
  async verify(): Promise<void> {
    await this.record({ type: 'run.state', state: 'verifying' });
    for (const watch of this.#healthWatches.values()) {
      const restored = await watch.restoredWithin(this.#options.verifyTimeoutMs);
      if (!restored) {
        throw new Error(
          `service not restored (${watch.phase}): ${watch.probe.target} never passed ${watch.probe.consecutive} consecutive health checks within ${Math.round(this.#options.verifyTimeoutMs / 1000)}s after the last step`,
        );
      }
    }
    await this.#rpo.settled();
    // The first phase's RPO is measured even without a restoration moment; a later phase's once it serves again.
    await this.#rpo.measureFromHeartbeats();
    for (const phase of this.state.phases.slice(1)) if (phase.restoredAt !== undefined) await this.#rpo.measureFromHeartbeats(phase.name);
    // Observations are worth waiting for (when clients really get the new DNS answer), but never fail a run.
    for (const watch of this.#observerWatches.values()) await watch.restoredWithin(this.#options.verifyTimeoutMs);
  }

  /**
   * Runs compensations of completed steps in reverse order of completion; returns how many have run, counting
   * those a crashed process ran before this one resumed.
   */
  async compensate(): Promise<number> {
    if (this.state.restoredAt === undefined || this.state.rpo === undefined) await this.#rpo.afterFailure();
    await this.record({ type: 'run.state', state: 'compensating' });
    const signal = new AbortController().signal; // Compensation must finish even after an abort.
    const failures: { stepId: string; error: unknown }[] = [];
    // A resumed run counts what it undid before the crash too.
    let ran = Object.values(this.state.steps).filter((s) => s.status === 'compensated').length;
    for (const stepId of [...this.state.completionOrder].reverse()) {
      const step = this.step(stepId);
      if (!step?.compensate) continue;
      ran += 1;
      await this.record({ type: 'compensation.started', stepId });
      try {
        await retryWithPolicy(
          (attempt) =>
            step.compensate!({
              runId: this.runId,
              stepId,
              attempt,
              signal,
              clock: this.clock,
              mode: this.mode(),
              idempotencyToken: (purpose = 'compensate') => idempotencyToken(this.runId, stepId, purpose),
              resultOf: (id) => this.state.steps[id]?.result as never,
              recordCall: () => {},
              log: (message) => void this.record({ type: 'step.log', stepId, message }),
              noteProgress: () => {},
            }),
          { policy: this.policyOf(stepId).retry, clock: this.clock, random: this.random },
        );
        await this.record({ type: 'compensation.succeeded', stepId });
      } catch (error) {
        failures.push({ stepId, error });
        await this.record({ type: 'compensation.failed', stepId, error: toErrorInfo(error) });
      }
    }
    if (failures.length > 0) {
      // The run's error is what the summary prints: each undo that failed says what it left and what to do, so a
      // count alone would hide it in a progress line.
      const named = failures.map(({ stepId, error }) => `${stepId}: ${toErrorInfo(error).message}`);
      throw new AggregateError(failures.map((f) => f.error), `${failures.length} compensation(s) failed — ${named.join(' | ')}`);
    }
    return ran;
  }

  /** On abort: record the steps that were cut off, so the journal never claims they finished. */
  async interrupt(): Promise<void> {
    for (const step of Object.values(this.state.steps)) {
      if (step.status === 'running' || step.status === 'waiting') {
        // An action's request may have reached AWS before the abort: it can still take effect. Say so.
        const def = this.step(step.id);
        const why = def?.kind === 'action'
          ? `run aborted while this step was in progress: a call it had made may still take effect; check${def.verifyByHand ? ` with \`${def.verifyByHand}\`` : ' AWS'} before acting on it`
          : 'run aborted while this step was in progress';
        await this.record({ type: 'step.failed', stepId: step.id, error: toErrorInfo(new RunAbortedError(why)), attempts: Math.max(1, step.attempts - (step.attemptsBefore ?? 0)) });
      }
    }
  }

  async finish(status: RunStatus, error?: unknown): Promise<void> {
    if (status !== 'succeeded' && !this.state.rpo) await this.#rpo.afterFailure();
    for (const actor of this.#stepActors.values()) actor?.stop();
    this.#stepActors.clear();
    this.#probeStop.abort(new RunAbortedError('run finished'));
    await this.#heartbeats?.settled();
    for (const watch of [...this.#healthWatches.values(), ...this.#observerWatches.values()]) await watch.settled();
    await this.record({ type: 'run.completed', status, ...(error !== undefined && status !== 'succeeded' ? { error: toErrorInfo(error) } : {}) });
    this.#options.onFinished(status);
  }
}
