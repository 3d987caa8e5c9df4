/**
 * The isolated drill's sweep: deletes everything the run created and waits until it is gone. It waits only on what
 * AWS is doing — a deletion it accepted, a snapshot it is still creating — and on errors that may pass, re-issuing
 * the deletes each round until its budget runs out; a delete AWS refuses for good (AccessDenied) ends it at once.
 * What it leaves is named with why and with the command that deletes it by hand.
 */
import { DeleteDBParameterGroupCommand, DeleteDBSnapshotCommand } from '@aws-sdk/client-rds';
import { DeleteSnapshotCommand, DeregisterImageCommand } from '@aws-sdk/client-ec2';
import { type Clock, formatDuration } from '@firedrill/core';
import type { AwsEnvironment, Side } from '../aws-environment.js';
import { callAws, sendOptions } from '../aws/aws-call.js';
import { classifyAwsError } from '../aws/classify-error.js';
import { terminateInstances } from '../aws/ec2.js';
import { deleteDbInstance } from '../aws/rds-instances.js';
import { DrillCleanupBudget } from './drill-cleanup-budget.js';
import { DRILL_RUN_TAG, type DrillResource, type DrillScope, instant, listDrillResources, mayPass } from './drill-resources.js';

/** States in which AWS has accepted the deletion: what is left is AWS's work, worth waiting for. */
const GOING = new Set(['deleting', 'shutting-down', 'deregistered']);
/** Snapshot states in which RDS cannot delete it yet, and is itself moving it on. */
const SNAPSHOT_IN_PROGRESS = new Set(['creating', 'copying', 'pending']);

const KIND: Record<DrillResource['kind'], string> = {
  'rds-instance': 'DB instance', 'rds-snapshot': 'DB snapshot', 'rds-parameter-group': 'DB parameter group',
  'ec2-instance': 'EC2 instance', ami: 'AMI', 'ebs-snapshot': 'EBS snapshot',
};

const keyOf = (r: DrillResource): string => `${r.region}/${r.kind}/${r.id}`;

/** What must be gone before `r` can be deleted: a parameter group's instances, an EBS snapshot's AMIs. */
function blockers(r: DrillResource, left: readonly DrillResource[]): DrillResource[] {
  const needsGone = r.kind === 'rds-parameter-group' ? 'rds-instance' : r.kind === 'ebs-snapshot' ? 'ami' : undefined;
  return needsGone === undefined ? [] : left.filter((o) => o.kind === needsGone && o.region === r.region);
}

async function deleteOne(aws: AwsEnvironment, side: Side, resource: DrillResource, signal: AbortSignal | undefined): Promise<string> {
  const { rds, ec2 } = aws.clients(side);
  const opts = signal ? { signal } : {};
  switch (resource.kind) {
    case 'rds-instance':
      return (await deleteDbInstance({ rds, identifier: resource.id, ...opts })).note;
    case 'ec2-instance':
      return (await terminateInstances({ ec2, instanceIds: [resource.id], ...opts })).note;
    case 'rds-snapshot':
      await callAws({ service: 'rds', client: rds, command: 'DeleteDBSnapshot', resource: resource.id }, signal, () =>
        rds.send(new DeleteDBSnapshotCommand({ DBSnapshotIdentifier: resource.id }), sendOptions(signal)));
      return `deleted snapshot ${resource.id}`;
    case 'ami':
      await callAws({ service: 'ec2', client: ec2, command: 'DeregisterImage', resource: resource.id }, signal, () =>
        ec2.send(new DeregisterImageCommand({ ImageId: resource.id }), sendOptions(signal)));
      return `deregistered ${resource.id}`;
    case 'rds-parameter-group':
      await callAws({ service: 'rds', client: rds, command: 'DeleteDBParameterGroup', resource: resource.id }, signal, () =>
        rds.send(new DeleteDBParameterGroupCommand({ DBParameterGroupName: resource.id }), sendOptions(signal)));
      return `deleted parameter group ${resource.id}`;
    case 'ebs-snapshot':
      await callAws({ service: 'ec2', client: ec2, command: 'DeleteSnapshot', resource: resource.id }, signal, () =>
        ec2.send(new DeleteSnapshotCommand({ SnapshotId: resource.id }), sendOptions(signal)));
      return `deleted EBS snapshot ${resource.id}`;
  }
}

/**
 * A refused delete worth trying again: an error that may pass, or a state that will change (the resource is busy,
 * still in use by what is being deleted). Anything else (AccessDenied, a validation error) is refused for good.
 */
function retryLater(error: unknown): boolean {
  const c = classifyAwsError(error);
  return mayPass(error) || c.reason === 'invalid-state' || /InUse|DependencyViolation/.test(c.code);
}

/** Options of {@link sweepDrillResources}. */
export interface SweepOptions extends DrillScope {
  clock: Clock;
  signal?: AbortSignal;
  log?: (message: string) => void;
  /** With no `budget`: how long in all (ms). @default DRILL_CLEANUP_TIMEOUT_MS (4 hours) */
  timeoutMs?: number;
  /** Between looks (ms). @default 15_000 */
  intervalMs?: number;
}

/** One sweep's bookkeeping: why each resource is still there. */
interface SweepNotes {
  refused: Map<string, string>;
  failing: Map<string, string>;
  seen: Map<string, DrillResource>;
}

function why(r: DrillResource, left: readonly DrillResource[], notes: SweepNotes, budgetMs: number): string {
  const refused = notes.refused.get(keyOf(r));
  if (refused !== undefined) return `its deletion was refused: ${refused.replace(/\.$/, '')}`;
  const blocking = blockers(r, left);
  if (blocking.length > 0) return `it cannot be deleted while ${blocking.map((b) => `${KIND[b.kind]} ${b.id}`).join(', ')} exists`;
  const failing = notes.failing.get(keyOf(r));
  if (failing !== undefined) return `its deletion kept failing for ${formatDuration(budgetMs)}: ${failing.replace(/\.$/, '')}`;
  if (GOING.has(r.state)) return `still ${r.state} after ${formatDuration(budgetMs)}`;
  return `still ${r.state} after ${formatDuration(budgetMs)}; its deletion was not accepted`;
}

/** True when nothing left can go without a person: each refused, or waiting on one refused. */
function stuck(left: readonly DrillResource[], refused: ReadonlyMap<string, string>): boolean {
  const isRefused = (r: DrillResource): boolean => refused.has(keyOf(r));
  return left.every((r) => {
    if (isRefused(r)) return true;
    const blocking = blockers(r, left);
    return blocking.length > 0 && blocking.every(isRefused);
  });
}

/** Issues the deletes of one round: of what is not already going, blocked, in progress or refused for good. */
async function deleteRound(options: SweepOptions, left: readonly DrillResource[], notes: SweepNotes): Promise<void> {
  const { aws, signal } = options;
  for (const resource of left) {
    const key = keyOf(resource);
    if (notes.refused.has(key) || GOING.has(resource.state) || blockers(resource, left).length > 0) continue;
    if (resource.kind === 'rds-snapshot' && SNAPSHOT_IN_PROGRESS.has(resource.state)) continue;
    const side: Side = resource.region === aws.region('recovery') ? 'recovery' : 'primary';
    try {
      options.log?.(await deleteOne(aws, side, resource, signal));
      notes.failing.delete(key);
    } catch (error) {
      if (signal?.aborted) throw error;
      const message = error instanceof Error ? error.message : String(error);
      if (classifyAwsError(error).reason === 'not-found') continue;
      if (retryLater(error)) {
        if (!notes.failing.has(key)) options.log?.(`deleting ${KIND[resource.kind]} ${resource.id} failed, trying again: ${message}`);
        notes.failing.set(key, message);
      } else {
        options.log?.(`deleting ${KIND[resource.kind]} ${resource.id} was refused: ${message}`);
        notes.refused.set(key, message);
      }
    }
  }
}

/** What a sweep ended with. */
export interface SweepOutcome {
  /** What is left, each with `why`; when `unlisted`, what was last seen (or what the drill expected to create). */
  left: DrillResource[];
  /** Everything the sweep saw. */
  seen: DrillResource[];
  /** Set when the last look could not be made before the deadline: the error that stopped it. */
  unlisted?: string;
}

/**
 * The sweep, in rounds: look (each read retried through errors that pass until the deadline), issue the deletes of
 * what is not going yet, wait. It ends when nothing is left, when what is left can only go by a person's hand (its
 * delete refused for good, or waiting on one that was), or at the budget's deadline.
 */
export async function sweep(options: SweepOptions): Promise<SweepOutcome> {
  const { clock, signal } = options;
  const budget = options.budget ?? new DrillCleanupBudget(options.timeoutMs);
  const deadline = budget.deadline(clock);
  const notes: SweepNotes = { refused: new Map(), failing: new Map(), seen: new Map() };
  const persist = { clock, until: deadline, ...(signal ? { signal } : {}), ...(options.log ? { log: options.log } : {}) };
  const seen = (): DrillResource[] => [...notes.seen.values()];
  for (let round = 0; ; round++) {
    let left: DrillResource[];
    try {
      left = await listDrillResources({ ...options, persist });
    } catch (error) {
      if (signal?.aborted || !mayPass(error)) throw error;
      const message = error instanceof Error ? error.message : String(error);
      return { left: lastKnown(budget, options), seen: seen(), unlisted: message };
    }
    budget.lastSeen = { at: clock.now(), left };
    for (const r of left) notes.seen.set(keyOf(r), r);
    const annotated = (): DrillResource[] => left.map((r) => ({ ...r, why: why(r, left, notes, budget.timeoutMs) }));
    if (left.length === 0) return { left, seen: seen() };
    // Past the deadline (the compensation after a cleanup that ran out of time), one round of deletes still goes out.
    if (round > 0 && clock.now() >= deadline) return { left: annotated(), seen: seen() };
    await deleteRound(options, left, notes);
    if (stuck(left, notes.refused) || clock.now() >= deadline) return { left: annotated(), seen: seen() };
    await clock.sleep(Math.max(0, Math.min(options.intervalMs ?? 15_000, deadline - clock.now())), signal);
  }
}

/** What is known to be left when no look can be made now: what the last look saw, else what the drill expected. */
function lastKnown(budget: DrillCleanupBudget, scope: DrillScope): DrillResource[] {
  const last = budget.lastSeen;
  // The error is told once, with the failure; each resource says only what is known of it.
  if (last !== undefined) return last.left.map((r) => ({ ...r, why: `as last seen, at ${instant(last.at)}` }));
  return (scope.expected ?? []).map((r) => ({ ...r, state: 'unknown', why: 'created by the drill, never listed' }));
}

/**
 * Deletes every resource tagged with the run id (and its named parameter groups) and waits until none is left,
 * through errors that pass, until the budget's deadline. Returns what is left, each with `why` (empty when clean);
 * throws the last error when nothing could be listed at all. Idempotent: deleting what is already going is
 * skipped, and a delete is re-issued each round until accepted.
 *
 * @example
 * const left = await sweepDrillResources({ aws, runId, parameterGroups: ['tracking-db-drill-1a2b3c4d'], clock });
 */
export async function sweepDrillResources(options: SweepOptions): Promise<DrillResource[]> {
  const outcome = await sweep(options);
  if (outcome.unlisted !== undefined && outcome.left.length === 0) throw new Error(`could not list the drill resources of run ${options.runId}: ${outcome.unlisted}`);
  return outcome.left;
}

/** How to look by hand for what a run left: the tag, in each region, and the parameter groups by name. */
export function lookByHand(scope: DrillScope, regions: readonly string[]): string {
  const tagged = regions.map((r) => `aws resourcegroupstaggingapi get-resources --region ${r} --tag-filters Key=${DRILL_RUN_TAG},Values=${scope.runId}`);
  const groups = (scope.parameterGroups ?? []).flatMap((g) => regions.map((r) => `aws rds describe-db-parameter-groups --region ${r} --db-parameter-group-name ${g}`));
  return [...tagged, ...groups].join('; ');
}

/** The AWS CLI command that deletes `r`, or what to do when it is already going. */
export function deleteByHand(r: DrillResource): string {
  if (GOING.has(r.state)) return `${KIND[r.kind]} ${r.id} is already ${r.state}: check that it is gone`;
  const region = `--region ${r.region}`;
  switch (r.kind) {
    case 'rds-instance': return `aws rds delete-db-instance ${region} --db-instance-identifier ${r.id} --skip-final-snapshot`;
    case 'rds-snapshot': return `aws rds delete-db-snapshot ${region} --db-snapshot-identifier ${r.id}`;
    case 'rds-parameter-group': return `aws rds delete-db-parameter-group ${region} --db-parameter-group-name ${r.id}`;
    case 'ec2-instance': return `aws ec2 terminate-instances ${region} --instance-ids ${r.id}`;
    case 'ami': return `aws ec2 deregister-image ${region} --image-id ${r.id}`;
    case 'ebs-snapshot': return `aws ec2 delete-snapshot ${region} --snapshot-id ${r.id}`;
  }
}

/** `left`, each named with its region, state and why, then the commands that delete them, in an order that works. */
export function describeLeftovers(runId: string, left: readonly DrillResource[]): string {
  const named = left.map((r) => `${KIND[r.kind]} ${r.id} (${r.region}, ${r.state})${r.why ? ` — ${r.why}` : ''}`);
  // Instances before the parameter groups they use, AMIs before their EBS snapshots.
  const last = new Set<DrillResource['kind']>(['rds-parameter-group', 'ebs-snapshot']);
  const ordered = [...left.filter((r) => !last.has(r.kind)), ...left.filter((r) => last.has(r.kind))];
  return `${named.join('; ')}. Delete them by hand, in this order: ${ordered.map(deleteByHand).join('; ')}. Everything the drill created carries the tag ${DRILL_RUN_TAG}=${runId}.`;
}
