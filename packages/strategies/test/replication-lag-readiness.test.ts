import { parsePlan, VirtualClock } from '@firedrill/core';
import { describe, expect, it } from 'vitest';
import { buildPilotLightScenario, planForScenario } from '../../sandbox/src/index.js';
import { multiSiteStrategy } from '../src/strategies/multi-site.js';
import { pilotLight } from '../src/strategies/pilot-light.js';
import type { Finding } from '../src/strategy.js';
import { multiSiteFixture } from './support/multi-site-scenario.js';
import { sandboxEnvironment } from './support/run-on-sandbox.js';
import { sandboxAws, writeHeartbeats } from './support/strategy-on-sandbox.js';

const lagFinding = (findings: Finding[]): Finding | undefined => findings.find((f) => f.check === 'replication-lag');

describe('readiness: replication lag from CloudWatch against the RPO objective', () => {
  it('RDS read replica (ReplicaLag): warn with no datapoints, pass within the objective, fail over it', async () => {
    const clock = new VirtualClock({ start: '2026-11-22T03:00:00Z' });
    const { sandbox, names } = await buildPilotLightScenario({ clock, seed: 4 });
    const plan = parsePlan(planForScenario(names));
    const aws = sandboxEnvironment(plan, sandbox, clock);
    const replica = `rds:${names.database.recovery!.identifier}`;

    // A world built this instant: no minute is over, so CloudWatch has nothing to judge.
    expect(lagFinding(await pilotLight.check({ plan, aws }))).toMatchObject({ status: 'warn', resource: replica, region: names.recoveryRegion, message: expect.stringMatching(/^no datapoints/) });

    // Three minutes of writes with the sandbox's usual lag: well within the 60 s objective.
    await writeHeartbeats(sandbox, clock, names.app, 3 * 60_000);
    const ok = lagFinding(await pilotLight.check({ plan, aws }));
    expect(ok).toMatchObject({ status: 'pass', resource: replica, message: expect.stringMatching(/within the RPO objective of 60 s/) });

    // A quiet night: nothing written for five minutes. PostgreSQL's ReplicaLag grows past the objective (nothing
    // new to replay), yet the source's slot lag stays at 0 — nothing to lose — so the check still passes, and says why.
    await clock.sleep(5 * 60_000);
    const quiet = lagFinding(await pilotLight.check({ plan, aws }));
    expect(quiet).toMatchObject({ status: 'pass', resource: replica, message: expect.stringMatching(/within the RPO objective of 60 s/) });
    expect(quiet!.message).toMatch(/minute\(s\) counted as 0: the source's OldestReplicationSlotLag stayed at 0 bytes/);

    // The replica falls 90 s behind while writes go on (long enough that the last five minutes are all like that):
    // the worst minute of the last five is over the objective.
    sandbox.faults.replicationLag(names.app, 90_000);
    await writeHeartbeats(sandbox, clock, names.app, 7 * 60_000, 1_000);
    const late = lagFinding(await pilotLight.check({ plan, aws }));
    expect(late).toMatchObject({ status: 'fail', resource: replica, region: names.recoveryRegion, message: expect.stringMatching(/over the RPO objective of 60 s/) });
    // The figure is CloudWatch's (seconds, the minute's maximum), not a guess: on PostgreSQL the age of the newest
    // write replayed, 90 s behind plus up to the second between writes.
    const reported = Number(/up to ([\d.]+) s/.exec(late!.message)![1]);
    expect(reported).toBeGreaterThan(60);
    expect(reported).toBeLessThanOrEqual(91);
  });

  it('Aurora global secondary (AuroraGlobalDBReplicationLag): warn with no datapoints, pass within the objective, fail over it', async () => {
    const f = await multiSiteFixture(5);
    const aws = sandboxAws(f.plan, f.clock, f.sandbox);
    const secondary = `rds:${f.names.database.recovery!.identifier}`;
    const check = async (): Promise<Finding | undefined> => lagFinding(await multiSiteStrategy.check({ plan: f.plan, aws }));

    expect(await check()).toMatchObject({ status: 'warn', resource: secondary, region: f.recovery, message: expect.stringMatching(/^no datapoints/) });

    await writeHeartbeats(f.sandbox, f.clock, f.names.app, 3 * 60_000);
    expect(await check()).toMatchObject({ status: 'pass', resource: secondary, message: expect.stringMatching(/within the RPO objective of 10 s/) });

    // Objective 10 s; the secondary falls 20 s behind.
    f.sandbox.faults.replicationLag(f.names.app, 20_000);
    await writeHeartbeats(f.sandbox, f.clock, f.names.app, 3 * 60_000, 1_000);
    expect(await check()).toMatchObject({ status: 'fail', resource: secondary, region: f.recovery, message: expect.stringMatching(/over the RPO objective of 10 s/) });
  });
});
