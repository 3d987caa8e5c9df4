import type { Actor } from 'xstate';
import type { RunEngine } from './run-engine.js';
import type { runMachine } from './run-machine.js';

/** An operator command that cannot be carried out now (wrong step, wrong state, not an approver). */
export class OperatorError extends Error {
  override readonly name = 'OperatorError';
  readonly code = 'OPERATOR_ERROR';
  readonly exitCode = 2;
}

/**
 * Operator controls of a running run. Each one is checked against the run's state, journaled (who, what,
 * when) and only then applied, so the journal always explains why the run did what it did.
 */
export class RunControls {
  readonly #engine: RunEngine;
  readonly #actor: Actor<typeof runMachine>;
  readonly #ready: Promise<void>;

  constructor(engine: RunEngine, actor: Actor<typeof runMachine>, ready: Promise<void>) {
    this.#engine = engine;
    this.#actor = actor;
    this.#ready = ready;
  }

  #step(stepId: string): NonNullable<RunEngine['state']['steps'][string]> {
    const step = this.#engine.state.steps[stepId];
    if (!step) {
      const known = Object.keys(this.#engine.state.steps).slice(0, 12).join(', ');
      throw new OperatorError(`no step "${stepId}" in run ${this.#engine.runId}; steps: ${known}`);
    }
    return step;
  }

  async #assertActive(): Promise<void> {
    await this.#ready;
    if (this.#engine.state.status !== undefined) throw new OperatorError(`run ${this.#engine.runId} already ended (${this.#engine.state.status})`);
    if (this.#engine.leftBy !== undefined) {
      throw new OperatorError(`run ${this.#engine.runId} was left by ${this.#engine.leftBy}: continue it with resumeRun() (\`firedrill resume ${this.#engine.runId}\`)`);
    }
  }

  /**
   * Step-through runs: starts a ready step the operator decided to run. Its dependants become ready (and
   * wait for their own decision) when it ends.
   */
  async runStep(stepId: string, by = 'operator'): Promise<void> {
    await this.#assertActive();
    if (!this.#engine.stepThrough) throw new OperatorError(`run ${this.#engine.runId} is not stepped through: its steps start by themselves`);
    const step = this.#step(stepId);
    if (step.status !== 'pending' || this.#engine.scheduler.status(stepId) !== 'ready') {
      throw new OperatorError(`step "${stepId}" is ${step.status === 'pending' ? 'waiting for the steps it depends on' : step.status}; only a ready step can be run`);
    }
    await this.#engine.record({ type: 'operator.action', action: 'run', stepId, by });
    this.#actor.send({ type: 'RUN_STEP', stepId });
  }

  /** Ready steps waiting for the operator's decision (step-through runs), in plan order. */
  readySteps(): string[] {
    const engine = this.#engine;
    if (!engine.stepThrough || engine.state.status !== undefined) return [];
    // Released, skipped and cut-off steps (started before the run was left) go on without a decision.
    return engine.scheduler.readySteps().filter((id) => !engine.scheduler.released.has(id) && !engine.scheduler.skipRequested.has(id) && !engine.wasCutOff(id));
  }

  /**
   * The operator leaves (quits the interactive runbook): journaled, nothing new starts, and this process stops
   * probing (no health checks, no heartbeats: nothing keeps it busy or alive). Steps in flight are re-checked when
   * the run is resumed; `completion` settles only for the run that resumes it. Every other control is refused.
   */
  async leave(by = 'operator', note?: string): Promise<void> {
    await this.#assertActive();
    await this.#engine.record({ type: 'operator.action', action: 'leave', by, ...(note ? { note } : {}) });
    this.#actor.send({ type: 'PAUSE' });
    this.#engine.detach(by);
  }

  /** Stops starting new steps; steps in flight finish. */
  async pause(by = 'operator'): Promise<void> {
    await this.#assertActive();
    await this.#engine.record({ type: 'operator.action', action: 'pause', by });
    this.#actor.send({ type: 'PAUSE' });
  }

  /** Starts ready steps again after {@link pause}. */
  async resume(by = 'operator'): Promise<void> {
    await this.#assertActive();
    await this.#engine.record({ type: 'operator.action', action: 'resume', by });
    this.#actor.send({ type: 'RESUME' });
  }

  /** Skips a step: a running one is cancelled, a pending one will not run; its dependants go on. */
  async skipStep(stepId: string, by = 'operator', reason = 'skipped by operator'): Promise<void> {
    await this.#assertActive();
    const step = this.#step(stepId);
    if (step.status === 'succeeded' || step.status === 'skipped') throw new OperatorError(`step "${stepId}" already ${step.status}; nothing to skip`);
    // Skipping a gate lets everything behind it go on: the same as approving it, by anyone.
    const def = this.#engine.step(stepId);
    if (def.kind === 'approval') {
      throw new OperatorError(`step "${stepId}" is an approval: it cannot be skipped — ${def.approvers?.length ? `one of its approvers (${def.approvers.join(', ')})` : 'someone'} must approve it, or abort the run`);
    }
    if (def.guard) throw new OperatorError(`step "${stepId}" is a safety check: it cannot be skipped — retry it once what it found is fixed, or abort the run`);
    await this.#engine.record({ type: 'operator.action', action: 'skip', stepId, by, note: reason });
    this.#actor.send({ type: 'SKIP', stepId, by, reason });
  }

  /** Runs a failed step again (runs started with `holdOnFailure`). */
  async retryStep(stepId: string, by = 'operator'): Promise<void> {
    await this.#assertActive();
    const step = this.#step(stepId);
    if (step.status !== 'failed') throw new OperatorError(`step "${stepId}" is ${step.status}; only a failed step can be retried`);
    await this.#engine.record({ type: 'operator.action', action: 'retry', stepId, by });
    this.#actor.send({ type: 'RETRY', stepId });
  }

  /** Approves an approval step that is waiting. */
  async approve(stepId: string, by: string): Promise<void> {
    await this.#assertActive();
    const step = this.#step(stepId);
    const def = this.#engine.step(stepId);
    if (def.kind !== 'approval') throw new OperatorError(`step "${stepId}" is a ${def.kind} step, not an approval`);
    if (step.status !== 'waiting') throw new OperatorError(`step "${stepId}" is ${step.status}, not waiting for approval`);
    if (def.approvers?.length && !def.approvers.includes(by)) {
      throw new OperatorError(`${by} may not approve "${stepId}"; approvers: ${def.approvers.join(', ')}`);
    }
    await this.#engine.record({ type: 'operator.action', action: 'approve', stepId, by });
    this.#actor.send({ type: 'APPROVE', stepId, by });
  }

  /** Marks a manual step (or a running or failed step the operator finished by hand) as done. */
  async markDone(stepId: string, by: string, note?: string): Promise<void> {
    await this.#assertActive();
    const step = this.#step(stepId);
    const def = this.#engine.step(stepId);
    if (def.kind === 'approval') throw new OperatorError(`step "${stepId}" is an approval: use approve`);
    if (def.guard) throw new OperatorError(`step "${stepId}" is a safety check: it cannot be marked done by hand — retry it once what it found is fixed, or abort the run`);
    const held = step.status === 'pending' && this.#engine.stepThrough && this.#engine.scheduler.status(stepId) === 'ready';
    if (!held && !['waiting', 'running', 'failed'].includes(step.status)) throw new OperatorError(`step "${stepId}" is ${step.status}; only a ready, waiting, running or failed step can be marked done`);
    await this.#engine.record({ type: 'operator.action', action: 'mark-done', stepId, by, ...(note ? { note } : {}) });
    this.#actor.send({ type: 'MARK_DONE', stepId, by });
  }

  /** Switches a running failover from graceful to ungraceful: graceful-only steps are skipped. */
  async switchToUngraceful(by: string, note?: string): Promise<void> {
    await this.#assertActive();
    const from = this.#engine.state.mode;
    if (from === 'ungraceful') throw new OperatorError('the run is already ungraceful');
    await this.#engine.record({ type: 'operator.action', action: 'switch-mode', by, ...(note ? { note } : {}) });
    await this.#engine.record({ type: 'mode.switched', from, to: 'ungraceful', by });
    this.#actor.send({ type: 'MODE_SWITCHED' });
  }

  /**
   * Stops the run: calls in flight are cancelled; compensations run only with rollback `always`. During the
   * preflight (a drill's steady state, heartbeats before the disaster) it stops the run at once: no disaster is
   * declared and no step starts.
   */
  async abort(by = 'operator', reason = 'aborted by operator'): Promise<void> {
    if (!this.#actor.getSnapshot().matches('preflight')) await this.#assertActive();
    await this.#engine.record({ type: 'operator.action', action: 'abort', by, note: reason });
    this.#engine.abortInFlight(reason);
    this.#actor.send({ type: 'ABORT' });
  }
}
