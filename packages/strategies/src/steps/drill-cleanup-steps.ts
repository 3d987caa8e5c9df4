/**
 * The isolated drill's bookkeeping, for every strategy: drill copies are named and tagged with the run id, every
 * resource carrying the tag is deleted at the end, and a last step proves nothing tagged with it is left — also
 * when the drill failed half way (the scope step's compensation sweeps and verifies again).
 */
import { DeleteDBParameterGroupCommand, DeleteDBSnapshotCommand, DescribeDBInstancesCommand, DescribeDBParameterGroupsCommand, DescribeDBSnapshotsCommand, type RDSClient } from '@aws-sdk/client-rds';
import { DeleteSnapshotCommand, DeregisterImageCommand, DescribeImagesCommand, DescribeSnapshotsCommand, type EC2Client } from '@aws-sdk/client-ec2';
import { type ActionStep, type Clock, type StepContext, StepFailure } from '@firedrill/core';
import type { AwsEnvironment, Side } from '../aws-environment.js';
import { callAws, callAwsOrNotFound, sendOptions } from '../aws/aws-call.js';
import { describeInstances, terminateInstances } from '../aws/ec2.js';
import { deleteDbInstance } from '../aws/rds-instances.js';

/** The tag every drill resource carries; its value is the run id. */
export const DRILL_RUN_TAG = 'firedrill:run-id';

/** A resource a drill created, found by its run-id tag. */
export interface DrillResource {
  kind: 'rds-instance' | 'rds-snapshot' | 'rds-parameter-group' | 'ec2-instance' | 'ami' | 'ebs-snapshot';
  id: string;
  region: string;
  state: string;
}

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
  const suffix = `-drill-${hash.toString(16).padStart(8, '0')}`;
  const stem = base.toLowerCase().replace(/[^a-z0-9-]/g, '-').replace(/-+/g, '-').slice(0, 63 - suffix.length).replace(/-$/, '');
  return `${stem}${suffix}`;
}

const hasRunTag = (tags: ReadonlyArray<{ Key?: string; Value?: string }> | undefined, runId: string): boolean =>
  (tags ?? []).some((t) => t.Key === DRILL_RUN_TAG && t.Value === runId);

async function listRds(rds: RDSClient, region: string, runId: string, signal: AbortSignal | undefined): Promise<DrillResource[]> {
  const found: DrillResource[] = [];
  let marker: string | undefined;
  do {
    const out = await callAws({ service: 'rds', client: rds, command: 'DescribeDBInstances', resource: `instances tagged ${DRILL_RUN_TAG}` }, signal, () =>
      rds.send(new DescribeDBInstancesCommand({ ...(marker ? { Marker: marker } : {}) }), sendOptions(signal)));
    for (const db of out.DBInstances ?? []) {
      if (hasRunTag(db.TagList, runId) && db.DBInstanceStatus !== 'deleted') found.push({ kind: 'rds-instance', id: db.DBInstanceIdentifier ?? '', region, state: db.DBInstanceStatus ?? 'unknown' });
    }
    marker = out.Marker;
  } while (marker);
  do {
    const out = await callAws({ service: 'rds', client: rds, command: 'DescribeDBSnapshots', resource: `snapshots tagged ${DRILL_RUN_TAG}` }, signal, () =>
      rds.send(new DescribeDBSnapshotsCommand({ SnapshotType: 'manual', ...(marker ? { Marker: marker } : {}) }), sendOptions(signal)));
    for (const s of out.DBSnapshots ?? []) {
      if (hasRunTag(s.TagList, runId)) found.push({ kind: 'rds-snapshot', id: s.DBSnapshotIdentifier ?? '', region, state: s.Status ?? 'unknown' });
    }
    marker = out.Marker;
  } while (marker);
  return found;
}

/** The drill's parameter groups (RDS lists no tags with them: they are found by the names the drill gave them). */
async function listParameterGroups(rds: RDSClient, region: string, names: readonly string[], signal: AbortSignal | undefined): Promise<DrillResource[]> {
  const found: DrillResource[] = [];
  for (const name of names) {
    const out = await callAwsOrNotFound({ service: 'rds', client: rds, command: 'DescribeDBParameterGroups', resource: name }, signal, () =>
      rds.send(new DescribeDBParameterGroupsCommand({ DBParameterGroupName: name }), sendOptions(signal)));
    if ((out?.DBParameterGroups ?? []).length > 0) found.push({ kind: 'rds-parameter-group', id: name, region, state: 'exists' });
  }
  return found;
}

async function listEc2(ec2: EC2Client, region: string, runId: string, signal: AbortSignal | undefined): Promise<DrillResource[]> {
  const filters = [{ Name: `tag:${DRILL_RUN_TAG}`, Values: [runId] }];
  const instances = (await describeInstances({ ec2, filters, ...(signal ? { signal } : {}) }))
    .filter((i) => i.state !== 'terminated')
    .map((i): DrillResource => ({ kind: 'ec2-instance', id: i.instanceId, region, state: i.state }));
  const images = await callAws({ service: 'ec2', client: ec2, command: 'DescribeImages', resource: `images tagged ${DRILL_RUN_TAG}` }, signal, () =>
    ec2.send(new DescribeImagesCommand({ Owners: ['self'], Filters: filters }), sendOptions(signal)));
  const snapshots = await callAws({ service: 'ec2', client: ec2, command: 'DescribeSnapshots', resource: `EBS snapshots tagged ${DRILL_RUN_TAG}` }, signal, () =>
    ec2.send(new DescribeSnapshotsCommand({ OwnerIds: ['self'], Filters: filters }), sendOptions(signal)));
  return [
    ...instances,
    ...(images.Images ?? []).filter((i) => i.State !== 'deregistered').map((i): DrillResource => ({ kind: 'ami', id: i.ImageId ?? '', region, state: i.State ?? 'unknown' })),
    ...(snapshots.Snapshots ?? []).map((s): DrillResource => ({ kind: 'ebs-snapshot', id: s.SnapshotId ?? '', region, state: s.State ?? 'unknown' })),
  ];
}

function sides(aws: AwsEnvironment): Side[] {
  return aws.region('primary') === aws.region('recovery') ? ['recovery'] : ['recovery', 'primary'];
}

/** What a drill created, to find again: everything tagged with the run id, and the parameter groups it named. */
export interface DrillScope {
  aws: AwsEnvironment;
  runId: string;
  /** DB parameter groups the drill created (named for the run: RDS lists no tags with them). @default [] */
  parameterGroups?: readonly string[];
}

/**
 * Every resource in the plan's regions that carries this run's drill tag (or is one of its named parameter groups)
 * and still exists (terminated instances and deleted databases are gone; `deleting` and `shutting-down` are not yet).
 *
 * @example
 * const left = await listDrillResources({ aws, runId });
 */
export async function listDrillResources(options: DrillScope & { signal?: AbortSignal }): Promise<DrillResource[]> {
  const { aws, runId, signal } = options;
  const found: DrillResource[] = [];
  for (const side of sides(aws)) {
    const { rds, ec2 } = aws.clients(side);
    found.push(
      ...(await listRds(rds, aws.region(side), runId, signal)),
      ...(await listParameterGroups(rds, aws.region(side), options.parameterGroups ?? [], signal)),
      ...(await listEc2(ec2, aws.region(side), runId, signal)),
    );
  }
  return found;
}

const GOING = new Set(['deleting', 'shutting-down', 'deregistered']);

async function deleteOne(aws: AwsEnvironment, side: Side, resource: DrillResource, signal: AbortSignal | undefined): Promise<string> {
  const { rds, ec2 } = aws.clients(side);
  const opts = signal ? { signal } : {};
  switch (resource.kind) {
    case 'rds-instance':
      return (await deleteDbInstance({ rds, identifier: resource.id, ...opts })).note;
    case 'ec2-instance':
      return (await terminateInstances({ ec2, instanceIds: [resource.id], ...opts })).note;
    case 'rds-snapshot':
      // A snapshot still being created or copied cannot be deleted yet: the sweep comes back for it.
      if (resource.state !== 'available') return `snapshot ${resource.id} is ${resource.state}; deleting it once available`;
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

/** Options of {@link sweepDrillResources}. */
export interface SweepOptions extends DrillScope {
  clock: Clock;
  signal?: AbortSignal;
  log?: (message: string) => void;
  /** Give up after this long (ms). @default 1_800_000 (an RDS deletion takes minutes) */
  timeoutMs?: number;
  /** Between looks (ms). @default 15_000 */
  intervalMs?: number;
}

/**
 * Deletes every resource tagged with the run id and waits until none is left. Returns what was still there at the
 * deadline (empty when clean). Idempotent: deleting what is already going is skipped.
 */
export async function sweepDrillResources(options: SweepOptions): Promise<DrillResource[]> {
  const { aws, clock, signal } = options;
  const deadline = clock.now() + (options.timeoutMs ?? 30 * 60_000);
  const requested = new Set<string>();
  for (;;) {
    const left = await listDrillResources({ ...options, ...(signal ? { signal } : {}) });
    if (left.length === 0 || clock.now() >= deadline) return left;
    // RDS refuses to delete a parameter group an instance (even a deleting one) still uses.
    const copiesLeft = left.some((r) => r.kind === 'rds-instance');
    for (const resource of left) {
      const key = `${resource.region}/${resource.kind}/${resource.id}`;
      if (GOING.has(resource.state) || (requested.has(key) && resource.kind !== 'rds-snapshot')) continue;
      if (resource.kind === 'rds-parameter-group' && copiesLeft) continue;
      const side: Side = resource.region === aws.region('recovery') ? 'recovery' : 'primary';
      options.log?.(await deleteOne(aws, side, resource, signal));
      requested.add(key);
    }
    await clock.sleep(options.intervalMs ?? 15_000, signal);
  }
}

function describeLeft(left: readonly DrillResource[]): string {
  return left.map((r) => `${r.kind} ${r.id} (${r.region}, ${r.state})`).join('; ');
}

const action = (region: string, service: string, command: string, input: Record<string, unknown>): { service: string; region: string; command: string; input: Record<string, unknown>; iamActions: string[] } => ({
  service, region, command, input, iamActions: [`${service}:${command}`],
});

function sweepPreview(scope: DrillScope): ReturnType<typeof action>[] {
  const { aws, runId } = scope;
  const groups = scope.parameterGroups ?? [];
  return sides(aws).flatMap((side) => {
    const region = aws.region(side);
    const filter = { Filters: [{ Name: `tag:${DRILL_RUN_TAG}`, Values: [runId] }] };
    return [
      action(region, 'rds', 'DescribeDBInstances', {}), action(region, 'rds', 'DescribeDBSnapshots', { SnapshotType: 'manual' }),
      action(region, 'ec2', 'DescribeInstances', filter), action(region, 'ec2', 'DescribeImages', { Owners: ['self'], ...filter }),
      action(region, 'ec2', 'DescribeSnapshots', { OwnerIds: ['self'], ...filter }),
      action(region, 'rds', 'DeleteDBInstance', { DBInstanceIdentifier: '<each tagged instance>', SkipFinalSnapshot: true }),
      action(region, 'rds', 'DeleteDBSnapshot', { DBSnapshotIdentifier: '<each tagged snapshot>' }),
      action(region, 'ec2', 'TerminateInstances', { InstanceIds: ['<each tagged instance>'] }),
      ...groups.flatMap((name) => [action(region, 'rds', 'DescribeDBParameterGroups', { DBParameterGroupName: name }), action(region, 'rds', 'DeleteDBParameterGroup', { DBParameterGroupName: name })]),
    ];
  });
}

async function sweepOrFail(scope: DrillScope, ctx: StepContext): Promise<void> {
  const { runId } = scope;
  const left = await sweepDrillResources({ ...scope, clock: ctx.clock, signal: ctx.signal, log: (m) => ctx.log(m) });
  if (left.length > 0) {
    throw new StepFailure(`drill resources of run ${runId} are still there after the sweep: ${describeLeft(left)}. Delete them by hand (they carry the tag ${DRILL_RUN_TAG}=${runId}).`, {
      code: 'DrillResourcesLeft', retryable: true,
    });
  }
}

/**
 * The first step of an isolated drill. It changes nothing itself; its compensation — run last when the drill
 * rolls back, and with `rollback: always` after a success too — deletes everything tagged with the run id (also
 * what a crashed step created but never journaled) and fails the rollback if anything is left.
 *
 * @example
 * const steps = [drillScopeStep({ id: 'drill-scope', aws, runId }), ...restoreSteps];
 */
export function drillScopeStep(options: DrillScope & { id: string; dependsOn?: readonly string[] }): ActionStep<{ tag: string; runId: string }> {
  const { aws, runId } = options;
  return {
    id: options.id,
    kind: 'action',
    title: `Scope the drill: everything it creates is tagged ${DRILL_RUN_TAG}=${runId}`,
    why: 'An isolated drill must leave nothing behind, even when it fails half way; the tag is how cleanup finds its copies.',
    ...(options.dependsOn ? { dependsOn: options.dependsOn } : {}),
    preview: () => [],
    undoByHand: `Delete every resource tagged ${DRILL_RUN_TAG}=${runId} in ${[...new Set(sides(aws).map((s) => aws.region(s)))].join(' and ')}.`,
    act: async () => ({ tag: DRILL_RUN_TAG, runId }),
    compensate: async (ctx) => sweepOrFail(options, ctx),
  };
}

/** Deletes every drill resource of the run and waits until they are gone. */
export function cleanUpDrillStep(options: DrillScope & { id: string; dependsOn: readonly string[] }): ActionStep<{ deleted: string[] }> {
  const { runId } = options;
  return {
    id: options.id,
    kind: 'action',
    title: `Delete every drill copy tagged with run ${runId}`,
    why: 'Drill copies cost money and could be mistaken for production; they go as soon as they are measured.',
    dependsOn: options.dependsOn,
    policy: { timeout: 40 * 60_000 },
    preview: () => sweepPreview(options),
    check: async (ctx) => ((await listDrillResources({ ...options, signal: ctx.signal })).length === 0 ? { applied: true, result: { deleted: [] } } : { applied: false }),
    act: async (ctx) => {
      const before = await listDrillResources({ ...options, signal: ctx.signal });
      await sweepOrFail(options, ctx);
      return { deleted: before.map((r) => `${r.kind} ${r.id} (${r.region})`) };
    },
  };
}

/** Proves nothing tagged with the run id is left: fails, naming each resource, if anything is. */
export function verifyNothingLeftStep(options: DrillScope & { id: string; dependsOn: readonly string[] }): ActionStep<{ checkedRegions: string[] }> {
  const { aws, runId } = options;
  const regions = [...new Set(sides(aws).map((s) => aws.region(s)))];
  return {
    id: options.id,
    kind: 'action',
    title: `Prove nothing tagged ${DRILL_RUN_TAG}=${runId} is left in ${regions.join(', ')}`,
    why: 'An isolated drill is only safe to schedule weekly if it provably cleans up after itself.',
    dependsOn: options.dependsOn,
    policy: { retry: { nonRetryable: ['DrillResourcesLeft'] } },
    preview: () => sweepPreview(options).filter((c) => c.command.startsWith('Describe')),
    verifyByHand: `aws resourcegroupstaggingapi get-resources --tag-filters Key=${DRILL_RUN_TAG},Values=${runId} (in each region: empty)`,
    act: async (ctx) => {
      const left = await listDrillResources({ ...options, signal: ctx.signal });
      if (left.length > 0) {
        throw new StepFailure(`DrillResourcesLeft: ${left.length} drill resource(s) of run ${runId} remain: ${describeLeft(left)}. Delete them (tag ${DRILL_RUN_TAG}=${runId}).`, {
          code: 'DrillResourcesLeft', retryable: false,
        });
      }
      return { checkedRegions: regions };
    },
  };
}
