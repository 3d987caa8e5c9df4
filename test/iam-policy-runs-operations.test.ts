/**
 * A role given exactly `firedrill iam-policy`'s policy can run every operation of its plan: on each example plan's
 * sandbox world, with IAM enforcing that policy on every call (sandbox `restrictPermissions`), `check` passes its
 * `permissions` finding and the drills, both failovers and their failbacks run to the end — no call refused.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { loadPlanSource } from '@firedrill/core';
import type { IdentityPolicy } from '@firedrill/sandbox';
import { openSandboxSession, runCli } from '@firedrill/runbooks';
import { bufferIo } from './support/buffer-io.js';

const EXAMPLES = join(import.meta.dirname, '..', 'packages', 'runbooks', 'examples');
const PLANS = ['aurora-mysql-in-region', 'backup-restore', 'multi-site', 'pilot-light', 'postgres-multi-az', 'two-environments-postgres', 'warm-standby-two-accounts', 'warm-standby'];

describe('firedrill iam-policy is enough for every operation', () => {
  it.each(PLANS)('%s', { timeout: 120_000 }, async (name) => {
    const stateDir = mkdtempSync(join(tmpdir(), 'firedrill-iam-ops-'));
    // Unattended: a plan's approval gates (a person's yes) are left out; they call nothing.
    const plan = parse(readFileSync(join(EXAMPLES, `${name}.yaml`), 'utf8')) as Record<string, unknown>;
    delete plan['approvals'];
    const file = join(stateDir, `${name}.yaml`);
    writeFileSync(file, stringify(plan));
    const cli = async (...args: string[]): Promise<{ code: number; out: string }> => {
      const io = bufferIo(stateDir);
      const code = await runCli([...args, '--state-dir', stateDir], io);
      return { code, out: io.out() + io.err() };
    };
    const iam = bufferIo(stateDir);
    expect(await runCli(['iam-policy', file], iam), iam.err()).toBe(0);
    const policy = JSON.parse(iam.out()) as IdentityPolicy;

    const source = await loadPlanSource(file);
    const session = await openSandboxSession(source, stateDir);
    // Every principal Firedrill acts as: its own credentials, and the role of each side of a multi-account plan.
    const roles = Object.values(source.plan.accounts ?? {}).flatMap((a) => (a?.roleArn ? [a.roleArn] : []));
    for (const principal of [session.sandbox.defaultPrincipal, ...roles]) session.sandbox.restrictPermissions(principal, policy);
    session.save();

    const check = await cli('check', file, '--target', 'sandbox', '--json');
    const permissions = (JSON.parse(check.out.slice(check.out.indexOf('{'))) as { findings: { check: string; status: string; message: string }[] }).findings.find((f) => f.check === 'permissions');
    expect(permissions, check.out).toMatchObject({ status: 'pass' });

    const drills = name.includes('in-region') || name.includes('multi-az') ? ['--live'] : ['--isolated', '--live'];
    for (const kind of drills) {
      const drill = await cli('drill', file, kind, '--target', 'sandbox', '--yes');
      expect(drill.out).not.toMatch(/AccessDenied|UnauthorizedOperation/);
      expect(drill.code, drill.out).toBe(0);
    }
    // Both failovers, each followed by its failback (after an ungraceful one the old primary is rebuilt).
    // Hours of simulated drills later, a backup & restore plan's RPO is still met: its backup schedule goes on.
    for (const mode of ['graceful', 'ungraceful']) {
      for (const args of [['failover', '--mode', mode], ['failback']]) {
        const run = await cli(...args, file, '--target', 'sandbox', '--yes');
        expect(run.out).not.toMatch(/AccessDenied|UnauthorizedOperation/);
        expect(run.out, run.out).toMatch(new RegExp(`^${args[0]} of [\\w-]+: SUCCEEDED$`, 'm'));
        expect(run.code, run.out).toBe(0);
      }
    }
    // Nothing IAM refused anywhere, retries included.
    const world = (await openSandboxSession(source, stateDir)).sandbox;
    expect(world.calls().filter((c) => c.errorCode === 'AccessDenied' || c.errorCode === 'UnauthorizedOperation').map((c) => `${c.service}:${c.command}`)).toEqual([]);
  });
});

describe('firedrill iam-policy --side: each account\'s role gets only what is called through it', () => {
  it('warm-standby-two-accounts: each role restricted to its side\'s policy runs every operation; neither holds the other side\'s actions', { timeout: 120_000 }, async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'firedrill-iam-side-'));
    const file = join(EXAMPLES, 'warm-standby-two-accounts.yaml');
    const cli = async (...args: string[]): Promise<{ code: number; out: string }> => {
      const io = bufferIo(stateDir);
      const code = await runCli([...args, '--state-dir', stateDir], io);
      return { code, out: io.out() + io.err() };
    };
    const policyOf = async (...args: string[]): Promise<IdentityPolicy> => {
      const io = bufferIo(stateDir);
      expect(await runCli(['iam-policy', file, ...args], io), io.err()).toBe(0);
      return JSON.parse(io.out()) as IdentityPolicy;
    };
    const actionsOf = (policy: IdentityPolicy): string[] => policy.Statement.flatMap((st) => [st.Action].flat()).sort();
    const [union, primary, recovery] = [await policyOf(), await policyOf('--side', 'primary'), await policyOf('--side', 'recovery')];
    const hint = bufferIo(stateDir);
    expect(await runCli(['iam-policy', file], hint)).toBe(0);
    expect(hint.err()).toContain('--side primary\` (and --side recovery) prints each role\'s own');
    // Together they are the plan's policy; each leaves out what only the other account is asked to do.
    expect([...new Set([...actionsOf(primary), ...actionsOf(recovery)])].sort()).toEqual(actionsOf(union));
    expect(actionsOf(primary)).not.toContain('ec2:RunInstances'); // the isolated drill's copies run in the recovery account
    expect(actionsOf(primary)).not.toContain('rds:RestoreDBInstanceFromDBSnapshot');
    expect(actionsOf(recovery)).not.toContain('route53:ChangeResourceRecordSets');

    const source = await loadPlanSource(file);
    const session = await openSandboxSession(source, stateDir);
    session.sandbox.restrictPermissions(source.plan.accounts!.primary!.roleArn!, primary);
    session.sandbox.restrictPermissions(source.plan.accounts!.recovery!.roleArn!, recovery);
    session.save();

    const check = await cli('check', file, '--target', 'sandbox', '--json');
    const findings = (JSON.parse(check.out.slice(check.out.indexOf('{'))) as { findings: { check: string; status: string; message: string }[] }).findings;
    expect(findings.filter((f) => f.check === 'permissions').map((f) => f.status), check.out).toEqual(['pass', 'pass']);
    expect(check.code, check.out).toBe(0);
    for (const args of [['drill', '--isolated'], ['drill', '--live'], ['failover', '--mode', 'graceful'], ['failback'], ['failover', '--mode', 'ungraceful'], ['failback']]) {
      const run = await cli(...args, file, '--target', 'sandbox', '--yes');
      expect(run.code, run.out).toBe(0);
    }
    const world = (await openSandboxSession(source, stateDir)).sandbox;
    expect(world.calls().filter((c) => c.errorCode === 'AccessDenied' || c.errorCode === 'UnauthorizedOperation').map((c) => `${c.service}:${c.command}`)).toEqual([]);
  });

  it('a wrong --side is exit 2 before anything is read', async () => {
    const io = bufferIo(tmpdir());
    expect(await runCli(['iam-policy', 'no-such-plan.yaml', '--side', 'west'], io)).toBe(2);
    expect(io.err()).toContain('--side: expected primary or recovery, got "west"');
  });
});

describe('firedrill check proves the grants before a failover needs them', () => {
  /** An example plan on its sandbox world, where `principal` (default: the sandbox's user) has iam-policy's policy, edited. */
  async function restricted(name: string, edit: (policy: IdentityPolicy) => IdentityPolicy, principal?: string): Promise<{ cli: (...args: string[]) => Promise<{ code: number; out: string }>; file: string }> {
    const stateDir = mkdtempSync(join(tmpdir(), 'firedrill-iam-denied-'));
    const file = join(EXAMPLES, `${name}.yaml`);
    const cli = async (...args: string[]): Promise<{ code: number; out: string }> => {
      const io = bufferIo(stateDir);
      const code = await runCli([...args, '--state-dir', stateDir], io);
      return { code, out: io.out() + io.err() };
    };
    const iam = bufferIo(stateDir);
    expect(await runCli(['iam-policy', file], iam)).toBe(0);
    const session = await openSandboxSession(await loadPlanSource(file), stateDir);
    session.sandbox.restrictPermissions(principal ?? session.sandbox.defaultPrincipal, edit(JSON.parse(iam.out()) as IdentityPolicy));
    session.save();
    return { cli, file };
  }
  const without = (action: string) => (policy: IdentityPolicy): IdentityPolicy => ({
    ...policy, Statement: policy.Statement.map((s) => ({ ...s, Action: [s.Action].flat().filter((a) => a !== action) })).filter((s) => s.Action.length > 0),
  });
  type Findings = { findings: { check: string; status: string; message: string; action?: string }[] };
  const permissionsOf = (out: string) => (JSON.parse(out.slice(out.indexOf('{'))) as Findings).findings.filter((f) => f.check === 'permissions');

  it('a missing action fails check, naming the operations that need it — and the failover is refused exactly there', { timeout: 60_000 }, async () => {
    const { cli, file } = await restricted('pilot-light', without('rds:PromoteReadReplica'));
    const check = await cli('check', file, '--target', 'sandbox', '--json');
    expect(check.code).toBe(1);
    const [permissions] = permissionsOf(check.out);
    expect(permissions).toMatchObject({ status: 'fail', message: expect.stringMatching(/is refused 1 of the \d+ IAM actions failover, failback and drills call: rds:PromoteReadReplica in us-east-1 and us-west-2 \(graceful failover, ungraceful failover, failback, live drill\)/) });
    expect(permissions!.action).toContain('`firedrill iam-policy <plan>`');

    const failover = await cli('failover', file, '--mode', 'ungraceful', '--target', 'sandbox', '--yes');
    expect(failover.code).toBe(1);
    expect(failover.out).toMatch(/✖ Promote tracking-db-replica in us-west-2 \(recovery\) to a standalone writer \([^)]*\): AccessDenied: rds:PromoteReadReplica on tracking-db-replica in us-west-2 was denied/);
  });

  it('a role that may not simulate its own policy gets a warning that says what to grant', { timeout: 60_000 }, async () => {
    const { cli, file } = await restricted('pilot-light', without('iam:SimulatePrincipalPolicy'));
    const check = await cli('check', file, '--target', 'sandbox', '--json');
    expect(permissionsOf(check.out)).toEqual([expect.objectContaining({
      status: 'warn', message: expect.stringContaining('could not be simulated'), action: expect.stringContaining('iam:SimulatePrincipalPolicy and iam:GetRole'),
    })]);
  });

  it('in a two-account plan, each side\'s role is proven for the calls made through it', { timeout: 60_000 }, async () => {
    const recoveryRole = 'arn:aws:iam::222222222222:role/firedrill-dr';
    const { cli, file } = await restricted('warm-standby-two-accounts', without('rds:PromoteReadReplica'), recoveryRole);
    const check = await cli('check', file, '--target', 'sandbox', '--json');
    expect(check.code).toBe(1);
    expect(permissionsOf(check.out).map((f) => [f.status, f.message.split(' ')[0]])).toEqual([['pass', 'arn:aws:iam::111111111111:role/firedrill-dr'], ['fail', recoveryRole]]);
    expect(permissionsOf(check.out)[1]!.message).toMatch(/IAM actions failover, failback and drills call through the recovery side \(us-west-2\): rds:PromoteReadReplica in us-west-2 \(graceful failover, ungraceful failover, live drill\)$/);
    expect(permissionsOf(check.out)[1]!.action).toContain('`firedrill iam-policy <plan> --side recovery`');
  });
});
