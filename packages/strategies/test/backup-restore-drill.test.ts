import { DescribeInstancesCommand } from '@aws-sdk/client-ec2';
import { CreateDBParameterGroupCommand, DescribeDBInstancesCommand, DescribeDBSnapshotsCommand } from '@aws-sdk/client-rds';
import { ListResourceRecordSetsCommand, Route53Client } from '@aws-sdk/client-route-53';
import { describe, expect, it } from 'vitest';
import { sandboxHealthProbe } from '../../sandbox/src/index.js';
import { DRILL_RUN_TAG } from '../src/steps/drill-cleanup-steps.js';
import { backupRestoreStrategy, createBackupRestoreStrategy } from '../src/strategies/backup-restore.js';
import { at, type BackupRestoreFixture, backupRestoreScenario, newestCopyCapturedAt, runBackupRestore } from './backup-restore-fixture.js';

/** Everything tagged with the run id that still exists, read back through the SDK in both regions. */
async function leftOver(f: BackupRestoreFixture, runId: string): Promise<string[]> {
  const left: string[] = [];
  for (const side of ['primary', 'recovery'] as const) {
    const dbs = (await f.rds[side].send(new DescribeDBInstancesCommand({}))).DBInstances ?? [];
    left.push(...dbs.filter((d) => d.TagList?.some((t) => t.Key === DRILL_RUN_TAG && t.Value === runId)).map((d) => `db ${d.DBInstanceIdentifier} ${d.DBInstanceStatus}`));
    const snaps = (await f.rds[side].send(new DescribeDBSnapshotsCommand({}))).DBSnapshots ?? [];
    left.push(...snaps.filter((s) => s.TagList?.some((t) => t.Key === DRILL_RUN_TAG && t.Value === runId)).map((s) => `snapshot ${s.DBSnapshotIdentifier}`));
    const reservations = (await f.ec2[side].send(new DescribeInstancesCommand({ Filters: [{ Name: `tag:${DRILL_RUN_TAG}`, Values: [runId] }] }))).Reservations ?? [];
    left.push(...reservations.flatMap((r) => r.Instances ?? []).filter((i) => i.State?.Name !== 'terminated').map((i) => `instance ${i.InstanceId} ${i.State?.Name}`));
  }
  return left;
}

/** The moment the drill copy was truly usable: its database available and every drill instance running (sandbox world). */
function drillCopyReadyAt(f: BackupRestoreFixture, runId: string): number {
  const rds = f.sandbox.world.rds[f.recovery]!;
  const db = Object.values(rds.instances).find((i) => i.tags.some((t) => t.Key === DRILL_RUN_TAG && t.Value === runId))!;
  const dbReady = db.status.find((c) => c.value === 'available')!.at;
  const instances = Object.values(f.sandbox.world.ec2[f.recovery]!.instances).filter((i) => i.tags.some((t) => t.Key === DRILL_RUN_TAG && t.Value === runId));
  return Math.max(dbReady, ...instances.map((i) => i.state.find((c) => c.value === 'running')!.at));
}

describe('backup & restore isolated drill', () => {
  it('restores and launches copies tagged with the run id, probes them, deletes them, and proves nothing is left', async () => {
    const f = await backupRestoreScenario(7);
    const capturedAt = await newestCopyCapturedAt(f);
    const before = f.sandbox.calls().length;
    const { report, runId } = await runBackupRestore(f, { strategy: backupRestoreStrategy, operation: 'drill', drill: 'isolated', rollback: 'always' });
    expect(report.status, JSON.stringify(report.steps.filter((s) => s.status !== 'succeeded'))).toBe('succeeded');
    expect(await leftOver(f, runId)).toEqual([]);
    expect(report.steps.find((s) => s.id === 'verify-nothing-left')!.status).toBe('succeeded');
    // RTO of the drill: from its start until the copies served, against the sandbox's own timelines.
    const truth = (drillCopyReadyAt(f, runId) - at(report.disasterAt)) / 1000;
    expect(Math.abs(report.rto.seconds! - truth)).toBeLessThanOrEqual(5); // the plan's probe interval (1 s) + one describe round trip
    expect(report.rto.source).toBe('health-probe');
    expect(report.rpo).toMatchObject({ source: 'snapshot', seconds: (at(report.disasterAt) - capturedAt) / 1000 });
    // Production was not touched: no call changed anything but the drill's own copies.
    const mutating = f.sandbox.calls().slice(before).filter((c) => !/^(Describe|List|Get)/.test(c.command));
    for (const call of mutating) {
      const input = JSON.stringify(call.input);
      expect(call.command === 'TerminateInstances' || call.command === 'DeleteDBInstance' || input.includes(runId) || input.includes('-drill-'), `${call.command} ${input}`).toBe(true);
    }
    expect(f.sandbox.truth.dnsTarget(f.names.dns!.recordName).regions).toEqual([f.primary]);
  });

  it('leaves nothing behind when the drill fails half way (AccessDenied on RunInstances)', async () => {
    const f = await backupRestoreScenario(8);
    const { report, runId } = await runBackupRestore(f, { strategy: backupRestoreStrategy, operation: 'drill', drill: 'isolated', rollback: 'always', deny: 'RunInstances' });
    expect(report.status).toBe('rolled-back');
    expect(report.steps.find((s) => s.status === 'failed')!.id).toBe('launch-drill-compute');
    // The launch is refused while the database branch prepares the copy's read-only parameter group, before the
    // restore: the group it created is swept. (A failure with the copies up: isolated-drill-cleanup.test.ts.)
    expect(f.sandbox.calls({ command: 'CreateDBParameterGroup', outcome: 'ok' })).toHaveLength(1);
    expect(f.sandbox.calls({ command: 'DeleteDBParameterGroup', outcome: 'ok' }).map((c) => (c.input as { DBParameterGroupName: string }).DBParameterGroupName))
      .toEqual([(f.sandbox.calls({ command: 'CreateDBParameterGroup' })[0]!.input as { DBParameterGroupName: string }).DBParameterGroupName]);
    expect(await leftOver(f, runId)).toEqual([]);
  });
});

/** Custom parameter groups in both regions, so failback can fence the DR site's writers (read-only parameter). */
async function withParameterGroups(seed: number) {
  const parameters = { parameterGroups: { primary: 'tracking-pg', recovery: 'tracking-pg-dr' } };
  const f = await backupRestoreScenario(seed, { parameters });
  for (const [side, name] of [['primary', 'tracking-pg'], ['recovery', 'tracking-pg-dr']] as const) {
    await f.rds[side].send(new CreateDBParameterGroupCommand({ DBParameterGroupName: name, DBParameterGroupFamily: 'postgres16', Description: 'tracking' }));
  }
  return f;
}

async function dnsPrimaryIs(f: BackupRestoreFixture): Promise<string | undefined> {
  const records = (await f.sandbox.client(Route53Client, 'us-east-1').send(new ListResourceRecordSetsCommand({ HostedZoneId: f.names.dns!.hostedZoneId }))).ResourceRecordSets ?? [];
  return records.find((r) => r.Failover === 'PRIMARY')?.SetIdentifier;
}

describe('backup & restore failback', () => {
  it('puts the topology back: the database under its plan name in the primary region, DNS on the primary, nothing in DR', async () => {
    const f = await withParameterGroups(9);
    const outageStart = f.clock.now();
    f.sandbox.faults.regionOutage(f.primary, { at: outageStart, until: outageStart + 40 * 60_000 });
    const failover = await runBackupRestore(f, { strategy: backupRestoreStrategy, operation: 'failover', health: 'endpoint' });
    expect(failover.report.status).toBe('succeeded');
    const back = await runBackupRestore(f, { strategy: backupRestoreStrategy, operation: 'failback', phaseHealth: {} });
    expect(back.report.status, JSON.stringify(back.report.steps.filter((s) => s.status !== 'succeeded'))).toBe('succeeded');
    const primaryDb = (await f.rds.primary.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: f.names.database.primary.identifier }))).DBInstances![0]!;
    expect(primaryDb.DBInstanceStatus).toBe('available');
    expect(await dnsPrimaryIs(f)).toBe(f.names.dns!.setIdentifiers[f.primary]);
    expect(f.sandbox.dataPlane.endpointHealth(f.primary).healthy).toBe(true);
    const dr = (await f.rds.recovery.send(new DescribeDBInstancesCommand({}))).DBInstances ?? [];
    expect(dr.filter((d) => d.DBInstanceStatus !== 'deleting')).toEqual([]);
    const drInstances = ((await f.ec2.recovery.send(new DescribeInstancesCommand({}))).Reservations ?? []).flatMap((r) => r.Instances ?? []);
    expect(drInstances.filter((i) => !['terminated', 'shutting-down'].includes(i.State?.Name ?? ''))).toEqual([]);
    // The stale former primary was kept as a final snapshot for reconciliation.
    const finals = (await f.rds.primary.send(new DescribeDBSnapshotsCommand({}))).DBSnapshots ?? [];
    expect(finals.some((s) => s.DBSnapshotIdentifier?.startsWith(`${f.names.database.primary.identifier}-before-failback-`))).toBe(true);
    // Writes frozen at the DR site before the snapshot: nothing written there is lost.
    expect(f.sandbox.dataPlane.writeHeartbeat(f.names.app, { seq: 1 }).node).toContain(`${f.primary}:instance:${f.names.database.primary.identifier}`);
  });
});

describe('backup & restore live drill', () => {
  it('injects the outage, fails over, then fails back; both phases measured', async () => {
    const f = await withParameterGroups(10);
    const strategy = createBackupRestoreStrategy({
      injectDisaster: async () => void f.sandbox.faults.regionOutage(f.primary, { at: f.clock.now(), until: f.clock.now() + 45 * 60_000 }),
    });
    const failbackProbe = sandboxHealthProbe({ sandbox: f.sandbox, app: f.names.app, region: f.primary, intervalMs: 1_000, consecutive: 3 });
    const capturedAt = await newestCopyCapturedAt(f);
    const { report } = await runBackupRestore(f, { strategy, operation: 'drill', drill: 'live', health: 'endpoint', phaseHealth: { failback: failbackProbe } });
    expect(report.status, JSON.stringify(report.steps.filter((s) => s.status !== 'succeeded'))).toBe('succeeded');
    const disasterAt = at(report.disasterAt);
    const truthRto = (f.sandbox.truth.firstHealthyAt(f.recovery, disasterAt)! - disasterAt) / 1000;
    expect(Math.abs(report.rto.seconds! - truthRto)).toBeLessThanOrEqual(1);
    expect(report.rpo).toMatchObject({ source: 'snapshot', seconds: (disasterAt - capturedAt) / 1000 });
    const phases = (report as unknown as { phases?: Array<{ name: string; startedAt: string; rto?: { seconds?: number } }> }).phases ?? [];
    const failback = phases.find((p) => p.name === 'failback')!;
    expect(failback).toBeDefined();
    const failbackStart = at(failback.startedAt);
    // The sandbox's endpoint counts any writer of the application, so the primary reads healthy until the DR writer
    // is fenced (the freeze): the truth is the first healthy moment after the fence took effect.
    const fencedAt = f.sandbox.calls({ command: 'ModifyDBParameterGroup', outcome: 'ok' })[0]!.at;
    expect(f.sandbox.dataPlane.endpointHealth(f.primary).healthy).toBe(true);
    const truthFailback = (f.sandbox.truth.firstHealthyAt(f.primary, fencedAt + 1)! - failbackStart) / 1000;
    expect(truthFailback).toBeGreaterThan(600);
    expect(Math.abs(failback.rto!.seconds! - truthFailback)).toBeLessThanOrEqual(1);
    expect(await dnsPrimaryIs(f)).toBe(f.names.dns!.setIdentifiers[f.primary]);
  });
});
