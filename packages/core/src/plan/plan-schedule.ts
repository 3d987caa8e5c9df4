/**
 * `schedule`: when drills run on their own, and the windows in which they must not.
 */
import { z } from 'zod';
import { cronField, durationField, patternField, siblingCheck, textField } from './plan-fields.js';

const DATE_TIME_EXPECTED = 'an ISO-8601 date-time with a time zone, such as "2026-12-20T00:00:00Z"';
const dateTime = z
  .string({ error: DATE_TIME_EXPECTED })
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})$/)
  .refine((text) => !Number.isNaN(Date.parse(text)))
  .meta({ format: 'date-time' });

const timeOfDay = patternField('a time of day "HH:MM" such as "16:00"', /^(?:[01]\d|2[0-3]):[0-5]\d$/, 'Time of day (24-hour, in the schedule time zone).');

const dateWindow = z
  .strictObject({
    from: dateTime.describe('Start of the blocked window.'),
    to: dateTime.describe('End of the blocked window.'),
    reason: textField('Why drills are blocked (shown when a drill is skipped).').optional(),
  })
  .superRefine(siblingCheck('to', 'a "to" later than "from"', (w) => Date.parse(w.from) < Date.parse(w.to)))
  .describe('No drills between two instants, such as a holiday freeze.');

const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
const weeklyWindow = z
  .strictObject({
    days: z.array(z.enum(WEEKDAYS, { error: `a weekday: one of ${WEEKDAYS.join(', ')}` }), { error: 'a list of weekdays such as [sat, sun]' }).min(1),
    fromTime: timeOfDay.optional().describe('Start time on those days; default 00:00.'),
    toTime: timeOfDay.optional().describe('End time on those days; default end of day.'),
    reason: textField('Why drills are blocked (shown when a drill is skipped).').optional(),
  })
  .superRefine(
    siblingCheck('toTime', 'a toTime later than fromTime', (w) => w.fromTime === undefined || w.toTime === undefined || w.fromTime < w.toTime, {
      hint: 'for a window past midnight, write two entries (one per day)',
    }),
  )
  .describe('No drills on these weekdays (optionally between two times of day).');

function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** `schedule`: the cron on which `firedrill schedule` runs this plan's drills. */
export const scheduleSchema = z
  .strictObject({
    cron: cronField('When to run (5-field cron: minute hour day-of-month month day-of-week), in `timezone`.'),
    timezone: z
      .string({ error: 'an IANA time zone such as "UTC" or "Europe/Paris"' })
      .refine(isTimeZone)
      .default('UTC')
      .describe('IANA time zone of `cron` and of blocked windows\' times of day.'),
    operation: z.enum(['drill', 'check']).default('drill').describe('What runs on schedule: a measured drill, or a readiness check.'),
    drill: z.enum(['isolated', 'live']).default('isolated').describe('isolated: restore copies and clean up; live: fail over for real and fail back.'),
    blockedWindows: z
      .array(z.union([dateWindow, weeklyWindow]), { error: 'a list of blocked windows' })
      .optional()
      .describe('Windows in which scheduled drills are skipped: a slot in one, or a late start that would fall in one.'),
    startingDeadline: durationField(
      'How late after its slot a drill may still start (default 1h). A slot found later — the scheduler was down, a CI job queued for hours — is recorded as missed, not run at an hour nobody planned.',
      { positive: true },
    ).optional(),
  })
  .describe('Run drills on a schedule.');
