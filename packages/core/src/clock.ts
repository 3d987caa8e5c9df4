/**
 * The only source of time in Firedrill. Core, strategies and the sandbox never read the system time or
 * start timers themselves: they ask a {@link Clock}, so a run can execute on a {@link VirtualClock} where
 * ten simulated minutes pass in milliseconds, and every measurement is reproducible.
 */
export interface Clock {
  /** `'real'` for wall time, `'virtual'` for simulated time. Reports name it. */
  readonly kind: 'real' | 'virtual';
  /** Current time in epoch milliseconds. */
  now(): number;
  /**
   * Resolves after `ms` milliseconds of this clock's time. Rejects with `signal.reason` as soon as the
   * signal aborts, so stopping a run stops every wait in flight.
   */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** The wall clock: `Date.now()` and `setTimeout`. The one place outside tests where they are used. */
export const realClock: Clock = {
  kind: 'real',
  now: () => Date.now(),
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const onAbort = (): void => {
        clearTimeout(timer);
        reject(signal?.reason);
      };
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, Math.max(0, ms));
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  },
};

interface PendingTimer {
  readonly due: number;
  readonly order: number;
  readonly resolve: () => void;
  /** Aborted sleeps stay in the queue, marked, and are dropped when reached (cheaper than removal). */
  cancelled: boolean;
}

/** Options of {@link VirtualClock}. */
export interface VirtualClockOptions {
  /**
   * Simulated time at which the clock starts (epoch ms, a `Date` or an ISO-8601 string).
   * @default "2026-01-01T00:00:00Z"
   */
  start?: number | Date | string;
  /**
   * Advance time by itself whenever every pending task is waiting on this clock. Turn it off to move time
   * by hand with {@link VirtualClock.advance} in a test.
   * @default true
   */
  autoAdvance?: boolean;
}

/**
 * Simulated time. With `autoAdvance` (the default), when all work in the process is waiting on this clock
 * (the microtask queue has drained and an event-loop turn passed with no new clock activity), time jumps to
 * the earliest pending timer. A run of ten simulated minutes therefore costs only its real CPU time.
 *
 * It assumes that during a virtual-clock run no work waits on real I/O for long; Firedrill's journal writes
 * synchronously for that reason, and the sandbox answers without I/O.
 *
 * @example
 * const clock = new VirtualClock({ start: '2026-11-22T03:00:00Z' });
 * await clock.sleep(600_000); // returns at once, real time
 * new Date(clock.now()).toISOString(); // '2026-11-22T03:10:00.000Z'
 */
export class VirtualClock implements Clock {
  readonly kind = 'virtual' as const;
  #now: number;
  #timers: PendingTimer[] = [];
  #live = 0;
  #order = 0;
  #activity = 0;
  #tickScheduled = false;
  #holds = 0;
  readonly #autoAdvance: boolean;

  constructor(options: VirtualClockOptions = {}) {
    const start = options.start ?? '2026-01-01T00:00:00Z';
    this.#now = typeof start === 'number' ? start : new Date(start).getTime();
    if (!Number.isFinite(this.#now)) throw new TypeError(`VirtualClock: start is not a valid time: ${String(start)}`);
    this.#autoAdvance = options.autoAdvance ?? true;
  }

  now(): number {
    this.#activity++;
    return this.#now;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    this.#activity++;
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<void>((resolve, reject) => {
      const timer: PendingTimer = {
        due: this.#now + Math.max(0, ms),
        order: this.#order++,
        cancelled: false,
        resolve: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      const onAbort = (): void => {
        timer.cancelled = true;
        this.#live--;
        // Compact once cancelled sleeps (mostly per-attempt timeouts) outnumber live ones.
        if (this.#timers.length > 64 && this.#live < this.#timers.length / 2) this.#timers = this.#timers.filter((t) => !t.cancelled);
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#insert(timer);
      this.#live++;
      this.#scheduleTick();
    });
  }

  /** Number of sleeps not yet due. */
  get pendingTimers(): number {
    return this.#live;
  }

  /**
   * Stops auto-advance until the returned function is called: simulated time stands still while a person
   * decides (an interactive runbook's prompt), instead of racing through every pending timer. Holds nest.
   */
  hold(): () => void {
    this.#holds++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#holds--;
      if (this.#holds === 0 && this.#live > 0) this.#scheduleTick();
    };
  }

  /** Moves time forward by `ms`, firing every timer that falls due on the way, in order. */
  advance(ms: number): void {
    this.advanceTo(this.#now + ms);
  }

  /** Moves time forward to `time` (epoch ms), firing due timers in order. Never moves backwards. */
  advanceTo(time: number): void {
    this.#dropCancelled();
    while (this.#timers.length > 0 && this.#timers[0]!.due <= time) {
      this.#fire(this.#timers.shift()!);
      this.#dropCancelled();
    }
    this.#now = Math.max(this.#now, time);
  }

  #fire(timer: PendingTimer): void {
    this.#now = Math.max(this.#now, timer.due);
    this.#live--;
    timer.resolve();
  }

  #dropCancelled(): void {
    while (this.#timers.length > 0 && this.#timers[0]!.cancelled) this.#timers.shift();
  }

  #insert(timer: PendingTimer): void {
    // Timers are kept sorted by (due, order); binary search keeps 10k concurrent waits cheap.
    let lo = 0;
    let hi = this.#timers.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const t = this.#timers[mid]!;
      if (t.due < timer.due || (t.due === timer.due && t.order < timer.order)) lo = mid + 1;
      else hi = mid;
    }
    this.#timers.splice(lo, 0, timer);
  }

  #scheduleTick(): void {
    if (!this.#autoAdvance || this.#tickScheduled || this.#holds > 0) return;
    this.#tickScheduled = true;
    const seen = this.#activity;
    // A macrotask runs only after the microtask queue drains; if nothing touched the clock in between,
    // every task is parked on a timer and it is safe to jump to the earliest one.
    setImmediate(() => this.#tick(seen));
  }

  #tick(seen: number): void {
    this.#tickScheduled = false;
    if (this.#holds > 0) return;
    this.#dropCancelled();
    if (this.#timers.length === 0) return;
    if (this.#activity !== seen) {
      this.#scheduleTick();
      return;
    }
    this.#fire(this.#timers.shift()!);
    // Fire every other timer due at the same instant together, in order.
    this.#dropCancelled();
    while (this.#timers.length > 0 && this.#timers[0]!.due <= this.#now) {
      this.#fire(this.#timers.shift()!);
      this.#dropCancelled();
    }
    if (this.#live > 0) this.#scheduleTick();
  }
}
