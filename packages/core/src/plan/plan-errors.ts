/**
 * Plan validation errors: every problem of a plan at once, each naming the file, the line, the field,
 * what was expected and what was found — readable by an SRE at 3 a.m.
 */

/**
 * One problem in a plan.
 * @example
 * { file: 'plan.yaml', line: 12, path: 'objectives.rto', expected: 'a duration such as "15m"', found: '"fast"',
 *   message: 'expected a duration such as "15m", got "fast"' }
 */
export interface PlanIssue {
  /** The plan file (or `<plan>` for plans given as objects). */
  file: string;
  /** The field, with dots and `[i]` for list items: `resources.database.primary.identifier`; `(document)` for the file as a whole. */
  path: string;
  /** What the field should hold, such as `a duration such as "15m"`. */
  expected: string;
  /** What it holds, such as `"fast"`, or `nothing` when it is missing. */
  found: string;
  /** The sentence shown to people, such as `expected a duration such as "15m", got "fast"`. */
  message: string;
  /** 1-based line in the file, when known. */
  line?: number;
  /** 1-based column in the file, when known. */
  column?: number;
}

/**
 * `file:line: path: message`, the form compilers use, so editors and terminals link to the line.
 *
 * @example
 * formatPlanIssue({ file: 'plan.yaml', line: 12, path: 'objectives.rto', expected: 'a duration such as "15m"', found: '"fast"', message: 'expected a duration such as "15m", got "fast"' })
 * // 'plan.yaml:12: objectives.rto: expected a duration such as "15m", got "fast"'
 */
export function formatPlanIssue(issue: PlanIssue): string {
  const where = issue.line === undefined ? issue.file : `${issue.file}:${issue.line}`;
  return `${where}: ${issue.path}: ${issue.message}`;
}

/**
 * A plan failed validation. `issues` lists every problem found (not only the first); the message
 * has one line per issue. The CLI exits with {@link PlanValidationError.exitCode} (2: bad input).
 *
 * @example
 * try {
 *   await loadPlanFile('plan.yaml');
 * } catch (error) {
 *   if (error instanceof PlanValidationError) {
 *     for (const issue of error.issues) console.error(formatPlanIssue(issue));
 *     process.exitCode = error.exitCode;
 *   }
 * }
 */
export class PlanValidationError extends Error {
  override readonly name = 'PlanValidationError';
  /** Stable code, for recognising the error by shape across package copies. */
  readonly code = 'PLAN_INVALID';
  /** Process exit code for bad input. */
  readonly exitCode = 2;
  /** Every problem found, in file order where lines are known. */
  readonly issues: readonly PlanIssue[];

  constructor(issues: readonly PlanIssue[]) {
    super(issues.map(formatPlanIssue).join('\n'));
    this.issues = issues;
  }
}

/**
 * True for a {@link PlanValidationError}, also one thrown by another copy of this package.
 * @example if (isPlanValidationError(error)) process.exitCode = error.exitCode;
 */
export function isPlanValidationError(error: unknown): error is PlanValidationError {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'PLAN_INVALID' && Array.isArray((error as { issues?: unknown }).issues);
}

/** `resources.database.primary`, `approvals[0].before`, `tags["a.b"]`; `(document)` for the root. */
export function formatPlanPath(path: readonly PropertyKey[]): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else if (/^[A-Za-z_][\w-]*$/.test(String(segment))) text += text === '' ? String(segment) : `.${String(segment)}`;
    else text += `[${JSON.stringify(String(segment))}]`;
  }
  return text === '' ? '(document)' : text;
}
