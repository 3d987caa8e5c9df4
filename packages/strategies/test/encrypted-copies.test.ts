/**
 * Encrypted databases: every cross-region copy a failback or a backup & restore failover makes (a reverse replica,
 * a re-protection replica, a snapshot copied across) needs a KMS key of the destination region, which the plan names
 * per side. Without one, `check` says so and the operation is refused as AWS would refuse the copy — a failback before
 * any change; with keys, the copies are encrypted with the plan's keys (read back through DescribeDBInstances).
 */
import { DescribeDBInstancesCommand, type DBInstance, RDSClient } from '@aws-sdk/client-rds';
import { parsePlan, type Plan, type PlanInput, VirtualClock } from '@firedrill/core';
import { buildWarmStandbyScenario, planForBackupRestoreScenario, planForScenario } from '@firedrill/sandbox';
import { describe, expect, it } from 'vitest';
import { caseState, failedSteps, runCase, START, STRATEGY_CASES, type CaseWorld } from './support/strategy-cases.js';
import { sandboxAws } from './support/strategy-on-sandbox.js';

const { backupRestore, warmStandby } = STRATEGY_CASES;
const READ = /^(Describe|List|Get|Head)/;
// Keys of the plan's own, not the ones the scenario encrypted the databases with: the copies must use these.
const EAST_KEY = 'arn:aws:kms:us-east-1:111111111111:key/0b8e4f2a-1c3d-4e5f-8a9b-0c1d2e3f4a5b';
const WEST_KEY = 'arn:aws:kms:us-west-2:111111111111:key/mrk-0f1e2d3c4b5a69788796a5b4c3d2e1f0';

type Keys = { primary?: string; recovery?: string };

/** `w` with its plan's database naming `keys` (and no other key). */
function withKeys(w: CaseWorld, input: PlanInput, keys: Keys): CaseWorld {
  const db = input.resources['database'] as { primary: Record<string, unknown>; recovery: Record<string, unknown> };
  for (const side of ['primary', 'recovery'] as const) {
    delete db[side]['kmsKeyId'];
    if (keys[side]) db[side]['kmsKeyId'] = keys[side];
  }
  return { ...w, plan: parsePlan(input) };
}

async function instance(w: CaseWorld, region: string, id: string): Promise<DBInstance | undefined> {
  const out = await w.sandbox.client(RDSClient, region).send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: id }));
  return out.DBInstances?.[0];
}

async function encryptionFinding(w: CaseWorld, check: (ctx: { plan: Plan; aws: ReturnType<typeof sandboxAws> }) => Promise<{ check: string; status: string; resource: string; region: string; message: string; action?: string }[]>) {
  const findings = await check({ plan: w.plan, aws: sandboxAws(w.plan, w.clock, w.sandbox) });
  return findings.find((f) => f.check === 'encryption-keys');
}

describe('warm standby on an encrypted database', () => {
  it('without a key for each side: check fails naming the fields, the failover still runs, and the failback is refused before any change', async () => {
    const base = await warmStandby.world(71);
    const w = withKeys(base, planForScenario(base.names), {});
    const finding = await encryptionFinding(w, (ctx) => warmStandby.strategy.check(ctx));
    expect(finding).toMatchObject({ status: 'fail', resource: 'rds:tracking-db', region: 'us-east-1' });
    expect(finding?.message).toContain(`tracking-db is encrypted (KMS key ${base.names.database.kmsKeys.primary})`);
    expect(finding?.message).toContain("the failback's reverse replica tracking-db in us-east-1 (resources.database.primary.kmsKeyId)");
    expect(finding?.message).toContain("the failback's re-protection replica tracking-db-replica in us-west-2 (resources.database.recovery.kmsKeyId)");
    expect(finding?.action).toMatch(/^add resources\.database\.primary\.kmsKeyId: <a KMS key of us-east-1.*resources\.database\.recovery\.kmsKeyId: <a KMS key of us-west-2/);

    const over = await runCase(warmStandby, w, { operation: 'failover', mode: 'graceful' });
    expect(over.report.status, failedSteps(over.report)).toBe('succeeded');
    const before = await caseState(w);
    const from = w.sandbox.calls().length;
    const back = await runCase(warmStandby, w, { operation: 'failback' });
    expect(back.report.status).toBe('failed');
    const failed = back.report.steps.filter((s) => s.status === 'failed');
    expect(failed.map((s) => s.id)).toEqual(['confirm-failed-over']);
    expect(failed[0]!.error?.message).toMatch(/^KmsKeyRequired: tracking-db-replica in us-west-2 is encrypted .*resources\.database\.primary\.kmsKeyId.*nothing was changed\.$/);
    // Nothing but reads: the stale primary is still there, the recovery writer still serves.
    expect(w.sandbox.calls().slice(from).filter((c) => !READ.test(c.command)).map((c) => c.command)).toEqual([]);
    await w.clock.sleep(30 * 60_000);
    expect(await caseState(w)).toEqual(before);
  });

  it('RDS (the sandbox) refuses the reverse replica itself when the step sends no key of the primary region', async () => {
    const base = await warmStandby.world(72);
    // The plan names only the recovery key; the steps after the guard are run directly, as someone working from the
    // printed runbook might: RDS itself refuses the copy.
    const w = withKeys(base, planForScenario(base.names), { recovery: WEST_KEY });
    const over = await runCase(warmStandby, w, { operation: 'failover', mode: 'ungraceful' });
    expect(over.report.status, failedSteps(over.report)).toBe('succeeded');
    const built = warmStandby.strategy.build({ plan: w.plan, operation: 'failback', mode: 'graceful', aws: sandboxAws(w.plan, w.clock, w.sandbox), runId: 'encrypted-failback-1' });
    const reverse = built.steps.find((s) => s.id === 'create-reverse-replica');
    expect(reverse?.kind).toBe('action');
    // Make way for it as the failback does: retire the stale primary.
    const retire = built.steps.find((s) => s.id === 'retire-stale-primary');
    const ctx = { signal: new AbortController().signal, log: () => undefined, resultOf: () => undefined, idempotencyToken: 'token', recordCall: () => undefined } as never;
    if (retire?.kind === 'action') await retire.act(ctx);
    await w.clock.sleep(30 * 60_000);
    const error = reverse?.kind === 'action' ? await reverse.act(ctx).then(() => undefined, (e: unknown) => e as Error) : undefined;
    expect(error?.message).toMatch(/InvalidParameterCombination.*Cannot create a cross region unencrypted read replica from encrypted source/);
  });

  it('with a key for each side: failover then failback succeed, and the new primary and replica are encrypted with the plan\'s keys', async () => {
    const base = await warmStandby.world(73);
    const w = withKeys(base, planForScenario(base.names), { primary: EAST_KEY, recovery: WEST_KEY });
    expect((await encryptionFinding(w, (ctx) => warmStandby.strategy.check(ctx)))?.status).toBe('pass');
    const over = await runCase(warmStandby, w, { operation: 'failover', mode: 'graceful' });
    expect(over.report.status, failedSteps(over.report)).toBe('succeeded');
    const back = await runCase(warmStandby, w, { operation: 'failback' });
    expect(back.report.status, failedSteps(back.report)).toBe('succeeded');
    await w.clock.sleep(60 * 60_000);
    const primary = await instance(w, 'us-east-1', 'tracking-db');
    expect(primary).toMatchObject({ DBInstanceStatus: 'available', StorageEncrypted: true, KmsKeyId: EAST_KEY });
    expect(primary?.ReadReplicaSourceDBInstanceIdentifier).toBeUndefined();
    const replica = await instance(w, 'us-west-2', 'tracking-db-replica');
    expect(replica).toMatchObject({ DBInstanceStatus: 'available', StorageEncrypted: true, KmsKeyId: WEST_KEY });
    expect(replica?.ReadReplicaSourceDBInstanceIdentifier).toBe(primary?.DBInstanceArn);
  });

  it('an unencrypted database needs no key: check passes and the failback sends none', async () => {
    const clock = new VirtualClock({ start: START });
    const { sandbox, names } = await buildWarmStandbyScenario({ clock, seed: 74, layout: { database: { encrypted: false } } });
    const w: CaseWorld = { clock, sandbox, names, plan: parsePlan(planForScenario(names)), app: names.app, primary: names.primaryRegion, recovery: names.recoveryRegion };
    expect(await encryptionFinding(w, (ctx) => warmStandby.strategy.check(ctx))).toMatchObject({ status: 'pass', message: 'tracking-db is not encrypted: its cross-region copies need no KMS key' });
    expect((await runCase(warmStandby, w, { operation: 'failover', mode: 'graceful' })).report.status).toBe('succeeded');
    const back = await runCase(warmStandby, w, { operation: 'failback' });
    expect(back.report.status, failedSteps(back.report)).toBe('succeeded');
    expect(w.sandbox.calls().filter((c) => c.command === 'CreateDBInstanceReadReplica').map((c) => (c.input as Record<string, unknown>)['KmsKeyId'])).toEqual([undefined, undefined]);
    expect(await instance(w, 'us-east-1', 'tracking-db')).toMatchObject({ StorageEncrypted: false });
  });
});

describe('backup & restore on an encrypted database', () => {
  it('without a recovery key: check fails, and the graceful failover\'s snapshot copy is refused by RDS; the run rolls back', async () => {
    const base = await backupRestore.world(75);
    const w = withKeys(base, planForBackupRestoreScenario(base.names, { parameters: { parameterGroups: { primary: 'tracking-pg', recovery: 'tracking-pg-dr' } } }), { primary: EAST_KEY });
    const finding = await encryptionFinding(w, (ctx) => backupRestore.strategy.check(ctx));
    expect(finding).toMatchObject({ status: 'fail', resource: 'rds:tracking-db', region: 'us-east-1' });
    expect(finding?.message).toContain("a graceful failover's snapshot copy in us-west-2 (resources.database.recovery.kmsKeyId)");
    const over = await runCase(backupRestore, w, { operation: 'failover', mode: 'graceful' });
    expect(over.report.status).not.toBe('succeeded');
    const copy = over.report.steps.find((s) => s.id === 'copy-snapshot-to-recovery');
    expect(copy?.status).toBe('failed');
    expect(copy?.error?.message).toContain('Must specify new KMS key for cross region encrypted snapshot copy.');
  });

  it('with keys: the graceful failover\'s copy and the failback\'s copy home use the plan\'s keys, and the databases restored from them are encrypted with them', async () => {
    const base = await backupRestore.world(76);
    const w = withKeys(base, planForBackupRestoreScenario(base.names, { parameters: { parameterGroups: { primary: 'tracking-pg', recovery: 'tracking-pg-dr' } } }), { primary: EAST_KEY, recovery: WEST_KEY });
    expect((await encryptionFinding(w, (ctx) => backupRestore.strategy.check(ctx)))?.status).toBe('pass');
    const over = await runCase(backupRestore, w, { operation: 'failover', mode: 'graceful' });
    expect(over.report.status, failedSteps(over.report)).toBe('succeeded');
    const copies = w.sandbox.calls().filter((c) => c.command === 'CopyDBSnapshot');
    expect(copies.map((c) => [c.region, (c.input as Record<string, unknown>)['KmsKeyId']])).toEqual([['us-west-2', WEST_KEY]]);
    expect(await instance(w, 'us-west-2', 'tracking-db-restored')).toMatchObject({ StorageEncrypted: true, KmsKeyId: WEST_KEY });
    const back = await runCase(backupRestore, w, { operation: 'failback' });
    expect(back.report.status, failedSteps(back.report)).toBe('succeeded');
    expect(w.sandbox.calls().filter((c) => c.command === 'CopyDBSnapshot').map((c) => [c.region, (c.input as Record<string, unknown>)['KmsKeyId']]))
      .toEqual([['us-west-2', WEST_KEY], ['us-east-1', EAST_KEY]]);
    expect(await instance(w, 'us-east-1', 'tracking-db')).toMatchObject({ StorageEncrypted: true, KmsKeyId: EAST_KEY });
  });
});
