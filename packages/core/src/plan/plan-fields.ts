/**
 * Field schemas shared by every area of the plan. Each field carries the text of what it expects
 * (zod's `error` option), which becomes the "expected …" half of a plan issue; checks added to a
 * field inherit that text, so a field says the same thing whatever rule it breaks.
 */
import { z } from 'zod';
import { isDurationText, parseDuration } from '../duration.js';
import { cronProblem } from './plan-cron.js';

/** Extra data a refinement attaches to its issue: a short "what to do". */
export interface IssueParams {
  hint?: string;
  /** Replaces the description of the value found (for example to avoid echoing a secret). */
  found?: string;
}

export const DURATION_EXPECTED = 'a duration such as "15m"';
/** Same language as `isDurationText`; only used to give editors a pattern (tests keep them in step). */
export const DURATION_JSON_PATTERN = '^(?:\\d+(?:\\.\\d+)?(?:ms|s|m|h|d))+$';

/**
 * A duration written as text (`"15m"`, `"30s"`, `"1h30m"`, `"250ms"`, `"2d"`), parsed to milliseconds.
 * Bare numbers are refused: in a runbook `rto: 15` is ambiguous (15 ms? 15 minutes?).
 */
export function durationField(description: string, options: { positive?: boolean } = {}) {
  const text = z.string({ error: DURATION_EXPECTED });
  const checked = text.refine(isDurationText, { error: DURATION_EXPECTED });
  const ms = checked.transform((value) => parseDuration(value));
  const bounded = options.positive
    ? ms.refine((value) => value > 0, { error: 'a duration longer than zero, such as "15m"' })
    : ms;
  return bounded.meta({ description: `${description} A duration such as "15m", "30s" or "1h30m" (milliseconds once parsed).`, pattern: DURATION_JSON_PATTERN, examples: ['15m', '30s', '1h30m'] });
}

/**
 * A check of one field against its siblings (`to` after `from`), reported at that field with the
 * value it holds. `show` describes the value found (for example a duration back in words).
 */
export function siblingCheck<T extends object, K extends keyof T & string>(
  field: K,
  expected: string,
  holds: (value: T) => boolean,
  options: { hint?: string; show?: (fieldValue: T[K]) => string } = {},
) {
  return (value: T, ctx: z.core.$RefinementCtx<T>): void => {
    if (holds(value)) return;
    const params: IssueParams = {};
    if (options.hint) params.hint = options.hint;
    if (options.show) params.found = options.show(value[field]);
    ctx.addIssue({ code: 'custom', path: [field], message: expected, input: value[field], params });
  };
}

/** A text field matching `pattern`, whose problems all read "expected <expected>". */
export function patternField(expected: string, pattern: RegExp, description: string) {
  return z.string({ error: expected }).regex(pattern).describe(description);
}

/** A whole number in [min, max]. */
export function integerField(min: number, max: number, description: string) {
  const expected = max === Number.MAX_SAFE_INTEGER ? `a whole number ≥ ${min}` : `a whole number from ${min} to ${max}`;
  return z.number({ error: expected }).int().min(min).max(max).describe(description);
}

/** Non-empty free text. */
export function textField(description: string, max = 1024) {
  return z.string({ error: `text of 1 to ${max} characters` }).min(1).max(max).describe(description);
}

/** A mapping of string keys to string values (tags, labels). */
export function stringMapField(description: string) {
  return z.record(z.string({ error: 'a key name' }).min(1).max(128), z.string({ error: 'text (quote numbers, such as "1")' }).max(256)).describe(description);
}

/** Where a resource or endpoint lives in a two-region plan. */
export const sideField = z.enum(['primary', 'recovery'], { error: 'one of primary, recovery' });

/** AWS region code such as `us-east-1`, `eu-west-2`, `ap-southeast-1`, `us-gov-west-1`. */
export const regionField = patternField(
  'an AWS region code such as "us-east-1"',
  /^[a-z]{2}(?:-[a-z]+)+-\d{1,2}$/,
  'AWS region code, such as us-east-1, eu-west-2 or ap-southeast-1.',
);

const KMS_KEY_ID = '(?:mrk-[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})';
const KMS_ALIAS = 'alias/[a-zA-Z0-9/_-]{1,250}';
/**
 * A KMS key as RDS's `KmsKeyId` takes it: a key ARN, an alias ARN (group 1: the region), a key id (a UUID, or `mrk-…`
 * for a multi-Region key) or `alias/<name>`.
 */
export const KMS_KEY_PATTERN = new RegExp(`^(?:arn:aws[a-z-]*:kms:([a-z]{2}(?:-[a-z]+)+-\\d{1,2}):\\d{12}:(?:key/${KMS_KEY_ID}|${KMS_ALIAS})|${KMS_KEY_ID}|${KMS_ALIAS})$`);

/**
 * The region of a KMS key ARN or alias ARN; `undefined` for a key id or an alias name, which RDS looks up in the
 * region of the call.
 * @example kmsKeyRegion('arn:aws:kms:us-west-2:111111111111:alias/tracking') // 'us-west-2'
 */
export function kmsKeyRegion(key: string): string | undefined {
  return KMS_KEY_PATTERN.exec(key)?.[1];
}

/** A role name: the key of `resources`, kebab-case or camelCase (`database`, `api-cluster`, `webTier`). */
export const ROLE_PATTERN = /^[a-z][a-zA-Z0-9]*(?:-[a-z0-9]+)*$/;
export const ROLE_EXPECTED = 'a role name such as "database" or "web-tier" (letters and digits, words joined by "-" or camelCase)';
export const roleField = patternField(ROLE_EXPECTED, ROLE_PATTERN, 'Name of a role in `resources`.');

/** A kebab-case identifier (strategy names, step ids). */
export const KEBAB_PATTERN = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;

const CRON_EXPECTED = 'a 5-field cron expression (minute hour day-of-month month day-of-week) such as "0 3 * * 1"';

/** A 5-field cron expression: `*`, lists, ranges, steps and names (`MON`, `JAN`). */
export function cronField(description: string) {
  return z
    .string({ error: CRON_EXPECTED })
    .superRefine((value, ctx) => {
      const problem = cronProblem(value);
      if (problem !== undefined) {
        ctx.addIssue({ code: 'custom', message: CRON_EXPECTED, input: value, params: { hint: problem } satisfies IssueParams });
      }
    })
    .meta({ description, examples: ['0 3 * * 1', '0 */12 * * *', '30 2 1 * *'] });
}

/** Retention of backups in days (AWS Backup allows up to 100 years). */
export const retentionDaysField = integerField(1, 36_500, 'Days each backup is kept.');

/**
 * Advice attached to an object schema, shown when a plan puts an unknown field in it (for example
 * `password` in a connection). Kept in its own registry so it stays out of the JSON Schema.
 */
export const unknownFieldAdvice = z.registry<{ expected: string; hint: string; hideValue?: boolean }>();
