/**
 * The RPO must not claim what the run could not see. A failback freezes writes (the disaster for its RPO), snapshots,
 * restores the snapshot elsewhere: if the freeze was only declared — a person marked it done while the application
 * kept writing — the writes after the snapshot are lost. Heartbeats see them; without heartbeats the report must
 * not say 0.
 */
import { describe, expect, it } from 'vitest';
import { type Heartbeat, type HeartbeatProbe, type Run, startRun, type StepDefinition, VirtualClock } from '../src/index.js';
import { rpoFromHeartbeats } from '../src/rpo-from-heartbeats.js';

const MINUTE = 60_000;

describe('rpoFromHeartbeats', () => {
  const beats = (from: number, to: number, every: number) => {
    const out = [];
    for (let at = from, seq = 1; at <= to; at += every, seq++) out.push({ seq, at, ackedAt: at });
    return out;
  };

  it('a lost primary: t_disaster − newest survivor, as before (writes stopped at the disaster)', () => {
    const acknowledged = beats(0, 59_000, 1_000); // acknowledged until the region went at 60 s
    expect(rpoFromHeartbeats({ disasterAt: 60_000, newestSurviving: { seq: 55, at: 54_000 }, acknowledged })?.seconds).toBe(6);
  });

  it('everything acknowledged survived and the writer moved after the disaster (graceful): 0', () => {
    const acknowledged = beats(0, 90_000, 1_000);
    expect(rpoFromHeartbeats({ disasterAt: 60_000, newestSurviving: acknowledged.at(-1)!, acknowledged })?.seconds).toBe(0);
  });

  it('writes acknowledged after the declared cut and lost: the RPO runs to the last of them, and the detail says so', () => {
    const acknowledged = beats(0, 600_000, 5_000); // a "freeze" at 60 s that stopped nothing; the cut at 600 s
    const measured = rpoFromHeartbeats({ disasterAt: 60_000, newestSurviving: { seq: 25, at: 120_000 }, acknowledged, snapshot: { capturedAt: 123_000 } })!;
    expect(measured.seconds).toBe(600 - 123); // data complete up to the snapshot's capture
    expect(measured.detail).toMatchObject({ lostAcknowledged: 96, lostAfterDisaster: 96, dataAsOfSource: 'snapshot' });
    expect(measured.detail['note']).toMatch(/96 heartbeat\(s\) acknowledged after the disaster/);
  });

  it('a complete snapshot taken after the freeze, nothing acknowledged lost: 0', () => {
    const acknowledged = beats(0, 58_000, 2_000); // refused from the freeze on
    expect(rpoFromHeartbeats({ disasterAt: 59_000, newestSurviving: { seq: 30, at: 58_000 }, acknowledged, snapshot: { capturedAt: 70_000 } })?.seconds).toBe(0);
  });

  it('an old snapshot and no heartbeat on the restored store: disaster − capture', () => {
    const acknowledged = beats(3_600_000, 3_660_000, 5_000);
    expect(rpoFromHeartbeats({ disasterAt: 3_661_000, newestSurviving: undefined, acknowledged, snapshot: { capturedAt: 0 } })?.seconds).toBe(3_661);
  });

  it('a snapshot that misses writes acknowledged before its capture is not trusted past the newest survivor', () => {
    const acknowledged = beats(0, 60_000, 5_000);
    expect(rpoFromHeartbeats({ disasterAt: 60_000, newestSurviving: { seq: 5, at: 20_000 }, acknowledged, snapshot: { capturedAt: 50_000 } })?.seconds).toBe(40);
  });

  it('nothing survived and no snapshot: nothing to measure from', () => {
    expect(rpoFromHeartbeats({ disasterAt: 60_000, newestSurviving: undefined, acknowledged: beats(0, 59_000, 1_000) })).toBeUndefined();
  });
});

/** A database: it acknowledges writes while writable. */
class Store {
  rows: Heartbeat[] = [];
  writable = true;
  constructor(rows: Heartbeat[] = []) {
    this.rows = rows.map((r) => ({ ...r }));
  }
  write(row: Heartbeat): void {
    if (!this.writable) throw new Error('read-only');
    this.rows.push(row);
  }
}

/** A failback in miniature: freeze the DR store, snapshot it, copy (10 min), restore it as the new writer, move users. */
function failback(freeze: 'manual' | 'action') {
  const dr = new Store();
  let writer = dr;
  let snapshot: { capturedAt: number; rows: Heartbeat[] } | undefined;
  const clock = new VirtualClock({ start: '2026-11-22T05:00:00Z' });
  const freezeStep: StepDefinition = freeze === 'manual'
    ? { id: 'freeze-dr-writes', kind: 'manual', title: 'Freeze writes at the DR site', instruction: 'maintenance mode, then mark done', declaresDisaster: true }
    : { id: 'freeze-dr-writes', kind: 'action', title: 'Fence the DR writers', declaresDisaster: true, act: async () => void (dr.writable = false) };
  const steps: StepDefinition[] = [
    freezeStep,
    { id: 'snapshot-dr', kind: 'action', title: 'Snapshot the DR store', dependsOn: ['freeze-dr-writes'], act: async () => void (snapshot = { capturedAt: clock.now(), rows: dr.rows.map((r) => ({ ...r })) }) },
    { id: 'copy-snapshot', kind: 'action', title: 'Copy it to the primary region', dependsOn: ['snapshot-dr'], act: async (ctx) => clock.sleep(10 * MINUTE, ctx.signal) },
    {
      id: 'restore-primary', kind: 'action', title: 'Restore the primary from it', dependsOn: ['copy-snapshot'], promotesData: true,
      act: async () => {
        writer = new Store(snapshot!.rows);
        return { rpoEvidence: { source: 'snapshot', snapshotCreatedAt: snapshot!.capturedAt, writesStoppedBy: 'freeze-dr-writes' } };
      },
    },
    { id: 'switch-users', kind: 'action', title: 'Point users at the primary', dependsOn: ['restore-primary'], restoresService: true, act: async () => undefined },
  ];
  const heartbeat: HeartbeatProbe = {
    target: 'the application database',
    intervalMs: 5_000,
    write: async (beat) => writer.write(beat),
    readNewest: async () => writer.rows.reduce<Heartbeat | undefined>((best, r) => (best === undefined || r.at > best.at ? r : best), undefined),
  };
  /** What was acknowledged and is not on the restored primary, and the true RPO (last lost − capture). */
  const truth = () => {
    const kept = new Set(writer.rows.map((r) => r.seq));
    const lost = dr.rows.filter((r) => !kept.has(r.seq));
    return { lost, rpoMs: lost.length === 0 ? 0 : lost.at(-1)!.at - snapshot!.capturedAt };
  };
  return { clock, steps, heartbeat, dr, truth };
}

/** The operator at the manual freeze: a minute later marks it done, having made the DR store read-only or not. */
function operator(f: ReturnType<typeof failback>, reallyFreezes: boolean) {
  return (run: Run): void => {
    run.events.subscribe((e) => {
      if (e.type !== 'step.waiting' || e.stepId !== 'freeze-dr-writes') return;
      if (reallyFreezes) f.dr.writable = false;
      void f.clock.sleep(MINUTE).then(() => run.markDone('freeze-dr-writes', 'sre@example.com'));
    }, { replay: true });
  };
}

async function runFailback(f: ReturnType<typeof failback>, options: { heartbeats: boolean; onRun?: (run: Run) => void; stepThrough?: boolean }) {
  const run = await startRun({
    subject: { plan: 'tracking', strategy: 'backup-restore', objectives: { rtoMs: 2 * 3_600_000, rpoMs: 3_600_000 } },
    operation: 'failback', mode: 'graceful', steps: f.steps, clock: f.clock, store: false,
    probes: options.heartbeats ? { heartbeat: f.heartbeat } : {}, steadyStateMs: 2 * MINUTE,
    ...(options.stepThrough ? { stepThrough: true } : {}),
  });
  options.onRun?.(run);
  return run.completion;
}

describe('a failback freeze and the RPO', () => {
  it('marked done without freezing: heartbeats measure the writes lost after the snapshot, within one interval of the truth', async () => {
    const f = failback('manual');
    const report = await runFailback(f, { heartbeats: true, onRun: operator(f, false) });
    expect(report.status).toBe('succeeded');
    const truth = f.truth();
    expect(truth.lost.length).toBeGreaterThan(100); // ten minutes of copying, a heartbeat every 5 s
    expect(report.rpo).toMatchObject({ source: 'heartbeat', precisionSeconds: 5 });
    expect(report.rpo.seconds).toBeGreaterThan(0);
    expect(Math.abs(report.rpo.seconds! * 1000 - truth.rpoMs)).toBeLessThanOrEqual(5_000);
    expect(report.rpo.note).toMatch(/acknowledged after the disaster/);
  });

  it('a real freeze (the DR store refuses writes): heartbeats confirm nothing was lost, RPO 0', async () => {
    const f = failback('manual');
    const report = await runFailback(f, { heartbeats: true, onRun: operator(f, true) });
    expect(f.truth().lost).toEqual([]);
    expect(report.rpo).toMatchObject({ source: 'heartbeat', seconds: 0, met: true });
    expect(report.rpo.note).toBeUndefined();
  });

  it('no heartbeat probe, freeze marked done by a person: no figure, marked unverified, with why — frozen or not', async () => {
    for (const reallyFreezes of [false, true]) {
      const f = failback('manual');
      const report = await runFailback(f, { heartbeats: false, onRun: operator(f, reallyFreezes) });
      expect(report.status).toBe('succeeded');
      expect(report.rpo).toMatchObject({ source: 'snapshot', seconds: null, verified: false, met: false });
      expect(report.rpo.note).toMatch(/step freeze-dr-writes really stopped writes before .*, and sre@example\.com marked it done by hand: Firedrill could not check it/);
    }
  });

  it('no heartbeat probe, the freeze is Firedrill\'s own action: the snapshot holds every write, RPO 0', async () => {
    const f = failback('action');
    const report = await runFailback(f, { heartbeats: false });
    expect(report.rpo).toMatchObject({ source: 'snapshot', seconds: 0, met: true });
    expect(report.rpo.verified).toBeUndefined();
  });

  it('no heartbeat probe, Firedrill\'s freeze action marked done by hand in a step-through instead of run: unverified', async () => {
    const f = failback('action');
    const onRun = (run: Run): void => {
      run.events.subscribe((e) => {
        if (e.type !== 'step.ready') return;
        void (e.stepId === 'freeze-dr-writes' ? run.markDone(e.stepId, 'ana', 'did it in the console') : run.runStep(e.stepId, 'ana'));
      }, { replay: true });
    };
    const report = await runFailback(f, { heartbeats: false, stepThrough: true, onRun });
    expect(report.status).toBe('succeeded');
    expect(f.dr.writable).toBe(true); // it never ran
    expect(report.rpo).toMatchObject({ seconds: null, verified: false });
    expect(report.rpo.note).toMatch(/ana marked it done by hand/);
  });
});

describe('a heartbeat store that cannot be read once service is back', () => {
  it('costs the RPO figure, never the failover: the run succeeds, nothing is compensated, the report says why', async () => {
    const clock = new VirtualClock({ start: '2026-11-22T05:00:00Z' });
    const store = new Store();
    const undone: string[] = [];
    const steps: StepDefinition[] = [
      { id: 'declare', kind: 'action', title: 'Declare the disaster', declaresDisaster: true, act: async () => undefined },
      {
        id: 'promote', kind: 'action', title: 'Promote the replica', dependsOn: ['declare'], promotesData: true,
        act: async (ctx) => clock.sleep(MINUTE, ctx.signal), compensate: async () => void undone.push('promote'),
      },
      {
        id: 'switch-users', kind: 'action', title: 'Point users at the recovery region', dependsOn: ['promote'], restoresService: true,
        act: async () => undefined, compensate: async () => void undone.push('switch-users'),
      },
    ];
    const heartbeat: HeartbeatProbe = {
      target: 'postgres://firedrill@tracking-db-replica/app',
      intervalMs: 1_000,
      write: async (beat) => store.write(beat),
      readNewest: async () => { throw new Error('password authentication failed for user "firedrill"'); },
    };
    const run = await startRun({
      subject: { plan: 'tracking', objectives: { rtoMs: 15 * MINUTE, rpoMs: MINUTE } }, operation: 'failover', mode: 'graceful',
      steps, clock, store: false, probes: { heartbeat }, steadyStateMs: 10_000,
    });
    const report = await run.completion;
    expect(report.status).toBe('succeeded');
    expect(undone).toEqual([]);
    expect(report.rto.seconds).toBe(60);
    // No figure, and the objective counts as missed (exit 1): a CI job must not read "no loss" into it.
    expect(report.rpo).toMatchObject({ seconds: null, source: 'none', met: false });
    expect(report.rpo.note).toBe('RPO not measured: reading the newest heartbeat (postgres://firedrill@tracking-db-replica/app) failed: password authentication failed for user "firedrill", and no step returned evidence');
  });
});
