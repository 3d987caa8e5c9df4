import { join } from 'node:path';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { FileRunStore, formatDuration, loadPlanSource, readJournalFile } from '@firedrill/core';
import { openSandboxSession, reportToMarkdown, startOperation } from '@firedrill/runbooks';

const MULTI_SITE = join(import.meta.dirname, '..', 'packages', 'runbooks', 'examples', 'multi-site.yaml');

describe('a step that AWS throttles until it gives up', () => {
  it('fails saying how long it really ran and why it stopped, not "did not finish within 60s"', { timeout: 30_000 }, async () => {
    const source = await loadPlanSource(MULTI_SITE);
    const store = new FileRunStore(join(mkdtempSync(join(tmpdir(), 'firedrill-throttled-')), 'state'));
    const session = await openSandboxSession(source, store.dir);
    // Route 53 refuses every record change: the drain's attempts (1m each, 12 of them) keep retrying it inside.
    session.sandbox.faults.throttle({ service: 'route53', command: 'ChangeResourceRecordSets', errorRate: 1 });
    const { run } = await startOperation(source, { operation: 'failover', mode: 'ungraceful' }, session, store, {});
    const report = await run.completion;
    expect(report.status).toBe('failed');
    const drain = report.steps.find((s) => s.id === 'drain-primary-weight')!;
    expect(drain).toMatchObject({ status: 'failed', attempts: 12, error: { code: 'Timeout' } });
    const ran = formatDuration(drain.seconds! * 1000);
    expect(drain.seconds).toBeGreaterThan(15 * 60);
    // The time in the message is the step's own, as the report shows it.
    expect(drain.error!.message).toMatch(new RegExp(`^step drain-primary-weight gave up after 12 attempts over ${ran} \\(retry\\.maximumAttempts: 12\\): each attempt ran into the 60s timeout, a limit on one attempt, not on the step; last seen: Throttling from route53 ChangeResourceRecordSets in us-east-1 \\(AWS throttled \\d+ of \\d+ calls\\)$`));
    expect(reportToMarkdown(report)).toContain(`gave up after 12 attempts over ${ran}`);
    // Each attempt's own line (journal, live progress) names what AWS answered while it ran.
    const attempts = readJournalFile(store.journalPath(run.runId)).filter((e) => e.type === 'step.attempt-failed' && e.stepId === 'drain-primary-weight');
    expect(attempts).toHaveLength(11);
    for (const a of attempts) expect(a.type === 'step.attempt-failed' && a.error.message).toMatch(/^step drain-primary-weight did not finish within 60s; last seen: Throttling from route53 ChangeResourceRecordSets in us-east-1 \(AWS throttled \d+ of \d+ calls\)$/);
  });
});
