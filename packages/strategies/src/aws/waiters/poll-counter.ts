/**
 * Counts describe calls made by waiters, in all and per waiter, so a benchmark can print polls per minute and a
 * report can show what waiting cost. Share one across the waits of a run.
 *
 * @example
 * const polls = new PollCounter();
 * await waitFor('dbInstancePromoted', { …, counter: polls });
 * console.log(polls.total, polls.byWaiter());
 */
export class PollCounter {
  #total = 0;
  readonly #byWaiter = new Map<string, number>();

  /** Counts one poll of `waiter`. */
  record(waiter: string): void {
    this.#total++;
    this.#byWaiter.set(waiter, (this.#byWaiter.get(waiter) ?? 0) + 1);
  }

  /** Polls counted so far. */
  get total(): number {
    return this.#total;
  }

  /** Polls per waiter name. */
  byWaiter(): Record<string, number> {
    return Object.fromEntries(this.#byWaiter);
  }
}
