import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { RunReport } from '@firedrill/core';

const exec = promisify(execFile);
const root = join(import.meta.dirname, '..');
const example = join(root, 'packages/core/examples/drill-on-virtual-clock.ts');
// Resolved here because the example runs in a temporary directory, where `tsx` is not installed.
const tsx = import.meta.resolve('tsx');

async function runExample(cwd: string, args: string[] = []): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec(process.execPath, ['--import', tsx, example, ...args], { cwd, env: { ...process.env, NODE_OPTIONS: '' } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('the README main job (example drill)', () => {
  it('runs a live drill on the virtual clock, prints RTO and RPO, writes the journal and the report', { timeout: 60_000 }, async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'firedrill-example-'));
    const { code, stdout } = await runExample(cwd);
    expect(code).toBe(0);
    expect(stdout).toMatch(/RTO 8m \(health-probe\) against 15m: met/);
    expect(stdout).toMatch(/RPO 5s ±1s \(heartbeat\) against 1m: met/);
    const [runId] = readdirSync(join(cwd, '.firedrill', 'runs'));
    const report = JSON.parse(readFileSync(join(cwd, '.firedrill', 'runs', runId!, 'report.json'), 'utf8')) as RunReport;
    expect(report).toMatchObject({ schema: 'firedrill.report/v1', status: 'succeeded', rto: { seconds: 480 }, rpo: { seconds: 5 } });
    expect(existsSync(join(cwd, '.firedrill', 'runs', runId!, 'journal.jsonl'))).toBe(true);
  });

  it('rejects a bad plan with exit code 2, naming file, line, field, expected and found, and runs nothing', { timeout: 60_000 }, async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'firedrill-example-'));
    const good = readFileSync(join(root, 'packages/core/examples/tabletop-drill.yaml'), 'utf8');
    writeFileSync(join(cwd, 'plan.yaml'), good.replace('rto: 15m', 'rto: fast').replace('strategy:\n  name: pilot-light', 'strategy:\n  nmae: pilot-light'));
    const { code, stdout, stderr } = await runExample(cwd, [join(cwd, 'plan.yaml')]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/plan\.yaml:\d+: objectives\.rto: expected a duration such as "15m", got "fast"/);
    expect(stderr).toMatch(/plan\.yaml:\d+: strategy\.nmae: unknown field; did you mean "name"\?/);
    expect(stderr).not.toMatch(/at .*\.ts:\d+/); // no stack trace for a user error
    expect(stdout).toBe('');
    expect(existsSync(join(cwd, '.firedrill'))).toBe(false);
  });
});
