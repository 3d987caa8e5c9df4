import type { StepGraph } from './step-graph.js';

/** Scheduling status of a step. */
export type ScheduleStatus = 'blocked' | 'ready' | 'running' | 'succeeded' | 'failed' | 'skipped';

/**
 * Which steps may start now. Keeps a count of unfinished dependencies per step and a queue of ready
 * steps, so finishing a step costs only its own out-degree — 10,000-step runs stay linear.
 */
export class StepScheduler {
  readonly #graph: StepGraph;
  readonly #status = new Map<string, ScheduleStatus>();
  readonly #unmet = new Map<string, number>();
  readonly #ready: string[] = [];
  #readyHead = 0;
  #running = 0;
  #failed = 0;
  #finished = 0;
  /** Steps whose skip was asked for before they were ready. */
  readonly skipRequested = new Map<string, { by: string; reason: string }>();
  /** Steps whose retry was asked for while their failure was still being reported. */
  readonly retryRequested = new Set<string>();
  /** Step-through runs: ready steps the operator said to run. */
  readonly released = new Set<string>();
  /** Step-through runs: ready steps already announced as waiting for the operator. */
  readonly announced = new Set<string>();

  /** `done` holds steps that already ended (from the journal): succeeded or skipped ones release their dependants. */
  constructor(graph: StepGraph, done: ReadonlyMap<string, 'succeeded' | 'skipped' | 'failed'> = new Map()) {
    this.#graph = graph;
    for (const step of graph.steps) {
      this.#unmet.set(step.id, new Set(step.dependsOn ?? []).size);
      this.#status.set(step.id, 'blocked');
    }
    for (const id of graph.order) {
      const ended = done.get(id);
      if (ended) this.#end(id, ended);
      else if (this.#unmet.get(id) === 0) this.#makeReady(id);
    }
  }

  get running(): number {
    return this.#running;
  }
  get failed(): number {
    return this.#failed;
  }
  /** Every step succeeded or was skipped. */
  get allDone(): boolean {
    return this.#finished === this.#graph.steps.length;
  }

  status(stepId: string): ScheduleStatus | undefined {
    return this.#status.get(stepId);
  }

  /** Takes the next ready step (plan order), marking it running. */
  takeReady(): string | undefined {
    while (this.#readyHead < this.#ready.length) {
      const id = this.#ready[this.#readyHead++]!;
      if (this.#status.get(id) === 'ready') {
        this.#status.set(id, 'running');
        this.#running++;
        return id;
      }
    }
    return undefined;
  }

  /**
   * Ready steps not yet taken, in plan order (step-through runs hold them there until the operator
   * decides). Only step-through runs call this; they are small, so a scan is fine.
   */
  readySteps(): string[] {
    while (this.#readyHead < this.#ready.length && this.#status.get(this.#ready[this.#readyHead]!) !== 'ready') this.#readyHead++;
    // The queue may hold a step twice (made ready while rebuilding from a journal, or retried): list it once.
    return [...new Set(this.#ready.slice(this.#readyHead))].filter((id) => this.#status.get(id) === 'ready');
  }

  /** Takes one ready step (step-through runs), marking it running. */
  take(stepId: string): void {
    if (this.#status.get(stepId) !== 'ready') return;
    this.#status.set(stepId, 'running');
    this.#running++;
  }

  /** Marks a step that was not in the ready queue (a skip or confirmation by hand) as running. */
  markRunning(stepId: string): void {
    const current = this.#status.get(stepId);
    if (current === 'running') return;
    if (current === 'failed') this.#failed--;
    this.#status.set(stepId, 'running');
    this.#running++;
  }

  /** Records that a running step ended. */
  ended(stepId: string, status: 'succeeded' | 'failed' | 'skipped'): void {
    if (this.#status.get(stepId) === 'running') this.#running--;
    this.#end(stepId, status);
    if (this.retryRequested.delete(stepId) && status === 'failed') this.retry(stepId);
  }

  /**
   * Puts a failed step back in the ready queue. A retry asked for while the step's failure is journaled
   * but its actor has not reported yet is remembered and applied when it does.
   */
  retry(stepId: string): boolean {
    if (this.#status.get(stepId) === 'running') {
      this.retryRequested.add(stepId);
      return true;
    }
    if (this.#status.get(stepId) !== 'failed') return false;
    this.#failed--;
    this.#makeReady(stepId);
    return true;
  }

  #end(id: string, status: 'succeeded' | 'failed' | 'skipped'): void {
    this.#status.set(id, status);
    if (status === 'failed') {
      this.#failed++;
      return;
    }
    this.#finished++;
    for (const next of this.#graph.dependants.get(id) ?? []) {
      const left = this.#unmet.get(next)! - 1;
      this.#unmet.set(next, left);
      if (left === 0 && this.#status.get(next) === 'blocked') this.#makeReady(next);
    }
  }

  #makeReady(id: string): void {
    this.#status.set(id, 'ready');
    this.#ready.push(id);
  }
}
