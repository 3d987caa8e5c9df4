/**
 * A backup & restore failover restores under the plan's recovery identifier, which an earlier run's instance may
 * still hold: RDS keeps the identifier of an instance that is `deleting` until it is gone (DBInstanceAlreadyExists
 * meanwhile). Such a leftover is waited out and the wait counts in the RTO; an instance that is not going away is
 * never taken for this run's restore.
 */
import { DeleteDBInstanceCommand, DescribeDBInstancesCommand, RestoreDBInstanceFromDBSnapshotCommand } from '@aws-sdk/client-rds';
import type { Run } from '@firedrill/core';
import { describe, expect, it } from 'vitest';
import { backupRestoreStrategy } from '../src/strategies/backup-restore.js';
import { at, type BackupRestoreFixture, backupRestoreScenario, newestCopyCapturedAt, runBackupRestore } from './backup-restore-fixture.js';

const EARLIER_RUN = 'tracking-backup-restore-20261115T030000Z-0a1b2c';

/** The DR database an earlier run restored (tagged with its run id), once available. */
async function earlierRunsDatabase(f: BackupRestoreFixture, identifier: string): Promise<void> {
  await f.rds.recovery.send(new RestoreDBInstanceFromDBSnapshotCommand({
    DBInstanceIdentifier: identifier, DBSnapshotIdentifier: f.names.database.recoverySnapshots!.at(-1)!,
    Tags: [{ Key: 'firedrill:run-id', Value: EARLIER_RUN }],
  }));
  while ((await status(f, identifier)) !== 'available') await f.clock.sleep(60_000);
}

async function status(f: BackupRestoreFixture, identifier: string): Promise<string | undefined> {
  const out = await f.rds.recovery.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: identifier })).catch(() => undefined);
  return out?.DBInstances?.[0]?.DBInstanceStatus;
}

/** Step logs of one step, as the journal has them. */
function logsOf(stepId: string, into: string[]): (run: Run) => void {
  return (run) => void run.events.subscribe((e) => {
    if (e.type === 'step.log' && e.stepId === stepId) into.push(e.message);
  }, { replay: true });
}

describe('backup & restore failover: the recovery identifier held by an earlier instance', () => {
  it('an earlier run\'s DR database still deleting: the restore waits until RDS releases the name, then restores; RTO and RPO match the truth', async () => {
    const f = await backupRestoreScenario(21);
    const identifier = `${f.names.app}-db-restored`;
    await earlierRunsDatabase(f, identifier);
    await f.rds.recovery.send(new DeleteDBInstanceCommand({ DBInstanceIdentifier: identifier, SkipFinalSnapshot: true }));
    expect(await status(f, identifier)).toBe('deleting');
    const leftover = f.sandbox.world.rds[f.recovery]!.instances[identifier]!;
    const goneAt = leftover.status.find((s) => s.value === 'deleted')!.at;

    const capturedAt = await newestCopyCapturedAt(f);
    const disasterAt = f.clock.now();
    expect(goneAt).toBeGreaterThan(disasterAt + 60_000); // minutes of deleting ahead
    f.sandbox.faults.regionOutage(f.primary, { at: disasterAt });
    const logs: string[] = [];
    const { report, runId } = await runBackupRestore(f, { strategy: backupRestoreStrategy, operation: 'failover', health: 'endpoint', onRun: logsOf('restore-database', logs) });
    expect(report.status, JSON.stringify(report.steps.filter((s) => s.status !== 'succeeded'))).toBe('succeeded');
    expect(logs.join('\n')).toMatch(/tracking-db-restored in us-west-2 is still being deleted \(left by an earlier run\)/);

    // The restore call came once the name was free, and the instance serving now is this run's.
    const restores = f.sandbox.calls({ command: 'RestoreDBInstanceFromDBSnapshot', outcome: 'ok' }).filter((c) => c.at >= disasterAt);
    expect(restores).toHaveLength(1);
    expect(restores[0]!.at).toBeGreaterThanOrEqual(goneAt);
    expect(f.sandbox.calls({ command: 'RestoreDBInstanceFromDBSnapshot' }).filter((c) => c.outcome !== 'ok')).toEqual([]);
    const db = (await f.rds.recovery.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: identifier }))).DBInstances![0]!;
    expect(db.DBInstanceStatus).toBe('available');
    expect(db.TagList).toContainEqual({ Key: 'firedrill:run-id', Value: runId });

    // Honest measures: users waited for the leftover to go too, and the RPO is the copy this run restored.
    const truthRto = (f.sandbox.truth.firstHealthyAt(f.recovery, disasterAt)! - disasterAt) / 1000;
    expect(truthRto).toBeGreaterThan((goneAt - disasterAt) / 1000 + 600);
    expect(Math.abs(report.rto.seconds! - truthRto)).toBeLessThanOrEqual(1);
    expect(f.sandbox.truth.lostWrites(f.names.app, { disasterAt }).dataAsOf).toBe(capturedAt);
    expect(report.rpo).toMatchObject({ source: 'snapshot', seconds: (disasterAt - capturedAt) / 1000 });
    await f.clock.sleep(60_000); // users follow once Route 53's health checks (10 s × 3) see the recovery endpoint healthy
    expect(f.sandbox.truth.dnsTarget(f.names.dns!.recordName).regions).toEqual([f.recovery]);
  });

  it('an instance under the name that is not going away is not taken for this run\'s restore: DBInstanceAlreadyExists, and it is left as it was', async () => {
    const f = await backupRestoreScenario(22);
    const identifier = `${f.names.app}-db-restored`;
    await earlierRunsDatabase(f, identifier);
    const before = structuredClone(f.sandbox.world.rds[f.recovery]!.instances[identifier]!);
    const disasterAt = f.clock.now();
    f.sandbox.faults.regionOutage(f.primary, { at: disasterAt });
    const { report } = await runBackupRestore(f, { strategy: backupRestoreStrategy, operation: 'failover', health: 'endpoint' });
    expect(report.status).toBe('failed'); // nothing was done that could be undone
    const restore = report.steps.find((s) => s.id === 'restore-database')!;
    expect(restore).toMatchObject({ status: 'failed', attempts: 1 });
    expect(restore.error?.message).toMatch(new RegExp(`DBInstanceAlreadyExists: ${identifier} already exists in us-west-2 \\(available\\) and this run did not restore it \\(run ${EARLIER_RUN} restored it\\)`));
    expect(restore.error?.message).toMatch(/firedrill resume <run-id>.*firedrill failback/);
    // No RTO for a restore that did not happen; the earlier instance untouched.
    expect(report.rto.seconds).toBeNull();
    expect(f.sandbox.calls().filter((c) => c.at >= disasterAt && (c.input as { DBInstanceIdentifier?: string }).DBInstanceIdentifier === identifier && !c.command.startsWith('Describe'))).toEqual([]);
    const after = f.sandbox.world.rds[f.recovery]!.instances[identifier]!;
    expect([after.arn, after.createdAt, await status(f, identifier)]).toEqual([before.arn, before.createdAt, 'available']);
    expect(at(report.disasterAt)).toBe(disasterAt);
  });
});
