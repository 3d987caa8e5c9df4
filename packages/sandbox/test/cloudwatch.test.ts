import {
  CloudWatchClient,
  GetMetricDataCommand,
  GetMetricStatisticsCommand,
  InvalidParameterValueException,
  MissingRequiredParameterException,
} from '@aws-sdk/client-cloudwatch';
import { CreateDBInstanceCommand, CreateDBInstanceReadReplicaCommand, DescribeDBInstancesCommand, RDSClient } from '@aws-sdk/client-rds';
import { VirtualClock } from '@firedrill/core';
import { describe, expect, it } from 'vitest';
import { Sandbox } from '../src/index.js';

const MINUTE = 60_000;
const START = Date.parse('2026-11-22T03:00:00Z');

/** A primary in us-east-1 with a replica in us-west-2, both available, an application writing to the primary. */
async function replicated(options: { rateLimits?: boolean; engine?: 'postgres' | 'mysql' } = {}): Promise<{ sandbox: Sandbox; clock: VirtualClock; cw: CloudWatchClient; west: RDSClient }> {
  const clock = new VirtualClock({ start: START });
  const sandbox = new Sandbox({ clock, seed: 3, rateLimits: options.rateLimits ?? false, latencies: { 'rds.createDBInstance': 5 * MINUTE, 'rds.createDBInstanceReadReplica': 5 * MINUTE } });
  const east = sandbox.client(RDSClient, 'us-east-1');
  const west = sandbox.client(RDSClient, 'us-west-2');
  const created = await east.send(new CreateDBInstanceCommand({ DBInstanceIdentifier: 'orders', DBInstanceClass: 'db.r6g.large', Engine: options.engine ?? 'postgres', MasterUsername: 'app', AllocatedStorage: 100 }));
  await clock.sleep(5 * MINUTE);
  await west.send(new CreateDBInstanceReadReplicaCommand({ DBInstanceIdentifier: 'orders-replica', SourceDBInstanceIdentifier: created.DBInstance!.DBInstanceArn! }));
  await clock.sleep(5 * MINUTE);
  // Align to a minute boundary so the test reads whole minutes.
  await clock.sleep(MINUTE - (clock.now() % MINUTE));
  return { sandbox, clock, cw: sandbox.client(CloudWatchClient, 'us-west-2'), west };
}

const replicaLagQuery = (id = 'orders-replica', stat = 'Maximum', metricName = 'ReplicaLag') => ({
  Id: 'lag',
  MetricStat: { Metric: { Namespace: 'AWS/RDS', MetricName: metricName, Dimensions: [{ Name: 'DBInstanceIdentifier', Value: id }] }, Period: 60, Stat: stat },
});

async function lagPoints(cw: CloudWatchClient, from: number, to: number, stat = 'Maximum', id = 'orders-replica', metricName = 'ReplicaLag'): Promise<{ at: number; value: number }[]> {
  const out = await cw.send(new GetMetricDataCommand({ StartTime: new Date(from), EndTime: new Date(to), ScanBy: 'TimestampAscending', MetricDataQueries: [replicaLagQuery(id, stat, metricName)] }));
  const r = out.MetricDataResults![0]!;
  return r.Timestamps!.map((t, i) => ({ at: t.getTime(), value: r.Values![i]! }));
}

/** Writes one row a second to `db` for `ms`. */
async function writeEverySecond(sandbox: Sandbox, clock: VirtualClock, db: string, ms: number, seq = { n: 1 }): Promise<void> {
  for (let t = 0; t < ms; t += 1_000) {
    sandbox.dataPlane.write(db, { seq: seq.n++ });
    await clock.sleep(1_000);
  }
}

describe('CloudWatch (RDS replication lag metrics)', () => {
  it('DescribeDBInstances reports replication status only, as RDS does: no lag figure in StatusInfos', async () => {
    const { sandbox, clock, west } = await replicated();
    sandbox.faults.replicationLag('orders-replica', 4_000);
    await writeEverySecond(sandbox, clock, 'orders', 30_000);
    const db = (await west.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'orders-replica' }))).DBInstances![0]!;
    expect(db.StatusInfos).toEqual([{ StatusType: 'read replication', Normal: true, Status: 'replicating' }]);
  });

  it('ReplicaLag (MySQL, Seconds_Behind_Master): one datapoint per minute, published once the minute is over, in seconds, 0 once caught up', async () => {
    const { sandbox, clock, cw } = await replicated({ engine: 'mysql' });
    sandbox.faults.replicationLag('orders-replica', 4_000);
    const m0 = clock.now();
    await writeEverySecond(sandbox, clock, 'orders', MINUTE - 30_000);
    // Half way through minute 0: nothing is published for it yet.
    expect(await lagPoints(cw, m0, clock.now())).toEqual([]);
    await writeEverySecond(sandbox, clock, 'orders', 30_000);
    // Minute 0 is over: its datapoint appears. Writes arrive 4 s after they were acknowledged, so the oldest
    // undelivered write is at most 4 s old (just under, as the lag is sampled every second).
    const points = await lagPoints(cw, m0, clock.now());
    expect(points.map((p) => p.at)).toEqual([m0]);
    expect(points[0]!.value).toBeGreaterThan(3);
    expect(points[0]!.value).toBeLessThanOrEqual(4);
    // Writes stop: the next minute starts 4 s behind, then the replica catches up; the one after reads 0.
    await clock.sleep(2 * MINUTE);
    const later = await lagPoints(cw, m0, clock.now());
    expect(later.map((p) => p.at)).toEqual([m0, m0 + MINUTE, m0 + 2 * MINUTE]);
    expect(later[2]!.value).toBe(0);
    expect(sandbox.dataPlane.replicaLag('orders-replica')).toBe(0);
    // Minimum and Maximum of one minute differ when the lag changed inside it.
    const min = await lagPoints(cw, m0 + MINUTE, m0 + 2 * MINUTE, 'Minimum');
    const max = await lagPoints(cw, m0 + MINUTE, m0 + 2 * MINUTE, 'Maximum');
    expect(min[0]!.value).toBe(0);
    expect(max[0]!.value).toBeGreaterThan(0);
  });

  it('no datapoints while the source region is down (replication broken), and again once it is back', async () => {
    const { sandbox, clock, cw } = await replicated({ engine: 'mysql' });
    const m0 = clock.now();
    await writeEverySecond(sandbox, clock, 'orders', MINUTE);
    sandbox.faults.regionOutage('us-east-1', { at: clock.now() + 20_000, until: clock.now() + 3 * MINUTE });
    await clock.sleep(4 * MINUTE);
    await clock.sleep(MINUTE);
    const points = await lagPoints(cw, m0, clock.now());
    // Minute 0 before the outage; minutes 1–3 touched by it have none; minutes 4 and 5 after it have one again.
    expect(points.map((p) => (p.at - m0) / MINUTE)).toEqual([0, 4, 5]);
    expect(points.slice(1).map((p) => p.value)).toEqual([0, 0]);
  });

  it('ReplicaLag (PostgreSQL): the age of the newest transaction replayed, growing while the source commits nothing; OldestReplicationSlotLag on the source reads 0 once the replica has everything', async () => {
    const { sandbox, clock, cw } = await replicated({ engine: 'postgres' });
    const east = sandbox.client(CloudWatchClient, 'us-east-1');
    sandbox.faults.replicationLag('orders-replica', 4_000);
    const m0 = clock.now();
    await writeEverySecond(sandbox, clock, 'orders', 2 * MINUTE);
    // Before the first write arrived the replica had replayed nothing since replication began: minutes old.
    const points = await lagPoints(cw, m0, clock.now());
    expect(points.map((p) => p.at)).toEqual([m0, m0 + MINUTE]);
    expect(points[0]!.value).toBeGreaterThan(60);
    // Busy source: the newest replayed write was acknowledged 4–5 s ago.
    expect(points[1]!.value).toBeGreaterThanOrEqual(4);
    expect(points[1]!.value).toBeLessThanOrEqual(5);
    // Four or five writes are always in flight: the source's slot lag is that much WAL.
    const slotBusy = await lagPoints(east, m0 + MINUTE, clock.now(), 'Minimum', 'orders', 'OldestReplicationSlotLag');
    expect(slotBusy[0]!.value).toBeGreaterThan(0);
    // The source goes quiet (a fence): ReplicaLag keeps growing, never 0 — the metric PostgreSQL has.
    await clock.sleep(3 * MINUTE);
    const quiet = await lagPoints(cw, m0 + 2 * MINUTE, clock.now());
    expect(quiet.map((p) => (p.at - m0) / MINUTE)).toEqual([2, 3, 4]);
    expect(quiet[2]!.value).toBeGreaterThan(2 * 60);
    expect(quiet.every((p) => p.value > 0)).toBe(true);
    // The slot lag says what ReplicaLag cannot: the replica has received every write.
    const slotQuiet = await lagPoints(east, m0 + 3 * MINUTE, clock.now(), 'Maximum', 'orders', 'OldestReplicationSlotLag');
    expect(slotQuiet.map((p) => p.value)).toEqual([0, 0]);
    // Published for a PostgreSQL source only, in the source's region.
    expect(await lagPoints(cw, m0, clock.now(), 'Maximum', 'orders-replica', 'OldestReplicationSlotLag')).toEqual([]);
  });

  it('AuroraGlobalDBReplicationLag is in milliseconds, per secondary cluster and source region', async () => {
    const { buildMultiSiteScenario } = await import('../src/index.js');
    const clock = new VirtualClock({ start: START });
    const { sandbox, names } = await buildMultiSiteScenario({ clock, seed: 2, regions: ['us-west-2', 'us-east-1'] });
    await clock.sleep(MINUTE - (clock.now() % MINUTE));
    const m0 = clock.now();
    // Writes are a second apart and the lag is sampled each second: a 2.5 s lag reads as the 2 s-old write not
    // yet delivered.
    sandbox.faults.replicationLag(names.app, 2_500);
    for (let i = 1; i <= 60; i++) {
      sandbox.dataPlane.writeHeartbeat(names.app, { seq: i });
      await clock.sleep(1_000);
    }
    const secondary = names.database.recovery!.identifier;
    const query = (sourceRegion: string) => ({
      Id: 'global',
      MetricStat: { Metric: { Namespace: 'AWS/RDS', MetricName: 'AuroraGlobalDBReplicationLag', Dimensions: [{ Name: 'DBClusterIdentifier', Value: secondary }, { Name: 'SourceRegion', Value: sourceRegion }] }, Period: 60, Stat: 'Maximum' },
    });
    const cw = sandbox.client(CloudWatchClient, 'us-east-1');
    const right = await cw.send(new GetMetricDataCommand({ StartTime: new Date(m0), EndTime: new Date(clock.now()), MetricDataQueries: [query('us-west-2')] }));
    expect(right.MetricDataResults![0]!.Timestamps).toEqual([new Date(m0)]);
    expect(right.MetricDataResults![0]!.Values![0]).toBe(2_000);
    // A different dimension set is a different metric: nobody publishes it.
    const wrong = await cw.send(new GetMetricDataCommand({ StartTime: new Date(m0), EndTime: new Date(clock.now()), MetricDataQueries: [query('eu-west-1')] }));
    expect(wrong.MetricDataResults![0]!.Values).toEqual([]);
  });

  it('GetMetricStatistics returns the same minutes with their unit', async () => {
    const { sandbox, clock, cw } = await replicated({ engine: 'mysql' });
    sandbox.faults.replicationLag('orders-replica', 2_000);
    const m0 = clock.now();
    await writeEverySecond(sandbox, clock, 'orders', 2 * MINUTE);
    const out = await cw.send(new GetMetricStatisticsCommand({ Namespace: 'AWS/RDS', MetricName: 'ReplicaLag', Dimensions: [{ Name: 'DBInstanceIdentifier', Value: 'orders-replica' }], StartTime: new Date(m0), EndTime: new Date(clock.now()), Period: 60, Statistics: ['Maximum', 'SampleCount'] }));
    const points = [...out.Datapoints!].sort((a, b) => a.Timestamp!.getTime() - b.Timestamp!.getTime());
    expect(points.map((p) => [p.Timestamp!.getTime() - m0, p.Unit, p.SampleCount])).toEqual([[0, 'Seconds', 60], [MINUTE, 'Seconds', 60]]);
    expect(points[0]!.Maximum).toBeLessThanOrEqual(2);
  });

  it('rejects bad input with CloudWatch\'s error names', async () => {
    const { clock, cw } = await replicated();
    const now = new Date(clock.now());
    const badPeriod = await cw.send(new GetMetricDataCommand({ StartTime: new Date(clock.now() - MINUTE), EndTime: now, MetricDataQueries: [{ ...replicaLagQuery(), MetricStat: { ...replicaLagQuery().MetricStat, Period: 45 } }] })).catch((e: unknown) => e);
    expect(badPeriod).toBeInstanceOf(InvalidParameterValueException);
    expect(badPeriod).toMatchObject({ name: 'InvalidParameterValueException', $metadata: { httpStatusCode: 400 } });
    const badId = await cw.send(new GetMetricDataCommand({ StartTime: new Date(clock.now() - MINUTE), EndTime: now, MetricDataQueries: [{ ...replicaLagQuery(), Id: 'Lag' }] })).catch((e: unknown) => e);
    expect(badId).toBeInstanceOf(InvalidParameterValueException);
    const sameTimes = await cw.send(new GetMetricDataCommand({ StartTime: now, EndTime: now, MetricDataQueries: [replicaLagQuery()] })).catch((e: unknown) => e);
    expect(sameTimes).toMatchObject({ name: 'ValidationError', message: 'The parameter StartTime must not equal parameter EndTime.' });
    const noQueries = await cw.send(new GetMetricDataCommand({ StartTime: new Date(clock.now() - MINUTE), EndTime: now, MetricDataQueries: [] })).catch((e: unknown) => e);
    expect(noQueries).toBeInstanceOf(MissingRequiredParameterException);
    const noStats = await cw.send(new GetMetricStatisticsCommand({ Namespace: 'AWS/RDS', MetricName: 'ReplicaLag', StartTime: new Date(clock.now() - MINUTE), EndTime: now, Period: 60 })).catch((e: unknown) => e);
    expect(noStats).toBeInstanceOf(MissingRequiredParameterException);
  });

  it('throttles GetMetricData past 50 requests per second per region (Throttling), like the other services', async () => {
    const { sandbox, clock, cw } = await replicated({ rateLimits: true });
    // Calls arrive at the same instant (no API latency), so the bucket cannot refill between them.
    sandbox.world.latencies['api.call'] = [0, 0];
    const from = new Date(clock.now() - 5 * MINUTE);
    const outcomes = await Promise.all(Array.from({ length: 60 }, () =>
      cw.send(new GetMetricDataCommand({ StartTime: from, EndTime: new Date(clock.now()), MetricDataQueries: [replicaLagQuery()] })).then(() => 'ok', (e: { name: string }) => e.name)));
    expect(outcomes.filter((o) => o === 'ok')).toHaveLength(50);
    expect(new Set(outcomes.filter((o) => o !== 'ok'))).toEqual(new Set(['Throttling']));
    // The bucket refills: a second later calls succeed again.
    await clock.sleep(1_000);
    await expect(cw.send(new GetMetricDataCommand({ StartTime: from, EndTime: new Date(clock.now()), MetricDataQueries: [replicaLagQuery()] }))).resolves.toBeDefined();
  });
});
