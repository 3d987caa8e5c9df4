/**
 * When a 5-field cron fires, in UTC: the one reading of cron shared by the scheduler (`firedrill schedule`),
 * backup-schedule readiness checks and the sandbox's snapshot history. The syntax checks with their messages
 * are `cronProblem` (plan validation).
 */

const MINUTE = 60_000;
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

/** A parsed cron expression: the allowed values of each field. */
interface CronSets {
  minutes: boolean[];
  hours: boolean[];
  days: boolean[];
  months: boolean[];
  weekdays: boolean[];
  /** Day-of-month or day-of-week was `*`: a day must match both; otherwise either (the Vixie OR rule). */
  anyDayStar: boolean;
}

function field(text: string, min: number, max: number, names?: string[], offset = 0): boolean[] {
  const allowed = new Array<boolean>(max + 1).fill(false);
  const value = (token: string): number => {
    if (/^\d+$/.test(token)) return Number(token);
    const index = names?.indexOf(token.toLowerCase()) ?? -1;
    if (index < 0) throw new Error(`cron: "${token}" is not a number${names ? ' or name' : ''}`);
    return index + offset;
  };
  for (const item of text.split(',')) {
    const [range = '', stepText] = item.split('/');
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1) throw new Error(`cron: bad step in "${item}"`);
    let from: number;
    let to: number;
    if (range === '*') {
      from = min;
      to = max;
    } else {
      const bounds = range.split('-');
      from = value(bounds[0] ?? '');
      // `a/n` runs from a to the field's end.
      to = bounds.length > 1 ? value(bounds[1] ?? '') : stepText === undefined ? from : max;
    }
    if (from < min || to > max || from > to) throw new Error(`cron: "${item}" is out of range ${min}-${max}`);
    for (let v = from; v <= to; v += step) allowed[v] = true;
  }
  return allowed;
}

function parseCron(cron: string): CronSets {
  const parts = cron.trim().split(/\s+/);
  if (parts.length !== 5) throw new Error(`cron: "${cron}" has ${parts.length} field(s), not 5`);
  const [minute, hour, dom, month, dow] = parts as [string, string, string, string, string];
  const weekdays = field(dow, 0, 7, WEEKDAYS);
  if (weekdays[7]) weekdays[0] = true; // 7 is Sunday too.
  return {
    minutes: field(minute, 0, 59),
    hours: field(hour, 0, 23),
    days: field(dom, 1, 31),
    months: field(month, 1, 12, MONTHS, 1),
    weekdays,
    anyDayStar: dom.startsWith('*') || dow.startsWith('*'),
  };
}

function dayMatches(sets: CronSets, date: Date): boolean {
  const dom = sets.days[date.getUTCDate()] === true;
  const dow = sets.weekdays[date.getUTCDay()] === true;
  return sets.anyDayStar ? dom && dow : dom || dow;
}

/** Cron seldom skips more than a few years (Feb 29 on a given weekday: 28); give up past that. */
const HORIZON_YEARS = 30;

/**
 * The first time strictly after `after` (epoch ms) at which a 5-field cron fires, in UTC. Fields:
 * minute hour day-of-month month day-of-week, with `*`, lists, ranges, steps and JAN/MON names; when
 * both day fields are restricted, a day matching either fires (the usual cron rule).
 *
 * @example
 * nextCronTime('0 3 * * 1', Date.parse('2026-03-01T12:00:00Z')) // Date.parse('2026-03-02T03:00:00Z')
 * @throws Error when the expression is invalid or never fires (such as "0 0 31 2 *").
 */
export function nextCronTime(cron: string, after: number): number {
  const sets = parseCron(cron);
  const d = new Date(Math.floor(after / MINUTE) * MINUTE + MINUTE);
  const limit = d.getUTCFullYear() + HORIZON_YEARS;
  while (d.getUTCFullYear() <= limit) {
    if (!sets.months[d.getUTCMonth() + 1]) {
      d.setUTCMonth(d.getUTCMonth() + 1, 1);
      d.setUTCHours(0, 0, 0, 0);
    } else if (!dayMatches(sets, d)) {
      d.setUTCDate(d.getUTCDate() + 1);
      d.setUTCHours(0, 0, 0, 0);
    } else if (!sets.hours[d.getUTCHours()]) {
      d.setUTCHours(d.getUTCHours() + 1, 0, 0, 0);
    } else if (!sets.minutes[d.getUTCMinutes()]) {
      d.setUTCMinutes(d.getUTCMinutes() + 1, 0, 0);
    } else {
      return d.getTime();
    }
  }
  throw new Error(`cron: "${cron}" never fires`);
}

/**
 * The latest time at or before `atOrBefore` (epoch ms) at which a 5-field cron fires, in UTC: the
 * schedule's last slot. Same dialect as {@link nextCronTime}.
 *
 * @throws Error when the expression is invalid or has not fired in the last 30 years.
 */
export function previousCronTime(cron: string, atOrBefore: number): number {
  const sets = parseCron(cron);
  const d = new Date(Math.floor(atOrBefore / MINUTE) * MINUTE);
  const limit = d.getUTCFullYear() - HORIZON_YEARS;
  while (d.getUTCFullYear() >= limit) {
    if (!sets.months[d.getUTCMonth() + 1]) {
      d.setUTCDate(1);
      d.setUTCHours(0, 0, 0, 0);
      d.setTime(d.getTime() - MINUTE); // The last minute of the month before.
    } else if (!dayMatches(sets, d)) {
      d.setUTCHours(0, 0, 0, 0);
      d.setTime(d.getTime() - MINUTE);
    } else if (!sets.hours[d.getUTCHours()]) {
      d.setUTCMinutes(0, 0, 0);
      d.setTime(d.getTime() - MINUTE);
    } else if (!sets.minutes[d.getUTCMinutes()]) {
      d.setTime(d.getTime() - MINUTE);
    } else {
      return d.getTime();
    }
  }
  throw new Error(`cron: "${cron}" has not fired in ${HORIZON_YEARS} years`);
}

/**
 * Every time `cron` fired in `(from, to]`, oldest first — at most `limit`, the newest ones.
 *
 * @example
 * cronFirings('0 *\/12 * * *', Date.parse('2026-01-01T00:00Z'), Date.parse('2026-01-02T00:00Z')) // 12:00 and 00:00
 */
export function cronFirings(cron: string, from: number, to: number, limit = 400): number[] {
  const out: number[] = [];
  let at = to;
  while (out.length < limit) {
    let t: number;
    try {
      t = previousCronTime(cron, at);
    } catch (error) {
      if (/has not fired/.test((error as Error).message)) break;
      throw error;
    }
    if (t <= from) break;
    out.push(t);
    at = t - MINUTE;
  }
  return out.reverse();
}
