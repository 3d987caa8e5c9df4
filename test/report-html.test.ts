import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatDuration, type RunReport } from '@firedrill/core';
import { runCli } from '@firedrill/runbooks';
import { bufferIo } from './support/buffer-io.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CHROMIUM = '/usr/bin/chromium';
// This machine's network is closed: without these flags Chromium waits on network calls.
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

describe('the HTML report in headless Chromium', () => {
  let browser: Browser | undefined;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      try {
        execFileSync('bash', [join(root, 'test/browser/install-chromium.sh')], { stdio: ['ignore', 'pipe', 'pipe'], timeout: 280_000 });
      } catch (error) {
        const e = error as { stderr?: Buffer; message: string };
        throw new Error(`Chromium is needed for this test and could not be installed by test/browser/install-chromium.sh: ${e.stderr?.toString().trim() || e.message}`);
      }
    }
    if (!existsSync(CHROMIUM)) throw new Error(`Chromium is needed for this test: ${CHROMIUM} is missing after test/browser/install-chromium.sh`);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, timeout: 60_000 });
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
  });

  it('draws the timeline of a real drill: one bar per step, the disaster, the restoration, the RTO and the critical path', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'firedrill-report-html-'));
    const io = bufferIo(dir);
    expect(await runCli(['demo', '--state-dir', dir], io), io.err()).toBe(0);
    const shown = /HTML report: (.+)/.exec(io.out())?.[1];
    expect(shown, io.out()).toBeDefined();
    const html = resolve(process.cwd(), shown!);
    const report = JSON.parse(readFileSync(join(dirname(html), 'report.json'), 'utf8')) as RunReport;
    expect(report.rto.seconds).not.toBeNull();

    const page = await browser!.newPage({ viewport: { width: 1040, height: 900 } });
    try {
      await page.goto(pathToFileURL(html).href);
      await expect(page.title()).resolves.toContain(report.plan);
      const timeline = page.locator('svg.timeline');
      expect(await timeline.count()).toBe(1);
      expect(await timeline.isVisible()).toBe(true);

      const bars = timeline.locator('rect[data-step]');
      expect(await bars.count()).toBe(report.steps.length);
      expect((await bars.evaluateAll((els) => els.map((e) => e.getAttribute('data-step')))).sort()).toEqual(report.steps.map((s) => s.id).sort());
      // Bars that ran have a width on screen.
      const ran = report.steps.filter((s) => s.startedAt !== null);
      for (const s of ran.slice(0, 5)) expect((await timeline.locator(`rect[data-step="${s.id}"]`).boundingBox())?.width).toBeGreaterThan(0);

      expect(await timeline.locator('[data-marker="disaster"]').count()).toBe(1);
      expect(await timeline.locator('[data-marker="restored"]').count()).toBe(1);
      const disasterX = Number(await timeline.locator('[data-marker="disaster"]').getAttribute('x1'));
      const restoredX = Number(await timeline.locator('[data-marker="restored"]').getAttribute('x1'));
      expect(restoredX).toBeGreaterThan(disasterX);

      const rto = timeline.locator('.rto-label');
      expect(Number(await rto.getAttribute('data-rto'))).toBe(report.rto.seconds);
      expect(await rto.textContent()).toBe(`RTO ${formatDuration(report.rto.seconds! * 1000)}`);

      expect(report.criticalPath.length).toBeGreaterThan(0);
      for (const { stepId } of report.criticalPath) {
        expect(await timeline.locator(`rect[data-step="${stepId}"]`).getAttribute('class')).toMatch(/\bcritical\b/);
      }
      const onPath = new Set(report.criticalPath.map((e) => e.stepId));
      expect(await timeline.locator('rect[data-step].critical').count()).toBe(onPath.size);

      if (report.rpo.seconds !== null) expect(await timeline.locator('[data-rpo]').count()).toBe(1);
      if (report.phases) expect(await timeline.locator('[data-phase]').count()).toBe(report.phases.length);
      expect(await page.locator('table tr').count()).toBeGreaterThan(report.steps.length);

      mkdirSync(join(root, 'docs'), { recursive: true });
      // The header, the objectives and the timeline: the picture the README points at.
      const box = (await timeline.boundingBox())!;
      // docs/report-timeline.png is refreshed on request (UPDATE_SCREENSHOT=1): run ids differ on every run.
      const shot = process.env['UPDATE_SCREENSHOT'] ? join(root, 'docs/report-timeline.png') : join(tmpdir(), `firedrill-report-timeline-${process.pid}.png`);
      await page.screenshot({ path: shot, fullPage: true, clip: { x: 0, y: 0, width: 1040, height: Math.ceil(box.y + box.height + 16) } });
    } finally {
      await page.close();
    }
  }, 120_000);

  it('charts RTO and RPO across the runs of the plan, with the objectives dashed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'firedrill-report-html-trend-'));
    for (const seed of ['1', '2']) {
      const io = bufferIo(dir);
      expect(await runCli(['demo', '--state-dir', dir, '--seed', seed], io), io.err()).toBe(0);
    }
    const runs = readdirSync(join(dir, 'runs')).sort();
    expect(runs.length).toBeGreaterThanOrEqual(2);
    const io = bufferIo(dir);
    expect(await runCli(['report', runs.at(-1)!, '--state-dir', dir, '--format', 'html', '--out', 'trend.html'], io), io.err()).toBe(0);
    expect(io.out().trim()).toBe('trend.html');
    const page = await browser!.newPage();
    try {
      await page.goto(pathToFileURL(join(dir, 'trend.html')).href);
      const trend = page.locator('svg.trend');
      expect(await trend.count()).toBe(1);
      expect(await trend.locator('polyline[data-series="rto"]').count()).toBe(1);
      expect(await trend.locator('polyline[data-series="rpo"]').count()).toBe(1);
      expect((await trend.locator('polyline[data-series="rto"]').getAttribute('points'))!.split(' ').length).toBeGreaterThanOrEqual(2);
      expect(await trend.locator('[data-objective]').count()).toBeGreaterThanOrEqual(1);
      expect(await trend.locator('[data-objective]').first().evaluate((e) => e.ownerDocument.defaultView!.getComputedStyle(e).strokeDasharray)).not.toBe('none');
    } finally {
      await page.close();
    }
  }, 120_000);
});
