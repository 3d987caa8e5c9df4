/**
 * An isolated drill's RPO is what its copy holds. Production keeps its writer and keeps writing through the drill,
 * so reading the newest heartbeat on production (what `readNewest` does) would always say 0. The engine reads the
 * copy a step names (`bringsUpDrillCopy`, `{ drillCopy }`) before cleanup, and falls back to the steps' evidence when
 * the probe cannot read a copy — never to production.
 */
import { describe, expect, it } from 'vitest';
import { type DataStoreLocation, type Heartbeat, type HeartbeatProbe, type RunReport, startRun, type StepDefinition, VirtualClock } from '../src/index.js';

/** Production: acknowledges every heartbeat. A copy taken at a moment holds what had reached the replica (lag). */
class Production {
  rows: Heartbeat[] = [];
  copies = new Map<string, Heartbeat[]>();
  copyAt(id: string, at: number, lagMs: number): void {
    this.copies.set(id, this.rows.filter((r) => r.at <= at - lagMs));
  }
}

function probe(production: Production, options: { canReadCopies: boolean }): HeartbeatProbe & { productionReads: number } {
  const p = {
    target: 'production writer',
    intervalMs: 1_000,
    productionReads: 0,
    write: async (beat: Heartbeat) => void production.rows.push(beat),
    readNewest: async () => {
      p.productionReads++;
      return production.rows.at(-1);
    },
    ...(options.canReadCopies ? { readNewestOn: async (store: DataStoreLocation) => production.copies.get(store.identifier)?.at(-1) } : {}),
  };
  return p;
}

/** declare → copy (snapshot of a replica 7 s behind, 10 min restore) → the copy serves → delete it. */
function drill(production: Production, clock: VirtualClock): StepDefinition[] {
  return [
    { id: 'declare-drill', kind: 'action', title: 'Isolated drill', declaresDisaster: true, act: async () => ({}) },
    {
      id: 'snapshot-replica', kind: 'action', title: 'Snapshot the replica', dependsOn: ['declare-drill'],
      act: async () => {
        production.copyAt('copy-1', clock.now(), 7_000);
        return { rpoEvidence: { source: 'replica-lag', lagMs: 7_000 } };
      },
    },
    {
      id: 'wait-copy', kind: 'action', title: 'Wait for the copy', dependsOn: ['snapshot-replica'], bringsUpDrillCopy: true,
      act: async () => {
        await clock.sleep(10 * 60_000);
        return { drillCopy: { region: 'us-west-2', identifier: 'copy-1', address: 'copy-1.example', port: 5432 } };
      },
    },
    { id: 'copy-serves', kind: 'action', title: 'The copy serves', dependsOn: ['wait-copy'], restoresService: true, act: async () => ({}) },
    { id: 'delete-copy', kind: 'action', title: 'Delete the copy', dependsOn: ['copy-serves'], act: async () => void production.copies.delete('copy-1') },
  ];
}

async function run(canReadCopies: boolean): Promise<{ report: RunReport; reads: number }> {
  const clock = new VirtualClock({ start: '2026-11-22T03:00:00Z' });
  const production = new Production();
  const heartbeat = probe(production, { canReadCopies });
  const r = await startRun({
    subject: { plan: 'mini', objectives: { rpoMs: 60_000 } }, operation: 'drill', drill: 'isolated', mode: 'ungraceful',
    steps: drill(production, clock), clock, store: false, probes: { heartbeat }, steadyStateMs: 30_000,
  });
  return { report: await r.completion, reads: heartbeat.productionReads };
}

describe('isolated drill RPO', () => {
  it('is read on the copy, before cleanup: the replica was 7 s behind, so the copy is 7 s stale (± a heartbeat)', async () => {
    const { report, reads } = await run(true);
    expect(report.status).toBe('succeeded');
    expect(report.rpo.source).toBe('heartbeat');
    expect(report.rpo.seconds).toBeGreaterThanOrEqual(7);
    expect(report.rpo.seconds).toBeLessThanOrEqual(8);
    expect(reads).toBe(0);
  });

  it('a probe that cannot read a copy: the steps\' evidence (replica lag), said so — never production\'s writer', async () => {
    const { report, reads } = await run(false);
    expect(report.rpo).toMatchObject({ seconds: 7, source: 'replica-lag', note: expect.stringMatching(/cannot read the drill copy copy-1 in us-west-2/) });
    expect(reads).toBe(0);
  });
});
