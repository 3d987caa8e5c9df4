/**
 * `pnpm bench`: every figure the issues name, taken side by side in one run on this machine. Prints a
 * table and writes `bench/results.json` (an array of { name, value, unit, better, baseline?, ratio? }).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cliBenchmarks } from './cli.js';
import { engineBenchmarks } from './engine.js';
import { type BenchResult, formatTable } from './results-format.js';
import { sandboxThroughputBenchmarks } from './sandbox-throughput.js';
import { strategyBenchmarks } from './strategies.js';
import { waiterBenchmarks } from './waiters.js';

const suites: { name: string; run: () => BenchResult[] | Promise<BenchResult[]> }[] = [
  { name: 'engine', run: () => engineBenchmarks() },
  { name: 'waiters', run: () => waiterBenchmarks() },
  { name: 'sandbox', run: () => sandboxThroughputBenchmarks() },
  { name: 'strategies', run: () => strategyBenchmarks() },
  { name: 'cli', run: () => cliBenchmarks() },
];

const results: BenchResult[] = [];
for (const suite of suites) {
  process.stderr.write(`bench: ${suite.name}…\n`);
  results.push(...(await suite.run()));
}
const out = join(import.meta.dirname, 'results.json');
writeFileSync(out, JSON.stringify(results.map(({ limit: _limit, ...r }) => r), null, 2) + '\n');
console.log(formatTable(results));
console.log(`\nwrote ${out}`);
const over = results.filter((r) => r.limit && ((r.limit.max !== undefined && r.value > r.limit.max) || (r.limit.min !== undefined && r.value < r.limit.min)));
if (over.length > 0) console.log(`outside their bounds: ${over.map((r) => r.name).join(', ')}`);
