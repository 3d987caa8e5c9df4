import { describe, expect, it } from 'vitest';
import { isBlocked, nextCronTime, previousCronTime } from '../src/schedule/cron-next.js';

const t = (iso: string): number => Date.parse(iso);
const next = (cron: string, after: string): string => new Date(nextCronTime(cron, t(after))).toISOString();
const prev = (cron: string, at: string): string => new Date(previousCronTime(cron, t(at))).toISOString();

describe('nextCronTime', () => {
  it('weekly: after a Sunday comes Monday 03:00', () => {
    expect(next('0 3 * * 1', '2026-03-01T12:00:00Z')).toBe('2026-03-02T03:00:00.000Z');
    expect(next('0 3 * * MON', '2026-03-02T03:00:00Z')).toBe('2026-03-09T03:00:00.000Z'); // strictly after
    expect(next('0 3 * * 1', '2026-03-02T02:59:59Z')).toBe('2026-03-02T03:00:00.000Z');
  });

  it('steps, ranges and weekday names', () => {
    expect(next('*/15 9-17 * * MON-FRI', '2026-03-02T09:07:00Z')).toBe('2026-03-02T09:15:00.000Z');
    expect(next('*/15 9-17 * * MON-FRI', '2026-03-02T17:45:00Z')).toBe('2026-03-03T09:00:00.000Z');
    expect(next('*/15 9-17 * * MON-FRI', '2026-03-06T17:50:00Z')).toBe('2026-03-09T09:00:00.000Z'); // Friday → Monday
    expect(next('5,35 */6 * * *', '2026-03-02T06:06:00Z')).toBe('2026-03-02T06:35:00.000Z');
    expect(next('0 0 * * 7', '2026-03-02T00:00:00Z')).toBe('2026-03-08T00:00:00.000Z'); // 7 is Sunday
  });

  it('month and year edges', () => {
    expect(next('0 0 1 * *', '2026-12-15T00:00:00Z')).toBe('2027-01-01T00:00:00.000Z');
    expect(next('30 23 31 * *', '2026-04-01T00:00:00Z')).toBe('2026-05-31T23:30:00.000Z'); // April has no 31st
    expect(next('0 12 * JAN,JUL *', '2026-02-01T00:00:00Z')).toBe('2026-07-01T12:00:00.000Z');
    expect(next('59 23 * * *', '2026-12-31T23:59:00Z')).toBe('2027-01-01T23:59:00.000Z');
  });

  it('Feb 29 fires in leap years only', () => {
    expect(next('0 0 29 2 *', '2026-01-01T00:00:00Z')).toBe('2028-02-29T00:00:00.000Z');
    expect(next('0 0 29 FEB *', '2028-02-29T00:00:00Z')).toBe('2032-02-29T00:00:00.000Z');
  });

  it('day-of-month and day-of-week: either matches when both are restricted; both when one is *', () => {
    // The 13th or any Friday.
    expect(next('0 0 13 * FRI', '2026-03-01T00:00:00Z')).toBe('2026-03-06T00:00:00.000Z');
    expect(next('0 0 13 * FRI', '2026-03-07T00:00:00Z')).toBe('2026-03-13T00:00:00.000Z');
    expect(next('0 0 13 * FRI', '2026-03-13T00:00:00Z')).toBe('2026-03-20T00:00:00.000Z');
    // With day-of-week *, day-of-month alone decides.
    expect(next('0 0 */10 * *', '2026-03-02T00:00:00Z')).toBe('2026-03-11T00:00:00.000Z');
  });

  it('rejects expressions that never fire or are malformed', () => {
    expect(() => nextCronTime('0 0 31 2 *', 0)).toThrow(/never fires/);
    expect(() => nextCronTime('0 3 * *', 0)).toThrow(/not 5/);
    expect(() => nextCronTime('0 24 * * *', 0)).toThrow(/out of range/);
  });
});

describe('previousCronTime', () => {
  it('is the latest slot at or before the instant', () => {
    expect(prev('0 3 * * 1', '2026-03-02T03:00:00Z')).toBe('2026-03-02T03:00:00.000Z');
    expect(prev('0 3 * * 1', '2026-03-02T02:59:00Z')).toBe('2026-02-23T03:00:00.000Z');
    expect(prev('*/15 9-17 * * MON-FRI', '2026-03-09T08:00:00Z')).toBe('2026-03-06T17:45:00.000Z');
    expect(prev('0 0 29 2 *', '2027-06-01T00:00:00Z')).toBe('2024-02-29T00:00:00.000Z');
    expect(prev('0 0 1 * *', '2026-01-01T00:00:00Z')).toBe('2026-01-01T00:00:00.000Z');
    expect(prev('30 23 31 * *', '2026-05-01T00:00:00Z')).toBe('2026-03-31T23:30:00.000Z');
  });

  it('agrees with nextCronTime', () => {
    for (const cron of ['0 3 * * 1', '*/15 9-17 * * MON-FRI', '0 0 13 * FRI', '7 4 1,15 */2 *']) {
      let at = t('2026-01-01T00:00:00Z');
      for (let i = 0; i < 20; i++) {
        const n = nextCronTime(cron, at);
        expect(previousCronTime(cron, n)).toBe(n);
        expect(previousCronTime(cron, n - 60_000)).toBeLessThanOrEqual(at);
        at = n;
      }
    }
  });
});

describe('isBlocked', () => {
  const windows = [
    { from: '2026-12-20T00:00:00Z', to: '2027-01-04T00:00:00Z', reason: 'holiday freeze' },
    { days: ['sat', 'sun'] },
    { days: ['wed'], fromTime: '16:00', toTime: '18:00', reason: 'release window' },
  ];
  it('absolute windows block [from, to)', () => {
    expect(isBlocked(t('2026-12-22T03:00:00Z'), windows)).toEqual({ blocked: true, reason: 'holiday freeze' });
    expect(isBlocked(t('2026-12-20T00:00:00Z'), windows).blocked).toBe(true);
    expect(isBlocked(t('2027-01-04T00:00:00Z'), windows).blocked).toBe(false); // a Monday, after the freeze
  });
  it('weekly windows block whole days or times of day, in UTC', () => {
    expect(isBlocked(t('2026-03-07T03:00:00Z'), windows)).toEqual({ blocked: true, reason: 'blocked on sat, sun' });
    expect(isBlocked(t('2026-03-04T16:00:00Z'), windows)).toEqual({ blocked: true, reason: 'release window' });
    expect(isBlocked(t('2026-03-04T18:00:00Z'), windows)).toEqual({ blocked: false });
    expect(isBlocked(t('2026-03-04T15:59:00Z'), windows)).toEqual({ blocked: false });
    expect(isBlocked(t('2026-03-02T03:00:00Z'), undefined)).toEqual({ blocked: false });
  });
});
