/**
 * What weekly live drills leave in the account: manual snapshots never expire and count against the quota (100 per
 * region), so backup & restore deletes the ones that only carried data across and keeps the newest
 * `keepBeforeFailbackSnapshots` safety nets of the plan — and never touches a snapshot it did not make and tag.
 */
import { CreateDBSnapshotCommand, DescribeDBSnapshotsCommand, type RDSClient } from '@aws-sdk/client-rds';
import { describe, expect, it } from 'vitest';
import { createBackupRestoreStrategy } from '../src/strategies/backup-restore.js';
import { runSuffix } from '../src/strategies/backup-restore-failback.js';
import { backupRestoreScenario, createParameterGroups, runBackupRestore } from './backup-restore-fixture.js';

/** The scenario's backup schedule names its snapshots `<db>-<yyyymmddhh>` (copies `…-dr`): it keeps taking them. */
const SCHEDULED = /^tracking-db-\d{10}(-dr)?$/;

async function manualSnapshots(rds: RDSClient, options: { scheduled?: boolean } = {}): Promise<string[]> {
  const out = await rds.send(new DescribeDBSnapshotsCommand({ SnapshotType: 'manual' }));
  return (out.DBSnapshots ?? [])
    .filter((s) => s.Status !== 'deleted' && (options.scheduled ?? false) === SCHEDULED.test(s.DBSnapshotIdentifier!))
    .map((s) => s.DBSnapshotIdentifier!)
    .sort();
}

describe('backup & restore snapshot retention', () => {
  it('three live drills in a row leave the newest two before-failback safety nets, no transfer snapshot, and every snapshot Firedrill did not tag', async () => {
    const f = await backupRestoreScenario(31, { parameters: { parameterGroups: { primary: 'tracking-pg', recovery: 'tracking-pg-dr' }, keepBeforeFailbackSnapshots: 2 } });
    await createParameterGroups(f);
    const db = f.names.database.primary.identifier;
    // Look-alikes Firedrill must leave alone: a person's snapshot under the safety net's name pattern (untagged), and
    // one tagged as another plan's safety net. Both older than any drill's.
    await f.rds.primary.send(new CreateDBSnapshotCommand({ DBInstanceIdentifier: db, DBSnapshotIdentifier: `${db}-before-failback-by-hand` }));
    await f.rds.primary.send(new CreateDBSnapshotCommand({
      DBInstanceIdentifier: db, DBSnapshotIdentifier: `${db}-before-failback-other-plan`,
      Tags: [{ Key: 'firedrill:plan', Value: 'another-plan' }, { Key: 'firedrill:snapshot', Value: 'before-failback' }],
    }));
    await f.clock.sleep(60 * 60_000);
    const before = { primary: await manualSnapshots(f.rds.primary), recovery: await manualSnapshots(f.rds.recovery) };
    const scheduledBefore = await manualSnapshots(f.rds.recovery, { scheduled: true });

    const runIds: string[] = [];
    for (let drill = 1; drill <= 3; drill++) {
      const strategy = createBackupRestoreStrategy({
        injectDisaster: async () => void f.sandbox.faults.regionOutage(f.primary, { at: f.clock.now(), until: f.clock.now() + 45 * 60_000 }),
      });
      const { report, runId } = await runBackupRestore(f, { strategy, operation: 'drill', drill: 'live' });
      expect(report.status, `drill ${drill}: ${JSON.stringify(report.steps.filter((s) => s.status === 'failed').map((s) => [s.id, s.error?.message]))}`).toBe('succeeded');
      runIds.push(runId);
      await f.clock.sleep(7 * 24 * 60 * 60_000); // weekly
    }

    // The backup schedule went on through the three weeks (twice a day), and Firedrill deleted none of its copies.
    const scheduledAfter = await manualSnapshots(f.rds.recovery, { scheduled: true });
    expect(scheduledAfter).toEqual(expect.arrayContaining(scheduledBefore));
    expect(scheduledAfter.length - scheduledBefore.length).toBeGreaterThanOrEqual(40);
    // Primary region: what was there, plus the safety nets of drills 2 and 3 (drill 1's was deleted by drill 3).
    const safetyNet = (runId: string) => `${db}-before-failback-${runSuffix(runId)}`;
    expect(await manualSnapshots(f.rds.primary)).toEqual([...before.primary, safetyNet(runIds[1]!), safetyNet(runIds[2]!)].sort());
    // Recovery region: as before — every drill's transfer snapshots (the DR backup, its copy home) are gone.
    expect(await manualSnapshots(f.rds.recovery)).toEqual(before.recovery);
    expect(before.primary).toEqual(expect.arrayContaining([`${db}-before-failback-by-hand`, `${db}-before-failback-other-plan`]));
    // What was deleted, each waited for, and only ever Firedrill's own: the sandbox's record of every deletion.
    const deleted = f.sandbox.calls({ command: 'DeleteDBSnapshot', outcome: 'ok' }).map((c) => `${c.region}:${(c.input as { DBSnapshotIdentifier: string }).DBSnapshotIdentifier}`);
    expect(deleted.sort()).toEqual([
      `${f.primary}:${safetyNet(runIds[0]!)}`,
      ...runIds.flatMap((id) => [`${f.primary}:tracking-db-restored-failback-${runSuffix(id)}`, `${f.recovery}:tracking-db-restored-failback-${runSuffix(id)}`]),
    ].sort());
    // The safety nets kept are tagged as Firedrill's, with the run that made them.
    const kept = (await f.rds.primary.send(new DescribeDBSnapshotsCommand({ DBSnapshotIdentifier: safetyNet(runIds[2]!) }))).DBSnapshots![0]!;
    expect(Object.fromEntries(kept.TagList!.map((t) => [t.Key, t.Value]))).toMatchObject({ 'firedrill:plan': f.plan.metadata.name, 'firedrill:snapshot': 'before-failback', 'firedrill:run-id': runIds[2] });
  });
});
