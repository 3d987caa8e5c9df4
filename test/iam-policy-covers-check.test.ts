/**
 * A role given exactly `firedrill iam-policy`'s policy must be able to run `firedrill check`: every call check makes
 * on each example plan's sandbox world (the sandbox's own call log) is an action the policy grants.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPlanSource } from '@firedrill/core';
import { openSandboxSession, runCli } from '@firedrill/runbooks';
import { type AwsService, getStrategy, iamActionFor } from '@firedrill/strategies';
import { bufferIo } from './support/buffer-io.js';

const EXAMPLES = join(import.meta.dirname, '..', 'packages', 'runbooks', 'examples');
// local-postgres.yaml is driven by local-postgres.ts against real local servers, not a plan `check` runs alone.
const PLANS = ['aurora-mysql-in-region', 'backup-restore', 'multi-site', 'pilot-light', 'postgres-multi-az', 'two-environments-postgres', 'warm-standby-two-accounts', 'warm-standby'];
const SERVICE: Record<string, AwsService> = { rds: 'rds', ec2: 'ec2', autoscaling: 'autoScaling', route53: 'route53', s3: 's3', cloudwatch: 'cloudWatch', iam: 'iam' };

describe('firedrill iam-policy covers firedrill check', () => {
  it.each(PLANS)('%s: every call check makes is granted', { timeout: 60_000 }, async (name) => {
    const file = join(EXAMPLES, `${name}.yaml`);
    const io = bufferIo(EXAMPLES);
    expect(await runCli(['iam-policy', file], io), io.err()).toBe(0);
    // No warning (the check's reads were found); a two-account plan gets only the note about --side.
    expect(io.err()).toMatch(name === 'warm-standby-two-accounts' ? /^note: this plan acts as a role per side[^\n]*\n$/ : /^$/);
    const granted = new Set((JSON.parse(io.out()) as { Statement: { Action: string[] }[] }).Statement.flatMap((s) => s.Action));

    // check as `firedrill check --target sandbox` runs it, on a fresh state directory.
    const source = await loadPlanSource(file);
    const session = await openSandboxSession(source, mkdtempSync(join(tmpdir(), 'firedrill-iam-check-')));
    const findings = await getStrategy(source.plan.strategy.name, source.file).check({ plan: source.plan, aws: session.aws });
    expect(findings.length).toBeGreaterThan(0);
    const called = session.sandbox.calls().filter((c) => c.service !== 'sts');
    expect(called.length).toBeGreaterThan(0);
    const needed = [...new Set(called.map((c) => iamActionFor(SERVICE[c.service]!, c.command)))].sort();
    expect(needed.filter((action) => !granted.has(action))).toEqual([]);
  });
});
