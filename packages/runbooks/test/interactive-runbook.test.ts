import { describeAutoScalingGroup, describeDbInstance, scaleAutoScalingGroup } from '@firedrill/strategies';
import { FileRunStore, loadPlanSource, readJournalFile } from '@firedrill/core';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { driveRunbook, openSandboxSession, reportToMarkdown, ScriptedOperator, startOperation } from '../src/index.js';

const EXAMPLE = join(import.meta.dirname, '..', 'examples', 'warm-standby.yaml');

/** The warm-standby example plan, with extra top-level fields, in a fresh state directory. */
function planFile(extra: Record<string, unknown> = {}): { dir: string; file: string } {
  const dir = mkdtempSync(join(tmpdir(), 'firedrill-runbook-'));
  const plan = { ...(parse(readFileSync(EXAMPLE, 'utf8')) as Record<string, unknown>), ...extra };
  const file = join(dir, 'tracking-app.yaml');
  writeFileSync(file, stringify(plan));
  return { dir, file };
}

async function open(extra: Record<string, unknown> = {}) {
  const { dir, file } = planFile(extra);
  const source = await loadPlanSource(file);
  const store = new FileRunStore(join(dir, 'state'));
  const session = await openSandboxSession(source, store.dir);
  return { source, store, session, sandbox: session.sandbox };
}

describe('interactive runbook (scripted operator)', () => {
  it('steps through a graceful failover: each step shown with its calls, one done by hand, an approval by name, all journaled', { timeout: 20_000 }, async () => {
    const { source, store, session, sandbox } = await open({ approvals: [{ before: 'promote-replica', approvers: ['lee'], description: 'Is the replica caught up?' }] });
    const { run, steps } = await startOperation(source, { operation: 'failover', mode: 'graceful' }, session, store, { stepThrough: true });
    const recovery = session.aws.clients('recovery');
    // Approvals: the wrong person is refused and asked again; then the approver.
    const script = new ScriptedOperator('ana', [
      async (prompt) => {
        if (prompt.kind === 'approval') return undefined;
        if (prompt.kind === 'ready' && prompt.step?.id === 'scale-recovery-compute') {
          // The SRE scales the fleet from the console, then says so; the wait that follows checks it happened.
          await scaleAutoScalingGroup({ autoScaling: recovery.autoScaling, name: 'tracking-asg-us-west-2', min: 4, desired: 4, max: 8 });
          return { choice: 'done', note: 'scaled from the console' };
        }
        if (prompt.kind === 'ready') return { choice: 'run' };
        throw new Error(`unexpected prompt ${prompt.kind}`);
      },
      { expect: { kind: 'approval' }, choice: 'approve', by: 'sam' },
      { expect: { kind: 'approval' }, choice: 'approve', by: 'lee' },
      (prompt) => (prompt.kind === 'ready' ? { choice: 'run' } : undefined),
    ]);
    const outcome = await driveRunbook({ run, operator: script, steps, clock: session.clock });
    expect(outcome).toBe('completed');
    const report = await run.completion;
    expect(report.status, JSON.stringify(report.error)).toBe('succeeded');
    expect(report.rpo.seconds).toBe(0);

    // What the operator saw: every ready step, with why and its exact AWS calls.
    const promote = script.prompts.find((p) => p.kind === 'ready' && p.step?.id === 'promote-replica')!;
    expect(promote.step!.why).toBeTruthy();
    expect(promote.step!.calls.map((c) => `${c.service} ${c.region} ${c.command}`)).toContain('rds us-west-2 PromoteReadReplica');
    const approval = script.prompts.find((p) => p.kind === 'approval')!;
    expect(approval.step!.approvers).toEqual(['lee']);
    expect(script.shown.some((line) => /refused: sam may not approve/.test(line))).toBe(true);

    // Who did what, when: in the journal and the report.
    const actions = report.operatorActions.map((a) => `${a.by} ${a.action} ${a.stepId ?? ''}${a.note ? ` (${a.note})` : ''}`.trim());
    expect(actions).toContain('ana mark-done scale-recovery-compute (scaled from the console)');
    expect(actions.filter((a) => a.startsWith('lee approve'))).toHaveLength(1);
    expect(actions.some((a) => a.startsWith('sam'))).toBe(false);
    // Every other step (the approval gate included) was started by the operator's "run".
    expect(actions.filter((a) => a.startsWith('ana run')).length).toBe(report.steps.filter((s) => s.status === 'succeeded' && s.id !== 'scale-recovery-compute').length);
    expect(report.approvals).toEqual([expect.objectContaining({ by: 'lee' })]);
    const journal = readJournalFile(store.journalPath(run.runId));
    expect(journal.filter((e) => e.type === 'step.ready').length).toBeGreaterThanOrEqual(steps.length - 1);
    for (const a of report.operatorActions) expect(Number.isNaN(Date.parse(a.at))).toBe(false);
    // The Markdown report carries the same record for the post-incident review.
    expect(reportToMarkdown(report)).toMatch(/## Operator actions[\s\S]*\| ana \| mark-done \| `scale-recovery-compute` \| scaled from the console \|/);

    // The final AWS state, read through the SDK: the replica is the writer, the fleet at production size, DNS in us-west-2.
    const db = (await describeDbInstance({ rds: recovery.rds, identifier: 'tracking-db-replica' }))!;
    expect(db.readReplicaSource).toBeUndefined();
    expect(db.status).toBe('available');
    const group = (await describeAutoScalingGroup({ autoScaling: recovery.autoScaling, name: 'tracking-asg-us-west-2' }))!;
    expect([group.min, group.desired, group.max, group.inService]).toEqual([4, 4, 8, 4]);
    expect(sandbox.truth.dnsTarget('app.tracking.example.com.').regions).toEqual(['us-west-2']);
    expect(sandbox.truth.splitBrainDetected).toBe(false);
  });

  it('offers the switch to ungraceful when the primary stops answering mid-failover; the run completes', { timeout: 20_000 }, async () => {
    const { source, store, session, sandbox } = await open();
    sandbox.faults.replicationLag('tracking', 20_000);
    const { run, steps } = await startOperation(source, { operation: 'failover', mode: 'graceful' }, session, store, { stepThrough: true });
    run.events.on('step.succeeded', (e) => {
      if (e.stepId === 'fence-primary-writers') sandbox.faults.regionOutage('us-east-1');
    });
    const operator = new ScriptedOperator('ana', [
      (prompt) => {
        if (prompt.kind === 'ready') return { choice: 'run' };
        if (prompt.kind === 'primary-unreachable') return { choice: 'ungraceful', note: 'us-east-1 is gone' };
        throw new Error(`unexpected prompt ${prompt.kind} for ${prompt.step?.id}: ${prompt.step?.error?.message}`);
      },
    ]);
    expect(await driveRunbook({ run, operator, steps, clock: session.clock })).toBe('completed');
    const report = await run.completion;
    expect(report.status, JSON.stringify(report.error)).toBe('succeeded');
    expect(report.mode).toBe('ungraceful');
    const offered = operator.prompts.find((p) => p.kind === 'primary-unreachable')!;
    expect(offered.reason).toMatch(/replication stopped|no answer/);
    expect(offered.choices).toEqual(['ungraceful', 'wait', 'abort', 'quit']);
    expect(report.operatorActions).toContainEqual(expect.objectContaining({ action: 'switch-mode', by: 'ana', note: 'us-east-1 is gone' }));
    expect(report.steps.find((s) => s.id === 'wait-replica-caught-up')?.status).toBe('skipped');
    expect(sandbox.truth.dnsTarget('app.tracking.example.com.').regions).toEqual(['us-west-2']);
    expect(sandbox.truth.splitBrainDetected).toBe(false);
  });

  it('a failed step holds for the operator, who retries it; quitting leaves the journal and no report', { timeout: 20_000 }, async () => {
    const { source, store, session } = await open();
    const { run, steps } = await startOperation(source, { operation: 'failover', mode: 'ungraceful' }, session, store, { stepThrough: true });
    let failedAfter = 0;
    // RDS in us-west-2 throttles every promotion: the step exhausts its retries and fails.
    const off = run.events.on('step.started', (e) => {
      if (e.stepId !== 'promote-replica') return;
      off();
      session.sandbox.faults.throttle({ service: 'rds', region: 'us-west-2', command: 'PromoteReadReplica', errorRate: 1 });
    });
    const operator = new ScriptedOperator('ana', [
      (prompt) => (prompt.kind === 'ready' && prompt.step?.id !== 'switch-dns-to-recovery' ? { choice: 'run' } : undefined),
      (prompt) => {
        if (prompt.kind !== 'failed') return undefined;
        expect(prompt.step?.id).toBe('promote-replica');
        expect(prompt.step?.error?.message).toMatch(/Throttl|rate/i);
        expect(prompt.choices).toEqual(['retry', 'skip', 'done', 'abort', 'quit']);
        failedAfter = prompt.step?.attempts ?? 0;
        // The SRE raised the limit with AWS support: the throttling is over; retry.
        session.sandbox.faults.clear();
        return { choice: 'retry' };
      },
      (prompt) => (prompt.kind === 'ready' && prompt.step?.id !== 'switch-dns-to-recovery' ? { choice: 'run' } : undefined),
      { expect: { kind: 'ready', stepId: 'switch-dns-to-recovery' }, choice: 'quit', note: 'shift change' },
    ]);
    expect(await driveRunbook({ run, operator, steps, clock: session.clock })).toBe('left');
    const journal = readJournalFile(store.journalPath(run.runId));
    expect(journal.at(-1)).toMatchObject({ type: 'operator.action', action: 'leave', by: 'ana', note: 'shift change' });
    expect(journal.some((e) => e.type === 'run.completed')).toBe(false);
    expect(existsSync(store.reportPath(run.runId))).toBe(false);
    expect(run.state().steps['switch-dns-to-recovery']?.status).toBe('pending');
    expect(run.state().steps['promote-replica']?.status).toBe('succeeded');
    expect(readJournalFile(store.journalPath(run.runId)).filter((e) => e.type === 'step.failed' && e.stepId === 'promote-replica')).toHaveLength(1);
    expect(run.state().operatorActions.map((a) => a.action)).toContain('retry');
    // The attempts before the retry still count: the step took all of them.
    expect(failedAfter).toBeGreaterThan(1);
    expect(run.state().steps['promote-replica']?.attempts).toBe(failedAfter + 1);
  });
  it('an approval gate cannot be skipped or marked done: the card does not offer it, and the run refuses it', { timeout: 20_000 }, async () => {
    const { source, store, session } = await open({ approvals: [{ before: 'promote-replica', approvers: ['lee'], description: 'Is the replica caught up?' }] });
    const { run, steps } = await startOperation(source, { operation: 'failover', mode: 'ungraceful' }, session, store, { stepThrough: true });
    const gate = steps.find((s) => s.kind === 'approval')!;
    let triedSkip = false;
    const operator = new ScriptedOperator('mallory', [
      async (prompt) => {
        if (prompt.kind === 'ready' && prompt.step?.id === gate.id) {
          expect(prompt.choices).not.toContain('skip');
          expect(prompt.choices).not.toContain('done');
          if (!triedSkip) {
            triedSkip = true;
            return { choice: 'skip', note: 'no time' };
          }
          // Through the library, the same refusal, whoever asks.
          await expect(run.skipStep(gate.id, 'mallory', 'no time')).rejects.toThrow(`step "${gate.id}" is an approval: it cannot be skipped — one of its approvers (lee) must approve it, or abort the run`);
          return { choice: 'quit' };
        }
        if (prompt.kind === 'ready') return { choice: 'run' };
        throw new Error(`unexpected prompt ${prompt.kind} for ${prompt.step?.id}`);
      },
    ]);
    expect(await driveRunbook({ run, operator, steps, clock: session.clock })).toBe('left');
    expect(operator.shown.some((line) => /"skip" is not an answer here/.test(line))).toBe(true);
    expect(triedSkip).toBe(true);
    expect(run.state().steps[gate.id]?.status).not.toBe('skipped');
    expect(run.state().steps['promote-replica']?.status).toBe('pending');
  });

  it('switching to ungraceful from a failed step\'s card asks about that step again (it runs in both modes)', { timeout: 20_000 }, async () => {
    const { source, store, session, sandbox } = await open();
    const { run, steps } = await startOperation(source, { operation: 'failover', mode: 'graceful' }, session, store, { stepThrough: true });
    sandbox.faults.throttle({ service: 'rds', region: 'us-west-2', command: 'PromoteReadReplica', errorRate: 1 });
    const failedCards: string[][] = [];
    const operator = new ScriptedOperator('ana', [
      (prompt) => {
        if (prompt.kind === 'ready') return { choice: 'run' };
        if (prompt.kind === 'failed' && prompt.step?.id === 'promote-replica') {
          failedCards.push([...prompt.choices]);
          if (prompt.choices.includes('ungraceful')) return { choice: 'ungraceful', note: 'us-east-1 is lost' };
          sandbox.faults.clear();
          return { choice: 'retry' };
        }
        throw new Error(`unexpected prompt ${prompt.kind} for ${prompt.step?.id}`);
      },
    ]);
    expect(await driveRunbook({ run, operator, steps, clock: session.clock })).toBe('completed');
    expect(failedCards).toEqual([['retry', 'skip', 'done', 'ungraceful', 'abort', 'quit'], ['retry', 'skip', 'done', 'abort', 'quit']]);
    const report = await run.completion;
    expect(report.status, JSON.stringify(report.error)).toBe('succeeded');
    expect(report.mode).toBe('ungraceful');
    expect(sandbox.truth.dnsTarget('app.tracking.example.com.').regions).toEqual(['us-west-2']);
  });

  it('Ctrl-C while steps run and no question is open leaves the run, resumable', { timeout: 20_000 }, async () => {
    const { source, store, session } = await open();
    const { run, steps } = await startOperation(source, { operation: 'failover', mode: 'ungraceful' }, session, store, { stepThrough: true });
    let ctrlC = (): void => {};
    const interrupted = new Promise<void>((resolve) => (ctrlC = resolve));
    run.events.on('step.started', (e) => void (e.stepId === 'wait-replica-promoted' && ctrlC()));
    // A person at the terminal: runs every step, and presses Ctrl-C once the promotion's wait is under way.
    class Interruptible extends ScriptedOperator {
      readonly interrupted = interrupted;
    }
    const operator = new Interruptible('ana', [(prompt) => (prompt.kind === 'ready' ? { choice: 'run' } : undefined)]);
    expect(await driveRunbook({ run, operator, steps, clock: session.clock })).toBe('left');
    const journal = readJournalFile(store.journalPath(run.runId));
    expect(journal.filter((e) => e.type === 'operator.action').at(-1)).toMatchObject({ action: 'leave', by: 'ana', note: 'interrupted (Ctrl-C) while steps ran' });
    expect(journal.some((e) => e.type === 'run.completed')).toBe(false);
  });
});
