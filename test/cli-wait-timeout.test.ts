/**
 * A plan's `policies.<step-id>.timeout` bounds a whole AWS wait, a poll in progress included: a promotion the plan
 * gives 30 s fails after 30 s, saying what it saw last, instead of succeeding five minutes later.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../packages/runbooks/src/index.js';
import { bufferIo } from './support/buffer-io.js';

const examples = join(import.meta.dirname, '..', 'packages', 'runbooks', 'examples');

function warmStandbyWith(dir: string, policies: string): string {
  const file = join(dir, 'warm-standby.yaml');
  writeFileSync(file, `${readFileSync(join(examples, 'warm-standby.yaml'), 'utf8')}${policies}`);
  return file;
}

describe('a wait step\'s timeout from the plan', () => {
  it('a live drill whose replica promotion outlasts its 30 s timeout fails at 30 s, naming the state last seen', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'firedrill-wait-timeout-'));
    const plan = warmStandbyWith(dir, 'policies:\n  wait-replica-promoted:\n    timeout: 30s\n    retry: { maximumAttempts: 1 }\n');
    const io = bufferIo(dir);
    const code = await runCli(['drill', plan, '--live', '--target', 'sandbox', '--json'], io);
    expect(code, io.err()).toBe(1);
    const report = JSON.parse(io.out()) as { status: string; steps: Array<{ id: string; status: string; seconds?: number; error?: { code?: string; message: string } }> };
    expect(report.status).toBe('rolled-back');
    const wait = report.steps.find((s) => s.id === 'wait-replica-promoted')!;
    expect(wait).toMatchObject({ status: 'failed', seconds: 30, error: { code: 'Timeout' } });
    expect(wait.error!.message).toMatch(/^wait wait-replica-promoted did not finish within 30s; last seen: DB instance tracking-db-replica promoted: .*modifying/);
  });
});
