import {
  type Change,
  ChangeResourceRecordSetsCommand,
  type ChangeResourceRecordSetsCommandInput,
  GetChangeCommand,
  InvalidChangeBatch,
  ListResourceRecordSetsCommand,
  PriorRequestNotComplete,
  Route53Client,
} from '@aws-sdk/client-route-53';
import { VirtualClock } from '@firedrill/core';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { Route53ChangeQueue } from '../src/aws/route53-change-queue.js';
import { setRecordWeights, switchDnsFailover } from '../src/aws/route53.js';

const route53 = new Route53Client({ region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
const mock = mockClient(route53);
beforeEach(() => mock.reset());

const upsert = (name: string, value: string): Change => ({
  Action: 'UPSERT',
  ResourceRecordSet: { Name: name, Type: 'CNAME', TTL: 60, ResourceRecords: [{ Value: value }] },
});

describe('Route53ChangeQueue', () => {
  it('batches concurrent submissions to one zone, serializes calls, and waits out PriorRequestNotComplete', async () => {
    const clock = new VirtualClock();
    const start = clock.now();
    let inFlight = 0;
    let maxInFlight = 0;
    let calls = 0;
    const sent: Array<{ at: number; input: ChangeResourceRecordSetsCommandInput }> = [];
    const insyncAt = new Map<string, number>();
    mock.on(ChangeResourceRecordSetsCommand).callsFake(async (input: ChangeResourceRecordSetsCommandInput) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await clock.sleep(150);
      inFlight--;
      calls++;
      if (calls === 2) throw new PriorRequestNotComplete({ message: 'still processing', $metadata: { httpStatusCode: 400 } });
      sent.push({ at: clock.now() - start, input });
      const id = `/change/C${calls}`;
      insyncAt.set(id, clock.now() + 40_000);
      return { ChangeInfo: { Id: id, Status: 'PENDING', SubmittedAt: new Date(clock.now()) } };
    });
    mock.on(GetChangeCommand).callsFake(async ({ Id }: { Id: string }) => ({
      ChangeInfo: { Id, Status: clock.now() >= (insyncAt.get(Id) ?? 0) ? 'INSYNC' : 'PENDING', SubmittedAt: new Date(0) },
    }));

    const queue = new Route53ChangeQueue({ route53, clock, awaitPreviousInSync: false, retryDelayMs: 500 });
    const submissions = [
      upsert('a.example.com', 'a1'),
      upsert('b.example.com', 'b1'),
      upsert('c.example.com', 'c1'),
      upsert('a.example.com', 'a2'), // the same record as the first: must not share its call
      upsert('d.example.com', 'd1'),
    ];
    const receipts = await Promise.all(submissions.map((change) => queue.submit({ hostedZoneId: 'Z1', changes: [change] })));

    expect(maxInFlight).toBe(1);
    expect(sent.length).toBeLessThanOrEqual(3);
    expect(sent.flatMap((s) => s.input.ChangeBatch?.Changes ?? [])).toHaveLength(5);
    expect(receipts.every((r) => r.changeId.startsWith('/change/'))).toBe(true);
    expect(queue.stats().priorRequestRetries).toBe(1);
    // Every call's changes touch each record at most once.
    for (const s of sent) {
      const names = (s.input.ChangeBatch?.Changes ?? []).map((c) => c.ResourceRecordSet?.Name);
      expect(new Set(names).size).toBe(names.length);
    }
  });

  it('waits for the previous change to be INSYNC before sending the next batch', async () => {
    const clock = new VirtualClock();
    const start = clock.now();
    const sentAt: number[] = [];
    mock.on(ChangeResourceRecordSetsCommand).callsFake(async () => {
      sentAt.push(clock.now() - start);
      return { ChangeInfo: { Id: `/change/C${sentAt.length}`, Status: 'PENDING', SubmittedAt: new Date(0) } };
    });
    mock.on(GetChangeCommand).callsFake(async ({ Id }: { Id: string }) => ({
      ChangeInfo: { Id, Status: clock.now() - start >= 30_000 ? 'INSYNC' : 'PENDING', SubmittedAt: new Date(0) },
    }));
    const queue = new Route53ChangeQueue({ route53, clock });
    const first = queue.submit({ hostedZoneId: 'Z1', changes: [upsert('a.example.com', '1')] });
    const second = queue.submit({ hostedZoneId: 'Z1', changes: [upsert('a.example.com', '2')] });
    await Promise.all([first, second]);
    expect(sentAt[0]).toBe(0);
    expect(sentAt[1]).toBeGreaterThanOrEqual(30_000);
    expect(sentAt[1]).toBeLessThanOrEqual(32_000);
  });

  it('fails only the invalid submission of a shared batch', async () => {
    const clock = new VirtualClock();
    mock.on(ChangeResourceRecordSetsCommand).callsFake(async (input: ChangeResourceRecordSetsCommandInput) => {
      await clock.sleep(10);
      if (input.ChangeBatch?.Changes?.some((c) => c.ResourceRecordSet?.Name === 'bad.example.com')) {
        throw new InvalidChangeBatch({ message: 'Tried to delete resource record set bad.example.com but it was not found', $metadata: { httpStatusCode: 400 } });
      }
      return { ChangeInfo: { Id: '/change/OK', Status: 'PENDING', SubmittedAt: new Date(0) } };
    });
    const queue = new Route53ChangeQueue({ route53, clock, awaitPreviousInSync: false });
    const blocker = queue.submit({ hostedZoneId: 'Z1', changes: [upsert('x.example.com', '0')] });
    const good = queue.submit({ hostedZoneId: 'Z1', changes: [upsert('good.example.com', '1')] });
    const bad = queue.submit({ hostedZoneId: 'Z1', changes: [upsert('bad.example.com', '1')] });
    await blocker;
    expect(await good).toMatchObject({ changeId: '/change/OK' });
    await expect(bad).rejects.toMatchObject({ code: 'InvalidChangeBatch', retryable: false });
  });
});

const failoverPair = (primary: string) => ({
  ResourceRecordSets: ['us-east-1', 'us-west-2'].map((region) => ({
    Name: 'app.example.com.', Type: 'A' as const, SetIdentifier: region, Failover: region === primary ? ('PRIMARY' as const) : ('SECONDARY' as const),
    HealthCheckId: `hc-${region}`, AliasTarget: { HostedZoneId: 'ZLB', DNSName: `lb.${region}.example.com`, EvaluateTargetHealth: true },
  })),
  IsTruncated: false,
  MaxItems: 100,
});

describe('switchDnsFailover', () => {
  it('swaps PRIMARY and SECONDARY in one change, keeping health checks', async () => {
    mock.on(ListResourceRecordSetsCommand).resolves(failoverPair('us-east-1'));
    mock.on(ChangeResourceRecordSetsCommand).resolves({ ChangeInfo: { Id: '/change/C1', Status: 'PENDING', SubmittedAt: new Date(0) } });
    const outcome = await switchDnsFailover({ route53, hostedZoneId: 'Z1', name: 'app.example.com', type: 'A', primarySetIdentifier: 'us-west-2' });
    expect(outcome).toMatchObject({ changed: true, changeId: '/change/C1' });
    const changes = mock.commandCalls(ChangeResourceRecordSetsCommand)[0]?.args[0].input.ChangeBatch?.Changes;
    expect(changes?.map((c) => [c.Action, c.ResourceRecordSet?.SetIdentifier, c.ResourceRecordSet?.Failover, c.ResourceRecordSet?.HealthCheckId])).toEqual([
      ['UPSERT', 'us-west-2', 'PRIMARY', 'hc-us-west-2'],
      ['UPSERT', 'us-east-1', 'SECONDARY', 'hc-us-east-1'],
    ]);
  });

  it('makes no change when the record is already PRIMARY', async () => {
    mock.on(ListResourceRecordSetsCommand).resolves(failoverPair('us-west-2'));
    expect(await switchDnsFailover({ route53, hostedZoneId: 'Z1', name: 'app.example.com', type: 'A', primarySetIdentifier: 'us-west-2' })).toMatchObject({ changed: false });
    expect(mock.commandCalls(ChangeResourceRecordSetsCommand)).toHaveLength(0);
  });
});

describe('setRecordWeights', () => {
  const weighted = (east: number, west: number) => ({
    ResourceRecordSets: [
      { Name: 'app.example.com.', Type: 'CNAME' as const, SetIdentifier: 'east', Weight: east, TTL: 60, ResourceRecords: [{ Value: 'east.example.com' }] },
      { Name: 'app.example.com.', Type: 'CNAME' as const, SetIdentifier: 'west', Weight: west, TTL: 60, ResourceRecords: [{ Value: 'west.example.com' }] },
    ],
    IsTruncated: false,
    MaxItems: 100,
  });
  const base = { route53, hostedZoneId: 'Z1', name: 'app.example.com', type: 'CNAME' as const };

  it('refuses to set every weight to 0', async () => {
    mock.on(ListResourceRecordSetsCommand).resolves(weighted(0, 100));
    await expect(setRecordWeights({ ...base, weights: { west: 0 } })).rejects.toMatchObject({ code: 'AllWeightsZero', retryable: false });
    expect(mock.commandCalls(ChangeResourceRecordSetsCommand)).toHaveLength(0);
  });

  it('upserts only the weights that change, and nothing when all are in place', async () => {
    mock.on(ListResourceRecordSetsCommand).resolves(weighted(50, 50));
    mock.on(ChangeResourceRecordSetsCommand).resolves({ ChangeInfo: { Id: '/change/W', Status: 'PENDING', SubmittedAt: new Date(0) } });
    await setRecordWeights({ ...base, weights: { east: 0, west: 50 } });
    const changes = mock.commandCalls(ChangeResourceRecordSetsCommand)[0]?.args[0].input.ChangeBatch?.Changes;
    expect(changes).toEqual([{ Action: 'UPSERT', ResourceRecordSet: expect.objectContaining({ SetIdentifier: 'east', Weight: 0 }) }]);
    mock.reset();
    mock.on(ListResourceRecordSetsCommand).resolves(weighted(0, 100));
    expect(await setRecordWeights({ ...base, weights: { east: 0, west: 100 } })).toMatchObject({ changed: false });
  });
});
