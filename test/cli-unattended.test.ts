/**
 * Unattended commands on the sandbox: an ungraceful failover simulates the region loss it answers (so its RTO
 * and RPO mean something), the failback after it finds the region back, and a plan that needs a person is
 * refused up front instead of waiting forever.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { VirtualClock } from '@firedrill/core';
import { runCli } from '@firedrill/runbooks';
import { Sandbox } from '@firedrill/sandbox';
import { trueRestoredAt } from '../packages/strategies/test/support/run-on-sandbox.js';
import { bufferIo } from './support/buffer-io.js';

const EXAMPLE = join(import.meta.dirname, '..', 'packages', 'runbooks', 'examples', 'warm-standby.yaml');

function planDir(extra: Record<string, unknown> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'firedrill-unattended-'));
  writeFileSync(join(dir, 'plan.yaml'), stringify({ ...(parse(readFileSync(EXAMPLE, 'utf8')) as object), ...extra }));
  return dir;
}

interface Report {
  status: string;
  disasterAt: string;
  rto: { seconds: number; met: boolean };
  rpo: { seconds: number; source: string; met: boolean };
}

describe('unattended commands on the sandbox', () => {
  it('an ungraceful failover loses the primary region for real: RTO and RPO against the truth; the failback finds the region back', { timeout: 60_000 }, async () => {
    const dir = planDir();
    const failover = bufferIo(dir);
    expect(await runCli(['failover', 'plan.yaml', '--mode', 'ungraceful', '--target', 'sandbox', '--json'], failover), failover.err()).toBe(0);
    const report = JSON.parse(failover.out()) as Report;
    const disasterAt = Date.parse(report.disasterAt);
    const world = join(dir, '.firedrill', 'sandbox', 'tracking-app.warm-standby.json');
    const sandbox = Sandbox.load(world, { clock: new VirtualClock({ start: 4_000_000_000_000 }) });
    // The region really was lost at the disaster: users got nothing until us-west-2 served through DNS.
    const trueRto = (trueRestoredAt(sandbox, 'app.tracking.example.com.', 'tracking', disasterAt)! - disasterAt) / 1000;
    expect(trueRto).toBeGreaterThan(60);
    expect(Math.abs(report.rto.seconds - trueRto)).toBeLessThanOrEqual(1);
    // RPO: what had not replicated when us-east-1 went, measured from heartbeats written before the loss.
    const truth = sandbox.truth.lostWrites('tracking', { disasterAt });
    expect(report.rpo.source).toBe('heartbeat');
    expect(Math.abs(report.rpo.seconds * 1000 - truth.rpoMs)).toBeLessThanOrEqual(1_000);
    expect(sandbox.truth.dnsTarget('app.tracking.example.com.').regions).toEqual(['us-west-2']);

    const failback = bufferIo(dir);
    expect(await runCli(['failback', 'plan.yaml', '--target', 'sandbox'], failback), failback.out() + failback.err()).toBe(0);
    const after = Sandbox.load(world, { clock: new VirtualClock({ start: 4_000_000_000_000 }) });
    expect(after.truth.dnsTarget('app.tracking.example.com.').regions).toEqual(['us-east-1']);
    expect(after.truth.splitBrainDetected).toBe(false);
  });

  it('refuses a plan that needs an approver or a manual step, names them, points to the runbook, and runs nothing', async () => {
    const dir = planDir({ approvals: [{ before: 'run', approvers: ['lee'] }] });
    for (const args of [['drill', 'plan.yaml', '--live'], ['failover', 'plan.yaml', '--mode', 'graceful']]) {
      const io = bufferIo(dir);
      expect(await runCli([...args, '--target', 'sandbox'], io)).toBe(2);
      expect(io.err()).toMatch(/plan\.yaml: this (drill|failover) needs a person for approval "approve-run" \(approvers: lee\)/);
      expect(io.err()).toMatch(/step through it with `firedrill runbook \S*plan\.yaml --operation (drill --live|failover) --mode/);
      expect(io.err()).not.toMatch(/\n\s+at /); // no stack trace
    }
    expect(existsSync(join(dir, '.firedrill', 'runs'))).toBe(false);
    expect(existsSync(join(dir, '.firedrill', 'sandbox'))).toBe(false);
  });
});
