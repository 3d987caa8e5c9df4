import { describe, expect, it } from 'vitest';
import { foldJournal, type JournalEvent, type JournalEventBody, type JournalStepInfo, type RunStartedEvent } from '@firedrill/core';
import { CRITICAL_PATH, HOLDING_RTO, renderTreeFrame, SPINNER, type TreeFrameInput } from '../src/progress/tree-frame.js';

const T0 = Date.parse('2026-01-01T00:00:00Z');
const s = (seconds: number): number => T0 + seconds * 1000;
const ANSI = /\u001b\[[0-9;]*m/g;
const plain = (lines: string[]): string[] => lines.map((l) => l.replace(ANSI, ''));
const rowOf = (lines: string[], title: string): string => {
  const row = plain(lines).find((l) => l.includes(title));
  if (!row) throw new Error(`no row for "${title}" in:\n${plain(lines).join('\n')}`);
  return row;
};

function step(id: string, title: string, dependsOn: string[] = [], extra: Partial<JournalStepInfo> = {}): JournalStepInfo {
  return { id, title, kind: 'action', dependsOn, ...extra };
}

/** A run state folded from a hand-written journal: `events` are [seconds after T0, event]. */
function runState(steps: JournalStepInfo[], events: [number, JournalEventBody][], meta: Partial<RunStartedEvent> = {}) {
  const started: RunStartedEvent = {
    type: 'run.started',
    runId: 'shop-20260101T000000Z-abcdef',
    plan: 'shop',
    strategy: 'warm-standby',
    operation: 'failover',
    mode: 'ungraceful',
    target: 'sandbox',
    clock: 'virtual',
    objectives: { rtoMs: 15 * 60_000, rpoMs: 60_000 },
    concurrency: 8,
    rollback: 'on-failure',
    probes: {},
    steps,
    ...meta,
  };
  const journal: JournalEvent[] = [{ ...started, seq: 1, at: T0 }, ...events.map(([at, body], i) => ({ ...body, seq: i + 2, at: s(at) }) as JournalEvent)];
  return foldJournal(journal);
}

// A warm standby's failover: the database and the fleet in parallel, then DNS, which restores service;
// a notification on the side that nothing waits for.
const FAILOVER = [
  step('declare', 'Declare the primary region lost', [], { declaresDisaster: true }),
  step('promote', 'Promote the replica', ['declare']),
  step('wait-promoted', 'Wait until the replica is a writer', ['promote'], { kind: 'wait' }),
  step('scale', 'Scale the standby fleet', ['declare']),
  step('wait-scaled', 'Wait until the fleet is in service', ['scale'], { kind: 'wait' }),
  step('approve', 'Approve the DNS switch', ['wait-promoted', 'wait-scaled'], { kind: 'approval' }),
  step('switch-dns', 'Point DNS at the recovery region', ['approve'], { restoresService: true }),
  step('notify', 'Tell the status page', ['declare']),
  step('retire', 'Retire the old primary', ['switch-dns']),
];

const frame = (state: ReturnType<typeof runState>, over: Partial<TreeFrameInput> = {}): string[] =>
  renderTreeFrame({ state, now: s(200), width: 100, height: 50, color: false, ...over });

describe('renderTreeFrame', () => {
  it('draws one row per step with its status symbol, title and elapsed time on the run clock', () => {
    const state = runState(FAILOVER, [
      [0, { type: 'disaster.declared', source: 'run-start' }],
      [0, { type: 'step.started', stepId: 'declare' }],
      [1, { type: 'step.succeeded', stepId: 'declare', attempts: 1 }],
      [1, { type: 'step.started', stepId: 'promote' }],
      [1, { type: 'step.started', stepId: 'scale' }],
      [1, { type: 'step.started', stepId: 'notify' }],
      [3, { type: 'step.failed', stepId: 'notify', attempts: 2, error: { name: 'Error', message: 'status page unreachable' } }],
      [2, { type: 'step.succeeded', stepId: 'promote', attempts: 1 }],
      [2, { type: 'step.started', stepId: 'wait-promoted' }],
      [2, { type: 'step.progress', stepId: 'wait-promoted', progress: 'status modifying' }],
      [5, { type: 'step.succeeded', stepId: 'scale', attempts: 3 }],
      [5, { type: 'step.skipped', stepId: 'wait-scaled', reason: 'not part of a graceful failover' }],
    ]);
    const lines = frame(state, { spinner: 1 });
    expect(lines[0]).toBe('shop · failover · ungraceful · sandbox · 00:03:20Z simulated · running');
    expect(rowOf(lines, 'Declare the primary region lost')).toMatch(/^ ✔ Declare the primary region lost +1s$/);
    expect(rowOf(lines, 'Scale the standby fleet')).toMatch(/^ ✔ Scale the standby fleet +3 attempts +4s$/);
    // A chain's next link is indented under it; parallel branches are not.
    expect(rowOf(lines, 'Promote the replica')).toMatch(/^ ✔ Promote the replica +1s$/);
    // Running: the spinner's frame, and the time since it started on the run's clock (live).
    expect(rowOf(lines, 'Wait until the replica is a writer')).toMatch(new RegExp(`^   ${SPINNER[1]} Wait until the replica is a writer .* 3m18s$`));
    expect(plain(lines)).toContain('       status modifying');
    expect(rowOf(lines, 'Wait until the fleet is in service')).toMatch(/^ {3}↷ Wait until the fleet is in service +skipped +$/);
    expect(rowOf(lines, 'Approve the DNS switch')).toMatch(/^ · Approve the DNS switch +$/);
    expect(rowOf(lines, 'Tell the status page')).toMatch(/^ ✖ Tell the status page +2 attempts +2s$/);
    expect(plain(lines)).toContain('     status page unreachable');
    // The same state a little later: only running steps' elapsed times move.
    const later = frame(state, { now: s(260), spinner: 2 });
    expect(rowOf(later, 'Wait until the replica is a writer')).toMatch(new RegExp(`${SPINNER[2]} .* 4m18s$`));
    expect(rowOf(later, 'Declare the primary region lost')).toMatch(/ 1s$/);
  });

  it('marks the step holding the RTO before service is restored, with the RTO clock running against the objective', () => {
    const state = runState(FAILOVER, [
      [0, { type: 'disaster.declared', source: 'run-start' }],
      [0, { type: 'step.started', stepId: 'declare' }],
      [1, { type: 'step.succeeded', stepId: 'declare', attempts: 1 }],
      [1, { type: 'step.started', stepId: 'notify' }], // running longest, but not on the path to service
      [2, { type: 'step.started', stepId: 'scale' }],
      [3, { type: 'step.started', stepId: 'promote' }],
      [4, { type: 'step.succeeded', stepId: 'scale', attempts: 1 }],
      [4, { type: 'step.started', stepId: 'wait-scaled' }],
      [5, { type: 'step.succeeded', stepId: 'promote', attempts: 1 }],
      [5, { type: 'step.started', stepId: 'wait-promoted' }],
    ]);
    const lines = frame(state, { now: s(190) });
    expect(lines[1]).toBe('RTO 3m10s… objective 15m · RPO not measured yet, objective 1m');
    expect(rowOf(lines, 'Wait until the fleet is in service')).toContain(HOLDING_RTO);
    expect(rowOf(lines, 'Wait until the replica is a writer')).not.toContain(HOLDING_RTO);
    expect(rowOf(lines, 'Tell the status page')).not.toContain(HOLDING_RTO);
    expect(plain(lines).filter((l) => l.includes(HOLDING_RTO))).toHaveLength(1);
    expect(plain(lines).join('\n')).not.toContain(CRITICAL_PATH);

    // The fleet is up: the database now holds it; then an approval does (a person is the bottleneck).
    const next = runState(FAILOVER, [
      [0, { type: 'disaster.declared', source: 'run-start' }],
      [0, { type: 'step.started', stepId: 'declare' }],
      [1, { type: 'step.succeeded', stepId: 'declare', attempts: 1 }],
      [1, { type: 'step.started', stepId: 'scale' }],
      [1, { type: 'step.started', stepId: 'promote' }],
      [2, { type: 'step.succeeded', stepId: 'scale', attempts: 1 }],
      [2, { type: 'step.succeeded', stepId: 'promote', attempts: 1 }],
      [2, { type: 'step.started', stepId: 'wait-scaled' }],
      [3, { type: 'step.started', stepId: 'wait-promoted' }],
      [100, { type: 'step.succeeded', stepId: 'wait-scaled', attempts: 1 }],
      [300, { type: 'step.succeeded', stepId: 'wait-promoted', attempts: 1 }],
      [300, { type: 'step.started', stepId: 'approve' }],
      [300, { type: 'step.waiting', stepId: 'approve', reason: 'approval' }],
    ]);
    const waiting = frame(next, { now: s(1000) });
    expect(rowOf(waiting, 'Approve the DNS switch')).toMatch(new RegExp(`^ \\? Approve the DNS switch +awaiting approval · ${HOLDING_RTO} +11m40s$`));
    // Past the objective: the clock is red.
    const colored = renderTreeFrame({ state: next, now: s(1000), width: 100, height: 50, color: true });
    expect(colored[1]).toContain('\u001b[31mRTO 16m40s…\u001b[0m');
  });

  it('marks the critical path instead once service is restored, and shows RTO and RPO against the objectives', () => {
    const state = runState(FAILOVER, [
      [0, { type: 'disaster.declared', source: 'run-start' }],
      [0, { type: 'step.started', stepId: 'declare' }],
      [1, { type: 'step.succeeded', stepId: 'declare', attempts: 1 }],
      [1, { type: 'step.started', stepId: 'scale' }],
      [1, { type: 'step.started', stepId: 'promote' }],
      [2, { type: 'step.succeeded', stepId: 'scale', attempts: 1 }],
      [2, { type: 'step.succeeded', stepId: 'promote', attempts: 1 }],
      [2, { type: 'step.started', stepId: 'wait-scaled' }],
      [3, { type: 'step.started', stepId: 'wait-promoted' }],
      [100, { type: 'step.succeeded', stepId: 'wait-scaled', attempts: 1 }],
      [300, { type: 'step.succeeded', stepId: 'wait-promoted', attempts: 1 }],
      [300, { type: 'step.started', stepId: 'approve' }],
      [320, { type: 'step.succeeded', stepId: 'approve', attempts: 1, by: 'alice' }],
      [320, { type: 'step.started', stepId: 'switch-dns' }],
      [330, { type: 'step.succeeded', stepId: 'switch-dns', attempts: 1 }],
      [330, { type: 'service.restored', source: 'step', stepId: 'switch-dns', restoredAt: s(330) }],
      [331, { type: 'rpo.measured', seconds: 75, source: 'heartbeat' }],
      [331, { type: 'step.started', stepId: 'retire' }],
    ]);
    const lines = frame(state, { now: s(400) });
    expect(lines[1]).toBe('RTO 5m30s ✔ met, objective 15m · RPO 1m15s ✖ MISSED, objective 1m');
    for (const title of ['Declare the primary region lost', 'Promote the replica', 'Wait until the replica is a writer', 'Approve the DNS switch', 'Point DNS at the recovery region']) {
      expect(rowOf(lines, title)).toContain(CRITICAL_PATH);
    }
    expect(rowOf(lines, 'Approve the DNS switch')).toContain('by alice');
    expect(rowOf(lines, 'Scale the standby fleet')).not.toContain(CRITICAL_PATH);
    // Work after restoration holds nothing.
    expect(rowOf(lines, 'Retire the old primary')).not.toContain(HOLDING_RTO);
    expect(plain(lines).join('\n')).not.toContain(HOLDING_RTO);
  });

  it('folds finished steps first when the terminal is too short, so the running ones stay in view', () => {
    const steps: JournalStepInfo[] = [step('declare', 'Declare the disaster', [], { declaresDisaster: true })];
    for (let i = 1; i <= 30; i++) steps.push(step(`s${i}`, `Step number ${i}`, [i <= 20 ? 'declare' : `s${i - 10}`]));
    steps.push(step('restore', 'Restore service', ['s21', 's22'], { restoresService: true }));
    const events: [number, JournalEventBody][] = [
      [0, { type: 'disaster.declared', source: 'run-start' }],
      [0, { type: 'step.started', stepId: 'declare' }],
      [0, { type: 'step.succeeded', stepId: 'declare', attempts: 1 }],
    ];
    for (let i = 1; i <= 20; i++) events.push([i, { type: 'step.started', stepId: `s${i}` }], [i + 1, { type: 'step.succeeded', stepId: `s${i}`, attempts: 1 }]);
    events.push([30, { type: 'step.started', stepId: 's21' }], [31, { type: 'step.started', stepId: 's22' }]);
    const state = runState(steps, events);
    const full = frame(state, { height: Infinity });
    expect(full).toHaveLength(2 + 32);
    const small = frame(state, { height: 12, width: 60 });
    expect(small.length).toBeLessThanOrEqual(11);
    const text = plain(small).join('\n');
    expect(text).toMatch(/✔ \d+ steps done/);
    expect(rowOf(small, 'Step number 21')).toContain(HOLDING_RTO);
    expect(text).toContain('Step number 22');
    expect(text).toMatch(/· \d+ more steps to run|Restore service/);
    for (const line of plain(small)) expect([...line].length).toBeLessThanOrEqual(59);
    // The most recently finished steps are kept while there is room.
    const roomier = plain(frame(state, { height: 20 })).join('\n');
    expect(roomier).toContain('Step number 20');
    expect(roomier).not.toMatch(/Step number 1 /);
  });

  it('groups a live drill by phase, with each phase’s RTO', () => {
    const steps = [
      step('declare', 'Declare the disaster', [], { declaresDisaster: true }),
      step('switch', 'Switch to recovery', ['declare'], { restoresService: true }),
      step('prepare', 'Prepare the failback', ['switch']),
      step('fence', 'Fence the recovery writers', ['prepare'], { beginsPhase: 'failback' }),
      step('switch-back', 'Switch back', ['fence'], { restoresService: true }),
    ];
    const state = runState(
      steps,
      [
        [0, { type: 'disaster.declared', source: 'step', stepId: 'declare' }],
        [0, { type: 'step.started', stepId: 'declare' }],
        [0, { type: 'step.succeeded', stepId: 'declare', attempts: 1 }],
        [0, { type: 'step.started', stepId: 'switch' }],
        [60, { type: 'step.succeeded', stepId: 'switch', attempts: 1 }],
        [60, { type: 'service.restored', source: 'step', stepId: 'switch', restoredAt: s(60), phase: 'failover' }],
        [60, { type: 'step.started', stepId: 'prepare' }],
        [90, { type: 'step.succeeded', stepId: 'prepare', attempts: 1 }],
        [90, { type: 'phase.started', phase: 'failback', stepId: 'fence' }],
        [90, { type: 'step.started', stepId: 'fence' }],
      ],
      { operation: 'drill', drill: 'live' },
    );
    const lines = plain(frame(state, { now: s(150), width: 80 }));
    expect(lines[0]).toBe('shop · live drill · ungraceful · sandbox · 00:02:30Z simulated · running');
    expect(lines[2]).toMatch(/^── failover · service restored after 1m ─+$/);
    expect(lines[5]).toMatch(/^── failback · RTO 1m… ─+$/);
    expect(rowOf(lines, 'Switch to recovery')).toContain(CRITICAL_PATH);
    expect(lines.indexOf(rowOf(lines, 'Prepare the failback'))).toBeGreaterThan(5);
    expect(rowOf(lines, 'Fence the recovery writers')).toContain(HOLDING_RTO);
  });

  it('draws without colour codes when colour is off (NO_COLOR), and with them when on', () => {
    const state = runState(FAILOVER, [
      [0, { type: 'disaster.declared', source: 'run-start' }],
      [0, { type: 'step.started', stepId: 'declare' }],
      [1, { type: 'step.succeeded', stepId: 'declare', attempts: 1 }],
      [1, { type: 'step.started', stepId: 'promote' }],
    ]);
    const bare = frame(state, { color: false });
    expect(bare.join('\n')).not.toContain('\u001b');
    expect(rowOf(bare, 'Declare the primary region lost')).toMatch(/^ ✔ /);
    expect(rowOf(bare, 'Promote the replica')).toContain(HOLDING_RTO);
    const colored = frame(state, { color: true });
    expect(colored.join('\n')).toContain('\u001b[32m✔\u001b[0m');
    expect(plain(colored)).toEqual(bare);
  });

  it('never draws a line wider than the terminal', () => {
    const long = FAILOVER.map((st) => ({ ...st, title: `${st.title} ${'with a very long explanation '.repeat(4)}` }));
    const state = runState(long, [
      [0, { type: 'disaster.declared', source: 'run-start' }],
      [0, { type: 'step.started', stepId: 'declare' }],
      [1, { type: 'step.attempt-failed', stepId: 'declare', attempt: 1, error: { name: 'Error', message: 'x'.repeat(200) }, retryInMs: 500 }],
    ]);
    for (const width of [40, 80, 132]) {
      for (const color of [false, true]) {
        const lines = renderTreeFrame({ state, now: s(5), width, height: 40, color, retries: { declare: 'y'.repeat(300) } });
        for (const line of plain(lines)) expect([...line].length, line).toBeLessThanOrEqual(width - 1);
        expect(plain(lines).join('\n')).toContain('retrying: yyy');
      }
    }
  });

  it('draws a 10,000-step run quickly, within the terminal', () => {
    const steps: JournalStepInfo[] = [step('s0', 'Step 0', [], { declaresDisaster: true })];
    for (let i = 1; i < 10_000; i++) steps.push(step(`s${i}`, `Step ${i}`, [`s${i - 1}`], i === 9_999 ? { restoresService: true } : {}));
    const events: [number, JournalEventBody][] = [[0, { type: 'disaster.declared', source: 'run-start' }]];
    for (let i = 0; i < 5_000; i++) events.push([i, { type: 'step.started', stepId: `s${i}` }], [i + 1, { type: 'step.succeeded', stepId: `s${i}`, attempts: 1 }]);
    events.push([5_000, { type: 'step.started', stepId: 's5000' }]);
    const state = runState(steps, events);
    const started = performance.now();
    const lines = frame(state, { now: s(5_010), height: 30, width: 80 });
    expect(performance.now() - started).toBeLessThan(500);
    expect(lines.length).toBeLessThanOrEqual(29);
    expect(rowOf(lines, 'Step 5000 ')).toContain(HOLDING_RTO);
    expect(plain(lines).join('\n')).toContain('✔ 5000 steps done');
  });
});
