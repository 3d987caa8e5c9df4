/**
 * Backups the world takes on its own as simulated time passes — what an AWS Backup plan, a DLM policy or a
 * customer's snapshot-and-copy automation does on AWS: on each firing of its cron schedule, a DB snapshot (or an
 * AMI) in the primary region, copied to the recovery region a little later, and copies past their retention
 * deleted. Without it, a world built with a backup history stops taking backups at its creation, and after a few
 * simulated hours of drills its newest copy ages past the plan's RPO objective.
 *
 * Firings are materialised lazily, at the next API call (the only way anyone looks), each at its own time: the
 * snapshot holds the writes its database had acknowledged then, and its copy lands in the recovery region later
 * (pending until then). A firing while its region is down, or while its database is not `available` (deleted,
 * being restored), takes nothing — as on AWS, where the job fails; the job's start window (AWS Backup retries
 * for up to 8 hours by default) is not modelled.
 */
import { cronFirings, nextCronTime } from '@firedrill/core';
import { instantContext } from './operation-context.js';
import { isRegionDown } from './faults.js';
import { sandboxKmsKeyArn } from './services/rds-encryption.js';
import { captureSnapshot, rdsSnapshotHandlers } from './services/rds-snapshots.js';
import { valueAt } from './timeline.js';
import type { DbSnapshotRecord, TagRecord } from './resources.js';
import type { World } from './world.js';

/** A DB snapshot schedule: `<dbId>-<yyyymmddhh>` in `region`, copied as `<…>-dr` to `copyTo`. */
export interface DbSnapshotSchedule {
  kind: 'db-snapshot';
  region: string;
  dbId: string;
  copyTo?: string;
  /** How long after the snapshot its copy lands in `copyTo`. */
  copyDelayMs: number;
  /** KMS key (of `copyTo`) an encrypted snapshot's copy is encrypted with. @default the sandbox's key of `copyTo` */
  copyKmsKeyId?: string;
  /** UTC cron expression (five fields). */
  cron: string;
  /** Snapshots and copies this schedule took are deleted this long after they were taken. */
  retentionMs?: number;
  tags: TagRecord[];
  /** Every firing up to this moment has been handled. */
  doneUntil: number;
  /** The first firing after `doneUntil` (computed once, so a call between firings costs a comparison). */
  nextAt?: number;
}

/** An AMI schedule: `<amiName>-<yyyymmddhh>` registered in `region` and copied to `copyTo`. */
export interface AmiSchedule {
  kind: 'ami';
  region: string;
  amiName: string;
  copyTo: string;
  copyDelayMs: number;
  cron: string;
  doneUntil: number;
  nextAt?: number;
}

export type BackupSchedule = DbSnapshotSchedule | AmiSchedule;

/** `yyyymmddhh` of a moment (UTC): the suffix of the snapshots and AMIs a schedule names. */
export const backupStamp = (at: number): string => new Date(at).toISOString().slice(0, 13).replace(/[-T]/g, '');

/**
 * Adds a schedule to the world; it fires from `doneUntil` on. The snapshots it would have taken before (a scenario's
 * history, named as it names them) come under its lifecycle rule now.
 */
export function addBackupSchedule(world: World, schedule: BackupSchedule): void {
  (world.backupSchedules ??= []).push(schedule);
  if (schedule.kind === 'db-snapshot') expireHistory(world, schedule);
}

/** Handles every firing due by `now`, in time order per schedule. */
export function runBackupSchedules(world: World, now: number): void {
  for (const schedule of world.backupSchedules ?? []) {
    if (now < (schedule.nextAt ??= nextCronTime(schedule.cron, schedule.doneUntil))) continue;
    for (const at of cronFirings(schedule.cron, schedule.doneUntil, now)) {
      // A job that fails (its source gone mid-way, a name taken) takes nothing; it never fails the caller's call.
      try {
        if (schedule.kind === 'db-snapshot') takeDbSnapshot(world, schedule, at);
        else registerAmi(world, schedule, at);
      } catch {
        // As a failed AWS Backup job: nothing taken, the next firing tries again.
      }
    }
    schedule.doneUntil = now;
    schedule.nextAt = nextCronTime(schedule.cron, now);
  }
}

/**
 * The snapshot at `at` (its data as of then), and its copy started at once, landing `copyDelayMs` later — unless the
 * region is down or the database is not `available` then (a failed job takes nothing).
 */
function takeDbSnapshot(world: World, s: DbSnapshotSchedule, at: number): void {
  if (isRegionDown(world, s.region, at)) return;
  const db = world.rds[s.region]?.instances[s.dbId];
  if (db === undefined || valueAt(db.status, at) !== 'available') return;
  const id = `${s.dbId}-${backupStamp(at)}`;
  if (world.rds[s.region]!.snapshots[id] !== undefined) return;
  const snapshot = captureSnapshot(instantContext(world, s.region, at), db, id, s.tags);
  expireLater(snapshot, s);
  if (s.copyTo === undefined || isRegionDown(world, s.copyTo, at)) return;
  // An encrypted snapshot's copy in another region is encrypted with a key of that region, as the copy job names it.
  const key = snapshot.kmsKeyId === undefined ? {} : { KmsKeyId: s.copyKmsKeyId ?? sandboxKmsKeyArn(world, s.copyTo) };
  rdsSnapshotHandlers.CopyDBSnapshot(instantContext(world, s.copyTo, at, s.copyDelayMs), { SourceDBSnapshotIdentifier: snapshot.arn, TargetDBSnapshotIdentifier: `${id}-dr`, CopyTags: true, ...key });
  expireLater(world.rds[s.copyTo]!.snapshots[`${id}-dr`]!, s);
}

/** The lifecycle rule, decided when the snapshot is taken: deleted once older than the schedule's retention. */
function expireLater(snapshot: DbSnapshotRecord, s: DbSnapshotSchedule): void {
  if (s.retentionMs !== undefined) snapshot.status.push({ at: snapshot.createdAt + s.retentionMs, value: 'deleted' });
}

function registerAmi(world: World, s: AmiSchedule, at: number): void {
  if (isRegionDown(world, s.region, at)) return;
  const name = `${s.amiName}-${backupStamp(at)}`;
  registerImage(world, s.region, name, at);
  if (!isRegionDown(world, s.copyTo, at)) registerImage(world, s.copyTo, name, at, at + s.copyDelayMs);
}

/**
 * An AMI named `name` in `region`, pending from `at` and available from `availableAt` (the sandbox has no
 * CreateImage). Returns its id.
 */
export function registerImage(world: World, region: string, name: string, at: number, availableAt = at): string {
  const n = (world.counters['ami'] = (world.counters['ami'] ?? 0) + 1);
  const id = `ami-${(0x0a000000 + n).toString(16).padStart(17, '0')}`;
  const snap = (world.counters['snap'] = (world.counters['snap'] ?? 0) + 1);
  world.ec2[region]!.images[id] = {
    id, region, name, description: `${name} golden image`,
    state: availableAt > at ? [{ at, value: 'pending' }, { at: availableAt, value: 'available' }] : [{ at, value: 'available' }],
    createdAt: at,
    snapshotIds: [`snap-${(0x0a000000 + snap).toString(16).padStart(17, '0')}`], tags: [{ Key: 'Name', Value: name }],
  };
  return id;
}

/** The lifecycle rule for the snapshots taken before the schedule was added: each deleted once older than its retention. */
function expireHistory(world: World, s: DbSnapshotSchedule): void {
  const ours = new RegExp(`^${s.dbId.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}-\\d{10}(-dr)?$`);
  for (const region of [s.region, ...(s.copyTo ? [s.copyTo] : [])]) {
    for (const snapshot of Object.values(world.rds[region]?.snapshots ?? {})) if (ours.test(snapshot.id)) expireLater(snapshot, s);
  }
}
