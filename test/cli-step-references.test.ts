/**
 * Plan fields that name a step — `policies.<step-id>` and `approvals[i].before` — must name a step of one of the
 * plan's operations: a typo is a plan error (file, field, expected, a close match), exit 2, before any AWS call,
 * instead of a policy silently ignored.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../packages/runbooks/src/index.js';
import { bufferIo } from './support/buffer-io.js';

const EXAMPLE = readFileSync(join(import.meta.dirname, '..', 'packages', 'runbooks', 'examples', 'warm-standby.yaml'), 'utf8');

function planWith(extra: string): { dir: string; plan: string } {
  const dir = mkdtempSync(join(tmpdir(), 'firedrill-step-references-'));
  const plan = join(dir, 'plan.yaml');
  writeFileSync(plan, `${EXAMPLE}${extra}`);
  return { dir, plan };
}

const TYPOS = [
  'policies:',
  '  wait-replica-promotd:',
  '    timeout: 30s',
  'approvals:',
  '  - before: promote-replca',
  '    approvers: [ana]',
  '  - before: flip-the-switch',
  '',
].join('\n');

describe('policies and approval gates that name no step', () => {
  it('validate: exit 2, one problem per unknown step id, naming the file, the field and a close match', async () => {
    const { dir, plan } = planWith(TYPOS);
    const io = bufferIo(dir);
    expect(await runCli(['validate', plan], io)).toBe(2);
    const expected = "expected a step id of one of the plan's operations (strategy warm-standby)";
    expect(io.err()).toContain(`${plan}: policies.wait-replica-promotd: ${expected}, got "wait-replica-promotd"; did you mean wait-replica-promoted?`);
    expect(io.err()).toContain(`${plan}: approvals[0].before: ${expected}, got "promote-replca"; did you mean promote-replica?`);
    expect(io.err()).toContain(`${plan}: approvals[1].before: ${expected}, got "flip-the-switch"; \`firedrill plan ${plan} --operation <failover|failback|drill>\` lists each operation's steps`);
    expect(io.err()).not.toMatch(/\n\s+at /);
  });

  it('validate --json lists them like schema problems', async () => {
    const { dir, plan } = planWith(TYPOS);
    const io = bufferIo(dir);
    expect(await runCli(['validate', plan, '--json'], io)).toBe(2);
    expect(JSON.parse(io.out())).toMatchObject({
      valid: false,
      issues: [
        { file: plan, path: 'policies.wait-replica-promotd', found: '"wait-replica-promotd"' },
        { file: plan, path: 'approvals[0].before', found: '"promote-replca"' },
        { file: plan, path: 'approvals[1].before', found: '"flip-the-switch"' },
      ],
    });
  });

  it('every command that reads the plan refuses it before running anything', async () => {
    const { dir, plan } = planWith(TYPOS);
    const io = bufferIo(dir);
    expect(await runCli(['drill', plan, '--live', '--target', 'sandbox'], io)).toBe(2);
    expect(io.err()).toContain('policies.wait-replica-promotd');
  });

  it('a step of any operation is a valid id: failover, failback, a drill, and the approval steps the gates add', async () => {
    const { dir, plan } = planWith([
      'policies:',
      '  wait-replica-promoted: { timeout: 40m }', // failover
      '  create-reverse-replica: { timeout: 5m }', // failback
      '  approve-promote-replica: { timeout: 5m }', // the gate below
      'approvals:',
      '  - before: promote-replica',
      '  - before: run',
      '',
    ].join('\n'));
    const io = bufferIo(dir);
    expect(await runCli(['validate', plan], io), io.err()).toBe(0);
  });
});
