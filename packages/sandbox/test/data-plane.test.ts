import { DescribeDBInstancesCommand, PromoteReadReplicaCommand, RDSClient } from '@aws-sdk/client-rds';
import { describe, expect, it } from 'vitest';
import { buildWarmStandbyScenario, DataPlaneError } from '../src/index.js';
import { VirtualClock } from '@firedrill/core';

async function heartbeatsFor(sandbox: import('../src/index.js').Sandbox, clock: VirtualClock, app: string, seconds: number, from: number): Promise<number> {
  let seq = from;
  for (let i = 0; i < seconds; i++) {
    sandbox.dataPlane.writeHeartbeat(app, { seq: ++seq });
    await clock.sleep(1_000);
  }
  return seq;
}

describe('data plane', () => {
  it('loses exactly the writes inside the replication lag in an ungraceful promotion', async () => {
    const clock = new VirtualClock({ start: '2026-11-22T03:00:00Z' });
    const { sandbox, names } = await buildWarmStandbyScenario({ clock, apiLatency: 0 });
    const { app, primaryRegion, recoveryRegion } = names;
    sandbox.faults.replicationLag(app, 5_000);
    let seq = await heartbeatsFor(sandbox, clock, app, 30, 0);
    const disasterAt = clock.now();
    sandbox.faults.regionOutage(primaryRegion);
    expect(() => sandbox.dataPlane.writeHeartbeat(app, { seq: seq + 1 })).toThrow(DataPlaneError);
    expect(sandbox.dataPlane.endpointHealth(primaryRegion).healthy).toBe(false);
    const west = sandbox.client(RDSClient, recoveryRegion);
    await west.send(new PromoteReadReplicaCommand({ DBInstanceIdentifier: names.database.recovery!.identifier }));
    while ((await west.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: names.database.recovery!.identifier }))).DBInstances![0]!.DBInstanceStatus !== 'available') {
      await clock.sleep(10_000);
    }
    const restoredAt = sandbox.truth.firstHealthyAt(recoveryRegion, disasterAt)!;
    expect(restoredAt).toBeGreaterThan(disasterAt + 3 * 60_000);
    // Heartbeat n was acknowledged at t0 + (n−1) s and, with a 5 s lag, arrives at t0 + (n+4) s. The region
    // went down at t0 + 30 s: 26 arrived at that very instant; 27..30 were still in flight and are lost.
    const truth = sandbox.truth.lostWrites(app, { disasterAt });
    expect(truth.lost.map((w) => w.seq)).toEqual([27, 28, 29, 30]);
    expect(truth.newestSurviving?.seq).toBe(26);
    expect(truth.rpoMs).toBe(5_000);
    expect(sandbox.dataPlane.readNewestHeartbeat(app)?.seq).toBe(26);
    seq = await heartbeatsFor(sandbox, clock, app, 3, seq);
    expect(sandbox.dataPlane.readNewestHeartbeat(app)?.seq).toBe(seq);
    expect(sandbox.truth.splitBrainDetected).toBe(false);
    // The old primary comes back unfenced: two writers for one app.
    sandbox.faults.endRegionOutage(primaryRegion);
    expect(sandbox.truth.splitBrainDetected).toBe(true);
  });

  it('fences the old primary in a graceful failover: no write lost, no split brain', async () => {
    const clock = new VirtualClock();
    const { sandbox, names } = await buildWarmStandbyScenario({ clock, apiLatency: 0 });
    const { app, recoveryRegion } = names;
    await heartbeatsFor(sandbox, clock, app, 10, 0);
    expect(sandbox.dataPlane.fenceWriters(app)).toEqual([`${names.primaryRegion}:${names.database.primary.identifier}`]);
    while (sandbox.dataPlane.replicaLag(`${recoveryRegion}:${names.database.recovery!.identifier}`) !== 0) await clock.sleep(500);
    await sandbox.client(RDSClient, recoveryRegion).send(new PromoteReadReplicaCommand({ DBInstanceIdentifier: names.database.recovery!.identifier }));
    await clock.sleep(7 * 60_000);
    expect(sandbox.truth.lostWrites(app).lost).toEqual([]);
    expect(sandbox.dataPlane.readNewestHeartbeat(app)?.seq).toBe(10);
    expect(sandbox.truth.splitBrainDetected).toBe(false);
  });
});
