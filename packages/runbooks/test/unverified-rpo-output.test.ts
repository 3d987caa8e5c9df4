/**
 * An RPO Firedrill could not verify (a freeze marked done by hand, no heartbeats) must read as "not verified", with
 * why, in every output a person or CI looks at — never as an empty cell or a bare "missed". And every duration is
 * shown the same human way (`12h51m4s`, `3s ±1s`), never as raw float seconds.
 */
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileRunStore, type RunReport, startRun, type StepDefinition, VirtualClock } from '@firedrill/core';
import { type CliIo, reportToHtml, reportToJUnit, reportToMarkdown } from '../src/index.js';
import { summary } from '../src/operation/run-operation.js';

const examples = join(import.meta.dirname, '..', 'examples');
const PLAN = 'tracking-backup-restore'; // metadata.name of examples/backup-restore.yaml
const MINUTE = 60_000;

function bufferIo(cwd: string): CliIo & { out: () => string } {
  let out = '';
  return { stdout: { write: (t: string) => (out += t) }, stderr: { write: (t: string) => (out += t) }, env: { NO_COLOR: '1' }, cwd, out: () => out };
}

/** A failback in miniature whose freeze a person marks done: the engine reports the RPO unverified. */
async function unverifiedFailback(store: FileRunStore): Promise<RunReport> {
  const clock = new VirtualClock({ start: '2026-11-22T05:00:00Z' });
  const steps: StepDefinition[] = [
    { id: 'freeze-dr-writes', kind: 'manual', title: 'Freeze writes at the DR site', instruction: 'maintenance mode, then mark done', declaresDisaster: true },
    {
      id: 'restore-primary', kind: 'action', title: 'Restore the primary', dependsOn: ['freeze-dr-writes'], promotesData: true,
      act: async (ctx) => {
        await clock.sleep(10 * MINUTE, ctx.signal);
        return { rpoEvidence: { source: 'snapshot', snapshotCreatedAt: clock.now() - 5 * MINUTE, writesStoppedBy: 'freeze-dr-writes' } };
      },
    },
    { id: 'switch-users', kind: 'action', title: 'Point users at the primary', dependsOn: ['restore-primary'], restoresService: true, act: async () => undefined },
  ];
  const run = await startRun({
    subject: { plan: PLAN, strategy: 'backup-restore', objectives: { rtoMs: 2 * 3_600_000, rpoMs: 24 * 3_600_000 } },
    operation: 'failback', mode: 'graceful', steps, clock, store, probes: {},
  });
  run.events.subscribe((e) => {
    if (e.type === 'step.waiting' && e.stepId === 'freeze-dr-writes') void clock.sleep(MINUTE).then(() => run.markDone('freeze-dr-writes', 'sre@example.com'));
  }, { replay: true });
  return run.completion;
}

/** A measured report as older runs wrote it: float noise in the figure, a heartbeat precision. */
function measuredReport(base: RunReport, seconds: number): RunReport {
  const { verified: _v, note: _n, ...rpo } = base.rpo;
  return { ...base, runId: `${base.runId}-measured`, rpo: { ...rpo, seconds, source: 'heartbeat', precisionSeconds: 1, met: true } };
}

describe('an unverified RPO, as each output shows it', () => {
  it('the engine reports it unverified (the premise of the cases below)', async () => {
    const report = await unverifiedFailback(new FileRunStore(mkdtempSync(join(tmpdir(), 'firedrill-unverified-'))));
    expect(report.rpo).toMatchObject({ seconds: null, verified: false, met: false });
    expect(report.rpo.note).toMatch(/sre@example\.com marked it done by hand/);
  });

  it('CLI summary: "RPO not verified" and the note; a measured figure in human form, never raw seconds', async () => {
    const report = await unverifiedFailback(new FileRunStore(mkdtempSync(join(tmpdir(), 'firedrill-unverified-'))));
    const text = summary(report, 'report.json');
    expect(text).toContain('RPO not verified (snapshot) — objective 1d');
    expect(text).toContain(report.rpo.note!);
    const measured = summary(measuredReport(report, 46263.82424926758), 'report.json');
    expect(measured).toContain('RPO 12h51m4s ±1s (heartbeat)');
    expect(measured).not.toMatch(/46263/);
  });

  it('Markdown: the RPO row says not verified and the note follows the table', async () => {
    const report = await unverifiedFailback(new FileRunStore(mkdtempSync(join(tmpdir(), 'firedrill-unverified-'))));
    const md = reportToMarkdown(report);
    expect(md).toMatch(/\| RPO \| not verified \| snapshot \| 1d \| ❌ not verified \|/);
    expect(md).toContain(`> **RPO not verified: ${report.rpo.note}**`);
    expect(reportToMarkdown(measuredReport(report, 3))).toMatch(/\| RPO \| 3s ±1s \| heartbeat \|/);
  });

  it('JUnit: the RPO test case fails with the note as its message', async () => {
    const report = await unverifiedFailback(new FileRunStore(mkdtempSync(join(tmpdir(), 'firedrill-unverified-'))));
    const xml = reportToJUnit(report);
    const rpoCase = /<testcase name="objective\.rpo"[\s\S]*?<\/testcase>/.exec(xml)?.[0];
    expect(rpoCase).toBeDefined();
    expect(rpoCase).toContain('<failure message="RPO not verified: the snapshot holds every write only if step freeze-dr-writes');
    expect(rpoCase).toContain('sre@example.com marked it done by hand');
    expect(rpoCase).toContain('RPO not verified (snapshot) against objective 1d');
    // A missed figure reads in human form (the time attribute stays machine seconds, as JUnit wants).
    const missed = measuredReport(report, 46263.82424926758);
    const measured = reportToJUnit({ ...missed, rpo: { ...missed.rpo, objectiveSeconds: 3600, met: false } });
    expect(measured).toContain('<failure message="RPO 12h51m4s ±1s (heartbeat) against objective 1h: missed"');
  });

  it('HTML: the RPO card, the timeline marker and the legend say not verified; the trend keeps its line across the gap', async () => {
    const store = new FileRunStore(mkdtempSync(join(tmpdir(), 'firedrill-unverified-')));
    const report = await unverifiedFailback(store);
    const before = measuredReport(report, 120);
    const after = { ...measuredReport(report, 60), runId: `${report.runId}-later` };
    const html = reportToHtml(report, [before, report, after]);
    expect(html).toMatch(/<div class="value">not verified<\/div>/);
    expect(html).toContain('<span class="verdict missed">not verified</span>');
    expect(html).toContain('RPO not verified: the snapshot holds every write only if step freeze-dr-writes');
    expect(html).toContain('data-rpo="not-verified"');
    expect(html).toContain('RPO window (none drawn: RPO not verified)');
    // The trend: both measured RPOs joined by one line (no NaN), the unverified run marked on the axis.
    const line = /<polyline class="series rpo" data-series="rpo" points="([^"]*)"/.exec(html)?.[1];
    expect(line?.split(' ')).toHaveLength(2);
    expect(line).not.toContain('NaN');
    expect(html).toContain('data-unverified="rpo"');
    expect(html).toContain('— RPO (? not verified)');
  });

  it('history: the run reads "not verified" with the note; --json keeps verified: false and the note', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'firedrill-unverified-'));
    copyFileSync(join(examples, 'backup-restore.yaml'), join(dir, 'plan.yaml'));
    const report = await unverifiedFailback(new FileRunStore(join(dir, '.firedrill')));
    const io = bufferIo(dir);
    const { runCli } = await import('../src/index.js');
    expect(await runCli(['history', 'plan.yaml'], io)).toBe(0);
    expect(io.out()).toMatch(new RegExp(`${report.runId}.*RPO not verified ✗`));
    expect(io.out()).toContain(`RPO not verified: ${report.rpo.note}`);
    const json = bufferIo(dir);
    expect(await runCli(['history', 'plan.yaml', '--json'], json)).toBe(0);
    const runs = JSON.parse(json.out()) as { rpo: RunReport['rpo'] }[];
    expect(runs[0]!.rpo).toMatchObject({ seconds: null, verified: false, note: report.rpo.note });
  });
});
