import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import type { BenchResult } from './results-format.js';

function child<T>(script: string): T {
  const out = execFileSync(process.execPath, ['--conditions', 'firedrill-source', '--import', 'tsx', join(import.meta.dirname, script)], { encoding: 'utf8' });
  return JSON.parse(out) as T;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const round = (x: number, digits = 1): number => Math.round(x * 10 ** digits) / 10 ** digits;

/** The core engine's figures (issue: core). Each run is repeated and the median kept. */
export function engineBenchmarks(repeats = 3): BenchResult[] {
  const big = Array.from({ length: repeats }, () => child<{ wallMs: number; peakRssMb: number; perStepUs: number }>('engine-10k-steps.ts'));
  const virtual = Array.from({ length: repeats }, () => child<{ wallMs: number; simulatedMs: number; polls: number }>('engine-virtual-10min.ts'));
  return [
    { name: 'engine.10k-steps.wall-ms', value: round(median(big.map((r) => r.wallMs)), 0), unit: 'ms', better: 'lower', limit: { max: 3000 } },
    { name: 'engine.10k-steps.peak-rss-mb', value: round(median(big.map((r) => r.peakRssMb)), 0), unit: 'MB', better: 'lower', limit: { max: 300 } },
    { name: 'engine.per-step-overhead-us', value: round(median(big.map((r) => r.perStepUs)), 0), unit: 'µs', better: 'lower' },
    { name: 'engine.virtual-10min-run.wall-ms', value: round(median(virtual.map((r) => r.wallMs)), 0), unit: 'ms', better: 'lower', limit: { max: 500 } },
    { name: 'engine.virtual-10min-run.simulated-s', value: round(median(virtual.map((r) => r.simulatedMs)) / 1000, 0), unit: 's', better: 'higher' },
  ];
}
