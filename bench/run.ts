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

// `pnpm bench [suite…]` runs only the named suites (and then writes bench/results-<suites>.json, leaving the full
// results alone); no argument runs them all.
const only = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const unknown = only.filter((name) => !suites.some((s) => s.name === name));
if (unknown.length > 0) throw new TypeError(`unknown bench suite ${unknown.join(', ')} (known: ${suites.map((s) => s.name).join(', ')})`);
const results: BenchResult[] = [];
for (const suite of suites.filter((s) => only.length === 0 || only.includes(s.name))) {
  process.stderr.write(`bench: ${suite.name}…\n`);
  results.push(...(await suite.run()));
}
const out = join(import.meta.dirname, only.length === 0 ? 'results.json' : `results-${only.join('-')}.json`);
writeFileSync(out, JSON.stringify(results.map(({ limit: _limit, ...r }) => r), null, 2) + '\n');
console.log(formatTable(results));
console.log(`\nwrote ${out}`);
const over = results.filter((r) => r.limit && ((r.limit.max !== undefined && r.value > r.limit.max) || (r.limit.min !== undefined && r.value < r.limit.min)));
if (over.length > 0) console.log(`outside their bounds: ${over.map((r) => r.name).join(', ')}`);
