/**
 * Syntax and range checks of 5-field cron expressions (the Vixie cron dialect most schedulers take):
 * `*`, `a`, `a-b`, `*\/n`, `a-b/n`, `a/n`, comma-separated lists, and month / weekday names.
 */

interface CronFieldSpec {
  name: string;
  min: number;
  max: number;
  names?: readonly string[];
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'] as const;
const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;

const FIELDS: readonly CronFieldSpec[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day-of-month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: MONTHS },
  // 7 is Sunday too, as in most crons.
  { name: 'day-of-week', min: 0, max: 7, names: WEEKDAYS },
];

function valueOf(token: string, spec: CronFieldSpec): number | undefined {
  if (/^\d+$/.test(token)) return Number(token);
  const index = spec.names?.indexOf(token.toLowerCase() as never) ?? -1;
  if (index < 0) return undefined;
  return spec.name === 'month' ? index + 1 : index;
}

function itemProblem(item: string, spec: CronFieldSpec): string | undefined {
  const match = /^([^/]+)(?:\/(.*))?$/.exec(item);
  if (match === null) return `${spec.name}: "${item}" is not a value, range or step`;
  const [, range = '', step] = match;
  if (step !== undefined) {
    if (!/^\d+$/.test(step) || Number(step) < 1 || Number(step) > spec.max) {
      return `${spec.name}: step "/${step}" must be a whole number from 1 to ${spec.max}`;
    }
  }
  if (range === '*') return undefined;
  const bounds = range.split('-');
  if (bounds.length > 2) return `${spec.name}: "${range}" is not a range such as 1-5`;
  const values: number[] = [];
  for (const bound of bounds) {
    const value = valueOf(bound, spec);
    const allowed = spec.names ? `${spec.min}–${spec.max} or ${spec.names.join('/').toUpperCase()}` : `${spec.min}–${spec.max}`;
    if (value === undefined) return `${spec.name}: "${bound}" is not a number${spec.names ? ' or name' : ''} (allowed: ${allowed})`;
    if (value < spec.min || value > spec.max) return `${spec.name}: ${bound} is out of range (allowed: ${allowed})`;
    values.push(value);
  }
  if (values.length === 2 && values[0]! > values[1]!) {
    return `${spec.name}: range "${range}" runs backwards; write the smaller value first`;
  }
  return undefined;
}

/**
 * What is wrong with a cron expression, or `undefined` when it is valid.
 *
 * @example
 * cronProblem('0 3 * * MON') // undefined
 * cronProblem('0 24 * * *')  // 'hour: 24 is out of range (allowed: 0–23)'
 */
export function cronProblem(expression: string): string | undefined {
  const fields = expression.trim().split(/\s+/);
  if (fields.length !== 5 || fields[0] === '') {
    const hint = expression.trim().startsWith('@') ? '; write the 5 fields, for example "0 0 * * *" for @daily' : '';
    return `it has ${fields[0] === '' ? 0 : fields.length} field(s), not 5${hint}`;
  }
  for (const [index, field] of fields.entries()) {
    const spec = FIELDS[index]!;
    for (const item of field.split(',')) {
      const problem = item === '' ? `${spec.name}: empty item in list "${field}"` : itemProblem(item, spec);
      if (problem !== undefined) return problem;
    }
  }
  return undefined;
}
