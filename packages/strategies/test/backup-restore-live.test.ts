/**
 * Backup & restore against the sandbox's ground truth where the colleague's review found gaps: a live drill with
 * the built-in strategy injects the run's outage (the failover measures a real one), drills week after week, and
 * the Auto Scaling group variant of the recovery compute. A failback's RPO: backup-restore-failback-rpo.test.ts.
 */
import { AutoScalingClient, DescribeAutoScalingGroupsCommand } from '@aws-sdk/client-auto-scaling';
import { EC2Client } from '@aws-sdk/client-ec2';
import { DescribeDBInstancesCommand, DescribeDBParametersCommand, ModifyDBInstanceCommand, RDSClient } from '@aws-sdk/client-rds';
import { type ActionStep, loadPlanText, type Plan, type Run, type RunReport, type StepDefinition, VirtualClock } from '@firedrill/core';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { buildScenarioForPlan, type LostWritesTruth, sandboxHealthProbe } from '../../sandbox/src/index.js';
import { backupRestoreStrategy } from '../src/strategies/backup-restore.js';
import { applicationWrites, at, type BackupRestoreFixture, backupRestoreScenario, createParameterGroups, lostSeqs, newestCopyCapturedAt, runBackupRestore } from './backup-restore-fixture.js';

type Fixture = BackupRestoreFixture;

/** Reads the sandbox's truth at the moment `after` ends (a step added to the run). */
function truthStep(id: string, after: string, read: () => void | Promise<void>): ActionStep {
  return { id, kind: 'action', title: `test: read the sandbox truth after ${after}`, dependsOn: [after], preview: () => [], act: async () => void (await read()) };
}

/** The DR parameter group's read-only parameter, through the SDK ('0' when never set). */
async function drReadOnly(f: Fixture): Promise<string> {
  const out = await f.rds.recovery.send(new DescribeDBParametersCommand({ DBParameterGroupName: 'tracking-pg-dr' }));
  return out.Parameters?.find((x) => x.ParameterName === 'default_transaction_read_only')?.ParameterValue ?? '0';
}

const stepOf = (report: RunReport, id: string) => report.steps.find((s) => s.id === id);

describe('backup & restore live drill with the built-in strategy (the run injects the outage)', () => {
  it('declares the disaster by injecting it: the failover measures the real outage; RTO and RPO match the truth', async () => {
    const f = await backupRestoreScenario(11, { parameters: { parameterGroups: { primary: 'tracking-pg', recovery: 'tracking-pg-dr' } } });
    await createParameterGroups(f);
    const capturedAt = await newestCopyCapturedAt(f);
    // Writes acknowledged by the primary after the newest backup: the data a backup & restore failover loses.
    const beforeDisaster = applicationWrites(f, 1, 60_000);
    await f.clock.sleep(10 * 60_000);
    beforeDisaster.stop();
    expect(beforeDisaster.acked.length).toBeGreaterThanOrEqual(10);

    // As the CLI wires it on the sandbox: the run's outage starts at the disaster step and ends once service is restored.
    let injectedAt: number | undefined;
    const injectDisaster = async (): Promise<void> => {
      injectedAt = f.clock.now();
      f.sandbox.faults.regionOutage(f.primary);
    };
    let afterFailover: LostWritesTruth | undefined;
    const onRun = (run: Run): void => {
      const off = run.events.on('service.restored', () => {
        off();
        f.sandbox.faults.endRegionOutage(f.primary, f.clock.now());
      });
    };
    const failbackProbe = sandboxHealthProbe({ sandbox: f.sandbox, app: f.names.app, region: f.primary, intervalMs: 1_000, consecutive: 3 });
    const { report } = await runBackupRestore(f, {
      strategy: backupRestoreStrategy, operation: 'drill', drill: 'live', health: 'endpoint', phaseHealth: { failback: failbackProbe }, injectDisaster, onRun,
      extraSteps: [truthStep('test-truth-after-failover', 'wait-dns-recovery-in-sync', () => void (afterFailover = f.sandbox.truth.lostWrites(f.names.app, { disasterAt: injectedAt! })))],
    });
    expect(report.status, JSON.stringify(report.steps.filter((s) => s.status !== 'succeeded'))).toBe('succeeded');
    expect(stepOf(report, 'declare-disaster')!.title).toMatch(/^Drill: declare us-east-1 lost \(outage injected\)/);

    // The outage was injected by the disaster step, at the disaster.
    const disasterAt = at(report.disasterAt);
    expect(injectedAt).toBe(disasterAt);
    expect(f.sandbox.world.faults.outages.map((o) => [o.region, o.at])).toEqual([[f.primary, disasterAt]]);

    // RTO: from the disaster until the restored stack really served users (the sandbox's truth), within 1 s.
    const truthRto = (f.sandbox.truth.firstHealthyAt(f.recovery, disasterAt)! - disasterAt) / 1000;
    expect(truthRto).toBeGreaterThan(600); // a restore, not the ≈0 s of a drill that never lost its primary
    expect(Math.abs(report.rto.seconds! - truthRto)).toBeLessThanOrEqual(1);
    expect(report.rto.source).toBe('health-probe');

    // RPO: disaster − creation time of the snapshot restored, as the truth knows it at the end of the failover.
    expect(afterFailover).toBeDefined();
    expect(afterFailover!.survivor).toBe(`${f.recovery}:${f.names.app}-db-restored`);
    expect(afterFailover!.dataAsOfSource).toBe('snapshot');
    expect(afterFailover!.dataAsOf).toBe(capturedAt);
    expect(report.rpo).toMatchObject({ source: 'snapshot', seconds: afterFailover!.rpoMs / 1000 });
    expect(report.rpo.seconds).toBe((disasterAt - capturedAt) / 1000);
    expect(lostSeqs(afterFailover!, beforeDisaster.acked)).toEqual(beforeDisaster.acked.map((w) => w.seq));

    // Both phases measured; the failback returned users to the primary.
    const phases = (report as unknown as { phases: { name: string; rto: { seconds: number | null } }[] }).phases;
    expect(phases.map((p) => p.name)).toEqual(['failover', 'failback']);
    expect(phases[1]!.rto.seconds).toBeGreaterThan(600);
    expect(f.sandbox.truth.dnsTarget(f.names.dns!.recordName).regions).toEqual([f.primary]);
    expect(f.sandbox.truth.splitBrainDetected).toBe(false);
  });
});

describe('backup & restore drills week after week', () => {
  it('the next live drill restores into the DR parameter group the last failback fenced, and unfences it: service comes back from the restore, not from the primary', async () => {
    const f = await backupRestoreScenario(16, { parameters: { parameterGroups: { primary: 'tracking-pg', recovery: 'tracking-pg-dr' } } });
    await createParameterGroups(f);
    for (const week of [1, 2]) {
      const outage = { until: 0 };
      const injectDisaster = async (): Promise<void> => {
        outage.until = f.clock.now() + 45 * 60_000;
        f.sandbox.faults.regionOutage(f.primary, { at: f.clock.now(), until: outage.until });
      };
      const failbackProbe = sandboxHealthProbe({ sandbox: f.sandbox, app: f.names.app, region: f.primary, intervalMs: 1_000, consecutive: 3 });
      let restoredGroup: string | undefined;
      const { report } = await runBackupRestore(f, {
        strategy: backupRestoreStrategy, operation: 'drill', drill: 'live', health: 'endpoint', phaseHealth: { failback: failbackProbe }, injectDisaster,
        extraSteps: [truthStep(`test-read-only-${week}`, 'wait-dns-recovery-in-sync', async () => void (restoredGroup = await drReadOnly(f)))],
      });
      expect(report.status, `week ${week}: ${JSON.stringify(report.steps.filter((s) => s.status !== 'succeeded'))}`).toBe('succeeded');
      const disasterAt = at(report.disasterAt);
      const servedAt = f.sandbox.truth.firstHealthyAt(f.recovery, disasterAt)!;
      expect(servedAt, `week ${week}: served from the restore, before the primary region came back`).toBeLessThan(outage.until);
      expect(Math.abs(report.rto.seconds! - (servedAt - disasterAt) / 1000)).toBeLessThanOrEqual(1);
      expect(stepOf(report, 'unfence-restored-database')).toMatchObject({ status: 'succeeded' });
      expect(restoredGroup, `week ${week}: the restored database accepts writes`).toBe('0');
      expect(await drReadOnly(f), `week ${week}: the failback froze the DR site`).toBe('1');
      await f.clock.sleep(7 * 24 * 3_600_000);
    }
  });
});

const examples = join(import.meta.dirname, '../../runbooks/examples');

/** backup-restore.yaml with its compute as an Auto Scaling group (launch template in the recovery region), on its own sandbox world. */
async function asgVariant() {
  const input = parse(readFileSync(join(examples, 'backup-restore.yaml'), 'utf8')) as { resources: Record<string, unknown>; metadata: { name: string } };
  input.resources['compute'] = {
    kind: 'auto-scaling-group',
    primary: { name: 'tracking-asg-us-east-1', capacity: { min: 4, desired: 4, max: 8 } },
    recovery: { name: 'tracking-asg-us-west-2', launchTemplate: 'tracking-us-west-2', capacity: { min: 4, desired: 4, max: 8 } },
  };
  const plan: Plan = loadPlanText(stringify(input), 'asg.yaml');
  expect(backupRestoreStrategy.validate(plan, 'asg.yaml')).toEqual([]);
  const clock = new VirtualClock({ start: '2026-11-22T03:00:00Z' });
  const { sandbox, names } = await buildScenarioForPlan(plan, { clock, seed: 14, file: 'asg.yaml' });
  const f: Fixture = {
    clock, sandbox, names, plan, primary: names.primaryRegion, recovery: names.recoveryRegion,
    rds: { primary: sandbox.client(RDSClient, names.primaryRegion), recovery: sandbox.client(RDSClient, names.recoveryRegion) },
    ec2: { primary: sandbox.client(EC2Client, names.primaryRegion), recovery: sandbox.client(EC2Client, names.recoveryRegion) },
  };
  return f;
}

async function group(f: Fixture, name: string) {
  const out = await f.sandbox.client(AutoScalingClient, f.recovery).send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [name] }));
  return out.AutoScalingGroups![0]!;
}

describe('backup & restore with an Auto Scaling group (launch template) for compute', () => {
  it('failover scales the recovery group 0 → 4 beside the restore, failback scales it back to 0; RTO and RPO match the truth', async () => {
    const f = await asgVariant();
    expect((await group(f, 'tracking-asg-us-west-2')).DesiredCapacity).toBe(0);
    const newest = Object.values(f.sandbox.world.rds[f.recovery]!.snapshots).filter((s) => s.sourceDbId === 'tracking-db');
    const capturedAt = Math.max(...newest.map((s) => s.createdAt));
    const retentionBefore = (await f.rds.primary.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'tracking-db' }))).DBInstances![0]!.BackupRetentionPeriod;
    const disasterAt = f.clock.now();
    f.sandbox.faults.regionOutage(f.primary, { at: disasterAt, until: disasterAt + 60 * 60_000 });
    let afterFailover: LostWritesTruth | undefined;
    const failover = await runBackupRestore(f, {
      strategy: backupRestoreStrategy, operation: 'failover', health: 'endpoint',
      extraSteps: [truthStep('test-truth', 'wait-dns-recovery-in-sync', () => void (afterFailover = f.sandbox.truth.lostWrites(f.names.app, { disasterAt })))] as StepDefinition[],
    });
    expect(failover.report.status, JSON.stringify(failover.report.steps.filter((s) => s.status !== 'succeeded'))).toBe('succeeded');
    expect(failover.report.steps.map((s) => s.id)).toEqual(expect.arrayContaining(['scale-compute', 'wait-compute-in-service']));
    expect(failover.report.steps.some((s) => s.id.startsWith('launch-'))).toBe(false);

    // Final AWS state after failover, read through the SDK.
    const scaled = await group(f, 'tracking-asg-us-west-2');
    expect([scaled.MinSize, scaled.DesiredCapacity, scaled.MaxSize]).toEqual([4, 4, 8]);
    expect(scaled.LaunchTemplate?.LaunchTemplateName).toBe('tracking-us-west-2');
    expect(scaled.Instances!.filter((i) => i.LifecycleState === 'InService')).toHaveLength(4);
    const restored = (await f.rds.recovery.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'tracking-db-restored' }))).DBInstances![0]!;
    expect(restored.DBInstanceStatus).toBe('available');
    await f.clock.sleep(60_000); // users follow once Route 53's health checks (10 s × 3) see the recovery endpoint healthy
    expect(f.sandbox.truth.dnsTarget('app.tracking.example.com').regions).toEqual([f.recovery]);

    // RTO and RPO against the truth.
    expect(at(failover.report.disasterAt)).toBe(disasterAt);
    const truthRto = (f.sandbox.truth.firstHealthyAt(f.recovery, disasterAt)! - disasterAt) / 1000;
    expect(truthRto).toBeGreaterThan(600);
    expect(Math.abs(failover.report.rto.seconds! - truthRto)).toBeLessThanOrEqual(1);
    expect(afterFailover!.dataAsOf).toBe(capturedAt);
    expect(failover.report.rpo).toMatchObject({ source: 'snapshot', seconds: afterFailover!.rpoMs / 1000 });

    // While on the DR site its database kept fewer backups (someone cut its retention): the failback's restore would
    // copy that setting from the snapshot it restores, had Firedrill not restored the primary's own.
    await f.rds.recovery.send(new ModifyDBInstanceCommand({ DBInstanceIdentifier: 'tracking-db-restored', BackupRetentionPeriod: 1, ApplyImmediately: true }));

    // Failback once the primary region is back: the database under its plan name in us-east-1, DNS there, the DR group at 0.
    await f.clock.sleep(disasterAt + 60 * 60_000 - f.clock.now());
    const back = await runBackupRestore(f, { strategy: backupRestoreStrategy, operation: 'failback', phaseHealth: {} });
    expect(back.report.status, JSON.stringify(back.report.steps.filter((s) => s.status !== 'succeeded'))).toBe('succeeded');
    expect(back.report.rpo).toMatchObject({ source: 'snapshot', seconds: 0 });
    const primaryDb = (await f.rds.primary.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'tracking-db' }))).DBInstances![0]!;
    expect(primaryDb.DBInstanceStatus).toBe('available');
    expect(retentionBefore).toBeGreaterThan(1);
    expect(primaryDb.BackupRetentionPeriod).toBe(retentionBefore);
    expect(f.sandbox.truth.dnsTarget('app.tracking.example.com').regions).toEqual([f.primary]);
    const scaledIn = await group(f, 'tracking-asg-us-west-2');
    expect([scaledIn.MinSize, scaledIn.DesiredCapacity, scaledIn.MaxSize]).toEqual([0, 0, 0]);
    const dr = (await f.rds.recovery.send(new DescribeDBInstancesCommand({}))).DBInstances ?? [];
    expect(dr.filter((d) => d.DBInstanceStatus !== 'deleting' && d.DBInstanceStatus !== 'deleted')).toEqual([]);
    expect(f.sandbox.dataPlane.endpointHealth(f.primary).healthy).toBe(true);
    expect(f.sandbox.truth.splitBrainDetected).toBe(false);
  });
});
