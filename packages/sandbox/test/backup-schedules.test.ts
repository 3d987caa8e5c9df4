import { DescribeDBSnapshotsCommand, RDSClient, RestoreDBInstanceFromDBSnapshotCommand } from '@aws-sdk/client-rds';
import { DescribeImagesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import { cronFirings, VirtualClock } from '@firedrill/core';
import { buildBackupRestoreScenario, Sandbox } from '../src/index.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const START = '2026-11-22T03:00:00Z';
const CRON = '0 */12 * * *';

/** A backup & restore world whose snapshots (twice a day, kept two days) go on as time passes. */
async function world(options: { amiSchedule?: boolean } = {}) {
  const clock = new VirtualClock({ start: START });
  const now = clock.now();
  const coveredUntil = now - 30 * 60_000;
  const built = await buildBackupRestoreScenario({
    clock, seed: 3, apiLatency: 0,
    layout: {
      database: { snapshotTimes: cronFirings(CRON, now - 2 * DAY, coveredUntil), snapshotSchedule: { cron: CRON, retentionDays: 2, coveredUntil } },
      ...(options.amiSchedule
        ? { instances: [{ role: 'web', primary: { tags: { app: 'tracking' }, count: 2 }, recovery: { amiName: 'web-app', instanceType: 'm6i.large' }, imageAt: cronFirings(CRON, now - DAY, coveredUntil).at(-1)!, restored: true, amiSchedule: { cron: CRON, coveredUntil } }] }
        : {}),
    },
  });
  return { ...built, clock };
}

async function copies(sandbox: Sandbox, region: string): Promise<{ id: string; createdAt: number; status: string }[]> {
  const out = await sandbox.client(RDSClient, region).send(new DescribeDBSnapshotsCommand({ DBInstanceIdentifier: 'tracking-db' }));
  return (out.DBSnapshots ?? [])
    .map((s) => ({ id: s.DBSnapshotIdentifier!, createdAt: s.SnapshotCreateTime!.getTime(), status: s.Status! }))
    .sort((a, b) => a.createdAt - b.createdAt);
}

describe('backup schedules: the world goes on taking backups as simulated time passes', () => {
  it('snapshots each firing with the data of that moment, copies it 20 minutes later, and expires copies past retention', async () => {
    const { sandbox, clock, names } = await world();
    const { recoveryRegion: recovery, app } = names;
    const before = await copies(sandbox, recovery);
    expect(before.at(-1)!.id).toBe('tracking-db-2026112200-dr');
    // Writes just before and just after the 12:00 firing.
    await clock.sleep(Date.parse('2026-11-22T11:59:58Z') - clock.now());
    sandbox.dataPlane.writeHeartbeat(app, { seq: 1 });
    await clock.sleep(4_000);
    sandbox.dataPlane.writeHeartbeat(app, { seq: 2 });

    // 12:10: the snapshot is taken, its copy is on its way.
    await clock.sleep(Date.parse('2026-11-22T12:10:00Z') - clock.now());
    const onTheWay = (await copies(sandbox, recovery)).at(-1)!;
    expect(onTheWay).toMatchObject({ id: 'tracking-db-2026112212-dr', createdAt: Date.parse('2026-11-22T12:00:00Z') });
    expect(onTheWay.status).not.toBe('available');

    // 12:30: landed. It holds the write acknowledged before 12:00, not the one after: restore it and read.
    await clock.sleep(20 * 60_000);
    const rds = sandbox.client(RDSClient, recovery);
    await rds.send(new RestoreDBInstanceFromDBSnapshotCommand({ DBInstanceIdentifier: 'noon-copy', DBSnapshotIdentifier: 'tracking-db-2026112212-dr' }));
    await clock.sleep(HOUR);
    expect(sandbox.dataPlane.visibleWrites(`${recovery}:noon-copy`).map((w) => w.seq)).toEqual([1]);

    // Two days later: every firing copied, nothing older than the two-day retention left.
    await clock.sleep(2 * DAY);
    const after = await copies(sandbox, recovery);
    const now = clock.now();
    const stamp = (t: number): string => new Date(t).toISOString().slice(0, 13).replace(/[-T]/g, '');
    expect(after.map((c) => c.id)).toEqual(cronFirings(CRON, now - 2 * DAY, now - 20 * 60_000).map((t) => `tracking-db-${stamp(t)}-dr`));
    expect(after.every((c) => c.status === 'available')).toBe(true);
    expect((await copies(sandbox, names.primaryRegion)).every((c) => now - c.createdAt <= 2 * DAY)).toBe(true);
  });

  it('takes nothing while the region is down, and the same schedule goes on after a save and load', async () => {
    const { sandbox, clock, names } = await world();
    const { primaryRegion: primary, recoveryRegion: recovery } = names;
    sandbox.faults.regionOutage(primary, { at: Date.parse('2026-11-22T11:50:00Z'), until: Date.parse('2026-11-22T12:30:00Z') });
    await clock.sleep(Date.parse('2026-11-22T13:00:00Z') - clock.now());
    expect((await copies(sandbox, recovery)).map((c) => c.id)).not.toContain('tracking-db-2026112212-dr');

    const saved = Sandbox.fromJSON(JSON.parse(JSON.stringify(sandbox.toJSON())), { clock });
    await clock.sleep(12 * HOUR);
    expect((await copies(saved, recovery)).at(-1)).toMatchObject({ id: 'tracking-db-2026112300-dr', status: 'available' });
  });

  it('registers the AMI of an instance role on its schedule, and copies it to the recovery region', async () => {
    const { sandbox, clock, names } = await world({ amiSchedule: true });
    await clock.sleep(Date.parse('2026-11-23T00:30:00Z') - clock.now());
    const images = await sandbox.client(EC2Client, names.recoveryRegion).send(new DescribeImagesCommand({ Filters: [{ Name: 'name', Values: ['web-app-*'] }] }));
    const newest = (images.Images ?? []).sort((a, b) => Date.parse(a.CreationDate!) - Date.parse(b.CreationDate!)).at(-1)!;
    expect(newest).toMatchObject({ Name: 'web-app-2026112300', State: 'available' });
  });
});
