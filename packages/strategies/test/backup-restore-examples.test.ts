import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EC2Client } from '@aws-sdk/client-ec2';
import { DescribeDBInstancesCommand, RDSClient } from '@aws-sdk/client-rds';
import { loadPlanText, type Plan, VirtualClock } from '@firedrill/core';
import { describe, expect, it } from 'vitest';
import { buildScenarioForPlan, type LostWritesTruth } from '../../sandbox/src/index.js';
import { describeInstances } from '../src/aws/ec2.js';
import { backupRestoreStrategy } from '../src/strategies/backup-restore.js';
import { at, type BackupRestoreFixture, runBackupRestore } from './backup-restore-fixture.js';
import { sandboxAws } from './support/strategy-on-sandbox.js';

const examples = join(import.meta.dirname, '../../runbooks/examples');
const read = (file: string): string => readFileSync(join(examples, file), 'utf8');

/** An example plan as written, on the sandbox world it describes (`buildScenarioForPlan`, as `--target sandbox` does). */
async function exampleOnSandbox(file: string, seed: number): Promise<BackupRestoreFixture> {
  const plan: Plan = loadPlanText(read(file), file);
  const clock = new VirtualClock({ start: '2026-11-22T03:00:00Z' });
  const { sandbox, names } = await buildScenarioForPlan(plan, { clock, seed, file });
  const primary = names.primaryRegion;
  const recovery = names.recoveryRegion;
  return {
    clock, sandbox, names, plan, primary, recovery,
    rds: { primary: sandbox.client(RDSClient, primary), recovery: sandbox.client(RDSClient, recovery) },
    ec2: { primary: sandbox.client(EC2Client, primary), recovery: sandbox.client(EC2Client, recovery) },
  };
}

/** Capture time of the newest copy of the plan's database in the recovery region (the sandbox's records). */
function newestCopyCapture(f: BackupRestoreFixture, at: number): number {
  const db = (f.plan.resources['database'] as { primary: { identifier: string } }).primary.identifier;
  const copies = Object.values(f.sandbox.world.rds[f.recovery]!.snapshots).filter((s) => s.sourceDbId === db && s.copiedAt !== undefined && s.createdAt <= at);
  return Math.max(...copies.map((s) => s.createdAt));
}

/**
 * An ungraceful failover of an example on its own world: the primary region lost at the disaster, then what AWS looks
 * like afterwards, RTO against when the restored stack really served users and RPO against the snapshot restored.
 */
async function failoverMatchesTruth(f: BackupRestoreFixture, expected: { restored: string; record: string; launched: Record<string, number> }) {
  const disasterAt = f.clock.now();
  const capturedAt = newestCopyCapture(f, disasterAt);
  f.sandbox.faults.regionOutage(f.primary, { at: disasterAt, until: disasterAt + 2 * 3_600_000 });
  let truth: LostWritesTruth | undefined;
  const { report } = await runBackupRestore(f, {
    strategy: backupRestoreStrategy, operation: 'failover', health: 'endpoint',
    extraSteps: [{ id: 'test-truth', kind: 'action', title: 'test: the truth at the end of the failover', dependsOn: ['wait-dns-recovery-in-sync'], preview: () => [], act: async () => void (truth = f.sandbox.truth.lostWrites(f.names.app, { disasterAt })) }],
  });
  expect(report.status, JSON.stringify(report.steps.filter((s) => s.status !== 'succeeded'))).toBe('succeeded');

  // Final AWS state, through the SDK.
  const db = (await f.rds.recovery.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: expected.restored }))).DBInstances![0]!;
  expect(db.DBInstanceStatus).toBe('available');
  const launched = await describeInstances({ ec2: f.ec2.recovery, filters: [{ Name: 'tag:firedrill:launched-by', Values: ['failover'] }] });
  const byRole: Record<string, number> = {};
  for (const i of launched.filter((x) => x.state === 'running')) byRole[i.tags['firedrill:role'] ?? '?'] = (byRole[i.tags['firedrill:role'] ?? '?'] ?? 0) + 1;
  expect(byRole).toEqual(expected.launched);
  await f.clock.sleep(60_000); // users follow once Route 53's health checks see the recovery endpoint healthy
  expect(f.sandbox.truth.dnsTarget(expected.record).regions).toEqual([f.recovery]);

  // RTO within 1 s of the truth; RPO = disaster − capture time of the snapshot restored, as the truth knows it.
  expect(at(report.disasterAt)).toBe(disasterAt);
  const truthRto = (f.sandbox.truth.firstHealthyAt(f.recovery, disasterAt)! - disasterAt) / 1000;
  expect(truthRto).toBeGreaterThan(600);
  expect(Math.abs(report.rto.seconds! - truthRto)).toBeLessThanOrEqual(1);
  expect(truth!.dataAsOfSource).toBe('snapshot');
  expect(truth!.dataAsOf).toBe(capturedAt);
  expect(report.rpo).toMatchObject({ source: 'snapshot', seconds: truth!.rpoMs / 1000 });
  expect(report.rpo.seconds).toBe((disasterAt - capturedAt) / 1000);
  return report;
}

describe('backup & restore example plans', () => {
  it.each(['backup-restore.yaml', 'two-environments-postgres.yaml'])('%s validates with core and with the strategy', (file) => {
    const plan = loadPlanText(read(file), file);
    expect(plan.strategy.name).toBe('backup-restore');
    expect(backupRestoreStrategy.validate(plan, file)).toEqual([]);
  });

  it('two-environments-postgres.yaml: the customer schedules read as written, and Firedrill fences DR writes itself', () => {
    const plan = loadPlanText(read('two-environments-postgres.yaml'), 'two-environments-postgres.yaml');
    const backups = plan.resources['backups'];
    expect(backups?.kind === 'backups' && backups.snapshots.map((s) => [s.source, s.schedule, s.retentionDays])).toEqual([
      ['database', '0 */12 * * *', 90], ['production', '0 */12 * * *', 90], ['staging', '0 3 1 * *', 365],
    ]);
    expect(plan.resources['database']).toMatchObject({ backup: { retentionDays: 30 } });
    expect(plan.strategy.parameters).toMatchObject({ parameterGroups: { primary: 'shop-pg', recovery: 'shop-pg-dr' } });
    // The customer's approval before the run stays.
    expect(plan.approvals).toEqual([expect.objectContaining({ before: 'run', approvers: ['oncall-lead'] })]);
  });

  it('backup-restore.yaml, as written on its sandbox world: ready, then a failover whose RTO and RPO match the truth', async () => {
    const f = await exampleOnSandbox('backup-restore.yaml', 1);
    const findings = await backupRestoreStrategy.check({ plan: f.plan, aws: sandboxAws(f.plan, f.clock, f.sandbox) });
    expect(findings.filter((x) => x.status !== 'pass').map((x) => x.check)).toEqual([]);
    await failoverMatchesTruth(f, { restored: 'tracking-db-restored', record: 'app.tracking.example.com', launched: { compute: 2 } });
  });

  it('two-environments-postgres.yaml, as written on its sandbox world (eu-west-1 → eu-central-1): ready, failover of production only, failback fenced by Firedrill', async () => {
    const f = await exampleOnSandbox('two-environments-postgres.yaml', 2);
    expect([f.primary, f.recovery]).toEqual(['eu-west-1', 'eu-central-1']);
    const findings = await backupRestoreStrategy.check({ plan: f.plan, aws: sandboxAws(f.plan, f.clock, f.sandbox) });
    expect(findings.filter((x) => x.status !== 'pass').map((x) => x.check)).toEqual([]);
    expect(findings.find((x) => x.check === 'rds-backup-retention')).toMatchObject({ status: 'pass', resource: 'rds:shop-db', region: 'eu-west-1' });

    const failover = await failoverMatchesTruth(f, { restored: 'shop-db-restored', record: 'www.shop.example.com', launched: { production: 2 } });
    expect(failover.steps.map((s) => s.id)).toContain('launch-production');
    expect(failover.steps.map((s) => s.id)).not.toContain('launch-staging');

    // Failback once eu-west-1 is back: DR writes fenced by Firedrill (no manual step), nothing the DR site accepted lost.
    await f.clock.sleep(2 * 3_600_000);
    const back = await runBackupRestore(f, { strategy: backupRestoreStrategy, operation: 'failback', phaseHealth: {} });
    expect(back.report.status, JSON.stringify(back.report.steps.filter((s) => s.status !== 'succeeded'))).toBe('succeeded');
    expect(back.report.steps.filter((s) => s.kind === 'manual' || s.kind === 'approval')).toEqual([]);
    expect(f.sandbox.calls({ command: 'ModifyDBParameterGroup', outcome: 'ok' }).map((c) => [c.region, (c.input as { DBParameterGroupName: string }).DBParameterGroupName])).toContainEqual(['eu-central-1', 'shop-pg-dr']);
    const truth = f.sandbox.truth.lostWrites(f.names.app);
    expect(truth.survivor).toBe('eu-west-1:shop-db');
    expect(back.report.rpo).toMatchObject({ source: 'snapshot', seconds: truth.rpoMs / 1000 });
    const primaryDb = (await f.rds.primary.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'shop-db' }))).DBInstances![0]!;
    expect(primaryDb.DBInstanceStatus).toBe('available');
    expect(primaryDb.DBParameterGroups?.[0]?.DBParameterGroupName).toBe('shop-pg');
    expect(f.sandbox.truth.dnsTarget('www.shop.example.com').regions).toEqual(['eu-west-1']);
    const left = await describeInstances({ ec2: f.ec2.recovery, filters: [{ Name: 'tag:firedrill:launched-by', Values: ['failover'] }] });
    expect(left.filter((i) => i.state === 'pending' || i.state === 'running')).toEqual([]);
    expect(f.sandbox.truth.splitBrainDetected).toBe(false);
  });
});
