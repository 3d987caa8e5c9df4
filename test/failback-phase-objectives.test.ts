/**
 * A live drill's failback phase is judged against the plan's objectives on its own: users wait through a failback's
 * cutover too. A drill whose failover met the RTO objective and whose failback did not is a missed drill in every
 * output a person or CI reads — exit code, summary, JUnit, Markdown, history — never "met".
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '@firedrill/runbooks';
import { bufferIo } from './support/buffer-io.js';

const examples = join(import.meta.dirname, '..', 'packages', 'runbooks', 'examples');

interface Objective { seconds: number | null; objectiveSeconds: number | null; met: boolean | null }

describe('a live drill whose failback phase misses the RTO objective', () => {
  it('exits 1 and says MISSED for the failback in the summary, JUnit, Markdown and history', { timeout: 60_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'firedrill-failback-objectives-'));
    // The warm-standby example's failover restores service in under 6 minutes; its failback's cutover takes longer.
    const plan = join(dir, 'plan.yaml');
    writeFileSync(plan, readFileSync(join(examples, 'warm-standby.yaml'), 'utf8').replace('rto: 15m', 'rto: 6m'));

    const drill = bufferIo(dir);
    expect(await runCli(['drill', plan, '--live', '--target', 'sandbox'], drill), drill.err()).toBe(1);
    const reportPath = /report: (\S+report\.json)/.exec(drill.out())![1]!;
    const report = JSON.parse(readFileSync(reportPath, 'utf8')) as { runId: string; status: string; rto: Objective; phases: { name: string; rto: Objective; rpo: Objective }[] };
    const failback = report.phases.find((p) => p.name === 'failback')!;
    // The premise, from the report itself: the run succeeded, its failover met 6 minutes, its failback did not.
    expect(report.status).toBe('succeeded');
    expect(report.rto).toMatchObject({ objectiveSeconds: 360, met: true });
    expect(failback.rto.seconds).toBeGreaterThan(360);
    expect(failback.rto.met).toBe(false);
    expect(failback.rpo.met).toBe(true);
    // The summary judges each phase's RTO on its own.
    expect(drill.out()).toMatch(/phase failover: RTO \d+m\d+s: met · RPO/);
    expect(drill.out()).toMatch(/phase failback: RTO \d+m\d+s: MISSED · RPO [^:]+: met/);

    const markdown = bufferIo(dir);
    expect(await runCli(['report', report.runId, '--format', 'md'], markdown)).toBe(0);
    expect(markdown.out()).toMatch(/\| failback \| [^|]+ \| [^|]+ \| \d+m\d+s \| ❌ missed \| [^|]+ \| ✅ met \|/);

    const junit = bufferIo(dir);
    expect(await runCli(['report', report.runId, '--format', 'junit'], junit)).toBe(0);
    expect(junit.out()).toMatch(/<testcase name="objective\.failback\.rto"[^>]*>\s*<failure message="failback phase RTO \d+m\d+s \(health-probe\) against objective 6m: missed"/);
    expect(junit.out()).toMatch(/<testcase name="objective\.failback\.rpo"[^>]*\/>/);
    expect(junit.out()).toMatch(/<testsuite [^>]*failures="1"/);

    const history = bufferIo(dir);
    expect(await runCli(['history', plan], history)).toBe(0);
    expect(history.out()).toMatch(/drill\/live\s+succeeded\s+RTO \d+m\d+s ✓.*\n\s+failback: RTO \d+m\d+s ✗\s+RPO \S+ ✓/);
  });
});
