import { UpdateAutoScalingGroupCommand, AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { ChangeResourceRecordSetsCommand, Route53Client } from '@aws-sdk/client-route-53';
import { describe, expect, it } from 'vitest';
import { multiSiteStrategy } from '../src/strategies/multi-site.js';
import { multiSiteFixture, type MultiSiteFixture, planResourceNames, resourcesInInput, trueRestoredThroughDns } from './support/multi-site-scenario.js';
import { at, runStrategy, sandboxAws, writeHeartbeats } from './support/strategy-on-sandbox.js';

/** When each instance the survivor launched after `from` went InService, in order. */
function newInServiceTimes(f: MultiSiteFixture, from: number): number[] {
  const group = f.sandbox.world.autoScaling[f.recovery]![f.names.compute.recovery!.autoScalingGroupName]!;
  return group.instances.map((i) => i.lifecycle.find((c) => c.value === 'InService')?.at).filter((t): t is number => t !== undefined && t > from).sort((a, b) => a - b);
}

describe('multi-site check', () => {
  it('passes on a fresh scenario, changing nothing', async () => {
    const f = await multiSiteFixture(1);
    const findings = await multiSiteStrategy.check({ plan: f.plan, aws: sandboxAws(f.plan, f.clock, f.sandbox) });
    // What Firedrill cannot read it says: the global database's lag (CloudWatch has no minute yet for a world built this
    // instant: no datapoints).
    expect(findings.filter((x) => x.status !== 'pass').map((x) => x.check)).toEqual(['replication-lag']);
    expect(new Set(findings.map((x) => x.check))).toEqual(new Set(['weights', 'dns-health-check', 'global-database', 'replica-replicating', 'replication-lag', 'capacity', 'launch-template', 'permissions']));
    expect(f.sandbox.calls().every((c) => /^(Describe|List|Get|SimulatePrincipalPolicy)/.test(c.command))).toBe(true);
  });

  it('reports a weight that differs from the plan and a region that fails its health check', async () => {
    const f = await multiSiteFixture(2);
    const dns = f.names.dns!;
    await f.sandbox.client(Route53Client, f.recovery).send(new ChangeResourceRecordSetsCommand({
      HostedZoneId: dns.hostedZoneId,
      ChangeBatch: { Changes: [{ Action: 'UPSERT', ResourceRecordSet: { Name: dns.recordName, Type: 'CNAME', TTL: 60, SetIdentifier: dns.setIdentifiers[f.recovery], Weight: 20, HealthCheckId: dns.healthChecks[f.recovery], ResourceRecords: [{ Value: f.names.endpoints[f.recovery]! }] } }] },
    }));
    await f.sandbox.client(AutoScalingClient, f.recovery).send(new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: f.names.compute.recovery!.autoScalingGroupName, MinSize: 0, DesiredCapacity: 0, MaxSize: 8 }));
    await f.clock.sleep(5 * 60_000);
    const findings = await multiSiteStrategy.check({ plan: f.plan, aws: sandboxAws(f.plan, f.clock, f.sandbox) });
    const failed = findings.filter((x) => x.status === 'fail').map((x) => `${x.check} ${x.region}`);
    expect(failed).toEqual(expect.arrayContaining([`weights ${f.recovery}`, `dns-health-check ${f.recovery}`, `capacity ${f.recovery}`]));
    expect(findings.find((x) => x.check === 'weights' && x.region === f.recovery)?.message).toBe('weight is 20, the plan says 50');
  });
});

describe('multi-site check: the health check on each weighted record', () => {
  it('a weighted record without its health check is named, with what to attach (Route 53 would keep answering a lost region)', async () => {
    const f = await multiSiteFixture(3);
    const dns = f.names.dns!;
    // Someone re-created the recovery record without its HealthCheckId.
    await f.sandbox.client(Route53Client, f.recovery).send(new ChangeResourceRecordSetsCommand({
      HostedZoneId: dns.hostedZoneId,
      ChangeBatch: { Changes: [{ Action: 'UPSERT', ResourceRecordSet: { Name: dns.recordName, Type: 'CNAME', TTL: 60, SetIdentifier: dns.setIdentifiers[f.recovery], Weight: 50, ResourceRecords: [{ Value: f.names.endpoints[f.recovery]! }] } }] },
    }));
    await f.clock.sleep(2 * 60_000);
    const findings = await multiSiteStrategy.check({ plan: f.plan, aws: sandboxAws(f.plan, f.clock, f.sandbox) });
    const unguarded = findings.filter((x) => x.check === 'dns-health-check' && x.status === 'warn');
    expect(unguarded).toEqual([expect.objectContaining({
      region: f.recovery, resource: `route53:${dns.recordName}/${dns.setIdentifiers[f.recovery]}`,
      message: expect.stringMatching(new RegExp(`guarded by no health check, not by ${dns.healthChecks[f.recovery]}`)),
      action: expect.stringMatching(new RegExp(`attach ${dns.healthChecks[f.recovery]} to ${dns.setIdentifiers[f.recovery]}`)),
    })]);
    // The primary's record still has its own: nothing said of it but its health.
    expect(findings.filter((x) => x.check === 'dns-health-check' && x.region === f.primary).map((x) => x.status)).toEqual(['pass']);
  });
});

describe('multi-site failover', () => {
  it.each([1, 2, 3])('ungraceful, primary region lost: drains it, moves the writer with data loss, scales the survivor (seed %i)', async (seed) => {
    const f = await multiSiteFixture(seed);
    await writeHeartbeats(f.sandbox, f.clock, f.names.app, 30_000);
    f.sandbox.faults.regionOutage(f.primary, { at: f.clock.now() });
    const { report } = await runStrategy({ strategy: multiSiteStrategy, plan: f.plan, sandbox: f.sandbox, clock: f.clock, app: f.names.app, operation: 'failover', mode: 'ungraceful', health: { recordName: f.names.dns!.recordName } });

    expect(report.status).toBe('succeeded');
    expect(await f.weights()).toEqual({ [f.primary]: 0, [f.recovery]: 50 });
    expect(await f.writerRegion()).toBe(f.recovery);
    expect(await f.capacity(f.recovery)).toBe('8/8/16');
    expect(f.sandbox.truth.dnsTarget(f.names.dns!.recordName).regions).toEqual([f.recovery]);
    expect(f.sandbox.calls({ command: 'FailoverGlobalCluster', outcome: 'ok' }).map((c) => (c.input as { AllowDataLoss: boolean }).AllowDataLoss)).toEqual([true]);

    const disasterAt = at(report.disasterAt);
    const trueRto = (trueRestoredThroughDns(f, disasterAt) - disasterAt) / 1000;
    expect(Math.abs(report.rto.seconds! - trueRto)).toBeLessThanOrEqual(1);
    // The survivor carries all of production, what both fleets of 4 carried (the sandbox's load rule): users are
    // served again only once its 8th instance is InService, and the failover started that scale-out at once.
    expect(f.sandbox.world.applications[f.names.app]!.productionCapacity).toBe(8);
    const eighthInService = newInServiceTimes(f, disasterAt)[3]!;
    expect(trueRestoredThroughDns(f, disasterAt)).toBeGreaterThanOrEqual(eighthInService);
    expect(f.sandbox.calls({ command: 'UpdateAutoScalingGroup', outcome: 'ok' })[0]!.at - disasterAt).toBeLessThan(2_000);
    const truth = f.sandbox.truth.lostWrites(f.names.app, { disasterAt });
    expect(report.rpo.source).toBe('heartbeat');
    expect(Math.abs(report.rpo.seconds! * 1000 - truth.rpoMs)).toBeLessThanOrEqual(1_000);
    expect(f.sandbox.truth.splitBrainDetected).toBe(false);
    // Guardrail: only the plan's resources were touched.
    const allowed = planResourceNames(f);
    expect(f.sandbox.calls().flatMap((c) => resourcesInInput(c.input)).filter((r) => !allowed.has(r))).toEqual([]);
  });

  it('graceful: capacity, then drain, then switchover — no data lost', async () => {
    const f = await multiSiteFixture(4);
    const { report } = await runStrategy({ strategy: multiSiteStrategy, plan: f.plan, sandbox: f.sandbox, clock: f.clock, app: f.names.app, operation: 'failover', mode: 'graceful', health: { recordName: f.names.dns!.recordName } });
    expect(report.status).toBe('succeeded');
    // Nothing was lost; the heartbeat says so to within its interval (the newest beat precedes the switchover).
    expect(f.sandbox.truth.lostWrites(f.names.app).lost).toEqual([]);
    expect(report.rpo.source).toBe('heartbeat');
    expect(report.rpo.seconds).toBeLessThan(1);
    // The RTO measures the write pause of the switchover, from its start until the new writer serves.
    const switchover = f.sandbox.calls({ command: 'SwitchoverGlobalCluster', outcome: 'ok' })[0]!;
    expect(report.disasterAt).toBe(report.steps.find((s) => s.id === 'move-writer-to-recovery')!.startedAt);
    expect(Math.abs(at(report.restoredAt) - f.sandbox.truth.firstHealthyAt(f.recovery, switchover.at + 1, f.names.app)!)).toBeLessThanOrEqual(1_000);
    expect(f.sandbox.calls({ command: 'SwitchoverGlobalCluster', outcome: 'ok' })).toHaveLength(1);
    expect(f.sandbox.calls({ command: 'FailoverGlobalCluster' })).toHaveLength(0);
    const order = ['UpdateAutoScalingGroup', 'ChangeResourceRecordSets', 'SwitchoverGlobalCluster'].map((command) => f.sandbox.calls({ command })[0]!.seq);
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(await f.weights()).toEqual({ [f.primary]: 0, [f.recovery]: 50 });
    expect(await f.writerRegion()).toBe(f.recovery);
    expect(f.sandbox.truth.splitBrainDetected).toBe(false);
  });
});

describe('multi-site guardrails', () => {
  it('refuses to drain the primary when the survivor fails its health check, with a clear message', async () => {
    const f = await multiSiteFixture(5, { plan: { fullCapacity: { min: 0, desired: 0, max: 8 } } });
    // The recovery region has lost its fleet: it fails its health check while the primary serves.
    await f.sandbox.client(AutoScalingClient, f.recovery).send(new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: f.names.compute.recovery!.autoScalingGroupName, MinSize: 0, DesiredCapacity: 0, MaxSize: 8 }));
    await f.clock.sleep(5 * 60_000);
    const { report } = await runStrategy({ strategy: multiSiteStrategy, plan: f.plan, sandbox: f.sandbox, clock: f.clock, app: f.names.app, operation: 'drill', drill: 'isolated', health: { recordName: f.names.dns!.recordName } });
    expect(report.status).not.toBe('succeeded');
    const failed = report.steps.find((s) => s.id === 'drill-drain-primary-weight');
    expect(failed?.status).toBe('failed');
    expect(report.error?.message ?? JSON.stringify(report.steps)).toMatch(/SurvivorUnhealthy: refusing to set the weight of .* to 0: us-east-1, which would carry all traffic .* fails its health check/);
    expect(await f.weights()).toEqual({ [f.primary]: 50, [f.recovery]: 50 });
  });

  it('never sets every weight to 0', async () => {
    const f = await multiSiteFixture(6);
    const dns = f.names.dns!;
    // Someone already took the recovery region out: draining the primary too would leave DNS with no target.
    await f.sandbox.client(Route53Client, f.recovery).send(new ChangeResourceRecordSetsCommand({
      HostedZoneId: dns.hostedZoneId,
      ChangeBatch: { Changes: [{ Action: 'UPSERT', ResourceRecordSet: { Name: dns.recordName, Type: 'CNAME', TTL: 60, SetIdentifier: dns.setIdentifiers[f.recovery], Weight: 0, HealthCheckId: dns.healthChecks[f.recovery], ResourceRecords: [{ Value: f.names.endpoints[f.recovery]! }] } }] },
    }));
    await f.clock.sleep(120_000);
    const { report } = await runStrategy({ strategy: multiSiteStrategy, plan: f.plan, sandbox: f.sandbox, clock: f.clock, app: f.names.app, operation: 'failover', mode: 'graceful' });
    expect(report.status).not.toBe('succeeded');
    expect(JSON.stringify(report)).toMatch(/AllWeightsZero: refusing to set every weight of .* to 0/);
    expect(await f.weights()).toEqual({ [f.primary]: 50, [f.recovery]: 0 });
    expect(f.sandbox.calls({ command: 'SwitchoverGlobalCluster' })).toHaveLength(0);
  });
});
