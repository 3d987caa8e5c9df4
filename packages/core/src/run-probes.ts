import { linkAbort } from './abort-link.js';
import type { HealthProbe, HeartbeatProbe } from './probes.js';
import type { RunEngine } from './run-engine.js';

const quietly = (signal: AbortSignal): ((error: unknown) => void) => (error) => {
  if (!signal.aborted) throw error;
};

/** Runs `fn` with a timeout on the clock; a late answer counts as a failure. */
async function within<T>(engine: RunEngine, ms: number, signal: AbortSignal, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const { controller: timer, dispose } = linkAbort(signal);
  const combined = timer.signal;
  const timeout = engine.clock.sleep(ms, combined).then(
    () => {
      timer.abort(new Error(`no answer within ${ms} ms`));
      throw timer.signal.reason;
    },
    () => new Promise<never>(() => {}),
  );
  try {
    return await Promise.race([fn(combined), timeout]);
  } finally {
    dispose();
    if (!timer.signal.aborted) timer.abort('done');
  }
}

/**
 * Writes a heartbeat every interval from the start of the run until a step promotes a new writer (after
 * which a heartbeat could land on the promoted store and hide the loss) or the run ends.
 */
export class HeartbeatWriter {
  readonly #stop = new AbortController();
  readonly #signal: AbortSignal;
  #loop: Promise<void> | undefined;

  constructor(readonly engine: RunEngine, readonly probe: HeartbeatProbe, runEnd: AbortSignal) {
    this.#signal = AbortSignal.any([runEnd, this.#stop.signal]);
  }

  start(): void {
    this.#loop = this.#run().catch(quietly(this.#signal));
  }

  async #run(): Promise<void> {
    const { engine, probe } = this;
    let seq = engine.state.heartbeats.lastSeq;
    while (!this.#signal.aborted) {
      seq++;
      const at = engine.clock.now();
      try {
        await within(engine, probe.intervalMs, this.#signal, (s) => probe.write({ seq, at }, s));
        if (this.#signal.aborted) return;
        await engine.record({ type: 'heartbeat.written', beat: seq, beatAt: at, ok: true });
      } catch (error) {
        if (this.#signal.aborted) return;
        await engine.record({ type: 'heartbeat.written', beat: seq, ok: false, error: (error as Error).message });
      }
      const next = at + probe.intervalMs - engine.clock.now();
      await engine.clock.sleep(Math.max(0, next), this.#signal);
    }
  }

  /** Stops writing and journals why (once). */
  async stop(reason: string): Promise<void> {
    if (this.#stop.signal.aborted) return;
    this.#stop.abort(reason);
    await this.settled();
    if (!this.engine.state.heartbeats.stopped) await this.engine.record({ type: 'heartbeat.stopped', reason });
  }

  async settled(): Promise<void> {
    await this.#loop;
  }
}

/**
 * Probes the recovery endpoint every interval from the start of its phase (the disaster, or a later phase such
 * as a live drill's failback). Service is restored at the first success of the first unbroken streak of
 * `consecutive` successes; the watch then stops.
 */
export class HealthWatch {
  readonly #signal: AbortSignal;
  #loop: Promise<void> | undefined;
  #restored: Promise<boolean>;
  #markRestored!: (restored: boolean) => void;

  /**
   * @param phase the phase this watch decides restoration for — or, with `observation`, the name under which
   *   the moment is only recorded (`observation.reached`), without deciding anything.
   */
  constructor(readonly engine: RunEngine, readonly probe: HealthProbe, readonly phase: string, runEnd: AbortSignal, readonly observation = false) {
    this.#signal = runEnd;
    this.#restored = new Promise((resolve) => (this.#markRestored = resolve));
  }

  /** Whether this watch's phase was restored by the probe. */
  get restored(): boolean {
    if (this.observation) return this.engine.state.observations[this.phase] !== undefined;
    return this.engine.state.phases.find((p) => p.name === this.phase)?.restoredSource === 'health-probe';
  }

  start(): void {
    this.#loop = this.#run()
      .catch(quietly(this.#signal))
      .finally(() => this.#markRestored(this.restored));
  }

  async #run(): Promise<void> {
    const { engine, probe } = this;
    let streakStart: number | undefined;
    let streak = 0;
    while (!this.#signal.aborted) {
      const at = engine.clock.now();
      let healthy = false;
      let detail: string | undefined;
      try {
        const seen = await within(engine, probe.timeoutMs ?? probe.intervalMs, this.#signal, (s) => probe.check(s));
        healthy = seen.healthy;
        detail = seen.detail;
      } catch (error) {
        if (this.#signal.aborted) return;
        detail = (error as Error).message;
      }
      if (!this.observation) await engine.record({ type: 'probe.health', healthy, ...(detail ? { detail } : {}) });
      if (healthy) {
        streakStart ??= at;
        streak++;
        if (streak >= probe.consecutive) {
          await engine.record(
            this.observation
              ? { type: 'observation.reached', name: this.phase, target: probe.target, reachedAt: streakStart, ...(detail ? { detail } : {}) }
              : { type: 'service.restored', source: 'health-probe', restoredAt: streakStart, phase: this.phase },
          );
          return;
        }
      } else {
        streakStart = undefined;
        streak = 0;
      }
      await engine.clock.sleep(Math.max(0, at + probe.intervalMs - engine.clock.now()), this.#signal);
    }
  }

  /** Resolves `true` once restored, `false` if not within `ms` (from now) or the watch stopped. */
  async restoredWithin(ms: number): Promise<boolean> {
    if (this.restored) return true;
    const timeout = new AbortController();
    const deadline = this.engine.clock.sleep(ms, timeout.signal).then(
      () => false,
      () => false,
    );
    try {
      return await Promise.race([this.#restored, deadline]);
    } finally {
      timeout.abort();
    }
  }

  async settled(): Promise<void> {
    await this.#loop;
  }
}
