/**
 * The crash test of test/crash-mid-failover.test.ts (SIGKILL right after journal event k, the world saved with
 * every durable event, `firedrill resume <run-id>` in a new process) for the two other families of strategy, on
 * their example plans: a multi-site (active/active) and a backup & restore live drill — outage injected,
 * failover, then failback — killed inside their non-idempotent calls and resumed.
 *
 * At every crash point: the run succeeds and meets its objectives; AWS ends as the uninterrupted run left it
 * (writer, DNS, capacities; no restored instance or launched compute left in the recovery region); every
 * mutating call was made as often as in the uninterrupted run (one FailoverGlobalCluster, one
 * SwitchoverGlobalCluster, one RestoreDBInstanceFromDBSnapshot per region, …); RTO and RPO agree with the sandbox's
 * truth. See test/support/crash-and-resume.ts for what is checked at any crash point.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { JournalEvent, RunReport } from '@firedrill/core';
import type { Sandbox } from '@firedrill/sandbox';
import { describeDbInstance, describeGlobalCluster, describeInstances, readWeights, type WeightedRecord } from '@firedrill/strategies';
import { type CrashCase, crashAtEach, crashCase, type Moment, reference, type RunTruth } from './support/crash-and-resume.js';
import { awsOn, type DnsBaseline, fleet, provisionedDnsBaseline } from './support/saved-world.js';

const examples = join(import.meta.dirname, '..', 'packages', 'runbooks', 'examples');
const WIDTH = 2;
const at = (iso: string | null | undefined): number => Date.parse(iso!);

/** The plan's health probe interval: how close the RTO the probe measured can be to when users were served again. */
const probeSeconds = (c: CrashCase): number => c.plan.probes!.health!.interval / 1000;

/**
 * When `region`'s endpoint first served again after the call that moved the data there (`command`, at or after the
 * disaster), judged with the DNS records as they were at each moment.
 */
function trueRestoredAt(sandbox: Sandbox, region: string, disasterAt: number, command: string, dnsBaseline: DnsBaseline): number {
  const moved = sandbox.calls({ command, outcome: 'ok' }).find((c) => c.at >= disasterAt);
  expect(moved, `${command} after the disaster`).toBeDefined();
  const served = sandbox.truth.firstHealthyAt(region, moved!.at + 1, undefined, { dnsBaseline });
  expect(served, `${region} served again`).toBeDefined();
  return served!;
}

describe.concurrent('multi-site and backup & restore live drills crashed mid-failover and mid-failback resume from their journal alone (`firedrill resume`)', () => {
  it('multi-site (Aurora global database, weighted DNS): killed in the drain, the scale-up, the global failover, the switchover back and the ramp; writer, weights and capacities back as before, each call made once', { timeout: 120_000 }, async () => {
    const planFile = join(examples, 'multi-site.yaml');
    const dnsBaseline = await provisionedDnsBaseline(planFile);
    const c: CrashCase = await crashCase(planFile, 'checkout-crash', 'drill', (sandbox: Sandbox, report: RunReport): RunTruth => {
      const disasterAt = at(report.disasterAt);
      return {
        // Heartbeats the surviving writer has of those acknowledged before the disaster (FailoverGlobalCluster with
        // AllowDataLoss): within one heartbeat interval.
        rpo: { source: 'heartbeat', ms: sandbox.truth.lostWrites('checkout', { disasterAt }).rpoMs, toleranceMs: c.plan.probes!.heartbeat!.interval },
        // The survivor carries every user from the drain on: it serves once the writer has moved and its fleet is in.
        rto: { seconds: (trueRestoredAt(sandbox, 'us-east-1', disasterAt, 'FailoverGlobalCluster', dnsBaseline) - disasterAt) / 1000, toleranceSeconds: probeSeconds(c) + 1 },
      };
    });
    const record = c.plan.resources['dns'] as unknown as WeightedRecord;
    const endState = async (sandbox: Sandbox) => {
      const aws = awsOn(sandbox, c.plan);
      const global = await describeGlobalCluster({ rds: aws.clients('primary').rds, identifier: 'checkout-global' });
      return {
        global: global && { status: global.status, members: global.members.map((m) => `${m.region}${m.isWriter ? ' writer' : ''}`).sort() },
        weights: await readWeights(aws, record, new AbortController().signal),
        dns: sandbox.truth.dnsTarget(record.name).regions.sort(),
        primaryFleet: await fleet(aws, 'primary', 'checkout-asg-us-west-2'),
        recoveryFleet: await fleet(aws, 'recovery', 'checkout-asg-us-east-1'),
      };
    };

    const ref = await reference(c);
    expect(ref.report.phases?.map((p) => p.name)).toEqual(['failover', 'failback']);
    expect(ref.effects).toEqual([
      'ChangeResourceRecordSets us-east-1', // drain us-west-2 to 0
      'ChangeResourceRecordSets us-east-1', // ramp 10 %
      'ChangeResourceRecordSets us-east-1', // 50 %
      'ChangeResourceRecordSets us-east-1', // 100 %
      'FailoverGlobalCluster us-east-1',
      'SwitchoverGlobalCluster us-west-2',
      'UpdateAutoScalingGroup us-east-1', // the survivor to full capacity
      'UpdateAutoScalingGroup us-east-1', // and back to its share
    ]);
    const before = await endState(ref.sandbox);
    expect(before).toEqual({
      global: { status: 'available', members: ['us-east-1', 'us-west-2 writer'] },
      weights: { primary: 50, recovery: 50 },
      dns: ['us-east-1', 'us-west-2'],
      primaryFleet: { min: 4, desired: 4, max: 8, inService: 4 },
      recoveryFleet: { min: 4, desired: 4, max: 8, inService: 4 },
    });

    // Failover: the drain's weight change, the scale-up and the global failover each landed and not yet journaled
    // (the three run at once, so each crash cuts the others off too). Failback: the switchover back, a ramp stage.
    const moments: Moment[] = [
      ['step.log', 'drain-primary-weight'],
      ['step.log', 'scale-recovery-checkout-asg-us-east-1'],
      ['step.log', 'move-writer-to-recovery'],
      ['step.log', 'switch-writer-to-primary'],
      ['step.log', 'ramp-primary-50'],
    ];
    const inSyncWaits = (journal: readonly JournalEvent[]) =>
      journal.flatMap((e) => (e.type === 'step.succeeded' && e.stepId.endsWith('-in-sync') ? [[e.stepId, typeof (e.result as { changeId?: unknown }).changeId]] : []));
    expect(inSyncWaits(ref.journal)).toEqual(['drain-primary-weight-in-sync', 'ramp-primary-10-in-sync', 'ramp-primary-50-in-sync', 'ramp-primary-100-in-sync'].map((id) => [id, 'string']));
    const { rechecked, foundDone } = await crashAtEach(c, ref, moments, WIDTH, async ({ what, sandbox, journal }) => {
      expect(await endState(sandbox), `${what}: AWS at the end`).toEqual(before);
      // A weight change cut off after it landed is submitted again for a change id: every stage waited until INSYNC.
      expect(inSyncWaits(journal), `${what}: weight changes waited on`).toEqual(inSyncWaits(ref.journal));
    });
    expect(rechecked).toEqual(expect.arrayContaining(['drain-primary-weight', 'move-writer-to-recovery', 'ramp-primary-50', 'scale-recovery-checkout-asg-us-east-1', 'switch-writer-to-primary']));
    expect(foundDone).toEqual(expect.arrayContaining(['move-writer-to-recovery', 'scale-recovery-checkout-asg-us-east-1', 'switch-writer-to-primary']));
  });

  it('backup & restore: killed in the restore and its wait, the launch, the DNS switch, the failback restore and the deletion of the restored instance; production back as before, nothing left in the recovery region, each call made once', { timeout: 120_000 }, async () => {
    const planFile = join(examples, 'backup-restore.yaml');
    const dnsBaseline = await provisionedDnsBaseline(planFile);
    const c: CrashCase = await crashCase(planFile, 'tracking-backup-restore-crash', 'drill', (sandbox: Sandbox, report: RunReport): RunTruth => {
      const disasterAt = at(report.disasterAt);
      // The snapshot the recovery database was really restored from (the sandbox's record of the instance, kept
      // while it is deleted), and when its original was captured: what the failover lost.
      const restored = sandbox.world.rds['us-west-2']!.instances['tracking-db-restored'];
      expect(restored?.restoredFrom, 'the recovery database was restored from a snapshot').toBeDefined();
      const snapshot = Object.values(sandbox.world.rds).flatMap((r) => Object.values(r.snapshots)).find((s) => s.arn === restored!.restoredFrom);
      return {
        rpo: { source: 'snapshot', ms: disasterAt - snapshot!.createdAt, toleranceMs: 0 },
        rto: { seconds: (trueRestoredAt(sandbox, 'us-west-2', disasterAt, 'RestoreDBInstanceFromDBSnapshot', dnsBaseline) - disasterAt) / 1000, toleranceSeconds: probeSeconds(c) + 1 },
      };
    });
    const endState = async (sandbox: Sandbox) => {
      const aws = awsOn(sandbox, c.plan);
      const primary = await describeDbInstance({ rds: aws.clients('primary').rds, identifier: 'tracking-db' });
      const launched = await describeInstances({ ec2: aws.clients('recovery').ec2, filters: [{ Name: 'tag:firedrill:launched-by', Values: ['failover'] }] });
      return {
        primary: primary && { status: primary.status, readReplicaSource: primary.readReplicaSource },
        restored: await describeDbInstance({ rds: aws.clients('recovery').rds, identifier: 'tracking-db-restored' }),
        launched: launched.length,
        launchedStillUp: launched.filter((i) => i.state === 'pending' || i.state === 'running').length,
        dns: sandbox.truth.dnsTarget('app.tracking.example.com').regions,
      };
    };

    const ref = await reference(c);
    expect(ref.report.phases?.map((p) => p.name)).toEqual(['failover', 'failback']);
    // Route 53's control plane is in us-east-1, the region lost: a DNS switch made while it does not answer is left
    // to the health-checked failover records (see dnsCutoverStep), so there is at most one change each way.
    expect(ref.effects.filter((e) => e.startsWith('ChangeResourceRecordSets')).length).toBeLessThanOrEqual(2);
    expect(ref.effects.filter((e) => !e.startsWith('ChangeResourceRecordSets'))).toEqual([
      'AddTagsToResource us-east-1', // the stale primary's final snapshot, tagged as the plan's safety net
      'CopyDBSnapshot us-east-1',
      'CreateDBSnapshot us-west-2',
      'DeleteDBInstance us-east-1', // the stale primary (final snapshot kept)
      'DeleteDBInstance us-west-2', // the restored instance
      'DeleteDBSnapshot us-east-1', // the failback's transfer snapshots, once the primary serves
      'DeleteDBSnapshot us-west-2',
      'ModifyDBInstance us-east-1', // the stale primary's deletion protection, lifted to retire it
      'ModifyDBParameterGroup us-west-2', // freeze the DR site
      'RestoreDBInstanceFromDBSnapshot us-east-1',
      'RestoreDBInstanceFromDBSnapshot us-west-2',
      'RunInstances us-west-2',
      'TerminateInstances us-west-2',
    ]);
    const before = await endState(ref.sandbox);
    expect(before).toEqual({
      primary: { status: 'available', readReplicaSource: undefined },
      restored: undefined,
      launched: 2,
      launchedStillUp: 0,
      dns: ['us-east-1'],
    });

    // Failover: the restore call landed and not journaled; the wait for the restored instance (the launch cut off
    // with it); the launch landed; the DNS switch (where Route 53 does not answer, it leaves the cutover to the
    // health-checked records: the resumed run finds it answering and re-points them). Failback: the restore in
    // us-east-1 landed; the deletion of the restored instance in us-west-2 landed; the deletion of the first transfer
    // snapshot landed (the resumed run deletes the other only).
    const moments: Moment[] = [
      ['step.log', 'restore-database'],
      ['step.log', 'wait-database-restored'],
      ['step.log', 'launch-compute'],
      ['step.log', 'switch-dns-to-recovery'],
      ['step.log', 'restore-primary-database'],
      ['step.log', 'retire-dr-database'],
      ['step.log', 'delete-failback-snapshots'],
    ];
    const { rechecked, foundDone } = await crashAtEach(c, ref, moments, WIDTH, async ({ what, sandbox }) => {
      expect(await endState(sandbox), `${what}: AWS at the end`).toEqual(before);
    });
    expect(rechecked).toEqual(expect.arrayContaining(['delete-failback-snapshots', 'launch-compute', 'restore-database', 'restore-primary-database', 'retire-dr-database', 'switch-dns-to-recovery', 'wait-database-restored']));
    expect(foundDone).toEqual(expect.arrayContaining(['launch-compute', 'restore-database', 'restore-primary-database', 'retire-dr-database']));
  });
});
