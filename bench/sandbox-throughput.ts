import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import type { BenchResult } from './results-format.js';

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** The sandbox's figure (issue: sandbox). Each run in its own process, repeated, the median kept. */
export function sandboxThroughputBenchmarks(repeats = 3): BenchResult[] {
  const runs = Array.from({ length: repeats }, () => {
    const out = execFileSync(process.execPath, ['--conditions', 'firedrill-source', '--no-warnings', '--import', 'tsx', join(import.meta.dirname, 'sandbox-throughput-run.ts'), '1000'], { encoding: 'utf8' });
    return JSON.parse(out) as { calls: number; wallMs: number; perSecond: number };
  });
  return [
    // Commands per real second (performance.now()) through real SDK v3 clients into the sandbox, one at a time: a mix
    // of DescribeDBInstances, DescribeInstances, DescribeAutoScalingGroups, GetChange, DescribeImages and
    // DescribeDBSnapshots (6,000 calls after a warm-up); apiLatency 0, rate limits off. Bound: ≥ 2,000.
    { name: 'sandbox.calls-per-second', value: Math.round(median(runs.map((r) => r.perSecond))), unit: 'calls/s', better: 'higher', limit: { min: 2000 } },
  ];
}
