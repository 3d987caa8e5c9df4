/**
 * The operations the waiter benchmark starts in the sandbox, each with the ground truth of when it finished and
 * the two ways of waiting for it: Firedrill's `waitFor` and the AWS SDK v3's own `waitUntil…` with its defaults.
 *
 * Ground truth comes from the simulated world itself: the sandbox never flips a status "when the time comes", it
 * records each resource's future as a timeline (`[T: 'modifying', T+L: 'available']`). The truth is the first moment
 * at or after the start at which those timelines satisfy the condition — evaluated at every change time of the
 * timelines involved, so it is exact to the millisecond, independent of any polling.
 */
import type { Clock } from '../packages/core/src/index.js';
import { type Sandbox, type Scenario, sandboxKmsKeyArn } from '../packages/sandbox/src/index.js';
import { PollCounter, type RateLimiter, waitFor } from '../packages/strategies/src/index.js';
import { autoScalingSdk, ec2Sdk, rdsSdk, route53Sdk } from './aws-sdk.js';

/** One change of a sandbox timeline (the world's JSON shape). */
type Timeline<T> = readonly { at: number; value: T }[];

/** The value of a timeline at `t`. */
function valueAt<T>(timeline: Timeline<T>, t: number): T | undefined {
  for (let i = timeline.length - 1; i >= 0; i--) if (timeline[i]!.at <= t) return timeline[i]!.value;
  return undefined;
}

/** The first of `from` and the timelines' change times (≥ from) at which `holds` is true. */
function firstMomentWhen(from: number, timelines: readonly Timeline<unknown>[], holds: (t: number) => boolean): number | undefined {
  const times = [...new Set([from, ...timelines.flatMap((tl) => tl.map((c) => c.at))])].filter((t) => t >= from).sort((a, b) => a - b);
  return times.find(holds);
}

/** Clients of one side: Firedrill's carry the shared rate limiter; the SDK's are plain, with the SDK's 3 attempts. */
export interface BenchClients {
  rds: (region: string) => InstanceType<typeof rdsSdk.RDSClient>;
  ec2: (region: string) => InstanceType<typeof ec2Sdk.EC2Client>;
  autoScaling: (region: string) => InstanceType<typeof autoScalingSdk.AutoScalingClient>;
  route53: () => InstanceType<typeof route53Sdk.Route53Client>;
}

/** What an operation needs. */
export interface OperationContext {
  sandbox: Sandbox;
  names: Scenario['names'];
  clock: Clock;
  clients: BenchClients;
  limiter?: RateLimiter;
  counter: PollCounter;
  /** Where the setup left a source DB snapshot (primary region) to copy. */
  sourceSnapshotArn: string;
}

/** An operation in flight. */
export interface StartedOperation {
  /** When the resource truly reached the awaited state (epoch ms), from its timelines; undefined if not yet. */
  truth(): number | undefined;
  /** Firedrill's waiter. */
  firedrill(): Promise<unknown>;
  /** The SDK's own waiter, default minDelay/maxDelay. */
  sdk(): Promise<unknown>;
}

/** One benchmarked operation. */
export interface BenchOperation {
  name: string;
  start(ctx: OperationContext): Promise<StartedOperation>;
}

/** Long enough for every operation (snapshot copies take up to 20 minutes); never reached in a healthy run. */
const TIMEOUT_MS = 2 * 60 * 60_000;
/** The SDK's `maxWaitTime` (seconds, required). It counts real time (`Date.now()`), so it never cuts a virtual run. */
const SDK_MAX_WAIT_S = 2 * 60 * 60;

function firedrillOptions(ctx: OperationContext, region: string): { clock: Clock; region: string; timeoutMs: number; counter: PollCounter; limiter?: RateLimiter } {
  return { clock: ctx.clock, region, timeoutMs: TIMEOUT_MS, counter: ctx.counter, ...(ctx.limiter ? { limiter: ctx.limiter } : {}) };
}

const recovery = (ctx: OperationContext): string => ctx.names.recoveryRegion;
const primary = (ctx: OperationContext): string => ctx.names.primaryRegion;

/** PromoteReadReplica of the recovery replica → standalone and available (SDK: DBInstanceAvailable, 30/1800 s). */
const promoteReadReplica: BenchOperation = {
  name: 'rds-promote-read-replica',
  async start(ctx) {
    const region = recovery(ctx);
    const id = ctx.names.database.recovery!.identifier;
    const client = ctx.clients.rds(region);
    const t0 = ctx.clock.now();
    await client.send(new rdsSdk.PromoteReadReplicaCommand({ DBInstanceIdentifier: id }));
    const describe = (signal?: AbortSignal) => client.send(new rdsSdk.DescribeDBInstancesCommand({ DBInstanceIdentifier: id }), { abortSignal: signal });
    return {
      truth: () => {
        const db = ctx.sandbox.world.rds[region]!.instances[id]!;
        return firstMomentWhen(t0, [db.status, db.role, db.replication], (t) => valueAt(db.status, t) === 'available' && valueAt(db.role, t) === 'writer' && valueAt(db.replication, t) === null);
      },
      firedrill: () => waitFor('dbInstancePromoted', { describe, params: { identifier: id }, ...firedrillOptions(ctx, region) }),
      sdk: () => rdsSdk.waitUntilDBInstanceAvailable({ client, maxWaitTime: SDK_MAX_WAIT_S }, { DBInstanceIdentifier: id }),
    };
  },
};

/** RunInstances (2, from the recovery launch template) → all running (SDK: InstanceRunning, 15/120 s). */
const runInstances: BenchOperation = {
  name: 'ec2-run-instances',
  async start(ctx) {
    const region = recovery(ctx);
    const client = ctx.clients.ec2(region);
    const t0 = ctx.clock.now();
    const out = await client.send(
      new ec2Sdk.RunInstancesCommand({
        MinCount: 2, MaxCount: 2, ClientToken: 'bench-run-instances',
        LaunchTemplate: { LaunchTemplateId: ctx.names.compute.recovery!.launchTemplateId, Version: '$Latest' },
      }),
    );
    const ids = (out.Instances ?? []).map((i) => i.InstanceId!);
    const describe = (signal?: AbortSignal) => client.send(new ec2Sdk.DescribeInstancesCommand({ InstanceIds: ids }), { abortSignal: signal });
    return {
      truth: () => {
        const records = ids.map((id) => ctx.sandbox.world.ec2[region]!.instances[id]!);
        return firstMomentWhen(t0, records.map((r) => r.state), (t) => records.every((r) => valueAt(r.state, t) === 'running'));
      },
      firedrill: () => waitFor('instancesRunning', { describe, params: { instanceIds: ids }, notFoundGraceMs: 60_000, ...firedrillOptions(ctx, region) }),
      sdk: () => ec2Sdk.waitUntilInstanceRunning({ client, maxWaitTime: SDK_MAX_WAIT_S }, { InstanceIds: ids }),
    };
  },
};

/** CopyImage primary → recovery → available (SDK: ImageAvailable, 15/120 s). */
const copyImage: BenchOperation = {
  name: 'ec2-copy-image',
  async start(ctx) {
    const region = recovery(ctx);
    const client = ctx.clients.ec2(region);
    const t0 = ctx.clock.now();
    const out = await client.send(new ec2Sdk.CopyImageCommand({ SourceRegion: primary(ctx), SourceImageId: ctx.names.compute.primary!.imageId, Name: 'bench-copy', ClientToken: 'bench-copy-image' }));
    const imageId = out.ImageId!;
    const describe = (signal?: AbortSignal) => client.send(new ec2Sdk.DescribeImagesCommand({ ImageIds: [imageId] }), { abortSignal: signal });
    return {
      truth: () => {
        const image = ctx.sandbox.world.ec2[region]!.images[imageId]!;
        return firstMomentWhen(t0, [image.state], (t) => valueAt(image.state, t) === 'available');
      },
      firedrill: () => waitFor('imageAvailable', { describe, params: { imageId }, ...firedrillOptions(ctx, region) }),
      sdk: () => ec2Sdk.waitUntilImageAvailable({ client, maxWaitTime: SDK_MAX_WAIT_S }, { ImageIds: [imageId] }),
    };
  },
};

/** Truth of "InService ≥ DesiredCapacity" for a group, from its instances' lifecycle timelines. */
function groupTruth(ctx: OperationContext, region: string, name: string, t0: number): number | undefined {
  const group = ctx.sandbox.world.autoScaling[region]![name]!;
  const lifecycles = group.instances.map((i) => i.lifecycle);
  return firstMomentWhen(t0, lifecycles, (t) => lifecycles.filter((l) => valueAt(l, t) === 'InService').length >= group.desiredCapacity);
}

function scaleOut(name: string, side: 'recovery' | 'primary', sizes: { MinSize?: number; DesiredCapacity: number }): BenchOperation {
  return {
    name,
    async start(ctx) {
      const region = side === 'recovery' ? recovery(ctx) : primary(ctx);
      const group = ctx.names.compute[side]!.autoScalingGroupName;
      const client = ctx.clients.autoScaling(region);
      const t0 = ctx.clock.now();
      await client.send(new autoScalingSdk.UpdateAutoScalingGroupCommand({ AutoScalingGroupName: group, ...sizes }));
      const describe = (signal?: AbortSignal) => client.send(new autoScalingSdk.DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [group] }), { abortSignal: signal });
      return {
        truth: () => groupTruth(ctx, region, group, t0),
        firedrill: () => waitFor('groupInService', { describe, params: { name: group }, ...firedrillOptions(ctx, region) }),
        sdk: () => autoScalingSdk.waitUntilGroupInService({ client, maxWaitTime: SDK_MAX_WAIT_S }, { AutoScalingGroupNames: [group] }),
      };
    },
  };
}

/**
 * Scale-out raising only DesiredCapacity (recovery group 1/1/8 → desired 4): what a DR runbook does. The SDK's
 * GroupInService compares InService with MinSize (1), so it may return while 3 of the 4 instances are still Pending.
 */
const scaleOutDesiredOnly = scaleOut('asg-scale-out-desired-only', 'recovery', { DesiredCapacity: 4 });
/** Scale-out raising MinSize with DesiredCapacity (primary group 4/4/8 → 6/6/8): the SDK waiter's fair case. */
const scaleOutMinAndDesired = scaleOut('asg-scale-out-min-and-desired', 'primary', { MinSize: 6, DesiredCapacity: 6 });

/** ChangeResourceRecordSets (UPSERT the SECONDARY failover record) → INSYNC (SDK: ResourceRecordSetsChanged, 30/120 s). */
const route53Change: BenchOperation = {
  name: 'route53-change-insync',
  async start(ctx) {
    const dns = ctx.names.dns!;
    const region = recovery(ctx);
    const client = ctx.clients.route53();
    const out = await client.send(
      new route53Sdk.ChangeResourceRecordSetsCommand({
        HostedZoneId: dns.hostedZoneId,
        ChangeBatch: {
          Changes: [{
            Action: 'UPSERT',
            ResourceRecordSet: {
              Name: dns.recordName, Type: dns.recordType, TTL: 30, SetIdentifier: dns.setIdentifiers[region], HealthCheckId: dns.healthChecks[region],
              Failover: 'SECONDARY', ResourceRecords: [{ Value: ctx.names.endpoints[region]! }],
            },
          }],
        },
      }),
    );
    const changeId = out.ChangeInfo!.Id!;
    const describe = (signal?: AbortSignal) => client.send(new route53Sdk.GetChangeCommand({ Id: changeId }), { abortSignal: signal });
    return {
      truth: () => ctx.sandbox.world.route53.changes[changeId.replace('/change/', '')]!.inSyncAt,
      firedrill: () => waitFor('changeInSync', { describe, params: { changeId }, ...firedrillOptions(ctx, 'us-east-1') }),
      sdk: () => route53Sdk.waitUntilResourceRecordSetsChanged({ client, maxWaitTime: SDK_MAX_WAIT_S }, { Id: changeId }),
    };
  },
};

/** CopyDBSnapshot primary → recovery → available (SDK: DBSnapshotAvailable, 30/1800 s in this SDK version). */
const copyDbSnapshot: BenchOperation = {
  name: 'rds-copy-db-snapshot',
  async start(ctx) {
    const region = recovery(ctx);
    const client = ctx.clients.rds(region);
    const id = 'bench-snapshot-copy';
    const t0 = ctx.clock.now();
    // The source is encrypted (as production databases are): a cross-region copy needs a key of its region.
    await client.send(new rdsSdk.CopyDBSnapshotCommand({ SourceDBSnapshotIdentifier: ctx.sourceSnapshotArn, TargetDBSnapshotIdentifier: id, KmsKeyId: sandboxKmsKeyArn(ctx.sandbox.world, region) }));
    const describe = (signal?: AbortSignal) => client.send(new rdsSdk.DescribeDBSnapshotsCommand({ DBSnapshotIdentifier: id }), { abortSignal: signal });
    return {
      truth: () => {
        const snapshot = ctx.sandbox.world.rds[region]!.snapshots[id]!;
        return firstMomentWhen(t0, [snapshot.status], (t) => valueAt(snapshot.status, t) === 'available');
      },
      firedrill: () => waitFor('dbSnapshotAvailable', { describe, params: { identifier: id }, ...firedrillOptions(ctx, region) }),
      sdk: () => rdsSdk.waitUntilDBSnapshotAvailable({ client, maxWaitTime: SDK_MAX_WAIT_S }, { DBSnapshotIdentifier: id }),
    };
  },
};

/** Every operation, in the order they are started (the order fixes the sandbox's random draws: keep it). */
export const BENCH_OPERATIONS: readonly BenchOperation[] = [
  promoteReadReplica,
  runInstances,
  copyImage,
  scaleOutDesiredOnly,
  scaleOutMinAndDesired,
  route53Change,
  copyDbSnapshot,
];

/** The describe commands the waiters send (every call after the waits start is one of these). */
export const WAITER_DESCRIBES = new Set(['DescribeDBInstances', 'DescribeInstances', 'DescribeImages', 'DescribeAutoScalingGroups', 'GetChange', 'DescribeDBSnapshots']);

export { PollCounter };
