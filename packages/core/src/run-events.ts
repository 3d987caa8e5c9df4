import type { JournalEvent, JournalEventType } from './journal-events.js';

/** A listener for run events. */
export type RunEventListener<E extends JournalEvent = JournalEvent> = (event: E) => void;

/**
 * The typed event stream of a run. Every journaled event is published here right after it is durable —
 * run started, step started/succeeded/failed, approval requested/granted, probe results, run completed — so
 * a portal or chat bot sees exactly what the journal holds.
 *
 * @example
 * run.events.on('step.failed', (e) => notify(`${e.stepId}: ${e.error.message}`));
 * for await (const event of run.events) console.log(event.type); // from run.started to run.completed
 */
export class RunEventStream implements AsyncIterable<JournalEvent> {
  readonly #listeners = new Set<RunEventListener>();
  readonly #wakers = new Set<() => void>();
  #closed = false;

  /** Every event published so far, for replays (the journal holds them anyway; this is the durable part). */
  readonly #published: JournalEvent[] = [];

  /**
   * Calls `listener` for every event; returns a function that unsubscribes. With `replay`, the events
   * journaled before subscribing are delivered first, so nothing is missed whenever you subscribe.
   */
  subscribe(listener: RunEventListener, options: { replay?: boolean } = {}): () => void {
    if (options.replay) for (const event of this.#published) listener(event);
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }


  /** Calls `listener` for events of one type. */
  on<T extends JournalEventType>(type: T, listener: RunEventListener<Extract<JournalEvent, { type: T }>>, options: { replay?: boolean } = {}): () => void {
    return this.subscribe((event) => {
      if (event.type === type) listener(event as Extract<JournalEvent, { type: T }>);
    }, options);
  }

  /** @internal Publishes an event to every listener. A throwing listener never breaks the run. */
  publish(event: JournalEvent): void {
    this.#published.push(event);
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch {
        // Listeners belong to the embedding tool; their bugs must not stop a failover.
      }
    }
  }

  /** @internal Ends every async iteration. */
  close(): void {
    this.#closed = true;
    for (const wake of this.#wakers) wake();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<JournalEvent> {
    const queue: JournalEvent[] = [];
    let wake: (() => void) | undefined;
    const unsubscribe = this.subscribe(
      (event) => {
        queue.push(event);
        wake?.();
      },
      { replay: true },
    );
    try {
      while (true) {
        while (queue.length > 0) {
          const event = queue.shift()!;
          yield event;
          if (event.type === 'run.completed') return;
        }
        if (this.#closed) return;
        await new Promise<void>((resolve) => {
          wake = resolve;
          this.#wakers.add(resolve);
        });
        if (wake) this.#wakers.delete(wake);
        wake = undefined;
      }
    } finally {
      unsubscribe();
    }
  }
}
