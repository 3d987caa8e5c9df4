import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchResult } from './results-format.js';

const root = join(import.meta.dirname, '..');
const bin = join(root, 'packages', 'runbooks', 'bin', 'firedrill.mjs');
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function timed(args: string[], cwd: string): number {
  const started = performance.now();
  execFileSync(process.execPath, [bin, ...args], { cwd, stdio: 'ignore' });
  return performance.now() - started;
}

/**
 * The CLI as users run it: the compiled `firedrill` command (`pnpm build` first; incremental, so cheap when
 * up to date). `cli.startup-ms`: `firedrill --version`, median of 10 (issue: < 300 ms). `cli.demo.wall-s`:
 * `firedrill demo` end to end, median of 3 (issue: < 10 s).
 */
export function cliBenchmarks(): BenchResult[] {
  execFileSync('pnpm', ['-s', 'build'], { cwd: root, stdio: 'inherit' });
  const dir = mkdtempSync(join(tmpdir(), 'firedrill-bench-cli-'));
  try {
    const startup = Array.from({ length: 10 }, () => timed(['--version'], dir));
    const demo = Array.from({ length: 3 }, () => timed(['demo', '--state-dir', join(dir, 'state')], dir));
    return [
      { name: 'cli.startup-ms', value: Math.round(median(startup)), unit: 'ms', better: 'lower', limit: { max: 300 } },
      { name: 'cli.demo.wall-s', value: Math.round(median(demo) / 100) / 10, unit: 's', better: 'lower', limit: { max: 10 } },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
