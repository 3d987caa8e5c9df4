/**
 * Reading and validating plans: from a YAML file, YAML text, or a TypeScript object. All problems are
 * reported at once in a {@link PlanValidationError}, with the file and, for YAML, the line.
 */
import { readFile } from 'node:fs/promises';
import { LineCounter, parseDocument, type Document } from 'yaml';
import { formatPlanPath, type PlanIssue, PlanValidationError } from './plan-errors.js';
import { expectationDraft, type IssueDraft, planErrorMap, translateZodIssues } from './plan-issues.js';
import { type Plan, type PlanInput, planSchema } from './plan-schema.js';
import { checkPlanSemantics } from './plan-semantics.js';
import { locatePath } from './plan-source-map.js';

/**
 * A plan file as read: its text, the raw input (what the journal records) and the validated plan.
 * @example const { input, plan } = await loadPlanSource('plan.yaml');
 */
export interface PlanSource {
  file: string;
  text: string;
  /** The plan as written, before defaults and duration parsing. */
  input: PlanInput;
  plan: Plan;
}

type Locate = (draft: IssueDraft) => { line: number; column: number } | undefined;

function toIssues(drafts: readonly IssueDraft[], file: string, locate?: Locate): PlanIssue[] {
  const seen = new Set<string>();
  const issues: PlanIssue[] = [];
  for (const draft of drafts) {
    const path = formatPlanPath(draft.path);
    // One problem per field and kind: a cross-field check does not repeat a field's own error.
    const key = `${path}\u0000${draft.atKey ? 'key' : 'value'}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const position = locate?.(draft);
    issues.push({ file, path, expected: draft.expected, found: draft.found, message: draft.message, ...(position ?? {}) });
  }
  return issues.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
}

function validate(input: unknown, file: string, locate?: Locate): Plan {
  const result = planSchema.safeParse(input, { reportInput: true, error: planErrorMap });
  const drafts = result.success ? [] : translateZodIssues(result.error.issues);
  drafts.push(...checkPlanSemantics(input));
  if (drafts.length > 0 || !result.success) throw new PlanValidationError(toIssues(drafts, file, locate));
  return result.data;
}

/**
 * Validates a plan given as a value (parsed JSON or YAML, or an object built in code) and returns it
 * with defaults filled in and durations in milliseconds.
 *
 * @param file Name used in issues. @default "<plan>"
 * @throws PlanValidationError listing every problem.
 * @example
 * const plan = parsePlan(JSON.parse(text), 'plan.json');
 * plan.objectives.rto // 900000 (milliseconds)
 */
export function parsePlan(input: unknown, file = '<plan>'): Plan {
  return validate(input, file);
}

function syntaxIssue(file: string, document: Document): PlanIssue {
  const error = document.errors[0]!;
  const reason = error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
  const position = error.linePos?.[0];
  const where = position ? ` at column ${position.col}` : '';
  return {
    file,
    path: '(document)',
    expected: 'valid YAML',
    found: reason,
    message: `expected valid YAML, got ${reason}${where}`,
    ...(position ? { line: position.line, column: position.col } : {}),
  };
}

function parseYaml(text: string, file: string): { input: unknown; locate: Locate } {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, keepSourceTokens: true, prettyErrors: true, uniqueKeys: true });
  if (document.errors.length > 0) throw new PlanValidationError([syntaxIssue(file, document)]);
  if (document.contents === null) {
    const draft = expectationDraft([], `a plan: a YAML mapping that starts with apiVersion: firedrill.dev/v1`, 'an empty file');
    throw new PlanValidationError(toIssues([draft], file));
  }
  const locate: Locate = (draft) => locatePath(document, lineCounter, draft.path, draft.atKey);
  return { input: document.toJS({ maxAliasCount: 100 }) as unknown, locate };
}

/**
 * Validates a plan written in YAML. Issues carry the line of the field at fault.
 *
 * @param file Name used in issues (usually the path the text was read from).
 * @throws PlanValidationError listing every problem, with lines.
 * @example
 * const plan = loadPlanText(await readFile('plan.yaml', 'utf8'), 'plan.yaml');
 */
export function loadPlanText(text: string, file: string): Plan {
  const { input, locate } = parseYaml(text, file);
  return validate(input, file, locate);
}

const READ_ERRORS: Record<string, string> = {
  ENOENT: 'no such file',
  EISDIR: 'a directory',
  EACCES: 'a file it is not allowed to read (permission denied)',
};

/**
 * Reads and validates a YAML plan file, keeping the text and the raw input (for the journal).
 *
 * @throws PlanValidationError listing every problem; a missing file is an issue too.
 * @example
 * const { plan, input } = await loadPlanSource('plans/tracking.yaml');
 */
export async function loadPlanSource(path: string): Promise<PlanSource> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as { code?: string }).code ?? '';
    const found = READ_ERRORS[code] ?? `an unreadable file (${code || (error as Error).message})`;
    throw new PlanValidationError([
      { file: path, path: '(document)', expected: 'a readable plan file', found, message: `expected a readable plan file, got ${found}; check the path` },
    ]);
  }
  const { input, locate } = parseYaml(text, path);
  return { file: path, text, input: input as PlanInput, plan: validate(input, path, locate) };
}

/**
 * Reads and validates a YAML plan file.
 *
 * @throws PlanValidationError listing every problem; a missing file is an issue too.
 * @example
 * const plan = await loadPlanFile('plans/tracking.yaml');
 * console.log(plan.metadata.name, plan.objectives.rto / 60_000, 'min RTO');
 */
export async function loadPlanFile(path: string): Promise<Plan> {
  return (await loadPlanSource(path)).plan;
}

/**
 * Declares a plan in TypeScript, with the editor checking field names and the same validation as a
 * YAML plan at run time.
 *
 * @throws PlanValidationError listing every problem.
 * @example
 * export default definePlan({
 *   apiVersion: 'firedrill.dev/v1',
 *   metadata: { name: 'tracking-app' },
 *   regions: { primary: 'us-east-1', recovery: 'us-west-2' },
 *   strategy: { name: 'pilot-light' },
 *   resources: { database: { kind: 'rds-instance', primary: { identifier: 'tracking-db' }, recovery: { identifier: 'tracking-db-replica' } } },
 *   objectives: { rto: '15m', rpo: '1m' },
 * });
 */
export function definePlan(input: PlanInput): Plan {
  return validate(input, '<definePlan>');
}
