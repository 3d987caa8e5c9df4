import { FileRunStore, readJournalFile } from '@firedrill/core';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openPseudoTerminal, type PseudoTerminal } from './support/pseudo-terminal.js';

const root = join(import.meta.dirname, '..');
const cli = join(root, 'packages/runbooks/src/cli/cli.ts');
const plan = join(root, 'packages/runbooks/examples/warm-standby.yaml');
const tsx = import.meta.resolve('tsx');
const strip = (text: string): string => text.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '').replace(/\r/g, '');

/** `firedrill <args>` on a real terminal. */
function firedrill(args: string[]): PseudoTerminal {
  return openPseudoTerminal([process.execPath, '--import', tsx, '--conditions', 'firedrill-source', cli, ...args], {
    cwd: root,
    rows: 50,
    cols: 120,
    env: { NODE_OPTIONS: '', CI: undefined, NO_COLOR: '1', TERM: 'xterm-256color', FIREDRILL_OPERATOR: undefined },
  });
}

/** Answers "run" to every card until the run's summary appears; returns the summary's status word. */
async function runEverything(term: PseudoTerminal): Promise<string> {
  for (;;) {
    const match = await term.waitFor(/── (?:ready|approval needed) · (\S+)|failover of tracking-app: ([A-Z-]+)/, 30_000);
    if (match[2]) return match[2];
    await term.waitFor('> ');
    term.write('r\r');
  }
}

describe('firedrill runbook on a real terminal', () => {
  it('an SRE steps through a graceful failover, quits, and two resumes later another SRE finishes it', { timeout: 120_000 }, async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'firedrill-runbook-tty-'));
    const first = firedrill(['runbook', plan, '--operation', 'failover', '--mode', 'graceful', '--target', 'sandbox', '--state-dir', stateDir, '--as', 'ana']);
    const header = await first.waitFor(/operator ana; run (\S+)/);
    const runId = header[1]!;

    // The first card: the step, why, and the keys.
    await first.waitFor(/── ready · declare-disaster \(action\)/);
    await first.waitFor('why: RTO and RPO are measured from this moment.');
    await first.waitFor('[r] run  [s] skip  [d] done by hand  [p] pause  [a] abort  [q] quit (resume later)');
    await first.waitFor('> ');
    first.write('?\r');
    await first.waitFor('mark done by hand (I did it myself)');
    first.write('x\r');
    await first.waitFor('"x" is not an answer here');
    first.write('r\r');
    // The fence shows the exact call it will make before it makes it.
    await first.waitFor(/── ready · fence-primary-writers/);
    await first.waitFor('calls: rds us-east-1 ModifyDBParameterGroup');
    await first.waitFor('> ');
    first.write('r\r');
    for (const step of ['scale-recovery-compute', 'wait-recovery-compute-in-service', 'wait-replica-caught-up']) {
      await first.waitFor(`── ready · ${step}`);
      await first.waitFor('> ');
      first.write('r\r');
    }
    await first.waitFor('── ready · promote-replica');
    await first.waitFor('> ');
    first.write('q\r');
    await first.waitFor(`continue with \`firedrill resume ${runId}\``);
    expect(await first.exit).toBe(130);

    // Ben resumes: still a runbook, at the step Ana left; he presses Ctrl-C at the next question.
    const second = firedrill(['resume', runId, '--state-dir', stateDir, '--as', 'ben']);
    await second.waitFor(`resuming runbook ${runId}`);
    await second.waitFor('── ready · promote-replica');
    await second.waitFor('> ');
    second.write('r\r');
    await second.waitFor('── ready · wait-replica-promoted');
    await second.waitFor('> ');
    second.write('\u0003');
    await second.waitFor(`continue with \`firedrill resume ${runId}\``);
    expect(await second.exit).toBe(130);

    // Cai finishes the failover.
    const third = firedrill(['resume', runId, '--state-dir', stateDir, '--as', 'cai']);
    await third.waitFor(`resuming runbook ${runId}`);
    expect(await runEverything(third)).toBe('SUCCEEDED');
    expect(await third.exit).toBe(0);
    const screen = strip(third.output);
    expect(screen).toMatch(/RTO \S+ \(health-probe\) — objective 15m: met/);
    expect(screen).toMatch(/RPO 0s/);

    // The journal says who did what, when, across the three sessions.
    const store = new FileRunStore(stateDir);
    const journal = readJournalFile(store.journalPath(runId));
    const actions = journal.flatMap((e) => (e.type === 'operator.action' ? [`${e.by} ${e.action}${e.stepId ? ` ${e.stepId}` : ''}`] : []));
    expect(actions.slice(0, 6)).toEqual([
      'ana run declare-disaster',
      'ana run fence-primary-writers',
      'ana run scale-recovery-compute',
      'ana run wait-recovery-compute-in-service',
      'ana run wait-replica-caught-up',
      'ana leave',
    ]);
    expect(actions).toContain('ben run promote-replica');
    expect(actions.filter((a) => a === 'ben leave')).toHaveLength(1);
    expect(actions).toContain('cai run wait-replica-promoted');
    expect(journal.filter((e) => e.type === 'run.resumed')).toHaveLength(2);
    const report = JSON.parse(readFileSync(store.reportPath(runId), 'utf8')) as { status: string; operatorActions: { by: string }[] };
    expect(report.status).toBe('succeeded');
    expect(new Set(report.operatorActions.map((a) => a.by))).toEqual(new Set(['ana', 'ben', 'cai']));
    // No step ran twice: each action step started once, except one cut off by a quit and re-checked.
    const starts = journal.filter((e) => e.type === 'step.started' && !e.recheck).map((e) => (e as { stepId: string }).stepId);
    expect(new Set(starts).size).toBe(starts.length);
  });
});
