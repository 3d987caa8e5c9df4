import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Clock } from './clock.js';
import type { JournalEvent, JournalEventBody } from './journal-events.js';

/**
 * The append-only record of a run. `append` resolves only once the event is durable, and the engine awaits
 * it before starting the next side effect, so after a crash the journal never claims less than happened
 * except for the one step in flight — which resume re-checks.
 */
export interface Journal {
  /** Adds an event, stamping `seq` and `at`; resolves when it is durable. */
  append(event: JournalEventBody): Promise<JournalEvent>;
  /** Every event so far, in order. */
  events(): readonly JournalEvent[];
  /** Releases the file. Appending after close throws. */
  close(): void;
}

/** Options of {@link FileJournal}. */
export interface FileJournalOptions {
  path: string;
  clock: Clock;
  /** Events already in the file (when resuming), so `seq` continues. */
  existing?: readonly JournalEvent[];
  /**
   * Write and fsync events that arrive in the same microtask burst together (group commit). Off, every
   * event is written and fsynced on its own, synchronously. @default true
   */
  groupCommit?: boolean;
  /** Skip fsync (tests of other things on slow disks). Never for real runs. @default true */
  fsync?: boolean;
  /** Called after each batch is durable, with the events in it. */
  onDurable?: (events: readonly JournalEvent[]) => void;
}

/**
 * A JSONL journal on disk. Writes are synchronous on purpose: a virtual-clock run must not have real I/O in
 * flight when the clock decides everything is idle, and a synchronous write+fsync per batch is cheaper than
 * it sounds because batches are large when many steps run at once.
 */
export class FileJournal implements Journal {
  readonly path: string;
  readonly #clock: Clock;
  readonly #events: JournalEvent[];
  readonly #groupCommit: boolean;
  readonly #fsync: boolean;
  readonly #onDurable: ((events: readonly JournalEvent[]) => void) | undefined;
  #fd: number | undefined;
  #pending: { event: JournalEvent; resolve: (e: JournalEvent) => void; reject: (e: unknown) => void }[] = [];
  #flushQueued = false;

  constructor(options: FileJournalOptions) {
    this.path = options.path;
    this.#clock = options.clock;
    this.#events = [...(options.existing ?? [])];
    this.#groupCommit = options.groupCommit ?? true;
    this.#fsync = options.fsync ?? true;
    this.#onDurable = options.onDurable;
    mkdirSync(dirname(this.path), { recursive: true });
    this.#fd = openSync(this.path, 'a');
  }

  append(body: JournalEventBody): Promise<JournalEvent> {
    if (this.#fd === undefined) return Promise.reject(new Error(`journal ${this.path} is closed`));
    const event = { ...body, seq: this.#events.length + 1, at: this.#clock.now() } as JournalEvent;
    this.#events.push(event);
    return new Promise((resolve, reject) => {
      this.#pending.push({ event, resolve, reject });
      if (!this.#groupCommit) return this.#flush();
      if (!this.#flushQueued) {
        this.#flushQueued = true;
        queueMicrotask(() => this.#flush());
      }
    });
  }

  events(): readonly JournalEvent[] {
    return this.#events;
  }

  close(): void {
    this.#flush();
    if (this.#fd !== undefined) closeSync(this.#fd);
    this.#fd = undefined;
  }

  #flush(): void {
    this.#flushQueued = false;
    const batch = this.#pending;
    if (batch.length === 0) return;
    this.#pending = [];
    try {
      if (this.#fd === undefined) throw new Error(`journal ${this.path} is closed`);
      writeSync(this.#fd, batch.map((p) => JSON.stringify(p.event)).join('\n') + '\n');
      if (this.#fsync) fsyncSync(this.#fd);
    } catch (error) {
      for (const p of batch) p.reject(error);
      return;
    }
    const events = batch.map((p) => p.event);
    this.#onDurable?.(events);
    for (const p of batch) p.resolve(p.event);
  }
}

/** A journal kept in memory, for library users who persist elsewhere and for tests. */
export class MemoryJournal implements Journal {
  readonly #events: JournalEvent[];
  readonly #clock: Clock;
  constructor(clock: Clock, existing: readonly JournalEvent[] = []) {
    this.#clock = clock;
    this.#events = [...existing];
  }
  append(body: JournalEventBody): Promise<JournalEvent> {
    const event = { ...body, seq: this.#events.length + 1, at: this.#clock.now() } as JournalEvent;
    this.#events.push(event);
    return Promise.resolve(event);
  }
  events(): readonly JournalEvent[] {
    return this.#events;
  }
  close(): void {}
}

/**
 * Reads a JSONL journal. A last line cut short by a crash is ignored (it was never acknowledged);
 * a damaged line anywhere else is an error naming the file and line.
 */
export function readJournalFile(path: string): JournalEvent[] {
  if (!existsSync(path)) throw new Error(`${path}: no such journal; check the run id and the state directory`);
  const lines = readFileSync(path, 'utf8').split('\n');
  const events: JournalEvent[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '') continue;
    try {
      events.push(JSON.parse(line) as JournalEvent);
    } catch {
      const isLast = lines.slice(i + 1).every((l) => l.trim() === '');
      if (isLast) break;
      throw new Error(`${path}:${i + 1}: journal line is not valid JSON; the journal is damaged`);
    }
  }
  return events;
}
