/**
 * `firedrill plan` promises the exact AWS calls and `firedrill render` prints them as `aws … --cli-input-json`
 * lines an SRE may paste during an incident. For every example plan and every operation, each previewed call is
 * held to what the step really sends on the plan's sandbox world: the same keys and shape, and the same values
 * except clearly marked placeholders (`<…>`) for what only the run can know.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { type CallPreview, loadPlanSource } from '@firedrill/core';
import { openSandboxSession, runCli } from '@firedrill/runbooks';
import { getStrategy, registerBuiltinStrategies } from '@firedrill/strategies';
import type { OperationChoice } from '../packages/runbooks/src/operation/operation-steps.js';
import { bufferIo } from './support/buffer-io.js';
import { runRecordingCalls, type StepCall } from './support/step-calls.js';

const EXAMPLES = join(import.meta.dirname, '..', 'packages', 'runbooks', 'examples');
const PLANS = ['aurora-mysql-in-region', 'backup-restore', 'multi-site', 'pilot-light', 'postgres-multi-az', 'two-environments-postgres', 'warm-standby-two-accounts', 'warm-standby'];

const PLACEHOLDER = /<[^<>]+>/;
const isPlaceholder = (v: unknown): v is string => typeof v === 'string' && PLACEHOLDER.test(v);
const onlyPlaceholder = (v: unknown): boolean => typeof v === 'string' && /^<[^<>]+>$/.test(v);
/** A value only the run can tell whether to send (the placeholder says when): one placeholder, or a list of one. */
const runDecides = (v: unknown): boolean => onlyPlaceholder(v) || (Array.isArray(v) && v.length === 1 && onlyPlaceholder(v[0]));
const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Whether a previewed value stands for a sent one: a value that is only a placeholder stands for any value (and
 * its key may be left out), a string with placeholders in it for any string that fills them, a list of one
 * placeholder for a whole list; any other value must be equal, objects key for key.
 */
function previewMatches(preview: unknown, sent: unknown): boolean {
  if (onlyPlaceholder(preview)) return sent !== undefined;
  if (isPlaceholder(preview)) {
    const pattern = preview.split(PLACEHOLDER).map(escape).join('.+');
    return typeof sent === 'string' && new RegExp(`^${pattern}$`, 's').test(sent);
  }
  if (Array.isArray(preview)) {
    if (!Array.isArray(sent)) return false;
    if (runDecides(preview)) return sent.length > 0;
    return preview.length === sent.length && preview.every((p, i) => previewMatches(p, sent[i]));
  }
  if (preview !== null && typeof preview === 'object') {
    if (sent === null || typeof sent !== 'object' || Array.isArray(sent)) return false;
    const p = preview as Record<string, unknown>;
    const c = sent as Record<string, unknown>;
    return Object.keys(c).every((k) => k in p) && Object.entries(p).every(([k, v]) => (k in c ? previewMatches(v, c[k]) : runDecides(v)));
  }
  return preview === sent;
}

/** Previews that match no call of their command their step sent, and what was compared. */
interface Comparison {
  mismatches: string[];
  /** `service command` of each preview held to a sent call. */
  compared: string[];
}

/**
 * Holds each step's previews to the calls that step sent in the same region: some call of the command must match.
 * A preview whose command the step did not send in this run (a graceful-only step in an ungraceful run, a delete
 * with nothing to delete) has nothing to be held to here; another operation of the plan sends it.
 */
function compare(label: string, previews: ReadonlyMap<string, CallPreview[]>, calls: readonly StepCall[]): Comparison {
  const out: Comparison = { mismatches: [], compared: [] };
  for (const [stepId, stepPreviews] of previews) {
    for (const preview of stepPreviews) {
      const sent = calls.filter((c) => c.stepId === stepId && c.service === preview.service && c.command === preview.command && c.region === preview.region);
      if (sent.length === 0) continue;
      out.compared.push(`${preview.service} ${preview.command}`);
      if (!sent.some((c) => previewMatches(preview.input ?? {}, c.input))) {
        const seen = [...new Set(sent.map((c) => JSON.stringify(c.input)))].slice(0, 3);
        out.mismatches.push(`${label} ${stepId}: ${preview.service} ${preview.region} ${preview.command}\n    previewed ${JSON.stringify(preview.input ?? {})}\n    sent      ${seen.join('\n              ')}`);
      }
    }
  }
  return out;
}

/** The calls `firedrill plan --json` previews, by step — and `firedrill render` prints the same inputs. */
async function previewsOf(file: string, choice: OperationChoice, stateDir: string): Promise<Map<string, CallPreview[]>> {
  const args = [file, '--operation', choice.operation, '--mode', choice.mode, ...(choice.drill ? [`--${choice.drill}`] : [])];
  const plan = bufferIo(stateDir);
  expect(await runCli(['plan', ...args, '--json'], plan), plan.err()).toBe(0);
  const waves = (JSON.parse(plan.out()) as { waves: { id: string; calls: CallPreview[] }[][] }).waves;
  const previews = new Map(waves.flat().map((s) => [s.id, s.calls]));
  const render = bufferIo(stateDir);
  expect(await runCli(['render', ...args], render), render.err()).toBe(0);
  for (const call of [...previews.values()].flat()) {
    if (Object.keys(call.input ?? {}).length > 0) expect(render.out()).toContain(`--cli-input-json '${JSON.stringify(call.input).replace(/'/g, "'\\''")}'`);
  }
  return previews;
}

interface Example {
  name: string;
  file: string;
  /** A change to the example, for a case no example covers as written. */
  edit?: (plan: { resources: Record<string, Record<string, unknown>> }) => void;
}

const EXAMPLE_CASES: Example[] = [
  ...PLANS.map((name) => ({ name, file: name })),
  // Every example runs PostgreSQL: MySQL's read-only parameter is another name.
  { name: 'warm-standby on MySQL', file: 'warm-standby', edit: (plan) => void (plan.resources['database']!['engine'] = 'mysql') },
  // A plan that does not name its engine: the fence reads it, and the preview says so.
  { name: 'backup-restore without an engine', file: 'backup-restore', edit: (plan) => void delete plan.resources['database']!['engine'] },
];

describe('every previewed AWS call is the call the step sends', () => {
  it.each(EXAMPLE_CASES)('$name', { timeout: 180_000 }, async ({ file: example, edit }) => {
    const stateDir = mkdtempSync(join(tmpdir(), 'firedrill-previews-'));
    // Unattended: a plan's approval gates (a person's yes) are left out; they preview and call nothing.
    const input = parse(readFileSync(join(EXAMPLES, `${example}.yaml`), 'utf8')) as Record<string, unknown> & { resources: Record<string, Record<string, unknown>> };
    delete input['approvals'];
    edit?.(input);
    const file = join(stateDir, `${example}.yaml`);
    writeFileSync(file, stringify(input));
    const source = await loadPlanSource(file);
    registerBuiltinStrategies();
    const session = await openSandboxSession(source, stateDir);
    const drills = getStrategy(source.plan.strategy.name).drills ?? ['isolated', 'live'];
    // On one world, as an SRE would: drills, then both failovers, each followed by its failback.
    const choices: OperationChoice[] = [
      ...drills.map((drill) => ({ operation: 'drill' as const, mode: 'ungraceful' as const, drill })),
      { operation: 'failover', mode: 'graceful' }, { operation: 'failback', mode: 'graceful' },
      { operation: 'failover', mode: 'ungraceful' }, { operation: 'failback', mode: 'graceful' },
    ];
    const results: Comparison[] = [];
    const previewed = new Set<string>();
    for (const choice of choices) {
      const label = `${choice.operation}${choice.drill ? ` --${choice.drill}` : ''} --mode ${choice.mode}`;
      const previews = await previewsOf(file, choice, stateDir);
      for (const call of [...previews.values()].flat()) previewed.add(`${call.service} ${call.command}`);
      const { report, calls } = await runRecordingCalls(source, choice, session);
      expect(report.status, `${label}: ${report.error?.message ?? ''}`).toBe('succeeded');
      results.push(compare(label, previews, calls));
    }
    expect(results.flatMap((r) => r.mismatches)).toEqual([]);
    // Every kind of call the previews show was held to a real one at least once (the recorder saw the steps).
    const compared = new Set(results.flatMap((r) => r.compared));
    expect([...previewed].filter((c) => !compared.has(c))).toEqual([]);
  });
});
