/**
 * Whether an instant falls in a plan's blocked window; when a cron fires comes from core. UTC only: cron fields
 * and blocked windows' times of day are read in UTC (`firedrill schedule` refuses any other `schedule.timezone`).
 */
export { nextCronTime, previousCronTime } from '@firedrill/core';

const MINUTE = 60_000;
const DAY = 86_400_000;
const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

/** A window of a plan's `schedule.blockedWindows`: two instants, or weekdays (optionally between two times of day). */
export type BlockedWindow =
  | { from: string; to: string; reason?: string | undefined }
  | { days: readonly string[]; fromTime?: string | undefined; toTime?: string | undefined; reason?: string | undefined };

function minuteOfDay(hhmm: string): number {
  const [h = '0', m = '0'] = hhmm.split(':');
  return Number(h) * 60 + Number(m);
}

/**
 * Whether `time` (epoch ms) falls in one of the blocked windows, and the first such window's reason.
 * Absolute windows block `[from, to)`; weekly windows block their weekdays (UTC) from `fromTime`
 * (default 00:00) up to `toTime` (default the end of the day).
 *
 * @example
 * isBlocked(Date.parse('2026-03-07T03:00:00Z'), [{ days: ['sat', 'sun'], reason: 'weekend' }]) // { blocked: true, reason: 'weekend' }
 */
export function isBlocked(time: number, blockedWindows: readonly BlockedWindow[] | undefined): { blocked: boolean; reason?: string } {
  for (const w of blockedWindows ?? []) {
    if ('from' in w) {
      const from = Date.parse(w.from);
      const to = Date.parse(w.to);
      if (time >= from && time < to) return { blocked: true, reason: w.reason ?? `blocked from ${w.from} to ${w.to}` };
      continue;
    }
    const date = new Date(time);
    if (!w.days.map((d) => d.toLowerCase()).includes(WEEKDAYS[date.getUTCDay()]!)) continue;
    const minute = Math.floor((time % DAY + DAY) % DAY / MINUTE);
    const from = w.fromTime === undefined ? 0 : minuteOfDay(w.fromTime);
    const to = w.toTime === undefined ? 24 * 60 : minuteOfDay(w.toTime);
    if (minute >= from && minute < to) {
      const when = w.fromTime === undefined && w.toTime === undefined ? '' : ` ${w.fromTime ?? '00:00'}–${w.toTime ?? '24:00'} UTC`;
      return { blocked: true, reason: w.reason ?? `blocked on ${w.days.join(', ')}${when}` };
    }
  }
  return { blocked: false };
}
