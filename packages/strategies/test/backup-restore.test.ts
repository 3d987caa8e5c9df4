import { DescribeInstancesCommand } from '@aws-sdk/client-ec2';
import { DeleteDBSnapshotCommand, DescribeDBInstancesCommand, ModifyDBInstanceCommand } from '@aws-sdk/client-rds';
import { ListResourceRecordSetsCommand, Route53Client } from '@aws-sdk/client-route-53';
import { PutBucketVersioningCommand, S3Client } from '@aws-sdk/client-s3';
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { backupRestoreStrategy } from '../src/strategies/backup-restore.js';
import type { Finding } from '../src/strategy.js';
import { at, type BackupRestoreFixture as Fixture, backupRestoreScenario, newestCopyCapturedAt, runBackupRestore } from './backup-restore-fixture.js';
import { sandboxAws } from './support/strategy-on-sandbox.js';

async function check(f: Fixture): Promise<Finding[]> {
  return backupRestoreStrategy.check({ plan: f.plan, aws: sandboxAws(f.plan, f.clock, f.sandbox) });
}

const problems = (findings: Finding[]): Finding[] => findings.filter((x) => x.status !== 'pass');

describe('backup & restore readiness (check)', () => {
  it('passes on a fresh scenario and makes no mutating call', async () => {
    const f = await backupRestoreScenario();
    const findings = await check(f);
    expect(problems(findings)).toEqual([]);
    expect(findings.find((x) => x.check === 'permissions')).toMatchObject({ status: 'pass', message: expect.stringMatching(/is allowed all \d+ IAM actions failover, failback and drills call/) });
    expect(findings.map((x) => x.check)).toEqual(expect.arrayContaining([
      'newest-db-snapshot', 'rds-backup-retention', 'snapshot-retention', 'ami-in-recovery-region', 'launch-template', 'bucket-versioning', 'bucket-replication', 'dns-record', 'dns-health-check',
    ]));
    const calls = f.sandbox.calls();
    expect(calls.length).toBeGreaterThan(0);
    expect(calls.filter((c) => !/^(Describe|List|Get|Head|SimulatePrincipalPolicy)/.test(c.command))).toEqual([]);
  });

  it('fails a stale snapshot: the newest copy is older than the RPO objective', async () => {
    const f = await backupRestoreScenario(1, { objectives: { rto: '2h', rpo: '30m' } });
    const stale = problems(await check(f)).find((x) => x.check === 'newest-db-snapshot');
    expect(stale).toMatchObject({ status: 'fail', resource: `rds:${f.names.database.primary.identifier}`, region: f.recovery });
    expect(stale!.message).toMatch(/older than the RPO objective \(30m\)/);
    expect(stale!.action).toMatch(/copy-db-snapshot --region us-west-2/);
  });

  it('fails when no AMI was copied to the recovery region', async () => {
    const f = await backupRestoreScenario();
    const image = f.sandbox.world.ec2[f.recovery]!.images[f.names.compute.recoveryImageId!]!;
    image.name = 'something-else';
    const findings = problems(await check(f));
    expect(findings.find((x) => x.check === 'ami-in-recovery-region')).toMatchObject({ status: 'fail', resource: `ami:${f.names.app}-app`, region: f.recovery });
    expect(findings.find((x) => x.check === 'ami-in-recovery-region')!.action).toMatch(/aws ec2 copy-image --region us-west-2/);
  });

  it('fails an unversioned backup bucket', async () => {
    const f = await backupRestoreScenario();
    await f.sandbox.client(S3Client, f.recovery).send(new PutBucketVersioningCommand({ Bucket: f.names.storage!.recoveryBucket, VersioningConfiguration: { Status: 'Suspended' } }));
    const finding = problems(await check(f)).find((x) => x.check === 'bucket-versioning');
    expect(finding).toMatchObject({ status: 'fail', resource: `s3:${f.names.storage!.recoveryBucket}`, region: f.recovery });
    expect(finding!.action).toMatch(/put-bucket-versioning --bucket .* Status=Enabled/);
  });

  it('fails short RDS retention and warns when snapshot copies do not reach back as far as the plan keeps them', async () => {
    const f = await backupRestoreScenario(1, { rdsRetentionDays: 30, snapshots: { schedule: '0 */12 * * *', retentionDays: 90 } });
    const findings = problems(await check(f));
    expect(findings.find((x) => x.check === 'rds-backup-retention')).toMatchObject({
      status: 'fail', resource: `rds:${f.names.database.primary.identifier}`, region: f.primary,
      message: 'automated backups are kept 7 day(s); the plan requires 30',
    });
    expect(findings.find((x) => x.check === 'rds-backup-retention')!.action).toMatch(/--backup-retention-period 30/);
    const retention = findings.find((x) => x.check === 'snapshot-retention');
    expect(retention).toMatchObject({ status: 'warn', region: f.recovery });
    expect(retention!.message).toMatch(/6 copies reach back .*keeps 90 days \(about 180 copies\)/);
    // Fixing the RDS side clears its finding.
    await f.rds.primary.send(new ModifyDBInstanceCommand({ DBInstanceIdentifier: f.names.database.primary.identifier, BackupRetentionPeriod: 30, ApplyImmediately: true }));
    f.clock.advance(60_000);
    expect(problems(await check(f)).find((x) => x.check === 'rds-backup-retention')).toBeUndefined();
  });
});

describe('backup & restore failover', () => {
  it.each([
    [1, ['us-east-1', 'us-west-2']],
    [2, ['us-west-2', 'us-east-1']],
  ] as const)('restores the newest copy and launches from the copied AMI in parallel; RTO and RPO match the truth (seed %i, %j)', async (seed, regions) => {
    const f = await backupRestoreScenario(seed, {}, [...regions]);
    const capturedAt = await newestCopyCapturedAt(f);
    const disasterAt = f.clock.now();
    f.sandbox.faults.regionOutage(f.primary, { at: disasterAt });
    const { report } = await runBackupRestore(f, { strategy: backupRestoreStrategy, operation: 'failover', health: 'endpoint' });
    expect(report.status, JSON.stringify(report.steps.filter((s) => s.status !== 'succeeded'))).toBe('succeeded');

    // Final state, read back through the SDK.
    const db = (await f.rds.recovery.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: `${f.names.app}-db-restored` }))).DBInstances![0]!;
    expect(db.DBInstanceStatus).toBe('available');
    const reservations = (await f.ec2.recovery.send(new DescribeInstancesCommand({ Filters: [{ Name: 'tag:firedrill:launched-by', Values: ['failover'] }] }))).Reservations ?? [];
    const instances = reservations.flatMap((r) => r.Instances ?? []);
    expect(instances).toHaveLength(f.sandbox.world.applications[f.names.app]!.productionCapacity!);
    expect(instances).toHaveLength(4);
    expect(instances.every((i) => i.State?.Name === 'running' && i.ImageId === f.names.compute.recoveryImageId)).toBe(true);
    if (f.primary !== 'us-east-1') {
      // Route 53's control plane (us-east-1) is up: the recovery record was made PRIMARY.
      const records = (await f.sandbox.client(Route53Client, 'us-east-1').send(new ListResourceRecordSetsCommand({ HostedZoneId: f.names.dns!.hostedZoneId }))).ResourceRecordSets ?? [];
      expect(records.find((r) => r.SetIdentifier === f.names.dns!.setIdentifiers[f.recovery])?.Failover).toBe('PRIMARY');
    } else {
      // us-east-1 lost: the change could not be made; the health-checked failover records answer with the recovery region.
      expect(report.steps.find((s) => s.id === 'switch-dns-to-recovery')!.status).toBe('succeeded');
    }
    expect(f.sandbox.truth.dnsTarget(f.names.dns!.recordName).regions).toEqual([f.recovery]);

    // RTO against the truth, RPO = disaster − capture time of the snapshot restored, exactly.
    expect(at(report.disasterAt)).toBe(disasterAt);
    const truthRto = (f.sandbox.truth.firstHealthyAt(f.recovery, disasterAt)! - disasterAt) / 1000;
    expect(truthRto).toBeGreaterThan(600);
    expect(Math.abs(report.rto.seconds! - truthRto)).toBeLessThanOrEqual(1);
    expect(report.rto.source).toBe('health-probe');
    expect(report.rto.met).toBe(true);
    expect(report.rpo).toMatchObject({ source: 'snapshot', seconds: (disasterAt - capturedAt) / 1000 });
    // The restore and the compute launch ran side by side, both from the disaster: the restore is the longer branch.
    const step = (id: string) => report.steps.find((s) => s.id === id)!;
    expect(at(step('find-image-compute').startedAt)).toBe(at(step('pick-snapshot').startedAt));
    expect(at(step('wait-database-restored').endedAt) - disasterAt).toBeGreaterThan(at(step('wait-compute-running').endedAt) - disasterAt);
  });

  it('touches only resources named in the plan (call log)', async () => {
    const f = await backupRestoreScenario(3);
    f.sandbox.faults.regionOutage(f.primary, { at: f.clock.now() });
    await runBackupRestore(f, { strategy: backupRestoreStrategy, operation: 'failover', health: 'endpoint' });
    const mutating = f.sandbox.calls().filter((c) => !/^(Describe|List|Get)/.test(c.command));
    // us-east-1 (Route 53's control plane) is the region lost: the failover records' health checks do the cutover.
    expect([...new Set(mutating.map((c) => c.command))].sort()).toEqual(['RestoreDBInstanceFromDBSnapshot', 'RunInstances']);
    for (const call of mutating) {
      const input = call.input as Record<string, unknown>;
      if (call.command === 'RestoreDBInstanceFromDBSnapshot') expect(input['DBInstanceIdentifier']).toBe(`${f.names.app}-db-restored`);
      if (call.command === 'RunInstances') expect(input['LaunchTemplate']).toMatchObject({ LaunchTemplateName: `${f.names.app}-${f.recovery}` });
      if (call.command === 'ChangeResourceRecordSets') expect(input['HostedZoneId']).toBe(f.names.dns!.hostedZoneId);
    }
  });
});

describe('backup & restore failover, measured through DNS', () => {
  it('users reach the recovery region once Route 53 health checks see it healthy: RTO through DNS = truth + detection', async () => {
    const f = await backupRestoreScenario(6);
    const disasterAt = f.clock.now();
    f.sandbox.faults.regionOutage(f.primary, { at: disasterAt });
    const { report } = await runBackupRestore(f, { strategy: backupRestoreStrategy, operation: 'failover', health: 'dns' });
    expect(report.status).toBe('succeeded');
    const truthRto = (f.sandbox.truth.firstHealthyAt(f.recovery, disasterAt)! - disasterAt) / 1000;
    // The scenario's health checks probe every 10 s and need 3 results to change state: up to ~30 s more.
    expect(report.rto.seconds! - truthRto).toBeGreaterThanOrEqual(0);
    expect(report.rto.seconds! - truthRto).toBeLessThanOrEqual(31);
    expect(f.sandbox.truth.dnsTarget(f.names.dns!.recordName).regions).toEqual([f.recovery]);
  });
});

describe('backup & restore permanent errors', () => {
  it('stops with a clear message when there is no snapshot to restore, leaving the journal and the report', async () => {
    const f = await backupRestoreScenario(4);
    for (const id of f.names.database.recoverySnapshots!) await f.rds.recovery.send(new DeleteDBSnapshotCommand({ DBSnapshotIdentifier: id }));
    const { report } = await runBackupRestore(f, { strategy: backupRestoreStrategy, operation: 'failover' });
    expect(report.status).toBe('failed'); // nothing was done that could be undone
    const failed = report.steps.find((s) => s.status === 'failed')!;
    expect(failed.id).toBe('pick-snapshot');
    expect(JSON.stringify(report)).toMatch(/SnapshotNotFound: no available snapshot of tracking-db in us-west-2.*copy-db-snapshot/);
    expect(f.sandbox.calls({ command: 'RestoreDBInstanceFromDBSnapshot' })).toEqual([]);
    expect(f.sandbox.truth.dnsTarget(f.names.dns!.recordName).regions).toEqual([f.primary]);
  });

  it('stops at once on AccessDenied, naming the IAM action, and writes the journal to disk', async () => {
    const f = await backupRestoreScenario(5);
    f.sandbox.faults.regionOutage(f.primary, { at: f.clock.now() });
    const { report, journalPath } = await runBackupRestore(f, { strategy: backupRestoreStrategy, operation: 'failover', deny: 'RestoreDBInstanceFromDBSnapshot', onDisk: true });
    expect(report.status).toBe('failed'); // nothing was done that could be undone
    const failed = report.steps.find((s) => s.status === 'failed')!;
    expect(failed).toMatchObject({ id: 'restore-database', attempts: 1 });
    expect(report.error?.message ?? JSON.stringify(report)).toMatch(/rds:RestoreDBInstanceFromDBSnapshot/);
    // The journal is on disk and holds the failure; nothing was restored.
    expect(journalPath !== undefined && existsSync(journalPath)).toBe(true);
    expect(readFileSync(journalPath!, 'utf8')).toMatch(/AccessDenied/);
    expect(f.sandbox.calls({ command: 'RestoreDBInstanceFromDBSnapshot' })).toEqual([]);
  });
});
