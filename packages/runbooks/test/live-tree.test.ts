import { describe, expect, it } from 'vitest';
import { applyJournalEvent, foldJournal, type JournalEvent, type JournalEventBody, type RunStartedEvent, RunEventStream, type RunState } from '@firedrill/core';
import { LiveTree } from '../src/progress/live-tree.js';
import { progressOutput } from '../src/progress/progress-output.js';

const T0 = Date.parse('2026-01-01T00:00:00Z');
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A run driven by hand: events published on a real stream, its state folded from them. */
function handRun() {
  const started: RunStartedEvent = {
    type: 'run.started',
    runId: 'r1',
    plan: 'shop',
    strategy: 'warm-standby',
    operation: 'failover',
    mode: 'ungraceful',
    target: 'sandbox',
    clock: 'virtual',
    objectives: { rtoMs: 900_000 },
    concurrency: 4,
    rollback: 'on-failure',
    probes: {},
    steps: [
      { id: 'a', title: 'Promote the replica', kind: 'action', dependsOn: [] },
      { id: 'b', title: 'Point DNS at recovery', kind: 'action', dependsOn: ['a'], restoresService: true },
    ],
  };
  const events = new RunEventStream();
  const first = { ...started, seq: 1, at: T0 } as JournalEvent;
  let state: RunState = foldJournal([first]);
  events.publish(first);
  let seq = 1;
  return {
    run: { events, state: () => state },
    emit(at: number, body: JournalEventBody) {
      const event = { ...body, seq: ++seq, at: T0 + at * 1000 } as JournalEvent;
      state = applyJournalEvent(state, event);
      events.publish(event);
    },
  };
}

function fakeTerminal() {
  const writes: string[] = [];
  return { terminal: { columns: 80, rows: 20, write: (text: string) => writes.push(text) }, writes, text: () => writes.join('') };
}

describe('LiveTree', () => {
  it('hides the cursor, redraws in place on a timer, then prints the final tree once, shows the cursor and stops', async () => {
    const { run, emit } = handRun();
    const { terminal, writes, text } = fakeTerminal();
    let now = T0;
    const exitListeners = process.listenerCount('exit');
    const sigintListeners = process.listenerCount('SIGINT');
    const tree = new LiveTree(run, { terminal, color: false, clock: { now: () => now }, intervalMs: 10 });
    tree.start();
    expect(writes[0]).toBe('\u001b[?25l');
    expect(process.listenerCount('exit')).toBe(exitListeners + 1);
    expect(process.listenerCount('SIGINT')).toBe(sigintListeners + 1);
    emit(0, { type: 'disaster.declared', source: 'run-start' });
    emit(0, { type: 'step.started', stepId: 'a' });
    now = T0 + 42_000;
    await sleep(60);
    expect(text()).toMatch(/\r\u001b\[\d+A/);
    expect(text()).toContain('⏱ holding RTO');
    expect(text()).toMatch(/Promote the replica .* 42s/);
    emit(50, { type: 'step.succeeded', stepId: 'a', attempts: 1 });
    emit(50, { type: 'step.started', stepId: 'b' });
    emit(60, { type: 'step.succeeded', stepId: 'b', attempts: 1 });
    emit(60, { type: 'service.restored', source: 'step', stepId: 'b', restoredAt: T0 + 60_000 });
    emit(61, { type: 'run.completed', status: 'succeeded' });
    const final = writes.at(-1)!;
    expect(final).toContain('shop · failover · ungraceful · sandbox');
    expect(final).toContain('SUCCEEDED');
    expect(final).toMatch(/✔ Point DNS at recovery +⏱ critical path +10s/);
    expect(final.endsWith('\u001b[?25h')).toBe(true);
    const count = writes.length;
    await sleep(50);
    expect(writes.length).toBe(count); // the timer is stopped
    expect(process.listenerCount('exit')).toBe(exitListeners);
    expect(process.listenerCount('SIGINT')).toBe(sigintListeners);
  });

  it('prints the final tree at once when the run had already ended, and shows the cursor on process exit', () => {
    const { run, emit } = handRun();
    emit(0, { type: 'run.completed', status: 'failed', error: { name: 'Error', message: 'boom' } });
    const done = fakeTerminal();
    new LiveTree(run, { terminal: done.terminal, color: false }).start();
    expect(done.text()).toContain('FAILED');
    expect(done.text().endsWith('\u001b[?25h')).toBe(true);

    const live = handRun();
    const term = fakeTerminal();
    const tree = new LiveTree(live.run, { terminal: term.terminal, color: false, intervalMs: 10_000 });
    tree.start();
    const onExit = process.listeners('exit').at(-1) as () => void;
    onExit();
    expect(term.text().endsWith('\u001b[?25h')).toBe(true);
    tree.stop();
  });

  it('is chosen on a terminal only: not in CI, not with --json, not on TERM=dumb; NO_COLOR keeps it without colour', () => {
    const io = (isTTY: boolean, env: Record<string, string>) => ({ stdout: { write: () => true, isTTY }, stderr: { write: () => true }, env, cwd: '.' });
    expect(progressOutput(io(true, {}), false)).toEqual({ json: false, color: true, tree: true });
    expect(progressOutput(io(true, { NO_COLOR: '1' }), false)).toEqual({ json: false, color: false, tree: true });
    expect(progressOutput(io(false, {}), false)).toEqual({ json: false, color: false, tree: false });
    expect(progressOutput(io(true, { CI: 'true' }), false).tree).toBe(false);
    expect(progressOutput(io(true, { CI: 'false' }), false).tree).toBe(true);
    expect(progressOutput(io(true, { TERM: 'dumb' }), false).tree).toBe(false);
    expect(progressOutput(io(true, {}), true)).toEqual({ json: true, color: true, tree: false });
  });

  it('redraws from the top of a cleared screen when the terminal gets narrower, so no torn lines stay above the frame', () => {
    const { run, emit } = handRun();
    const writes: string[] = [];
    let onResize: (() => void) | undefined;
    const terminal = { columns: 100, rows: 20, write: (text: string) => writes.push(text), on: (_: 'resize', l: () => void) => (onResize = l), off: () => (onResize = undefined) };
    const tree = new LiveTree(run, { terminal, color: false, clock: { now: () => T0 + 5_000 }, intervalMs: 10_000 });
    tree.start();
    emit(0, { type: 'disaster.declared', source: 'run-start' });
    emit(0, { type: 'step.started', stepId: 'a' });
    terminal.columns = 120;
    const wider = writes.length;
    onResize!();
    expect(writes.slice(wider).join('')).not.toContain('\u001b[2J'); // wider: the usual redraw in place
    terminal.columns = 40;
    const narrower = writes.length;
    onResize!();
    const redraw = writes.slice(narrower).join('');
    expect(redraw.startsWith('\u001b[H\u001b[2J')).toBe(true);
    const lines = redraw.replace('\u001b[H\u001b[2J', '').split('\n').map((l) => l.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '').replace(/\r/g, ''));
    expect(lines.some((l) => l.includes('Promote'))).toBe(true);
    for (const line of lines) expect([...line].length).toBeLessThanOrEqual(39);
    tree.stop();
    expect(onResize).toBeUndefined();
  });
});
