/**
 * A plan's approval gate applies to the operations that have its step: a gate before the failover's
 * promote-replica gates the failover, and leaves the failback (which has no such step) able to run.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../packages/runbooks/src/index.js';
import { bufferIo } from './support/buffer-io.js';

const EXAMPLE = readFileSync(join(import.meta.dirname, '..', 'packages', 'runbooks', 'examples', 'warm-standby.yaml'), 'utf8');
const GATE = 'approvals:\n  - before: promote-replica\n    approvers: [ana]\n';

function planDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'firedrill-gates-'));
  writeFileSync(join(dir, 'gated.yaml'), `${EXAMPLE}${GATE}`);
  // The same application without the gate, to fail over unattended before the gated plan's failback.
  writeFileSync(join(dir, 'ungated.yaml'), EXAMPLE);
  return dir;
}

describe('an approval gate before a failover step', () => {
  it('gates the failover: plan shows the gate, and an unattended failover is refused for want of ana', async () => {
    const dir = planDir();
    const plan = bufferIo(dir);
    expect(await runCli(['plan', 'gated.yaml', '--operation', 'failover'], plan), plan.err()).toBe(0);
    expect(plan.out()).toContain('approve-promote-replica [approval]: Approve: Promote tracking-db-replica');
    const failover = bufferIo(dir);
    expect(await runCli(['failover', 'gated.yaml', '--mode', 'graceful', '--target', 'sandbox'], failover)).toBe(2);
    expect(failover.err()).toMatch(/gated\.yaml: this failover needs a person for approval "approve-promote-replica" \(approvers: ana\)/);
  });

  it('leaves the failback of the same plan without that gate: plan accepts it, and it runs', { timeout: 60_000 }, async () => {
    const dir = planDir();
    const plan = bufferIo(dir);
    expect(await runCli(['plan', 'gated.yaml', '--operation', 'failback'], plan), plan.err()).toBe(0);
    expect(plan.out()).toContain('create-reverse-replica');
    expect(plan.out()).not.toContain('approve-');

    const failover = bufferIo(dir);
    expect(await runCli(['failover', 'ungated.yaml', '--mode', 'graceful', '--target', 'sandbox'], failover), failover.err()).toBe(0);
    const failback = bufferIo(dir);
    expect(await runCli(['failback', 'gated.yaml', '--target', 'sandbox', '--json'], failback), failback.err()).toBe(0);
    const report = JSON.parse(failback.out()) as { status: string; steps: Array<{ id: string }> };
    expect(report.status).toBe('succeeded');
    expect(report.steps.map((s) => s.id)).not.toContain('approve-promote-replica');
  });
});
