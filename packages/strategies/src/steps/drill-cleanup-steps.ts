/**
 * The isolated drill's bookkeeping, for every strategy: drill copies are named and tagged with the run id, every
 * resource carrying the tag is deleted at the end, and a last step proves nothing tagged with it is left — also
 * when the drill failed half way (the scope step's compensation sweeps and verifies again).
 */
import { type ActionStep, formatDuration, type StepContext, StepFailure } from '@firedrill/core';
import { DrillCleanupBudget } from './drill-cleanup-budget.js';
import { DRILL_RUN_TAG, type DrillResource, drillRegions, type DrillScope, drillSides, instant, listDrillResources } from './drill-resources.js';
import { describeLeftovers, lookByHand, sweep } from './drill-sweep.js';
import { isRunIdPlaceholder } from '../run-id-placeholder.js';

export { DRILL_RUN_TAG, type DrillResource, type DrillScope, listDrillResources } from './drill-resources.js';
export { DRILL_CLEANUP_TIMEOUT_MS, DrillCleanupBudget } from './drill-cleanup-budget.js';
export { deleteByHand, describeLeftovers, lookByHand, sweepDrillResources, type SweepOptions, type SweepOutcome } from './drill-sweep.js';

/**
 * Tags for a drill resource: the run id (what cleanup and the final proof look for) and a marker.
 * @example drillTags('tracking-20261122T030000Z-5f5950') // { 'firedrill:run-id': '…', 'firedrill:drill': 'isolated' }
 */
export function drillTags(runId: string): Record<string, string> {
  return { [DRILL_RUN_TAG]: runId, 'firedrill:drill': 'isolated' };
}

/**
 * The drill copy's name: `<base>-drill-<8 hex of the run id>`, a valid RDS identifier (letters, digits, single
 * hyphens, at most 63) that is the same on every attempt and after a resume.
 * @example drillName('tracking-db', runId) // 'tracking-db-drill-1a2b3c4d'
 */
export function drillName(base: string, runId: string): string {
  let hash = 0x811c9dc5;
  for (const ch of runId) hash = Math.imul(hash ^ ch.charCodeAt(0), 0x01000193) >>> 0;
  const hex = hash.toString(16).padStart(8, '0');
  const stem = base.toLowerCase().replace(/[^a-z0-9-]/g, '-').replace(/-+/g, '-').slice(0, 63 - `-drill-${hex}`.length).replace(/-$/, '');
  // A preview shows the stem the run will use, and marks the part only the run id gives.
  return `${stem}-drill-${isRunIdPlaceholder(runId) ? '<8 hex digits of the run id>' : hex}`;
}

const action = (region: string, service: string, command: string, input: Record<string, unknown>): { service: string; region: string; command: string; input: Record<string, unknown>; iamActions: string[] } => ({
  service, region, command, input, iamActions: [`${service}:${command}`],
});

function sweepPreview(scope: DrillScope): ReturnType<typeof action>[] {
  const { aws, runId } = scope;
  const groups = scope.parameterGroups ?? [];
  return drillSides(aws).flatMap((side) => {
    const region = aws.region(side);
    const filter = { Filters: [{ Name: `tag:${DRILL_RUN_TAG}`, Values: [runId] }] };
    return [
      action(region, 'rds', 'DescribeDBInstances', {}), action(region, 'rds', 'DescribeDBSnapshots', { SnapshotType: 'manual' }),
      action(region, 'ec2', 'DescribeInstances', filter), action(region, 'ec2', 'DescribeImages', { Owners: ['self'], ...filter }),
      action(region, 'ec2', 'DescribeSnapshots', { OwnerIds: ['self'], ...filter }),
      action(region, 'rds', 'DeleteDBInstance', { DBInstanceIdentifier: '<each tagged instance>', SkipFinalSnapshot: true, DeleteAutomatedBackups: true }),
      action(region, 'rds', 'DeleteDBSnapshot', { DBSnapshotIdentifier: '<each tagged snapshot>' }),
      action(region, 'ec2', 'TerminateInstances', { InstanceIds: ['<each tagged instance>'] }),
      ...groups.flatMap((name) => [action(region, 'rds', 'DescribeDBParameterGroups', { DBParameterGroupName: name }), action(region, 'rds', 'DeleteDBParameterGroup', { DBParameterGroupName: name })]),
    ];
  });
}

/** How long the proof retries its reads through errors that pass before it says it could not look. */
const PROOF_PATIENCE_MS = 15 * 60_000;

const budgetOf = (scope: DrillScope): DrillCleanupBudget => scope.budget ?? new DrillCleanupBudget();

/** Sweeps within the scope's budget; fails, naming each resource left, why, and how to delete it, if any is. */
async function sweepOrFail(scope: DrillScope & { budget: DrillCleanupBudget }, ctx: StepContext): Promise<DrillResource[]> {
  const { runId } = scope;
  const { left, seen, unlisted } = await sweep({ ...scope, clock: ctx.clock, signal: ctx.signal, log: (m) => ctx.log(m) });
  // Not retryable: the sweep already retried what may pass, for as long as its budget allowed; a retry of the step
  // would only wait the same time again.
  if (unlisted !== undefined) {
    const known = left.length === 0 ? '' : ` It may have left: ${describeLeftovers(runId, left)}`;
    throw new StepFailure(
      `DrillResourcesLeft: the cleanup of run ${runId} could not list what is left in ${drillRegions(scope.aws).join(', ')} within ${formatDuration(scope.budget.timeoutMs)}: ${unlisted.replace(/\.$/, '')}.${known} Look for anything else by hand (${lookByHand(scope, drillRegions(scope.aws))}) and delete it.`,
      { code: 'DrillResourcesLeft', retryable: false },
    );
  }
  if (left.length > 0) {
    throw new StepFailure(`DrillResourcesLeft: the cleanup of run ${runId} left ${left.length} drill resource(s): ${describeLeftovers(runId, left)}`, {
      code: 'DrillResourcesLeft', retryable: false,
    });
  }
  return seen;
}

/**
 * The first step of an isolated drill. It changes nothing itself; its compensation — run last when the drill
 * rolls back, and with `rollback: always` after a success too — deletes everything tagged with the run id (also
 * what a crashed step created but never journaled), through errors that pass, within the scope's budget, and fails
 * the rollback naming what is left if anything is.
 *
 * @example
 * const steps = [drillScopeStep({ id: 'drill-scope', aws, runId, budget }), ...restoreSteps];
 */
export function drillScopeStep(options: DrillScope & { id: string; dependsOn?: readonly string[] }): ActionStep<{ tag: string; runId: string }> {
  const { aws, runId } = options;
  const scope = { ...options, budget: budgetOf(options) };
  return {
    id: options.id,
    kind: 'action',
    title: `Scope the drill: everything it creates is tagged ${DRILL_RUN_TAG}=${runId}`,
    why: 'An isolated drill must leave nothing behind, even when it fails half way; the tag is how cleanup finds its copies.',
    ...(options.dependsOn ? { dependsOn: options.dependsOn } : {}),
    preview: () => [],
    undoByHand: `Delete every resource tagged ${DRILL_RUN_TAG}=${runId} in ${drillRegions(aws).join(' and ')}.`,
    act: async () => ({ tag: DRILL_RUN_TAG, runId }),
    compensate: async (ctx) => void (await sweepOrFail(scope, ctx)),
  };
}

/**
 * Deletes every drill resource of the run and waits until they are gone, through 5xx errors, throttling and an
 * unreachable region, within the scope's budget (`DRILL_CLEANUP_TIMEOUT_MS` by default); a delete refused for good
 * (AccessDenied) fails it at once, naming what is left.
 *
 * @example
 * cleanUpDrillStep({ id: 'delete-drill-copies', aws, runId, parameterGroups: [copy], budget, dependsOn: ['confirm-drill-copy-healthy'] })
 */
export function cleanUpDrillStep(options: DrillScope & { id: string; dependsOn: readonly string[] }): ActionStep<{ deleted: string[] }> {
  const { runId } = options;
  const scope = { ...options, budget: budgetOf(options) };
  return {
    id: options.id,
    kind: 'action',
    title: `Delete every drill copy tagged with run ${runId}`,
    why: 'Drill copies cost money and could be mistaken for production; they go as soon as they are measured.',
    dependsOn: options.dependsOn,
    // The sweep keeps its own deadline; the step's timeout is only a backstop beyond it.
    policy: { timeout: scope.budget.timeoutMs + 15 * 60_000 },
    preview: () => sweepPreview(options),
    // No check: the sweep's first look is one, and a check that cannot reach the region would spend the budget too.
    act: async (ctx) => {
      const seen = await sweepOrFail(scope, ctx);
      return { deleted: seen.map((r) => `${r.kind} ${r.id} (${r.region})`) };
    },
  };
}

/**
 * Proves nothing tagged with the run id is left: fails, naming each resource and how to delete it, if anything is;
 * reads are retried through errors that pass for up to 15 minutes, then it fails saying what the cleanup last saw.
 *
 * @example
 * verifyNothingLeftStep({ id: 'verify-nothing-left', aws, runId, parameterGroups: [copy], budget, dependsOn: ['delete-drill-copies'] })
 */
export function verifyNothingLeftStep(options: DrillScope & { id: string; dependsOn: readonly string[] }): ActionStep<{ checkedRegions: string[] }> {
  const { aws, runId } = options;
  const regions = drillRegions(aws);
  const byHand = lookByHand(options, regions);
  return {
    id: options.id,
    kind: 'action',
    title: `Prove nothing tagged ${DRILL_RUN_TAG}=${runId} is left in ${regions.join(', ')}`,
    why: 'An isolated drill is only safe to schedule weekly if it provably cleans up after itself.',
    dependsOn: options.dependsOn,
    policy: { retry: { nonRetryable: ['DrillResourcesLeft', 'DrillCleanupUnproven'] } },
    preview: () => sweepPreview(options).filter((c) => c.command.startsWith('Describe')),
    verifyByHand: `${byHand} (each empty, or not found)`,
    act: async (ctx) => {
      const persist = { clock: ctx.clock, until: ctx.clock.now() + PROOF_PATIENCE_MS, signal: ctx.signal, log: (m: string) => ctx.log(m) };
      const left = await listDrillResources({ ...options, signal: ctx.signal, persist }).catch((error: unknown) => {
        if (ctx.signal.aborted) throw error;
        throw unproven(options, error, byHand);
      });
      if (left.length > 0) {
        throw new StepFailure(`DrillResourcesLeft: ${left.length} drill resource(s) of run ${runId} remain: ${describeLeftovers(runId, left)}`, { code: 'DrillResourcesLeft', retryable: false });
      }
      return { checkedRegions: regions };
    },
  };
}

/** The proof could not look: what the cleanup last saw, and how to look by hand. */
function unproven(scope: DrillScope, error: unknown, byHand: string): StepFailure {
  const { runId } = scope;
  const last = scope.budget?.lastSeen;
  const seen = last === undefined ? 'The cleanup never saw the list either.'
    : last.left.length === 0 ? `The cleanup saw nothing left at ${instant(last.at)}.`
    : `The cleanup last saw, at ${instant(last.at)}: ${describeLeftovers(runId, last.left)}`;
  return new StepFailure(
    `DrillCleanupUnproven: could not list what run ${runId} left, after ${formatDuration(PROOF_PATIENCE_MS)} of retries: ${error instanceof Error ? error.message : String(error)} ${seen} Look by hand (${byHand}) and delete what is there.`,
    { code: 'DrillCleanupUnproven', retryable: false },
  );
}
