/**
 * A backup & restore failback measures what it loses: writes the DR site accepted after the snapshot restored in the
 * primary region. With Firedrill's own fence that is nothing; with a manual freeze it is whatever the person's freeze
 * let through, which only heartbeats can see. A freeze marked done that stopped nothing must not be reported as
 * RPO 0: heartbeats measure the real loss, and without them the report gives no figure (unverified).
 */
import { DescribeDBSnapshotsCommand } from '@aws-sdk/client-rds';
import type { Run, RunReport } from '@firedrill/core';
import { describe, expect, it } from 'vitest';
import { backupRestoreStrategy } from '../src/strategies/backup-restore.js';
import { applicationWrites, at, type BackupRestoreFixture as Fixture, backupRestoreScenario, createParameterGroups, lostSeqs, runBackupRestore } from './backup-restore-fixture.js';

const stepOf = (report: RunReport, id: string) => report.steps.find((s) => s.id === id);

/** Marks every manual step done the moment it waits, doing nothing of what it asks (a careless operator). */
const markDoneWithoutDoingIt = (run: Run): void => {
  run.events.subscribe((e) => {
    if (e.type === 'step.waiting' && e.reason === 'manual') void run.markDone(e.stepId, 'sre@example.com');
  }, { replay: true });
};

/** A failover after a 40-minute outage, then writes at the DR site while it serves. */
async function failedOverAndServing(f: Fixture) {
  const outage = f.clock.now();
  f.sandbox.faults.regionOutage(f.primary, { at: outage, until: outage + 40 * 60_000 });
  const failover = await runBackupRestore(f, { strategy: backupRestoreStrategy, operation: 'failover', health: 'endpoint' });
  expect(failover.report.status).toBe('succeeded');
  await f.clock.sleep(45 * 60_000 - (f.clock.now() - outage)); // the primary region is back
  const atDr = applicationWrites(f, 1_000, 60_000);
  await f.clock.sleep(10 * 60_000);
  return atDr;
}

/**
 * Capture time of the snapshot the primary database was restored from, by the sandbox's record of it: the failback
 * deletes that copy once the primary serves (so the SDK no longer lists it), and the sandbox keeps what it was.
 */
async function restoredFromCapturedAt(f: Fixture): Promise<number> {
  const record = f.sandbox.world.rds[f.primary]!.instances[f.names.database.primary.identifier]!;
  const snapshot = Object.values(f.sandbox.world.rds[f.primary]!.snapshots).find((s) => s.arn === record.restoredFrom)!;
  const id = record.restoredFrom!.split(':').at(-1)!;
  await expect(f.rds.primary.send(new DescribeDBSnapshotsCommand({ DBSnapshotIdentifier: id }))).rejects.toThrow(/not found/); // deleted once it served
  expect(snapshot.copiedAt).toBeGreaterThan(snapshot.createdAt); // a copy: createdAt is the original's capture time
  return snapshot.createdAt;
}

describe('backup & restore failback measures its RPO', () => {
  it('fenced by Firedrill (custom parameter groups): the application keeps writing, nothing written at DR is lost, RPO 0 as the truth says', async () => {
    const f = await backupRestoreScenario(12, { parameters: { parameterGroups: { primary: 'tracking-pg', recovery: 'tracking-pg-dr' } } });
    await createParameterGroups(f);
    const atDr = await failedOverAndServing(f);
    expect(atDr.acked.length).toBeGreaterThanOrEqual(10);
    const { report } = await runBackupRestore(f, { strategy: backupRestoreStrategy, operation: 'failback', phaseHealth: {} });
    atDr.stop();
    expect(report.status, JSON.stringify(report.steps.filter((s) => s.status !== 'succeeded'))).toBe('succeeded');
    expect(stepOf(report, 'freeze-dr-writes')).toMatchObject({ kind: 'action', status: 'succeeded' });

    const disasterAt = at(report.disasterAt);
    expect(disasterAt).toBe(at(stepOf(report, 'freeze-dr-writes')!.startedAt));
    const capturedAt = await restoredFromCapturedAt(f);
    expect(capturedAt).toBeGreaterThanOrEqual(disasterAt); // the freeze came first
    // The truth: every acknowledged write is on the restored primary, so its RPO is 0 (reference: the last lost write).
    const truth = f.sandbox.truth.lostWrites(f.names.app);
    expect(truth.survivor).toBe(`${f.primary}:${f.names.database.primary.identifier}`);
    expect(truth.lost).toEqual([]);
    expect(report.rpo).toMatchObject({ source: 'snapshot', seconds: truth.rpoMs / 1000, met: true });
    expect(report.rpo.seconds).toBe(0);
    // The application really wrote at the DR site until the fence, was refused from then on, and lost nothing.
    const fencedAt = f.sandbox.calls({ command: 'ModifyDBParameterGroup', outcome: 'ok' })[0]!.at;
    expect(atDr.acked.some((w) => w.at <= fencedAt && w.at > fencedAt - 60_000)).toBe(true);
    expect(atDr.refusedAt.some((t) => t > fencedAt && t < capturedAt + 60_000)).toBe(true);
    expect(atDr.acked.filter((w) => w.at > fencedAt && w.at < at(stepOf(report, 'wait-primary-database')!.startedAt))).toEqual([]);
    expect(f.sandbox.truth.splitBrainDetected).toBe(false);
  });

  it('with a manual freeze and no heartbeat probe the RPO rests on the person: a freeze that was done loses nothing, but the report gives no figure it cannot check', async () => {
    const f = await backupRestoreScenario(13);
    const atDr = await failedOverAndServing(f);
    const logs: string[] = [];
    let freezeEndedAt: number | undefined;
    const onRun = (run: Run): void => {
      run.events.subscribe((e) => {
        if (e.type === 'step.log' && e.stepId === 'restore-primary-database') logs.push(e.message);
        if (e.type !== 'step.waiting' || e.reason !== 'manual') return;
        // The person does what the step asks, then marks it done a minute later.
        if (e.stepId === 'freeze-dr-writes') atDr.pause(true);
        if (e.stepId === 'unfreeze-writes') atDr.pause(false);
        void f.clock.sleep(60_000).then(() => {
          if (e.stepId === 'freeze-dr-writes') freezeEndedAt = f.clock.now();
          return run.markDone(e.stepId, 'sre@example.com');
        });
      }, { replay: true });
    };
    const { report } = await runBackupRestore(f, { strategy: backupRestoreStrategy, operation: 'failback', phaseHealth: {}, onRun });
    await f.clock.sleep(5 * 60_000); // the application writes on, to the primary
    atDr.stop();
    expect(report.status, JSON.stringify(report.steps.filter((s) => s.status !== 'succeeded'))).toBe('succeeded');
    expect(stepOf(report, 'freeze-dr-writes')).toMatchObject({ kind: 'manual', status: 'succeeded' });
    expect(logs.join('\n')).toMatch(/assumes the manual freeze \(step freeze-dr-writes\) really stopped writes to tracking-db-restored in us-west-2 .*Firedrill could not check it \(no custom parameter groups in strategy\.parameters\.parameterGroups, no heartbeat probe\)/);

    const capturedAt = await restoredFromCapturedAt(f);
    expect(capturedAt).toBeGreaterThanOrEqual(freezeEndedAt!);
    const truth = f.sandbox.truth.lostWrites(f.names.app);
    expect(truth.lost).toEqual([]);
    expect(lostSeqs(truth, atDr.acked)).toEqual([]);
    // Nothing was lost, but nothing in the run could see that: no figure, and why.
    expect(report.rpo).toMatchObject({ source: 'snapshot', seconds: null, verified: false });
    expect(report.rpo.note).toMatch(/step freeze-dr-writes really stopped writes before .*sre@example\.com marked it done by hand: Firedrill could not check it.*heartbeat probe/);
    expect(atDr.acked.some((w) => w.at > at(stepOf(report, 'unfreeze-writes')!.endedAt))).toBe(true); // writes resumed, on the primary
  });

  it('a manual freeze marked done while the application still writes: without a heartbeat the report does not claim RPO 0; the truth shows writes lost', async () => {
    const f = await backupRestoreScenario(15);
    const atDr = await failedOverAndServing(f);
    const { report } = await runBackupRestore(f, { strategy: backupRestoreStrategy, operation: 'failback', phaseHealth: {}, onRun: markDoneWithoutDoingIt });
    atDr.stop();
    expect(report.status).toBe('succeeded');
    const truth = f.sandbox.truth.lostWrites(f.names.app);
    expect(lostSeqs(truth, atDr.acked).length).toBeGreaterThan(0);
    expect(truth.rpoMs).toBeGreaterThan(0);
    expect(report.rpo).toMatchObject({ source: 'snapshot', seconds: null, verified: false, met: false });
  });

  it('with a heartbeat probe, a freeze marked done that stopped nothing: the RPO is measured from the heartbeats the restored primary holds, non-zero and within one interval of the truth', async () => {
    const f = await backupRestoreScenario(17);
    const atDr = await failedOverAndServing(f);
    atDr.stop(); // from here the application's writes are the run's heartbeats
    const { report } = await runBackupRestore(f, { strategy: backupRestoreStrategy, operation: 'failback', phaseHealth: {}, heartbeatMs: 5_000, onRun: markDoneWithoutDoingIt });
    expect(report.status, JSON.stringify(report.steps.filter((s) => s.status !== 'succeeded'))).toBe('succeeded');
    expect(stepOf(report, 'freeze-dr-writes')).toMatchObject({ kind: 'manual', status: 'succeeded', by: 'sre@example.com' });

    // The truth: heartbeats the DR site acknowledged after the snapshot are not on the restored primary.
    const truth = f.sandbox.truth.lostWrites(f.names.app);
    expect(truth.survivor).toBe(`${f.primary}:${f.names.database.primary.identifier}`);
    expect(truth.lost.length).toBeGreaterThan(10);
    expect(truth.rpoMs).toBeGreaterThan(60_000);
    expect(truth.lost.every((w) => w.ackedAt > at(report.disasterAt))).toBe(true); // written after the declared freeze
    expect(report.rpo).toMatchObject({ source: 'heartbeat', precisionSeconds: 5 });
    expect(report.rpo.seconds).toBeGreaterThan(0);
    expect(Math.abs(report.rpo.seconds! * 1000 - truth.rpoMs)).toBeLessThanOrEqual(5_000);
    expect(report.rpo.note).toMatch(/heartbeat\(s\) acknowledged after the disaster .* are not in the restored store/);
  });

  it('with a heartbeat probe, a manual freeze that really stopped writes (the person made the DR database refuse them): RPO 0, as the truth says', async () => {
    const f = await backupRestoreScenario(18);
    const atDr = await failedOverAndServing(f);
    atDr.stop();
    const onRun = (run: Run): void => {
      run.events.subscribe((e) => {
        if (e.type !== 'step.waiting' || e.reason !== 'manual') return;
        // As the instruction says with a heartbeat probe: the database itself refuses writes, then the step is marked done.
        if (e.stepId === 'freeze-dr-writes') f.sandbox.dataPlane.fenceWriters(`${f.recovery}:${f.names.app}-db-restored`);
        void f.clock.sleep(60_000).then(() => run.markDone(e.stepId, 'sre@example.com'));
      }, { replay: true });
    };
    const { report } = await runBackupRestore(f, { strategy: backupRestoreStrategy, operation: 'failback', phaseHealth: {}, heartbeatMs: 5_000, onRun });
    expect(report.status, JSON.stringify(report.steps.filter((s) => s.status !== 'succeeded'))).toBe('succeeded');
    const truth = f.sandbox.truth.lostWrites(f.names.app);
    expect(truth.lost).toEqual([]);
    expect(truth.rpoMs).toBe(0);
    expect(report.rpo).toMatchObject({ source: 'heartbeat', seconds: 0, met: true });
    expect(report.rpo.verified).toBeUndefined();
  });
});

