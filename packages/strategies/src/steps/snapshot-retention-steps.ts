/**
 * What backup & restore keeps of the manual snapshots it makes. Manual snapshots never expire and count against the
 * account's quota (RDS User Guide, "Quotas and constraints for Amazon RDS": manual DB instance snapshots, 100 per
 * Region by default, adjustable), so weekly drills would pile them up:
 *
 * - transient ones, made only to carry data to the other region (a failback's `-failback-` snapshot and its copy,
 *   a graceful failover's `-failover-` snapshot and its copy), are deleted once the database restored from them
 *   serves;
 * - safety nets (the stale primary's `-before-failback-` final snapshot: what it held when the failback replaced it)
 *   are tagged, and only the newest few of the plan's are kept.
 *
 * Only snapshots carrying this plan's Firedrill tags are ever deleted: never a person's, never another plan's.
 */
import { AddTagsToResourceCommand, type DBSnapshot, DeleteDBSnapshotCommand, DescribeDBSnapshotsCommand, type RDSClient } from '@aws-sdk/client-rds';
import type { ActionStep, StepContext } from '@firedrill/core';
import { callAws, callAwsOrNotFound, sendOptions, toAwsTags } from '../aws/aws-call.js';
import { waitFor } from '../aws/waiters/wait-for.js';
import type { AwsEnvironment, Side } from '../aws-environment.js';
import { previewCall } from './aws-step-options.js';
import { DRILL_RUN_TAG } from './drill-cleanup-steps.js';

/** The tag naming what a Firedrill snapshot is for (`failback-transfer`, `failover-transfer`, `before-failback`). */
export const SNAPSHOT_PURPOSE_TAG = 'firedrill:snapshot';
/** The tag naming the plan a Firedrill snapshot belongs to: only snapshots carrying it are ever deleted. */
const PLAN_TAG = 'firedrill:plan';

/**
 * The tags of a snapshot Firedrill makes and later deletes or prunes: the plan, the purpose and (when given) the
 * run. Every snapshot the retention steps below must recognise is tagged through this.
 *
 * @example
 * snapshotTags('tracking', 'failover-transfer') // { 'firedrill:plan': 'tracking', 'firedrill:snapshot': 'failover-transfer' }
 */
export function snapshotTags(plan: string, purpose: string, runId?: string): Record<string, string> {
  return { [PLAN_TAG]: plan, [SNAPSHOT_PURPOSE_TAG]: purpose, ...(runId === undefined ? {} : { [DRILL_RUN_TAG]: runId }) };
}

/** A snapshot in one side's region. */
export interface SnapshotRef {
  side: Side;
  identifier: string;
}

const tagsOf = (s: DBSnapshot): Record<string, string> => Object.fromEntries((s.TagList ?? []).map((t) => [t.Key ?? '', t.Value ?? '']));

async function describeSnapshot(rds: RDSClient, identifier: string, signal: AbortSignal): Promise<DBSnapshot | undefined> {
  const out = await callAwsOrNotFound({ service: 'rds', client: rds, command: 'DescribeDBSnapshots', resource: identifier }, signal, () =>
    rds.send(new DescribeDBSnapshotsCommand({ DBSnapshotIdentifier: identifier }), sendOptions(signal)));
  const snapshot = out?.DBSnapshots?.[0];
  return snapshot?.Status === 'deleted' ? undefined : snapshot;
}

/** Deletes one snapshot and waits until RDS no longer lists it (its quota slot is free only then). */
async function deleteAndWait(aws: AwsEnvironment, side: Side, identifier: string, ctx: StepContext): Promise<void> {
  const { rds } = aws.clients(side);
  const region = aws.region(side);
  await callAwsOrNotFound({ service: 'rds', client: rds, command: 'DeleteDBSnapshot', resource: identifier }, ctx.signal, () =>
    rds.send(new DeleteDBSnapshotCommand({ DBSnapshotIdentifier: identifier }), sendOptions(ctx.signal)));
  await waitFor('dbSnapshotDeleted', {
    describe: (signal) => rds.send(new DescribeDBSnapshotsCommand({ DBSnapshotIdentifier: identifier }), sendOptions(signal)),
    params: { identifier }, clock: ctx.clock, region, signal: ctx.signal, limiter: aws.limiter, timeoutMs: 30 * 60_000,
  });
  ctx.log(`deleted snapshot ${identifier} in ${region}`);
}

/** Options of {@link deleteTransientSnapshotsStep}. */
export interface DeleteTransientSnapshotsOptions {
  id: string;
  aws: AwsEnvironment;
  snapshots: readonly SnapshotRef[];
  /** What they carried, for the title: "the failback's transfer snapshots". */
  what: string;
  dependsOn: readonly string[];
  modes?: readonly ('graceful' | 'ungraceful')[];
}

/**
 * Deletes snapshots this run made only to move data between regions, and waits until they are gone. Each must
 * carry the plan's Firedrill tag; one that does not (a person's under the same name) is left alone and said so.
 * Check-then-act: snapshots already gone count as deleted.
 *
 * @example
 * deleteTransientSnapshotsStep({ id: 'delete-failback-snapshots', aws, what: "the failback's transfer snapshots", snapshots: [{ side: 'recovery', identifier: s }, { side: 'primary', identifier: s }], dependsOn: ['unfreeze-writes'] })
 */
export function deleteTransientSnapshotsStep(options: DeleteTransientSnapshotsOptions): ActionStep<{ deleted: string[]; kept: string[] }> {
  const { aws, snapshots } = options;
  const plan = aws.plan.metadata.name;
  const label = (s: SnapshotRef): string => `${s.identifier} (${aws.region(s.side)})`;
  return {
    id: options.id,
    kind: 'action',
    title: `Delete ${options.what}: ${snapshots.map(label).join(', ')}`,
    why: 'They only carried the data across; the restored database holds it now. Manual snapshots never expire and count against the quota of 100 per region.',
    dependsOn: options.dependsOn,
    ...(options.modes ? { modes: options.modes } : {}),
    preview: () => snapshots.map((s) => previewCall('rds', aws.region(s.side), 'DeleteDBSnapshot', { DBSnapshotIdentifier: s.identifier })),
    verifyByHand: snapshots.map((s) => `aws rds describe-db-snapshots --region ${aws.region(s.side)} --db-snapshot-identifier ${s.identifier} (DBSnapshotNotFound)`).join('; '),
    check: async (ctx) => {
      for (const s of snapshots) if ((await describeSnapshot(aws.clients(s.side).rds, s.identifier, ctx.signal)) !== undefined) return { applied: false };
      return { applied: true, result: { deleted: [], kept: [] } };
    },
    act: async (ctx) => {
      const deleted: string[] = [];
      const kept: string[] = [];
      for (const s of snapshots) {
        const snapshot = await describeSnapshot(aws.clients(s.side).rds, s.identifier, ctx.signal);
        if (snapshot === undefined) continue;
        if (tagsOf(snapshot)[PLAN_TAG] !== plan) {
          ctx.log(`${label(s)} does not carry ${PLAN_TAG}=${plan}: not Firedrill's, left alone`);
          kept.push(label(s));
          continue;
        }
        await deleteAndWait(aws, s.side, s.identifier, ctx);
        deleted.push(label(s));
      }
      return { deleted, kept };
    },
  };
}

/** Options of {@link tagSnapshotStep}. */
export interface TagSnapshotOptions {
  id: string;
  aws: AwsEnvironment;
  side: Side;
  identifier: string;
  /** The snapshot's purpose ({@link SNAPSHOT_PURPOSE_TAG}). */
  purpose: string;
  runId: string;
  dependsOn: readonly string[];
}

/**
 * Tags a snapshot RDS made for Firedrill without tags (a final snapshot of a deleted instance) with the plan, its
 * purpose and the run, so the retention below can find it — and only it. Check-then-act by its tags.
 */
export function tagSnapshotStep(options: TagSnapshotOptions): ActionStep<{ tagged: boolean }> {
  const { aws, side, identifier } = options;
  const region = aws.region(side);
  const tags = snapshotTags(aws.plan.metadata.name, options.purpose, options.runId);
  const tagged = (s: DBSnapshot | undefined): boolean => s !== undefined && Object.entries(tags).every(([k, v]) => tagsOf(s)[k] === v);
  return {
    id: options.id,
    kind: 'action',
    title: `Tag snapshot ${identifier} in ${region} as Firedrill's ${options.purpose} snapshot`,
    why: 'Firedrill keeps only the newest few of these and must recognise them (and nothing else) by their tags.',
    dependsOn: options.dependsOn,
    preview: () => [
      previewCall('rds', region, 'DescribeDBSnapshots', { DBSnapshotIdentifier: identifier }),
      previewCall('rds', region, 'AddTagsToResource', { ResourceName: `arn:aws:rds:${region}:<account>:snapshot:${identifier}`, Tags: toAwsTags(tags) }),
    ],
    check: async (ctx) => (tagged(await describeSnapshot(aws.clients(side).rds, identifier, ctx.signal)) ? { applied: true, result: { tagged: true } } : { applied: false }),
    act: async (ctx) => {
      const { rds } = aws.clients(side);
      const snapshot = await describeSnapshot(rds, identifier, ctx.signal);
      if (snapshot?.DBSnapshotArn === undefined) {
        ctx.log(`${identifier} does not exist in ${region} (no final snapshot was taken): nothing to tag`);
        return { tagged: false };
      }
      await callAws({ service: 'rds', client: rds, command: 'AddTagsToResource', resource: identifier }, ctx.signal, () =>
        rds.send(new AddTagsToResourceCommand({ ResourceName: snapshot.DBSnapshotArn, Tags: toAwsTags(tags) }), sendOptions(ctx.signal)));
      return { tagged: true };
    },
  };
}

/** Options of {@link pruneSnapshotsStep}. */
export interface PruneSnapshotsOptions {
  id: string;
  aws: AwsEnvironment;
  side: Side;
  purpose: string;
  /** How many of the newest to keep (at least 1). */
  keep: number;
  dependsOn: readonly string[];
}

/**
 * Keeps the newest `keep` manual snapshots tagged with this plan and `purpose` in one region and deletes the older
 * ones (waiting until they are gone). Snapshots without both tags are never considered.
 */
export function pruneSnapshotsStep(options: PruneSnapshotsOptions): ActionStep<{ kept: string[]; deleted: string[] }> {
  const { aws, side, purpose } = options;
  const region = aws.region(side);
  const plan = aws.plan.metadata.name;
  const keep = Math.max(1, options.keep);
  return {
    id: options.id,
    kind: 'action',
    title: `Keep the newest ${keep} ${purpose} snapshot(s) of ${plan} in ${region}, delete older ones`,
    why: 'Each failback leaves one as a safety net; kept for ever they would fill the manual snapshot quota (100 per region).',
    dependsOn: options.dependsOn,
    preview: () => [
      previewCall('rds', region, 'DescribeDBSnapshots', { SnapshotType: 'manual' }),
      previewCall('rds', region, 'DeleteDBSnapshot', { DBSnapshotIdentifier: `<${purpose} snapshots of ${plan} older than the newest ${keep}>` }),
    ],
    act: async (ctx) => {
      const { rds } = aws.clients(side);
      const ours: DBSnapshot[] = [];
      let marker: string | undefined;
      do {
        const out = await callAws({ service: 'rds', client: rds, command: 'DescribeDBSnapshots', resource: region }, ctx.signal, () =>
          rds.send(new DescribeDBSnapshotsCommand({ SnapshotType: 'manual', ...(marker ? { Marker: marker } : {}) }), sendOptions(ctx.signal)));
        for (const s of out.DBSnapshots ?? []) if (tagsOf(s)[PLAN_TAG] === plan && tagsOf(s)[SNAPSHOT_PURPOSE_TAG] === purpose && s.Status !== 'deleted') ours.push(s);
        marker = out.Marker;
      } while (marker);
      ours.sort((a, b) => (b.SnapshotCreateTime?.getTime() ?? 0) - (a.SnapshotCreateTime?.getTime() ?? 0));
      const older = ours.slice(keep).filter((s) => s.Status === 'available');
      for (const s of older) await deleteAndWait(aws, side, s.DBSnapshotIdentifier!, ctx);
      return { kept: ours.slice(0, keep).map((s) => s.DBSnapshotIdentifier ?? ''), deleted: older.map((s) => s.DBSnapshotIdentifier ?? '') };
    },
  };
}
