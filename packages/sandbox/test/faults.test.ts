import { DescribeDBInstancesCommand, PromoteReadReplicaCommand, RDSClient } from '@aws-sdk/client-rds';
import { EC2Client, DescribeInstancesCommand } from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import { buildWarmStandbyScenario, Sandbox } from '../src/index.js';
import { VirtualClock } from '@firedrill/core';

describe('faults', () => {
  it('a region outage fails API calls like the network does, after the connect timeout', async () => {
    const clock = new VirtualClock();
    const { sandbox, names } = await buildWarmStandbyScenario({ clock, apiLatency: 0 });
    sandbox.faults.regionOutage(names.primaryRegion, { at: clock.now() + 1_000 });
    const rds = sandbox.client(RDSClient, names.primaryRegion);
    await rds.send(new DescribeDBInstancesCommand({}));
    await clock.sleep(1_000);
    const start = clock.now();
    const error = (await rds.send(new DescribeDBInstancesCommand({})).catch((e: unknown) => e)) as Error & { $metadata?: { httpStatusCode?: number } };
    expect(error.name).toBe('TimeoutError');
    expect(error.$metadata?.httpStatusCode).toBeUndefined();
    expect(clock.now() - start).toBe(5_000);
    expect(sandbox.dataPlane.endpointHealth(names.primaryRegion).reasons).toContain(`region ${names.primaryRegion} is down`);
    expect(sandbox.calls({ outcome: 'TimeoutError' })).toHaveLength(1);
    // Other regions keep answering.
    await sandbox.client(EC2Client, names.recoveryRegion).send(new DescribeInstancesCommand({}));
  });

  it('throttles with ThrottlingException past the RDS bucket (300 burst, 12/s)', async () => {
    const clock = new VirtualClock();
    const sandbox = new Sandbox({ clock, apiLatency: 0 });
    const rds = sandbox.client(RDSClient, 'us-east-1');
    const outcomes = await Promise.all(Array.from({ length: 320 }, () => rds.send(new DescribeDBInstancesCommand({})).then(() => 'ok', (e: Error) => e.name)));
    expect(outcomes.filter((o) => o === 'ok')).toHaveLength(300);
    const throttled = await rds.send(new DescribeDBInstancesCommand({})).catch((e: unknown) => e);
    expect(throttled).toMatchObject({ name: 'ThrottlingException', $fault: 'client', $metadata: { httpStatusCode: 400 } });
    await clock.sleep(1_000);
    await expect(rds.send(new DescribeDBInstancesCommand({}))).resolves.toBeDefined();
  });

  it('injects transient 5xx errors at a seeded rate and operations that never finish', async () => {
    const clock = new VirtualClock();
    const { sandbox, names } = await buildWarmStandbyScenario({ clock, apiLatency: 0 });
    sandbox.faults.transientErrors({ service: 'ec2', rate: 0.5 });
    const ec2 = sandbox.client(EC2Client, names.primaryRegion);
    const outcomes = await Promise.all(Array.from({ length: 40 }, () => ec2.send(new DescribeInstancesCommand({})).then(() => 'ok', (e: { $metadata: { httpStatusCode: number } }) => e.$metadata.httpStatusCode)));
    expect(outcomes.filter((o) => o === 500 || o === 503).length).toBeGreaterThan(5);
    sandbox.faults.neverFinish('rds.promoteReadReplica', names.database.recovery!.identifier);
    const west = sandbox.client(RDSClient, names.recoveryRegion);
    await west.send(new PromoteReadReplicaCommand({ DBInstanceIdentifier: names.database.recovery!.identifier }));
    await clock.sleep(60 * 60_000);
    const db = (await west.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: names.database.recovery!.identifier }))).DBInstances![0]!;
    expect(db.DBInstanceStatus).toBe('modifying');
  });
});
