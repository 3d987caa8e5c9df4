/** One figure `pnpm bench` reports. `baseline` and `ratio` are set where a figure is compared side by side. */
export interface BenchResult {
  name: string;
  value: number;
  unit: string;
  better: 'lower' | 'higher';
  baseline?: number;
  ratio?: number;
  /** The bound the issue sets, for the table's verdict column. */
  limit?: { max?: number; min?: number };
}

/** The table people read. */
export function formatTable(results: readonly BenchResult[]): string {
  const rows = results.map((r) => {
    const verdict = r.limit ? ((r.limit.max === undefined || r.value <= r.limit.max) && (r.limit.min === undefined || r.value >= r.limit.min) ? 'ok' : 'OVER') : '';
    const bound = r.limit ? (r.limit.max !== undefined ? `≤ ${r.limit.max}` : `≥ ${r.limit.min}`) : '';
    return [r.name, String(r.value), r.unit, r.baseline === undefined ? '' : String(r.baseline), r.ratio === undefined ? '' : String(r.ratio), bound, verdict];
  });
  const header = ['name', 'value', 'unit', 'baseline', 'ratio', 'bound', ''];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]): string => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}
