/**
 * How often a backup schedule (a 5-field cron in UTC) runs: the longest gap between two runs and the average
 * interval, so readiness can tell a missed backup ("the newest copy is older than the schedule allows") from a
 * retention problem ("fewer copies than the retention keeps"). Core validates and reads the expressions.
 */
import { cronFirings } from '@firedrill/core';

const MINUTE = 60_000;
const YEAR = 365 * 24 * 60 * MINUTE;

/** What a schedule implies, in milliseconds. */
export interface ScheduleCadence {
  /** Longest time between two consecutive runs. */
  maxGapMs: number;
  /** Average time between runs. */
  averageIntervalMs: number;
}

/**
 * The cadence of a cron schedule, from its firings over 62 days (two months, so monthly schedules show a gap)
 * from a fixed UTC start. Cron's rule applies: with both day-of-month and day-of-week restricted, either
 * one matching is enough.
 *
 * @example
 * scheduleCadence('0 *\/12 * * *') // { maxGapMs: 43_200_000, averageIntervalMs: 43_200_000 }
 */
export function scheduleCadence(expression: string): ScheduleCadence {
  // Two months of firings cover every monthly pattern (and a cron that fires every minute: 89,280 times).
  const start = Date.UTC(2026, 0, 1);
  const runs = cronFirings(expression, start - 1, start + 62 * 24 * 60 * MINUTE - 1, Number.POSITIVE_INFINITY);
  if (runs.length < 2) return { maxGapMs: YEAR, averageIntervalMs: YEAR };
  let maxGapMs = 0;
  for (let i = 1; i < runs.length; i++) maxGapMs = Math.max(maxGapMs, runs[i]! - runs[i - 1]!);
  return { maxGapMs, averageIntervalMs: (runs.at(-1)! - runs[0]!) / (runs.length - 1) };
}
