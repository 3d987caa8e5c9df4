/**
 * Durations as people write them in plans: `"15m"`, `"30s"`, `"1h30m"`, `"250ms"`, `"2d"`.
 * A bare number is milliseconds.
 */
export type Duration = number | string;

const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const DURATION_PATTERN = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h|d))+$/;
const PART_PATTERN = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/g;

/** True when `text` is a duration such as `"15m"` or `"1h30m"`. */
export function isDurationText(text: string): boolean {
  return DURATION_PATTERN.test(text.trim());
}

/**
 * Milliseconds in a {@link Duration}.
 * @throws TypeError naming the value when it is not a duration.
 * @example parseDuration('1h30m') // 5_400_000
 */
export function parseDuration(value: Duration): number {
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0) throw new TypeError(`expected a duration such as "15m", got ${value}`);
    return value;
  }
  const text = value.trim();
  if (!DURATION_PATTERN.test(text)) throw new TypeError(`expected a duration such as "15m", got ${JSON.stringify(value)}`);
  let total = 0;
  for (const [, amount, unit] of text.matchAll(PART_PATTERN)) total += Number(amount) * UNIT_MS[unit!]!;
  return total;
}

/**
 * A short human form of milliseconds, in the units plans use (so it parses back): `"6m52s"`, `"2.1s"`, `"0s"`,
 * and days past a day — a snapshot 30 days old reads `"30d20h40m"`, not `"740h40m"`.
 * @example formatDuration(412_300) // '6m52s'
 */
export function formatDuration(ms: number): string {
  if (ms < 60_000) {
    const seconds = Math.round(ms / 100) / 10;
    return `${seconds}s`;
  }
  const totalSeconds = Math.round(ms / 1000);
  const d = Math.floor(totalSeconds / 86_400);
  const h = Math.floor((totalSeconds % 86_400) / 3600);
  const m = Math.floor((totalSeconds % 3600) / 60);
  const s = totalSeconds % 60;
  return `${d > 0 ? `${d}d` : ''}${h > 0 ? `${h}h` : ''}${m > 0 ? `${m}m` : ''}${s > 0 ? `${s}s` : ''}` || '0s';
}
