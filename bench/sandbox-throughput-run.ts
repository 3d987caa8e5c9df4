/**
 * Sandbox CPU cost, in its own process: commands per real second through real SDK v3 clients into the sandbox, a
 * mix of the describes DR waits and checks send. apiLatency 0 and rate limits off, so nothing sleeps and nothing is
 * refused: the figure is the SDK middleware stack plus the sandbox's handlers. Prints `{ calls, wallMs, perSecond }`.
 */
import { VirtualClock } from '../packages/core/src/index.js';
import { buildWarmStandbyScenario } from '../packages/sandbox/src/index.js';
import { autoScalingSdk, ec2Sdk, rdsSdk, route53Sdk } from './aws-sdk.js';

const ROUNDS = Number(process.argv[2] ?? 1_000);
const clock = new VirtualClock({ start: '2026-11-22T03:00:00Z' });
const { sandbox, names } = await buildWarmStandbyScenario({ clock, seed: 1, apiLatency: 0, rateLimits: false });
const region = names.recoveryRegion;
const rds = sandbox.client(rdsSdk.RDSClient, region);
const ec2 = sandbox.client(ec2Sdk.EC2Client, region);
const autoScaling = sandbox.client(autoScalingSdk.AutoScalingClient, region);
const route53 = sandbox.client(route53Sdk.Route53Client, 'us-east-1');

// A change to poll, and the recovery group's instances to describe.
const change = await route53.send(
  new route53Sdk.ChangeResourceRecordSetsCommand({
    HostedZoneId: names.dns!.hostedZoneId,
    ChangeBatch: { Changes: [{ Action: 'UPSERT', ResourceRecordSet: { Name: `bench.${names.dns!.zoneName}`, Type: 'CNAME', TTL: 60, ResourceRecords: [{ Value: names.endpoints[region]! }] } }] },
  }),
);
const group = names.compute.recovery!.autoScalingGroupName;
const groups = await autoScaling.send(new autoScalingSdk.DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [group] }));
const instanceIds = (groups.AutoScalingGroups?.[0]?.Instances ?? []).map((i) => i.InstanceId!);

const mix: (() => Promise<unknown>)[] = [
  () => rds.send(new rdsSdk.DescribeDBInstancesCommand({ DBInstanceIdentifier: names.database.recovery!.identifier })),
  () => ec2.send(new ec2Sdk.DescribeInstancesCommand({ InstanceIds: instanceIds })),
  () => autoScaling.send(new autoScalingSdk.DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [group] })),
  () => route53.send(new route53Sdk.GetChangeCommand({ Id: change.ChangeInfo!.Id! })),
  () => ec2.send(new ec2Sdk.DescribeImagesCommand({ ImageIds: [names.compute.recovery!.imageId] })),
  () => rds.send(new rdsSdk.DescribeDBSnapshotsCommand({ DBInstanceIdentifier: names.database.primary.identifier })),
];

// Warm-up (JIT, lazy SDK internals), not measured.
for (let i = 0; i < 50; i++) for (const call of mix) await call();
const before = sandbox.calls().length;
const started = performance.now();
for (let i = 0; i < ROUNDS; i++) for (const call of mix) await call();
const wallMs = performance.now() - started;
const measured = sandbox.calls().slice(before);
const failed = measured.filter((c) => c.outcome !== 'ok');
if (failed.length > 0) throw new Error(`sandbox-throughput: ${failed.length} calls failed, e.g. ${failed[0]!.command}: ${failed[0]!.outcome}`);
const calls = measured.length;
process.stdout.write(JSON.stringify({ calls, wallMs, perSecond: calls / (wallMs / 1000) }) + '\n');
