import { describe, expect, it } from 'vitest';
import { buildReport, type HealthProbe, startRun, type StepDefinition, StepFailure, VirtualClock } from '../src/index.js';
import { ReplicatedApp } from '../examples/tabletop-app.js';

const objectives = { rtoMs: 15 * 60_000, rpoMs: 60_000 };

describe('RTO and RPO measurement against a known truth', () => {
  it('measures RTO from the health probe and RPO from heartbeats, to the second', async () => {
    const clock = new VirtualClock({ start: '2026-11-22T03:00:00Z' });
    const app = new ReplicatedApp(clock, 4_500);
    const run = await startRun({
      subject: { plan: 'tracking-app', strategy: 'pilot-light', objectives },
      operation: 'drill',
      drill: 'live',
      mode: 'ungraceful',
      steps: app.drillSteps(),
      clock,
      store: false,
      probes: { health: app.healthProbe(1_000, 3), heartbeat: app.heartbeatProbe(1_000) },
      steadyStateMs: 0, // the drill has its own steady-state step
    });
    const report = await run.completion;

    expect(report.status).toBe('succeeded');
    expect(report.disasterAt).toBe('2026-11-22T03:01:00.000Z');
    // Truth: promote 300 s, then scale 180 s (DNS 60 s in parallel) → healthy 480 s after the outage.
    const trueRto = (app.trueRestoredAt()! - app.outageAt!) / 1000;
    expect(trueRto).toBe(480);
    expect(report.rto).toEqual({ seconds: 480, source: 'health-probe', objectiveSeconds: 900, met: true });
    expect(report.restoredAt).toBe('2026-11-22T03:09:00.000Z');
    // Truth: 4.5 s of lag at the outage; heartbeats each second → newest survivor is 5 s old.
    expect(app.trueRpoMs()).toBe(5_000);
    expect(report.rpo.seconds).toBe(5);
    expect(report.rpo.source).toBe('heartbeat');
    expect(report.rpo.precisionSeconds).toBe(1);
    expect(Math.abs(report.rpo.seconds! - app.lagMs / 1000)).toBeLessThanOrEqual(1);
    expect(report.rpo.met).toBe(true);
    expect(report.criticalPath.map((e) => e.stepId)).toEqual(['inject-outage', 'promote-replica', 'scale-compute']);
    expect(report.criticalPath.find((e) => e.stepId === 'promote-replica')?.seconds).toBe(300);
  });

  it('misses objectives honestly and says so', async () => {
    const clock = new VirtualClock();
    const app = new ReplicatedApp(clock, 90_000, { promoteMs: 840_000, scaleMs: 180_000, dnsMs: 60_000 });
    const run = await startRun({
      subject: { plan: 'slow-app', objectives },
      operation: 'drill',
      steps: app.drillSteps(120_000),
      clock,
      store: false,
      probes: { health: app.healthProbe(5_000, 2), heartbeat: app.heartbeatProbe(2_000) },
    });
    const report = await run.completion;
    expect(report.status).toBe('succeeded');
    expect(report.rto.seconds).toBe(1_020);
    expect(report.rto.met).toBe(false);
    // 90 s of lag, heartbeats every 2 s: measured within one interval of the truth, and over the objective.
    expect(Math.abs(report.rpo.seconds! - app.trueRpoMs() / 1000)).toBeLessThanOrEqual(2);
    expect(report.rpo.seconds! * 1000).toBeGreaterThanOrEqual(app.lagMs);
    expect(report.rpo.met).toBe(false);
  });

  it('uses the last step that restores service when there is no health probe, and says so', async () => {
    const clock = new VirtualClock();
    const app = new ReplicatedApp(clock, 0);
    const run = await startRun({ subject: { plan: 'no-probe', objectives }, operation: 'failover', steps: app.drillSteps(0), clock, store: false });
    const report = await run.completion;
    // switch-dns and scale-compute both restore service; the last of them ends 300 + 180 s after the disaster.
    expect(report.rto).toMatchObject({ seconds: 480, source: 'step' });
    expect(report.rpo).toMatchObject({ seconds: null, source: 'none', met: false });
  });

  it('measures snapshot RPO from the restored snapshot age', async () => {
    const clock = new VirtualClock({ start: '2026-11-22T12:00:00Z' });
    const snapshotCreatedAt = Date.parse('2026-11-22T09:00:00Z');
    const run = await startRun({
      subject: { plan: 'backup-app', objectives: { rtoMs: 4 * 3_600_000, rpoMs: 12 * 3_600_000 } },
      operation: 'failover',
      clock,
      store: false,
      steps: [
        {
          id: 'restore-database', title: 'Restore the newest snapshot', kind: 'action', restoresService: true, policy: { timeout: '2h' },
          act: async (ctx) => {
            await ctx.clock.sleep(1_800_000, ctx.signal);
            return { snapshotId: 'snap-1', rpoEvidence: { source: 'snapshot', snapshotCreatedAt } };
          },
        },
      ],
    });
    const report = await run.completion;
    expect(report.rpo).toMatchObject({ seconds: 3 * 3600, source: 'snapshot', met: true });
    expect(report.rto).toMatchObject({ seconds: 1800, source: 'step', met: true });
  });

  it('falls back to the replica lag seen before promotion when no heartbeat reached the promoted store, and says so', async () => {
    const clock = new VirtualClock({ start: '2026-11-22T12:00:00Z' });
    const written: number[] = [];
    const run = await startRun({
      subject: { plan: 'lost-before-replication', objectives },
      operation: 'failover',
      mode: 'ungraceful',
      clock,
      store: false,
      // Heartbeats are written to the primary, which is already gone: none ever reaches the replica.
      probes: { heartbeat: { target: 'db', intervalMs: 1_000, write: async (beat) => void written.push(beat.seq), readNewest: async () => undefined } },
      steps: [
        {
          id: 'promote-replica', title: 'Promote', kind: 'action', promotesData: true, restoresService: true,
          act: async (ctx) => {
            await ctx.clock.sleep(5_000, ctx.signal);
            return { rpoEvidence: { source: 'replica-lag', lagMs: 2_500 } };
          },
        },
      ],
    });
    const report = await run.completion;
    expect(written.length).toBeGreaterThan(0);
    expect(report.rpo).toMatchObject({ seconds: 2.5, source: 'replica-lag', met: true });
  });

  it('rebuilds the same report from the journal alone', async () => {
    const clock = new VirtualClock();
    const app = new ReplicatedApp(clock, 2_000);
    const run = await startRun({
      subject: { plan: 'rebuild', objectives }, operation: 'drill', steps: app.drillSteps(), clock, store: false,
      probes: { health: app.healthProbe(), heartbeat: app.heartbeatProbe() },
    });
    const journal: Parameters<typeof buildReport>[0][number][] = [];
    run.events.subscribe((e) => journal.push(e), { replay: true });
    const live = await run.completion;
    expect(journal[0]!.type).toBe('run.started');
    expect(buildReport(journal)).toEqual(live);
  });
});

describe('phases of a live drill', () => {
  it('measures the failover and the failback separately', async () => {
    const clock = new VirtualClock({ start: '2026-11-22T03:00:00Z' });
    const app = new ReplicatedApp(clock, 1_000);
    let primaryBackAt: number | undefined;
    const failback: StepDefinition[] = [
      {
        id: 'resync-primary', title: 'Rebuild the primary from the recovery region', kind: 'action', dependsOn: ['scale-compute', 'switch-dns'], beginsPhase: 'failback',
        act: async (ctx) => ctx.clock.sleep(240_000, ctx.signal),
      },
      {
        id: 'switch-dns-back', title: 'Point DNS back at the primary', kind: 'action', dependsOn: ['resync-primary'],
        act: async (ctx) => {
          await ctx.clock.sleep(60_000, ctx.signal);
          primaryBackAt = clock.now();
        },
      },
    ];
    const primaryServing: HealthProbe = {
      target: 'primary region through DNS', intervalMs: 1_000, consecutive: 2,
      check: async () => ({ healthy: primaryBackAt !== undefined && clock.now() >= primaryBackAt }),
    };
    const run = await startRun({
      subject: { plan: 'live-drill', objectives }, operation: 'drill', drill: 'live', clock, store: false,
      steps: [...app.drillSteps(), ...failback],
      probes: { health: app.healthProbe(), heartbeat: app.heartbeatProbe(), phaseHealth: { failback: primaryServing } },
      steadyStateMs: 0,
    });
    const report = await run.completion;
    expect(report.status).toBe('succeeded');
    expect(report.rto.seconds).toBe(480);
    expect(report.phases?.map((p) => [p.name, p.rto.seconds, p.rto.source])).toEqual([
      ['failover', 480, 'health-probe'],
      ['failback', 300, 'health-probe'],
    ]);
    expect(report.phases?.[1]?.criticalPath.map((e) => e.stepId)).toEqual(['resync-primary', 'switch-dns-back']);
    expect(report.phases?.[1]?.startedAt).toBe('2026-11-22T03:09:00.000Z');
  });
});

describe('RPO of a failed failover', () => {
  it('is still measured when the run fails after the promotion', async () => {
    const clock = new VirtualClock();
    const app = new ReplicatedApp(clock, 3_000);
    const steps = app.drillSteps().map((s) =>
      s.id === 'switch-dns' && s.kind === 'action'
        ? { ...s, policy: { retry: { maximumAttempts: 1 } }, act: async () => { throw new StepFailure('Throttling on ChangeResourceRecordSets', { retryable: false }); } }
        : s,
    );
    const run = await startRun({
      subject: { plan: 'failed-failover', objectives }, operation: 'drill', steps, clock, store: false, rollback: 'never',
      probes: { health: app.healthProbe(), heartbeat: app.heartbeatProbe() },
    });
    const report = await run.completion;
    expect(report.status).toBe('failed');
    expect(report.rto.seconds).toBeNull();
    expect(report.rpo).toMatchObject({ seconds: 3, source: 'heartbeat' });
  });
});

describe('critical path', () => {
  it('ends at the step that coincides with restoration, even when its waiter noticed a poll later', async () => {
    const clock = new VirtualClock();
    let dbReadyAt = Infinity;
    let computeReadyAt = Infinity;
    const steps: StepDefinition[] = [
      { id: 'declare', title: 'declare', kind: 'action', declaresDisaster: true, act: async () => undefined },
      // The restore call returns at once; the database becomes available 18 minutes later.
      { id: 'restore-database', title: 'restore', kind: 'action', dependsOn: ['declare'], act: async () => void (dbReadyAt = clock.now() + 1_080_000) },
      {
        id: 'wait-database', title: 'wait db', kind: 'wait', dependsOn: ['restore-database'], policy: { timeout: '1h', poll: { initialInterval: '7s', maximumInterval: '7s' } },
        poll: async () => (clock.now() >= dbReadyAt ? { status: 'success', value: true } : { status: 'retry', progress: 'creating' }),
      },
      { id: 'launch-compute', title: 'launch', kind: 'action', dependsOn: ['declare'], act: async (ctx) => { await ctx.clock.sleep(17_000, ctx.signal); computeReadyAt = clock.now(); } },
    ];
    const health: HealthProbe = { target: 'endpoint', intervalMs: 1_000, consecutive: 1, check: async () => ({ healthy: clock.now() >= dbReadyAt && clock.now() >= computeReadyAt }) };
    const report = await (await startRun({ subject: { plan: 'cp' }, operation: 'failover', steps, clock, store: false, probes: { health } })).completion;
    expect(report.rto.seconds).toBe(1080);
    // The waiter polls every 7 s, so it ends a few seconds after the probe saw service: it still set the RTO.
    expect(report.steps.find((s) => s.id === 'wait-database')!.seconds).toBeGreaterThan(1080);
    expect(report.criticalPath.map((e) => e.stepId)).toEqual(['declare', 'restore-database', 'wait-database']);
  });
});

describe('critical path through a step the mode skipped', () => {
  it('walks past a skipped dependency to the one that ran (a graceful restore after the fresh snapshot, not the ungraceful pick)', async () => {
    const clock = new VirtualClock();
    const steps: StepDefinition[] = [
      { id: 'declare', title: 'declare', kind: 'action', declaresDisaster: true, act: async () => undefined },
      { id: 'snapshot', title: 'snapshot', kind: 'action', dependsOn: ['declare'], modes: ['graceful'], act: async (ctx) => ctx.clock.sleep(240_000, ctx.signal) },
      { id: 'copy', title: 'copy', kind: 'action', dependsOn: ['snapshot'], modes: ['graceful'], act: async (ctx) => ctx.clock.sleep(690_000, ctx.signal) },
      // Skipped in a graceful run once its dependency is done: it "ends" with the copy, and is listed first.
      { id: 'pick', title: 'pick newest copy', kind: 'action', dependsOn: ['copy'], modes: ['ungraceful'], act: async () => undefined },
      { id: 'restore', title: 'restore', kind: 'action', dependsOn: ['pick', 'copy'], restoresService: true, act: async (ctx) => ctx.clock.sleep(600_000, ctx.signal) },
    ];
    const report = await (await startRun({ subject: { plan: 'cp' }, operation: 'failover', mode: 'graceful', steps, clock, store: false })).completion;
    expect(report.steps.find((s) => s.id === 'pick')!.status).toBe('skipped');
    expect(report.criticalPath.map((e) => e.stepId)).toEqual(['declare', 'snapshot', 'copy', 'restore']);
    expect(report.criticalPath.reduce((sum, e) => sum + e.seconds, 0)).toBeCloseTo(report.rto.seconds!, 0);
  });
});

describe('steady state', () => {
  it('writes heartbeats before a drill starts, so a disaster at the first step still has data to lose', async () => {
    const clock = new VirtualClock();
    const app = new ReplicatedApp(clock, 2_500);
    const steps = app.drillSteps(0);
    const run = await startRun({ subject: { plan: 'steady', objectives }, operation: 'drill', steps, clock, store: false, probes: { health: app.healthProbe(), heartbeat: app.heartbeatProbe(1_000) } });
    const report = await run.completion;
    // Ten heartbeat intervals of steady state precede the outage; 2.5 s of lag loses the last three beats.
    expect((Date.parse(report.disasterAt!) - Date.parse(report.startedAt)) / 1000).toBe(10);
    expect(report.rpo).toMatchObject({ seconds: 3, source: 'heartbeat' });
    expect(Math.abs(report.rpo.seconds! - app.trueRpoMs() / 1000)).toBeLessThanOrEqual(1);
  });
});

describe('heartbeat bookkeeping', () => {
  it('journals each heartbeat under its own number, and reports the last one written', async () => {
    const clock = new VirtualClock();
    const app = new ReplicatedApp(clock, 0);
    const run = await startRun({ subject: { plan: 'beats', objectives }, operation: 'drill', steps: app.drillSteps(5_000), clock, store: false, probes: { heartbeat: app.heartbeatProbe(1_000) }, steadyStateMs: 0 });
    await run.completion;
    const written = app.writes.map((w) => w.seq);
    expect(run.state().heartbeats.lastOkSeq).toBe(written.at(-1));
    expect(written).toEqual(Array.from({ length: written.length }, (_, i) => i + 1));
    expect(run.state().rpo?.detail?.['lastWrittenSeq']).toBe(written.at(-1));
  });
});

describe('observations beside the RTO', () => {
  it('records when an observer first sees its moment, measured from the disaster, without deciding the RTO', async () => {
    const clock = new VirtualClock({ start: '2026-11-22T03:00:00Z' });
    const app = new ReplicatedApp(clock, 0);
    // Clients' resolvers keep the old answer for a 300 s TTL after DNS was switched.
    const dnsReachable: HealthProbe = {
      target: 'dns A api.example.com', intervalMs: 5_000, consecutive: 1,
      check: async () => ({ healthy: app.dnsSwitchedAt !== undefined && clock.now() >= app.dnsSwitchedAt + 300_000, detail: 'resolver answers 10.2.0.10 (ttl 60)' }),
    };
    const run = await startRun({
      subject: { plan: 'observed', objectives }, operation: 'drill', steps: app.drillSteps(0), clock, store: false, steadyStateMs: 0,
      probes: { health: app.healthProbe(), observers: { dns: dnsReachable } },
    });
    const report = await run.completion;
    expect(report.rto.seconds).toBe(480);
    // DNS switched at 360 s; cached answers expire 300 s later; the observer looks every 5 s.
    expect(report.observations).toEqual([{ name: 'dns', target: 'dns A api.example.com', reachedAt: '2026-11-22T03:11:00.000Z', secondsAfterDisaster: 660, detail: 'resolver answers 10.2.0.10 (ttl 60)' }]);
  });
});
