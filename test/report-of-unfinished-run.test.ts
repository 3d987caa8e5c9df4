/**
 * A report read while its run has not ended — a drill still running, or one interrupted and waiting for its resume —
 * does not judge the objectives: a CI job collecting reports must not record such a drill as having missed them.
 */
import { describe, expect, it } from 'vitest';
import { reportFromState, startRun, type StepDefinition, VirtualClock } from '@firedrill/core';
import { reportToJUnit } from '@firedrill/runbooks';
import { reportToMarkdown } from '../packages/runbooks/src/render/report-markdown.js';

const steps: StepDefinition[] = [
  { id: 'declare-disaster', kind: 'action', title: 'declare', declaresDisaster: true, act: async () => ({ changed: false }) },
  // A person's step: the run waits here until someone marks it done.
  { id: 'confirm-users-moved', kind: 'manual', title: 'Confirm users moved', instructions: 'Check the dashboard.', dependsOn: ['declare-disaster'] },
] as StepDefinition[];

describe('the report of a run that has not ended', () => {
  it('leaves RTO and RPO unjudged in JSON, JUnit and Markdown, saying why; once it ends they are judged', async () => {
    const clock = new VirtualClock();
    const run = await startRun({ subject: { plan: 'unfinished', objectives: { rtoMs: 60_000, rpoMs: 30_000 } }, operation: 'failover', steps, clock, store: false });
    await clock.sleep(5 * 60_000);
    const midway = reportFromState(run.state());
    expect(midway.status).toBe('running');
    for (const o of [midway.rto, midway.rpo]) {
      expect(o.met).toBeNull();
      expect(o.note).toContain(`has not ended (still running, or interrupted: \`firedrill resume ${midway.runId}\``);
    }
    const junit = reportToJUnit(midway);
    expect(junit).not.toMatch(/<failure/);
    expect(junit).toMatch(/<testcase name="objective\.rto"[^>]*>\s*<skipped message="not judged: run unfinished-\S+ has not ended/);
    expect(reportToMarkdown(midway)).not.toContain('missed');

    await run.abort('test over');
    const ended = await run.completion;
    expect(ended.status).toBe('aborted');
    // Ended: the RTO has no measured end, so it is missed — and only now said so.
    expect(ended.rto.met).toBe(false);
  });
});
