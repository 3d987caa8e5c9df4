/**
 * `firedrill failover plan.yaml | head -n 1`: the reader leaves after one line. The failover must not die with it —
 * half a failover is the worst state to leave production in — and the command must not print a stack trace for the
 * closed pipe. It finishes, writes its report, and exits with its own code.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const exec = promisify(execFile);
const root = join(import.meta.dirname, '..');
const cli = join(root, 'packages/runbooks/src/cli/cli.ts');
const tsx = import.meta.resolve('tsx');

describe('the CLI with its output piped into a reader that leaves early', () => {
  it('a failover piped to `head -n 1` completes, writes its report and exits 0 without a stack trace', { timeout: 60_000 }, async () => {
    const state = mkdtempSync(join(tmpdir(), 'firedrill-pipe-'));
    const command = [process.execPath, '--conditions', 'firedrill-source', '--import', tsx, cli, 'failover', join(root, 'packages/runbooks/examples/warm-standby.yaml'), '--target', 'sandbox', '--yes', '--state-dir', state]
      .map((a) => `'${a}'`).join(' ');
    // PIPESTATUS[0]: the CLI's own exit code, not head's.
    const { stdout, stderr } = await exec('bash', ['-c', `${command} 2>"${state}/stderr" | head -n 1; echo "exit=\${PIPESTATUS[0]}"`], { cwd: root, env: { ...process.env, NODE_OPTIONS: '' } });
    expect(stdout.split('\n')[0]).toMatch(/failover of tracking-app: run /);
    expect(stdout).toContain('exit=0');
    expect(readFileSync(join(state, 'stderr'), 'utf8')).toBe('');
    const [runId] = readdirSync(join(state, 'runs'));
    expect(JSON.parse(readFileSync(join(state, 'runs', runId!, 'report.json'), 'utf8'))).toMatchObject({ operation: 'failover', status: 'succeeded' });
  });
});
