import { VirtualClock } from '@firedrill/core';
import { describe, expect, it } from 'vitest';
import { buildWarmStandbyScenario, planForScenario } from '../../sandbox/src/index.js';
import { warmStandby } from '../src/strategies/warm-standby.js';
import { runOnSandbox, sandboxEnvironment, trueRestoredAt } from './support/run-on-sandbox.js';
import { readTopology } from './support/topology.js';
import { parsePlan } from '@firedrill/core';
import { checkFindingCases, failbackCases, isolatedDrillCases, liveDrillCapacityCases, type StandbyUnderTest, ungracefulFailbackCases, ungracefulFailoverCases } from './support/standby-cases.js';

const underTest: StandbyUnderTest = { strategy: warmStandby, build: buildWarmStandbyScenario, standby: { min: 1, desired: 1, max: 8 } };

const start = '2026-11-22T03:00:00Z';

describe('warm standby on the sandbox', () => {
  it.each([1, 2])('graceful failover (seed %i): the warm fleet goes 1 → 4, RPO 0, RTO within 1 s of the truth', async (seed) => {
    const clock = new VirtualClock({ start });
    const scenario = await buildWarmStandbyScenario({ clock, seed });
    const { sandbox, names } = scenario;
    const { report, disasterAt, aws } = await runOnSandbox({ scenario, clock, plan: planForScenario(names), strategy: warmStandby, operation: 'failover' });
    expect(report.status).toBe('succeeded');
    const topology = await readTopology(aws, names);
    expect(topology.writerRegion).toBe(names.recoveryRegion);
    expect(topology.recoveryCapacity).toEqual({ min: 4, desired: 4, max: 8, inService: 4 });
    expect(report.rpo).toMatchObject({ seconds: 0, source: 'heartbeat' });
    const truth = trueRestoredAt(sandbox, names.dns!.recordName, names.app, disasterAt)!;
    expect(Math.abs(report.rto.seconds! - (truth - disasterAt) / 1000)).toBeLessThanOrEqual(1);
    expect(sandbox.truth.splitBrainDetected).toBe(false);
  });

  it('check passes on a fresh scenario and names the resource, region and action when the replica is gone', async () => {
    const clock = new VirtualClock({ start });
    const { sandbox, names } = await buildWarmStandbyScenario({ clock });
    const plan = parsePlan(planForScenario(names));
    const aws = sandboxEnvironment(plan, sandbox, clock);
    const fresh = await warmStandby.check({ plan, aws });
    expect(fresh.filter((f) => f.status === 'fail')).toEqual([]);
    expect(fresh.find((f) => f.check === 'permissions')).toMatchObject({ status: 'pass' });
    const broken = parsePlan(planForScenario(names, { resources: { database: { kind: 'rds-instance', primary: { identifier: 'tracking-db' }, recovery: { identifier: 'tracking-db-missing' } } } }));
    const findings = await warmStandby.check({ plan: broken, aws: sandboxEnvironment(broken, sandbox, clock) });
    expect(findings).toContainEqual(expect.objectContaining({ status: 'fail', check: 'replica-exists', resource: 'rds:tracking-db-missing', region: names.recoveryRegion, action: expect.stringMatching(/create tracking-db-missing/) }));
  });
});

describe('warm standby: ungraceful failover in a us-east-1 outage (Route 53 control plane down)', () => {
  ungracefulFailoverCases(underTest);
});

describe('warm standby: failback, live and isolated drills', () => {
  failbackCases(underTest);
  liveDrillCapacityCases(underTest);
  ungracefulFailbackCases(underTest);
  isolatedDrillCases(underTest);
  checkFindingCases(underTest);
});
