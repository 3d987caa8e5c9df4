/**
 * A region under load answers part of its API calls with 5xx for minutes (everyone fails over at once). A failover
 * must push through it, not give up after five attempts in fifteen seconds and roll back — scaling the recovery
 * fleet in again — while the primary region is gone.
 */
import { VirtualClock } from '@firedrill/core';
import { describe, expect, it } from 'vitest';
import { buildPilotLightScenario, planForScenario } from '../../sandbox/src/index.js';
import { pilotLight } from '../src/strategies/pilot-light.js';
import { dnsBaseline } from '../../sandbox/src/truth.js';
import { runOnSandbox } from './support/run-on-sandbox.js';
import { DescribeAutoScalingGroupsCommand } from '@aws-sdk/client-auto-scaling';
import { DescribeDBInstancesCommand } from '@aws-sdk/client-rds';
import { listRecordSets } from '../src/aws/route53.js';

describe('an ungraceful failover through a storm of AWS server errors', () => {
  it.each([4, 5])('seven in ten RDS, Auto Scaling and Route 53 calls fail with 5xx for 3 minutes (seed %i): the failover completes, measured against the truth', async (seed) => {
    const clock = new VirtualClock({ start: '2026-11-22T03:00:00Z' });
    // Primary us-west-2: Route 53's control plane (us-east-1) stays up, so the storm is the only thing in the way.
    const scenario = await buildPilotLightScenario({ clock, seed, regions: ['us-west-2', 'us-east-1'] });
    const { sandbox, names } = scenario;
    const storm = { at: clock.now(), until: clock.now() + 3 * 60_000, rate: 0.7 };
    sandbox.faults.transientErrors({ service: 'rds', region: names.recoveryRegion, ...storm });
    sandbox.faults.transientErrors({ service: 'autoscaling', region: names.recoveryRegion, ...storm });
    sandbox.faults.transientErrors({ service: 'route53', ...storm });
    sandbox.faults.regionOutage(names.primaryRegion, { at: clock.now(), until: clock.now() + 60 * 60_000 });

    // The truth judges each moment by the records DNS served then (the failover switches the record later).
    const dnsAsBefore = dnsBaseline(sandbox.world);
    const { report, aws, disasterAt } = await runOnSandbox({ scenario, clock, plan: planForScenario(names), strategy: pilotLight, operation: 'failover', mode: 'ungraceful' });

    expect(report.status, JSON.stringify(report.steps.filter((s) => s.status === 'failed').map((s) => [s.id, s.attempts, s.error?.message]))).toBe('succeeded');
    // The storm was real: some step needed more than the five attempts a policy counts.
    expect(Math.max(...report.steps.map((s) => s.attempts ?? 0))).toBeGreaterThan(5);
    // The primary region is still down: read the recovery side. The replica is a standalone writer, the failover
    // record's PRIMARY is the recovery region's, the recovery fleet serves at production size.
    const [writer] = (await aws.clients('recovery').rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: names.database.recovery!.identifier }))).DBInstances ?? [];
    expect(writer).toMatchObject({ DBInstanceStatus: 'available' });
    expect(writer?.ReadReplicaSourceDBInstanceIdentifier ?? undefined).toBeUndefined();
    const dns = names.dns!;
    const sets = await listRecordSets({ route53: aws.clients('recovery').route53, hostedZoneId: dns.hostedZoneId, name: dns.recordName, type: dns.recordType });
    expect(sets.find((r) => r.Failover === 'PRIMARY')?.SetIdentifier).toBe(dns.setIdentifiers[names.recoveryRegion]);
    const [group] = (await aws.clients('recovery').autoScaling.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [names.compute.recovery!.autoScalingGroupName] }))).AutoScalingGroups ?? [];
    expect(group?.DesiredCapacity).toBe(4);
    expect(group?.Instances?.filter((i) => i.LifecycleState === 'InService')).toHaveLength(4);
    const truth = sandbox.truth.usersServedAgainAt({ recordName: names.dns!.recordName }, disasterAt, { app: names.app, dnsBaseline: dnsAsBefore })!;
    expect(Math.abs(report.rto.seconds! - (truth - disasterAt) / 1000)).toBeLessThanOrEqual(1);
  });
});

describe('a graceful failover against a primary region that does not answer at all', () => {
  it('fails its fence within a minute: no answer is an outage, not load, and is not retried for transientFor', async () => {
    const clock = new VirtualClock({ start: '2026-11-22T03:00:00Z' });
    const scenario = await buildPilotLightScenario({ clock, seed: 4, regions: ['us-west-2', 'us-east-1'] });
    scenario.sandbox.faults.regionOutage(scenario.names.primaryRegion, { at: clock.now() });
    const { report } = await runOnSandbox({ scenario, clock, plan: planForScenario(scenario.names), strategy: pilotLight, operation: 'failover', mode: 'graceful' });
    const fence = report.steps.find((s) => s.id === 'fence-primary-writers')!;
    expect(fence.status).toBe('failed');
    expect(fence.attempts).toBe(5);
    expect(fence.seconds!).toBeLessThan(60);
    expect(fence.error?.message).toMatch(/could not reach the rds endpoint in us-west-2/);
    expect(report.status).toBe('rolled-back');
  });
});
