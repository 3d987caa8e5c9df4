/**
 * What an isolated drill created, found again in AWS: everything tagged with the run id, and the parameter groups it
 * named (RDS lists no tags with them). Reads can be made persistent: a drill's cleanup must outlast 5xx errors,
 * throttling and a recovery region that is unreachable for a while, since what it looks for is a copy of
 * production's data.
 */
import { DescribeDBInstancesCommand, DescribeDBParameterGroupsCommand, DescribeDBSnapshotsCommand, type RDSClient } from '@aws-sdk/client-rds';
import { DescribeImagesCommand, DescribeSnapshotsCommand, type EC2Client } from '@aws-sdk/client-ec2';
import { type Clock, type ResolvedRetryPolicy, retryWithPolicy } from '@firedrill/core';
import type { AwsEnvironment, Side } from '../aws-environment.js';
import { callAws, callAwsOrNotFound, sendOptions } from '../aws/aws-call.js';
import { classifyAwsError } from '../aws/classify-error.js';
import { describeInstances } from '../aws/ec2.js';
import type { DrillCleanupBudget } from './drill-cleanup-budget.js';

/** The tag every drill resource carries; its value is the run id. */
export const DRILL_RUN_TAG = 'firedrill:run-id';

/** A resource a drill created, found by its run-id tag. */
export interface DrillResource {
  kind: 'rds-instance' | 'rds-snapshot' | 'rds-parameter-group' | 'ec2-instance' | 'ami' | 'ebs-snapshot';
  id: string;
  region: string;
  state: string;
  /** Why a cleanup left it (set on what `sweepDrillResources` returns): its delete refused, still deleting, … */
  why?: string;
}

/** What a drill created, to find again: everything tagged with the run id, and the parameter groups it named. */
export interface DrillScope {
  aws: AwsEnvironment;
  runId: string;
  /** DB parameter groups the drill created (named for the run: RDS lists no tags with them). @default [] */
  parameterGroups?: readonly string[];
  /**
   * The cleanup's time, shared by the drill's cleanup step and its scope step's compensation (pass the same one to
   * both): a cleanup that spent it (a region down for hours) is not started over by the compensation after it.
   * @default a budget of its own per step, of `DRILL_CLEANUP_TIMEOUT_MS`
   */
  budget?: DrillCleanupBudget;
  /**
   * What the drill creates whose name is known before it runs (its database copy, its snapshot): named, with the
   * command that deletes it, if the cleanup can never list what is left (the region unreachable throughout).
   * @default []
   */
  expected?: readonly Pick<DrillResource, 'kind' | 'id' | 'region'>[];
}

/** How long, and on which clock, a read or a delete is retried through errors that may pass by themselves. */
export interface Persistence {
  clock: Clock;
  /** Retry until this instant (epoch ms); once it has passed, one attempt. */
  until: number;
  signal?: AbortSignal;
  /** Told when a call has been failing for a minute, and every ten minutes while it keeps failing. */
  log?: (message: string) => void;
}

/** Retried until the deadline, 2 s doubling to 60 s between attempts: `until` bounds it, not a count. */
const PERSISTENT: ResolvedRetryPolicy = { initialIntervalMs: 2_000, backoffCoefficient: 2, maximumIntervalMs: 60_000, maximumAttempts: Infinity, transientForMs: 0, nonRetryable: [], jitter: false };
// A blip retried at once is not news; a call failing for a minute is, and then every ten minutes.
const LOG_AFTER_MS = 60_000;
const LOG_EVERY_MS = 10 * 60_000;

/** True when a failed call may succeed later with nothing changed: a 5xx, throttling, an endpoint out of reach. */
export function mayPass(error: unknown): boolean {
  return classifyAwsError(error).category !== 'permanent';
}

/** When `ms` falls, for a log line (the clock's time, not the host's). */
export const instant = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/**
 * Runs `call` until it succeeds, retrying an error that may pass ({@link mayPass}) with backoff on the clock (2 s
 * doubling to 60 s) until `persistence.until`; a permanent error, or one after the deadline, is thrown.
 */
export async function persistently<T>(call: () => Promise<T>, persistence: Persistence | undefined): Promise<T> {
  if (persistence === undefined) return call();
  const { clock, until, signal } = persistence;
  const startedAt = clock.now();
  let loggedAt: number | undefined;
  return retryWithPolicy(() => call(), {
    policy: PERSISTENT, clock, until, isRetryable: mayPass, ...(signal ? { signal } : {}),
    onRetry: (error) => {
      const now = clock.now();
      if (now - startedAt < LOG_AFTER_MS || (loggedAt !== undefined && now - loggedAt < LOG_EVERY_MS)) return;
      loggedAt = now;
      persistence.log?.(`${error instanceof Error ? error.message : String(error)} — retrying until ${instant(until)}`);
    },
  });
}

const hasRunTag = (tags: ReadonlyArray<{ Key?: string; Value?: string }> | undefined, runId: string): boolean =>
  (tags ?? []).some((t) => t.Key === DRILL_RUN_TAG && t.Value === runId);

type Reader = <T>(call: () => Promise<T>) => Promise<T>;

async function listRds(rds: RDSClient, region: string, runId: string, read: Reader, signal: AbortSignal | undefined): Promise<DrillResource[]> {
  const found: DrillResource[] = [];
  let marker: string | undefined;
  do {
    const out = await read(() => callAws({ service: 'rds', client: rds, command: 'DescribeDBInstances', resource: `instances tagged ${DRILL_RUN_TAG}` }, signal, () =>
      rds.send(new DescribeDBInstancesCommand({ ...(marker ? { Marker: marker } : {}) }), sendOptions(signal))));
    for (const db of out.DBInstances ?? []) {
      if (hasRunTag(db.TagList, runId) && db.DBInstanceStatus !== 'deleted') found.push({ kind: 'rds-instance', id: db.DBInstanceIdentifier ?? '', region, state: db.DBInstanceStatus ?? 'unknown' });
    }
    marker = out.Marker;
  } while (marker);
  do {
    const out = await read(() => callAws({ service: 'rds', client: rds, command: 'DescribeDBSnapshots', resource: `snapshots tagged ${DRILL_RUN_TAG}` }, signal, () =>
      rds.send(new DescribeDBSnapshotsCommand({ SnapshotType: 'manual', ...(marker ? { Marker: marker } : {}) }), sendOptions(signal))));
    for (const s of out.DBSnapshots ?? []) {
      if (hasRunTag(s.TagList, runId)) found.push({ kind: 'rds-snapshot', id: s.DBSnapshotIdentifier ?? '', region, state: s.Status ?? 'unknown' });
    }
    marker = out.Marker;
  } while (marker);
  return found;
}

async function listParameterGroups(rds: RDSClient, region: string, names: readonly string[], read: Reader, signal: AbortSignal | undefined): Promise<DrillResource[]> {
  const found: DrillResource[] = [];
  for (const name of names) {
    const out = await read(() => callAwsOrNotFound({ service: 'rds', client: rds, command: 'DescribeDBParameterGroups', resource: name }, signal, () =>
      rds.send(new DescribeDBParameterGroupsCommand({ DBParameterGroupName: name }), sendOptions(signal))));
    if ((out?.DBParameterGroups ?? []).length > 0) found.push({ kind: 'rds-parameter-group', id: name, region, state: 'exists' });
  }
  return found;
}

async function listEc2(ec2: EC2Client, region: string, runId: string, read: Reader, signal: AbortSignal | undefined): Promise<DrillResource[]> {
  const filters = [{ Name: `tag:${DRILL_RUN_TAG}`, Values: [runId] }];
  const instances = (await read(() => describeInstances({ ec2, filters, ...(signal ? { signal } : {}) })))
    .filter((i) => i.state !== 'terminated')
    .map((i): DrillResource => ({ kind: 'ec2-instance', id: i.instanceId, region, state: i.state }));
  const images = await read(() => callAws({ service: 'ec2', client: ec2, command: 'DescribeImages', resource: `images tagged ${DRILL_RUN_TAG}` }, signal, () =>
    ec2.send(new DescribeImagesCommand({ Owners: ['self'], Filters: filters }), sendOptions(signal))));
  const snapshots = await read(() => callAws({ service: 'ec2', client: ec2, command: 'DescribeSnapshots', resource: `EBS snapshots tagged ${DRILL_RUN_TAG}` }, signal, () =>
    ec2.send(new DescribeSnapshotsCommand({ OwnerIds: ['self'], Filters: filters }), sendOptions(signal))));
  return [
    ...instances,
    ...(images.Images ?? []).filter((i) => i.State !== 'deregistered').map((i): DrillResource => ({ kind: 'ami', id: i.ImageId ?? '', region, state: i.State ?? 'unknown' })),
    ...(snapshots.Snapshots ?? []).map((s): DrillResource => ({ kind: 'ebs-snapshot', id: s.SnapshotId ?? '', region, state: s.State ?? 'unknown' })),
  ];
}

/** The plan's sides a drill may have created something in (one when both are the same region). */
export function drillSides(aws: AwsEnvironment): Side[] {
  return aws.region('primary') === aws.region('recovery') ? ['recovery'] : ['recovery', 'primary'];
}

/** The plan's regions a drill may have created something in. */
export function drillRegions(aws: AwsEnvironment): string[] {
  return [...new Set(drillSides(aws).map((s) => aws.region(s)))];
}

/**
 * Every resource in the plan's regions that carries this run's drill tag (or is one of its named parameter groups)
 * and still exists (terminated instances and deleted databases are gone; `deleting` and `shutting-down` are not yet).
 * With `persist`, each read is retried through 5xx errors, throttling and an unreachable region until its deadline.
 *
 * @example
 * const left = await listDrillResources({ aws, runId });
 */
export async function listDrillResources(options: DrillScope & { signal?: AbortSignal; persist?: Persistence }): Promise<DrillResource[]> {
  const { aws, runId, signal } = options;
  const read: Reader = (call) => persistently(call, options.persist);
  const found: DrillResource[] = [];
  for (const side of drillSides(aws)) {
    const { rds, ec2 } = aws.clients(side);
    found.push(
      ...(await listRds(rds, aws.region(side), runId, read, signal)),
      ...(await listParameterGroups(rds, aws.region(side), options.parameterGroups ?? [], read, signal)),
      ...(await listEc2(ec2, aws.region(side), runId, read, signal)),
    );
  }
  return found;
}
