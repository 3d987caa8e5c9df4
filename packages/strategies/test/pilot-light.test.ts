import { VirtualClock } from '@firedrill/core';
import { describe, expect, it } from 'vitest';
import { buildPilotLightScenario, planForScenario } from '../../sandbox/src/index.js';
import { pilotLight } from '../src/strategies/pilot-light.js';
import { runOnSandbox, trueRestoredAt } from './support/run-on-sandbox.js';
import { readTopology } from './support/topology.js';

const start = '2026-11-22T03:00:00Z';

describe('pilot light on the sandbox', () => {
  it.each([1, 2, 3])('graceful failover (seed %i): fences, loses nothing, measures RTO within 1 s of the truth', async (seed) => {
    const clock = new VirtualClock({ start });
    const scenario = await buildPilotLightScenario({ clock, seed });
    const { sandbox, names } = scenario;
    const { report, disasterAt, aws } = await runOnSandbox({ scenario, clock, plan: planForScenario(names), strategy: pilotLight, operation: 'failover', mode: 'graceful' });

    expect(report.status).toBe('succeeded');
    const topology = await readTopology(aws, names);
    expect(topology.writerRegion).toBe(names.recoveryRegion);
    expect(topology.dnsRegions).toEqual([names.recoveryRegion]);
    expect(topology.recoveryCapacity).toEqual({ min: 4, desired: 4, max: 8, inService: 4 });
    expect(report.rpo).toMatchObject({ seconds: 0, source: 'heartbeat' });
    expect(sandbox.truth.lostWrites(names.app, { disasterAt }).lost).toEqual([]);
    const truth = trueRestoredAt(sandbox, names.dns!.recordName, names.app, disasterAt)!;
    expect(Math.abs(report.rto.seconds! - (truth - disasterAt) / 1000)).toBeLessThanOrEqual(1);
    expect(sandbox.truth.splitBrainDetected).toBe(false);
  });
});
