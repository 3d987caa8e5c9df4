/**
 * How often a backup schedule (a 5-field cron in UTC) runs: the longest gap between two runs and the average
 * interval, so readiness can tell a missed backup ("the newest copy is older than the schedule allows") from a
 * retention problem ("fewer copies than the retention keeps"). Core validates the expressions; this reads them.
 */

const FIELDS = [
  { min: 0, max: 59 },
  { min: 0, max: 23 },
  { min: 1, max: 31 },
  { min: 1, max: 12, names: ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'] },
  { min: 0, max: 7, names: ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] },
] as const;

function valueOf(token: string, index: number): number {
  const spec = FIELDS[index]!;
  if (/^\d+$/.test(token)) return Number(token);
  const names: readonly string[] = 'names' in spec ? spec.names : [];
  const at = names.indexOf(token.toLowerCase());
  if (at < 0) throw new TypeError(`cron: "${token}" is not a value`);
  return index === 3 ? at + 1 : at;
}

function expand(field: string, index: number): Set<number> {
  const spec = FIELDS[index]!;
  const values = new Set<number>();
  for (const item of field.split(',')) {
    const [range = '*', stepText] = item.split('/');
    const step = stepText === undefined ? 1 : Number(stepText);
    const [from, to] = range === '*' ? [spec.min, spec.max] : range.includes('-') ? range.split('-').map((t) => valueOf(t, index)) : [valueOf(range, index), stepText === undefined ? valueOf(range, index) : spec.max];
    for (let v = from!; v <= to!; v += step) values.add(index === 4 && v === 7 ? 0 : v);
  }
  return values;
}

/** What a schedule implies, in milliseconds. */
export interface ScheduleCadence {
  /** Longest time between two consecutive runs. */
  maxGapMs: number;
  /** Average time between runs. */
  averageIntervalMs: number;
}

const MINUTE = 60_000;

/**
 * The cadence of a cron schedule, found by walking 62 days (two months, so monthly schedules show a gap) minute
 * by minute from a fixed UTC start. Cron's rule applies: with both day-of-month and day-of-week restricted, either
 * one matching is enough.
 *
 * @example
 * scheduleCadence('0 *\/12 * * *') // { maxGapMs: 43_200_000, averageIntervalMs: 43_200_000 }
 */
export function scheduleCadence(expression: string): ScheduleCadence {
  const fields = expression.trim().split(/\s+/);
  if (fields.length !== 5) throw new TypeError(`cron: expected 5 fields, got "${expression}"`);
  const [minutes, hours, days, months, weekdays] = fields.map((f, i) => expand(f, i)) as [Set<number>, Set<number>, Set<number>, Set<number>, Set<number>];
  const dayRestricted = fields[2] !== '*';
  const weekdayRestricted = fields[4] !== '*';
  const start = Date.UTC(2026, 0, 1);
  const runs: number[] = [];
  for (let t = start; t < start + 62 * 24 * 60 * MINUTE; t += MINUTE) {
    const d = new Date(t);
    if (!minutes.has(d.getUTCMinutes()) || !hours.has(d.getUTCHours()) || !months.has(d.getUTCMonth() + 1)) continue;
    const dayOk = days.has(d.getUTCDate());
    const weekdayOk = weekdays.has(d.getUTCDay());
    const matches = dayRestricted && weekdayRestricted ? dayOk || weekdayOk : dayOk && weekdayOk;
    if (matches) runs.push(t);
  }
  if (runs.length < 2) return { maxGapMs: 365 * 24 * 60 * MINUTE, averageIntervalMs: 365 * 24 * 60 * MINUTE };
  let maxGapMs = 0;
  for (let i = 1; i < runs.length; i++) maxGapMs = Math.max(maxGapMs, runs[i]! - runs[i - 1]!);
  return { maxGapMs, averageIntervalMs: (runs.at(-1)! - runs[0]!) / (runs.length - 1) };
}
