import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureInstalled } from './local-processes.js';

const exec = promisify(execFile);
const example = join(import.meta.dirname, '../../packages/runbooks/examples/local-postgres.ts');
const tsx = import.meta.resolve('tsx');

async function runExample(mode: 'ungraceful' | 'graceful'): Promise<{ code: number; stdout: string; cwd: string }> {
  const cwd = mkdtempSync(join(tmpdir(), 'firedrill-local-example-'));
  try {
    const { stdout } = await exec(process.execPath, ['--conditions=firedrill-source', '--import', tsx, example, mode], { cwd, env: { ...process.env, NODE_OPTIONS: '' }, timeout: 60_000 });
    return { code: 0, stdout, cwd };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: `${e.stdout}\n${e.stderr}`, cwd };
  }
}

describe('examples/local-postgres: a measured failover of a real local PostgreSQL pair', () => {
  beforeAll(() => ensureInstalled('postgres'), 15 * 60_000);

  it('ungraceful: prints the RPO, within one interval of the heartbeats truly lost, and writes the report', { timeout: 60_000 }, async () => {
    const { code, stdout, cwd } = await runExample('ungraceful');
    try {
      expect(code, stdout).toBe(0);
      const rpo = Number(/RPO ([\d.]+)s ±0\.2s \(heartbeat\)/.exec(stdout)?.[1]);
      const lost = Number(/: (\d+) lost/.exec(stdout)?.[1]);
      expect(lost).toBeGreaterThanOrEqual(3);
      expect(Math.abs(rpo - lost * 0.2)).toBeLessThanOrEqual(0.2);
      expect(stdout).toMatch(/RTO [\d.]+s \(health-probe\) against 30s: met/);
      const reportPath = /Report: (.+)/.exec(stdout)![1]!.trim();
      expect(JSON.parse(readFileSync(reportPath, 'utf8'))).toMatchObject({ status: 'succeeded', rpo: { seconds: rpo, source: 'heartbeat' } });
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  });
  // The graceful mode (RPO 0) runs the same steps as the graceful test in postgres-heartbeat.test.ts.
});
