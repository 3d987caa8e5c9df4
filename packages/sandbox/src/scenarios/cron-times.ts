/**
 * When a 5-field UTC cron schedule fired in a time window: the backup history a scenario built from a plan has
 * (its snapshot copies and AMIs were taken on the plan's own schedule). Core validated the expression.
 */

const FIELDS = [
  { min: 0, max: 59, names: [] },
  { min: 0, max: 23, names: [] },
  { min: 1, max: 31, names: [] },
  { min: 1, max: 12, names: ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'] },
  { min: 0, max: 7, names: ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] },
] as const;

function valueOf(token: string, index: number): number {
  if (/^\d+$/.test(token)) return Number(token);
  const names: readonly string[] = FIELDS[index]!.names;
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

const DAY = 24 * 3_600_000;

/**
 * Every time `expression` fired in `(from, to]`, oldest first, at most `limit` (the newest ones). Cron's rule
 * applies: with both day-of-month and day-of-week restricted, either one matching is enough.
 *
 * @example
 * cronFirings('0 *\/12 * * *', Date.parse('2026-01-01T00:00Z'), Date.parse('2026-01-02T00:00Z')) // 12:00 and 00:00
 */
export function cronFirings(expression: string, from: number, to: number, limit = 400): number[] {
  const fields = expression.trim().split(/\s+/);
  if (fields.length !== 5) throw new TypeError(`cron: expected 5 fields, got "${expression}"`);
  const [minutes, hours, days, months, weekdays] = fields.map((f, i) => expand(f, i)) as [Set<number>, Set<number>, Set<number>, Set<number>, Set<number>];
  const dayRestricted = fields[2] !== '*';
  const weekdayRestricted = fields[4] !== '*';
  const sortedHours = [...hours].sort((a, b) => a - b);
  const sortedMinutes = [...minutes].sort((a, b) => a - b);
  const out: number[] = [];
  for (let day = Math.floor(to / DAY) * DAY; day + DAY > from && out.length < limit; day -= DAY) {
    const d = new Date(day);
    if (!months.has(d.getUTCMonth() + 1)) continue;
    const dayOk = days.has(d.getUTCDate());
    const weekdayOk = weekdays.has(d.getUTCDay());
    if (!(dayRestricted && weekdayRestricted ? dayOk || weekdayOk : dayOk && weekdayOk)) continue;
    for (let h = sortedHours.length - 1; h >= 0; h--) {
      for (let m = sortedMinutes.length - 1; m >= 0; m--) {
        const t = day + sortedHours[h]! * 3_600_000 + sortedMinutes[m]! * 60_000;
        if (t > from && t <= to && out.length < limit) out.push(t);
      }
    }
  }
  return out.reverse();
}
