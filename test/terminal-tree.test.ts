import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openPseudoTerminal, type PseudoTerminalOptions } from './support/pseudo-terminal.js';

const root = join(import.meta.dirname, '..');
const cli = join(root, 'packages/runbooks/src/cli/cli.ts');
const plan = join(root, 'packages/runbooks/examples/warm-standby.yaml');
const tsx = import.meta.resolve('tsx');

const HIDE_CURSOR = '\u001b[?25l';
const SHOW_CURSOR = '\u001b[?25h';
const CURSOR_UP = /\r\u001b\[(\d+)A/g;
const CLEAR_LINE = '\u001b[2K';
const COLOR = /\u001b\[[0-9;]*m/;
const strip = (text: string): string => text.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '').replace(/\r/g, '');

/** `firedrill drill <plan> --live --target sandbox` on a real terminal, in a fresh state directory. */
function liveDrill(env: PseudoTerminalOptions['env'] = {}, size: { rows?: number; cols?: number } = {}) {
  const stateDir = mkdtempSync(join(tmpdir(), 'firedrill-tree-'));
  return openPseudoTerminal([process.execPath, '--import', tsx, '--conditions', 'firedrill-source', cli, 'drill', plan, '--live', '--target', 'sandbox', '--state-dir', stateDir], {
    cwd: root,
    rows: size.rows ?? 60,
    cols: size.cols ?? 100,
    env: { NODE_OPTIONS: '', CI: undefined, NO_COLOR: undefined, TERM: 'xterm-256color', ...env },
  });
}

/** The frames drawn in place: the text between one cursor move up to the frame's top and the next. */
function frames(output: string): string[] {
  const start = output.indexOf(HIDE_CURSOR);
  return output.slice(start).split(CURSOR_UP).filter((_, i) => i % 2 === 0).map(strip);
}

describe('the live step tree on a terminal', () => {
  it('draws the tree in place during a live drill, marks the step holding the RTO, then prints the final tree once', { timeout: 60_000 }, async () => {
    const term = liveDrill();
    const code = await term.exit;
    const out = term.output;
    expect(code, strip(out)).toBe(0);
    // Drawn in place: the cursor hidden, frames redrawn with cursor-up and clear-line, the cursor shown again.
    expect(out).toContain(HIDE_CURSOR);
    expect([...out.matchAll(CURSOR_UP)].length).toBeGreaterThan(2);
    expect(out).toContain(CLEAR_LINE);
    expect(out.lastIndexOf(SHOW_CURSOR)).toBeGreaterThan(out.lastIndexOf(HIDE_CURSOR));
    expect(out).toMatch(COLOR);
    // No timestamped progress lines on a terminal.
    expect(strip(out)).not.toMatch(/^\d\d:\d\d:\d\dZ {2}▶/m);
    const drawn = frames(out);
    // Some frame, while service was not yet restored, showed a running step holding the RTO and the RTO clock.
    const holding = drawn.find((f) => /[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] .*⏱ holding RTO/.test(f));
    expect(holding, drawn.join('\n=====\n')).toBeDefined();
    expect(holding).toMatch(/RTO \d[\dms.]*… objective 15m/);
    expect(holding).toMatch(/tracking-app · live drill · ungraceful · sandbox · \d\d:\d\d:\d\dZ simulated · running/);
    // The final tree: every step finished, the critical path marked, the summary after it.
    const final = drawn.at(-1)!;
    const tree = final.slice(0, final.indexOf('drill (live drill) of tracking-app: SUCCEEDED'));
    expect(tree).toMatch(/tracking-app · live drill · ungraceful · sandbox · \d\d:\d\d:\d\dZ simulated · SUCCEEDED/);
    expect(tree).toMatch(/RTO 5m42s ✔ met, objective 15m · RPO 3s ✔ met, objective 1m/);
    expect(tree).toMatch(/── failover · service restored after 5m42s · RPO 3s ─+\n/);
    expect(tree).toMatch(/── failback · service restored after \d[^\n]* · RPO \d/);
    const rows = tree.split('\n').filter((l) => /^ +[·⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏?✔✖↷↶▶] /.test(l));
    // 39 steps: the failover, the failback, and the drill's record of the recovery fleet's size and its wait until
    // the fleet serves again at that size.
    expect(rows).toHaveLength(39);
    expect(rows.filter((r) => /^ +✔ /.test(r)).length).toBe(37);
    expect(rows.filter((r) => /^ +↷ .*skipped/.test(r)).length).toBe(2);
    expect(rows.find((r) => r.includes('Wait until tracking-db-replica in us-west-2 (recovery) is a'))).toMatch(/⏱ critical path +5m12s$/);
    expect(tree).not.toContain('holding RTO');
    expect(strip(out.slice(out.lastIndexOf(SHOW_CURSOR)))).toMatch(/drill \(live drill\) of tracking-app: SUCCEEDED\n {2}RTO 5m42s \(health-probe\) — objective 15m: met/);
    // The final tree is printed once, after the last redraw.
    expect(strip(out.slice(out.lastIndexOf(SHOW_CURSOR)))).not.toContain('── failover');
  });

  it('still draws the tree with NO_COLOR, without colour codes', { timeout: 60_000 }, async () => {
    const term = liveDrill({ NO_COLOR: '1' }, { rows: 20, cols: 80 });
    expect(await term.exit, strip(term.output)).toBe(0);
    expect(term.output).not.toMatch(COLOR);
    expect(term.output).toContain(CLEAR_LINE);
    expect([...term.output.matchAll(CURSOR_UP)].length).toBeGreaterThan(2);
    // A 20-row terminal: the live frames fold finished steps and never outgrow it.
    const drawn = frames(term.output).slice(1, -1);
    expect(drawn.some((f) => /✔ \d+ steps? done/.test(f))).toBe(true);
    for (const f of drawn) expect(f.split('\n').filter(Boolean).length).toBeLessThanOrEqual(19);
    for (const line of strip(term.output).split('\n')) if (/^ +[·✔↷⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] /.test(line)) expect([...line].length).toBeLessThanOrEqual(79);
    expect(term.output.lastIndexOf(SHOW_CURSOR)).toBeGreaterThan(term.output.lastIndexOf(HIDE_CURSOR));
  });

  it('prints the plain timestamped lines in CI, even on a terminal', { timeout: 60_000 }, async () => {
    const term = liveDrill({ CI: 'true' });
    expect(await term.exit, strip(term.output)).toBe(0);
    expect(term.output).not.toContain(HIDE_CURSOR);
    expect(term.output).not.toMatch(CURSOR_UP);
    expect(strip(term.output)).toMatch(/^00:00:10Z {2}⚠ disaster declared: the RTO clock starts$/m);
  });

  it('shows the cursor again and keeps the run resumable on Ctrl-C', { timeout: 60_000 }, async () => {
    const term = liveDrill();
    await term.waitFor(HIDE_CURSOR, 30_000);
    await term.waitFor(CURSOR_UP, 30_000);
    term.write('\u0003');
    await term.waitFor(/interrupted: run (tracking-app-\S+) is kept/, 30_000);
    const out = term.output;
    expect(out.lastIndexOf(SHOW_CURSOR)).toBeGreaterThan(out.lastIndexOf(HIDE_CURSOR));
    expect(await term.exit).toBe(130);
  });
});
