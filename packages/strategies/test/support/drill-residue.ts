/**
 * What an isolated drill left in AWS, read through the SDK independently of the strategies' own cleanup code: every
 * DB instance, manual snapshot, parameter group, EC2 instance, AMI and EBS snapshot in the given regions that
 * carries the run's tag or a drill name. Deleting (or shutting-down) resources count: they are not gone yet.
 */
import { DescribeImagesCommand, DescribeInstancesCommand, DescribeSnapshotsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { DescribeDBInstancesCommand, DescribeDBParameterGroupsCommand, DescribeDBSnapshotsCommand, RDSClient } from '@aws-sdk/client-rds';
import type { Sandbox } from '../../../sandbox/src/index.js';

const RUN_TAG = 'firedrill:run-id';
const drillNamed = (name: string | undefined): boolean => /-drill-/.test(name ?? '');
const tagged = (tags: { Key?: string; Value?: string }[] | undefined, runId: string): boolean => (tags ?? []).some((t) => t.Key === RUN_TAG && t.Value === runId);

/** Every drill resource of `runId` still in `regions`, as `kind id (region, state)`. */
export async function drillResidue(sandbox: Sandbox, regions: readonly string[], runId: string): Promise<string[]> {
  const left: string[] = [];
  for (const region of [...new Set(regions)]) {
    const rds = sandbox.client(RDSClient, region);
    const ec2 = sandbox.client(EC2Client, region);
    for (const db of (await rds.send(new DescribeDBInstancesCommand({}))).DBInstances ?? []) {
      if (db.DBInstanceStatus !== 'deleted' && (tagged(db.TagList, runId) || drillNamed(db.DBInstanceIdentifier))) left.push(`db ${db.DBInstanceIdentifier} (${region}, ${db.DBInstanceStatus})`);
    }
    for (const s of (await rds.send(new DescribeDBSnapshotsCommand({ SnapshotType: 'manual' }))).DBSnapshots ?? []) {
      if (tagged(s.TagList, runId) || drillNamed(s.DBSnapshotIdentifier)) left.push(`db-snapshot ${s.DBSnapshotIdentifier} (${region}, ${s.Status})`);
    }
    for (const g of (await rds.send(new DescribeDBParameterGroupsCommand({}))).DBParameterGroups ?? []) {
      if (drillNamed(g.DBParameterGroupName)) left.push(`parameter-group ${g.DBParameterGroupName} (${region})`);
    }
    const instances = ((await ec2.send(new DescribeInstancesCommand({}))).Reservations ?? []).flatMap((r) => r.Instances ?? []);
    for (const i of instances) {
      if (i.State?.Name !== 'terminated' && tagged(i.Tags, runId)) left.push(`instance ${i.InstanceId} (${region}, ${i.State?.Name})`);
    }
    for (const image of (await ec2.send(new DescribeImagesCommand({ Owners: ['self'] }))).Images ?? []) {
      if (image.State !== 'deregistered' && tagged(image.Tags, runId)) left.push(`ami ${image.ImageId} (${region})`);
    }
    for (const s of (await ec2.send(new DescribeSnapshotsCommand({ OwnerIds: ['self'] }))).Snapshots ?? []) {
      if (tagged(s.Tags, runId)) left.push(`ebs-snapshot ${s.SnapshotId} (${region})`);
    }
  }
  return left;
}
