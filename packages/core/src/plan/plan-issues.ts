/**
 * Turns zod issues into plan issues: "expected <what>, got <what was found>", in our words, never
 * zod's. Fields carry their own "expected" text (see plan-fields.ts); `planErrorMap` supplies it for
 * the rest, and remembers the allowed fields of objects that meet an unknown field.
 */
import type { z } from 'zod';
import { DURATION_EXPECTED, unknownFieldAdvice } from './plan-fields.js';
import { formatDuration } from '../duration.js';

/** A plan issue before it is placed in a file. */
export interface IssueDraft {
  path: PropertyKey[];
  expected: string;
  found: string;
  message: string;
  /** Point at the key rather than its value (unknown fields, bad key names). */
  atKey?: boolean;
}

/** Data `planErrorMap` stashes on unrecognized-key issues. */
interface UnknownKeysData {
  allowedKeys?: string[];
  advice?: { expected: string; hint: string; hideValue?: boolean };
}

const TYPE_NAMES: Record<string, string> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  object: 'a mapping (key: value)',
  record: 'a mapping (key: value)',
  array: 'a list',
};

function quote(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function bound(origin: string, limit: number | bigint, inclusive: boolean | undefined, more: boolean): string {
  const n = Number(limit);
  if (origin === 'array' || origin === 'set') return `${more ? 'at least' : 'at most'} ${n} item${n === 1 ? '' : 's'}`;
  if (origin === 'string') return `${more ? 'at least' : 'at most'} ${n} character${n === 1 ? '' : 's'}`;
  const op = more ? (inclusive === false ? '>' : '≥') : inclusive === false ? '<' : '≤';
  return `a number ${op} ${n}`;
}

/**
 * Per-parse zod error map: the generic "expected" text for issues whose field has none of its own.
 * For unknown fields it also records the object's allowed fields on the issue (zod copies an issue's
 * own properties after computing its message), so the translation can suggest the closest one.
 */
export const planErrorMap: z.core.$ZodErrorMap = (issue) => {
  switch (issue.code) {
    case 'invalid_type':
      return TYPE_NAMES[issue.expected] ?? issue.expected;
    case 'invalid_value':
      return issue.values.length === 1 ? JSON.stringify(issue.values[0]) : `one of ${issue.values.map(quote).join(', ')}`;
    case 'too_small':
      return bound(issue.origin, issue.minimum, issue.inclusive, true);
    case 'too_big':
      return bound(issue.origin, issue.maximum, issue.inclusive, false);
    case 'invalid_format':
      return issue.format === 'regex' ? `text matching ${issue.pattern ?? 'the expected pattern'}` : `a ${issue.format}`;
    case 'not_multiple_of':
      return `a multiple of ${Number(issue.divisor)}`;
    case 'invalid_union': {
      const options = (issue as { options?: unknown[] }).options;
      return options ? `one of ${options.map(quote).join(', ')}` : 'one of the allowed forms';
    }
    case 'unrecognized_keys': {
      const schema = issue.inst as { shape?: Record<string, unknown> } | undefined;
      const data = issue as UnknownKeysData;
      data.allowedKeys = Object.keys(schema?.shape ?? {});
      const advice = issue.inst ? unknownFieldAdvice.get(issue.inst as z.ZodType) : undefined;
      if (advice) data.advice = advice;
      return 'known fields only';
    }
    default:
      return 'a valid value';
  }
};

/**
 * A short description of a value found in a plan: `"fast"`, `42`, `nothing`, `an empty list`.
 *
 * @example describeFound(undefined) // 'nothing'
 */
export function describeFound(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'an empty value';
  if (typeof value === 'string') {
    if (value === '') return 'an empty text ("")';
    // Never echo a password written into a URL.
    const safe = value.replace(/(\/\/[^/:@\s]*):[^@\s]*@/, '$1:***@');
    return JSON.stringify(safe.length > 80 ? `${safe.slice(0, 77)}...` : safe);
  }
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (Array.isArray(value)) {
    if (value.length === 0) return 'an empty list';
    const inline = value.every((item) => typeof item !== 'object' || item === null) ? `[${value.map(String).join(', ')}]` : '';
    return inline !== '' && inline.length <= 60 ? inline : `a list of ${value.length} item${value.length === 1 ? '' : 's'}`;
  }
  if (typeof value === 'object') {
    const entries = Object.entries(value);
    if (entries.length === 0) return 'an empty mapping';
    const scalars = entries.every(([, item]) => typeof item === 'number' || typeof item === 'boolean');
    const inline = `{ ${entries.map(([key, item]) => `${key}: ${String(item)}`).join(', ')} }`;
    return scalars && inline.length <= 60 ? inline : 'a mapping';
  }
  return typeof value;
}

/** Levenshtein distance, for "did you mean". */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}

/** The allowed key closest to `key` (case-insensitive edit distance ≤ 2), if any. */
export function closestKey(key: string, allowed: readonly string[]): string | undefined {
  let best: { key: string; distance: number } | undefined;
  for (const candidate of allowed) {
    const distance = editDistance(key.toLowerCase(), candidate.toLowerCase());
    if (distance <= 2 && (best === undefined || distance < best.distance)) best = { key: candidate, distance };
  }
  return best?.key;
}

/** A draft whose message is "expected X, got Y", plus "; hint" when there is one. */
export function expectationDraft(path: PropertyKey[], expected: string, found: string, hint?: string): IssueDraft {
  return { path, expected, found, message: `expected ${expected}, got ${found}${hint ? `; ${hint}` : ''}` };
}

function unknownFieldDrafts(issue: z.core.$ZodIssueUnrecognizedKeys, path: PropertyKey[]): IssueDraft[] {
  const { allowedKeys = [], advice } = issue as UnknownKeysData;
  return issue.keys.map((key) => {
    const at = [...path, key];
    if (advice) {
      const found = advice.hideValue ? `an inline "${key}"` : `a field "${key}"`;
      return { ...expectationDraft(at, advice.expected, found, advice.hint), atKey: true };
    }
    const suggestion = closestKey(key, allowedKeys);
    const list = allowedKeys.join(', ');
    const message = suggestion ? `unknown field; did you mean "${suggestion}"?` : `unknown field; expected one of ${list}`;
    return { path: at, expected: `one of the fields ${list}`, found: JSON.stringify(key), message, atKey: true };
  });
}

function foundOf(issue: z.core.$ZodIssue): unknown {
  const input = (issue as { input?: unknown }).input;
  if (issue.code === 'invalid_union' && 'discriminator' in issue && typeof input === 'object' && input !== null) {
    return (input as Record<string, unknown>)[String(issue.discriminator)];
  }
  return input;
}

function hintOf(issue: z.core.$ZodIssue, input: unknown): string | undefined {
  const params = (issue as { params?: { hint?: string } }).params;
  if (params?.hint) return params.hint;
  if (issue.message === DURATION_EXPECTED && typeof input === 'number') {
    // Milliseconds are what a parsed plan holds (900000 for "15m"): give the plan's input (PlanSource.input), not the Plan.
    if (input >= 1000 && input % 1000 === 0) return `write the unit, such as "${formatDuration(input)}" if ${input} is milliseconds (a parsed Plan holds milliseconds: validate the plan's input, not the Plan), or "${input}s"`;
    return `write the unit, such as "${input}s" or "${input}m"`;
  }
  if (issue.code === 'invalid_type' && issue.expected === 'string' && (typeof input === 'number' || typeof input === 'boolean')) {
    return 'put it in quotes so YAML reads it as text';
  }
  if (issue.code === 'invalid_type' && issue.expected === 'object' && typeof input === 'string') {
    return 'write the fields indented below this key';
  }
  return undefined;
}

/**
 * Plan issue drafts for zod issues (all of them, in order). Paths are prefixed with `prefix`, which
 * lets union branches (whose issues carry relative paths) be translated recursively.
 */
export function translateZodIssues(issues: readonly z.core.$ZodIssue[], prefix: PropertyKey[] = []): IssueDraft[] {
  const drafts: IssueDraft[] = [];
  for (const issue of issues) {
    const path = [...prefix, ...issue.path];
    if (issue.code === 'unrecognized_keys') {
      drafts.push(...unknownFieldDrafts(issue, path));
    } else if (issue.code === 'invalid_union' && issue.errors.length > 0) {
      // No branch matched: explain the branch that came closest (fewest problems).
      const closest = issue.errors.reduce((best, branch) => (branch.length < best.length ? branch : best));
      drafts.push(...translateZodIssues(closest, path));
    } else if (issue.code === 'invalid_key') {
      const inner = issue.issues[0];
      const hint = 'this is a key name';
      drafts.push({ ...expectationDraft(path, inner?.message ?? 'a valid key', describeFound(issue.input), hint), atKey: true });
    } else {
      const input = foundOf(issue);
      const params = (issue as { params?: { found?: string } }).params;
      drafts.push(expectationDraft(path, issue.message, params?.found ?? describeFound(input), hintOf(issue, input)));
    }
  }
  return drafts;
}
