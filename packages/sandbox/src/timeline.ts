/**
 * A value that changes over time, kept as its list of changes. The sandbox never mutates a status "when
 * the time comes": an operation started at T with latency L records `[T: 'modifying', T+L: 'available']`
 * and every reader asks for the value at the clock's current time. That keeps the world a plain JSON
 * object, lets the virtual clock jump, and lets the ground truth ask what was true at any past moment.
 */

/** One change: from `at` (epoch ms) on, the value is `value`. */
export interface Change<T> {
  at: number;
  value: T;
}

/** Changes in time order. A later change at the same instant wins. */
export type Timeline<T> = Change<T>[];

/** A timeline that holds `value` from `at` on. */
export function timelineOf<T>(at: number, value: T): Timeline<T> {
  return [{ at, value }];
}

/** The value at time `t`, or `undefined` before the first change. */
export function valueAt<T>(timeline: Timeline<T>, t: number): T | undefined {
  for (let i = timeline.length - 1; i >= 0; i--) {
    const change = timeline[i]!;
    if (change.at <= t) return change.value;
  }
  return undefined;
}

/** The value at time `t`; throws if the timeline had not started (a corrupt world). */
export function currentValue<T>(timeline: Timeline<T>, t: number): T {
  const value = valueAt(timeline, t);
  if (value === undefined) throw new Error(`timeline has no value at ${new Date(t).toISOString()}`);
  return value;
}

/**
 * Replaces what was scheduled after `now` with `changes` (each at ≥ now): a new operation cancels the
 * transitions a previous one had planned for the future.
 */
export function scheduleFrom<T>(timeline: Timeline<T>, now: number, changes: Timeline<T>): void {
  while (timeline.length > 0 && timeline[timeline.length - 1]!.at > now) timeline.pop();
  for (const change of changes) {
    if (change.at < now) throw new Error('scheduleFrom: a change cannot be scheduled in the past');
    timeline.push(change);
  }
}

/** When the current value took effect (the time of the last change at or before `t`). */
export function sinceAt<T>(timeline: Timeline<T>, t: number): number | undefined {
  for (let i = timeline.length - 1; i >= 0; i--) if (timeline[i]!.at <= t) return timeline[i]!.at;
  return undefined;
}

/** The times of every change, for the ground truth's search over time. */
export function changeTimes<T>(timeline: Timeline<T>): number[] {
  return timeline.map((c) => c.at);
}
