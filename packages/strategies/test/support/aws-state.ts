/**
 * A full picture of the AWS state a DR plan cares about, read back through the SDK from the sandbox in every region
 * of the plan: databases (who replicates from whom, who is fenced, in which AZ), clusters and global clusters (who
 * writes), Auto Scaling groups, running instances, the hosted zone's records, manual snapshots and parameter
 * groups. Tests compare two of these (before a failover and after the failback) instead of a few chosen fields.
 */
import { AutoScalingClient, DescribeAutoScalingGroupsCommand } from '@aws-sdk/client-auto-scaling';
import { DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2';
import {
  DescribeDBClustersCommand,
  DescribeDBInstancesCommand,
  DescribeDBParameterGroupsCommand,
  DescribeDBParametersCommand,
  DescribeDBSnapshotsCommand,
  DescribeGlobalClustersCommand,
  RDSClient,
} from '@aws-sdk/client-rds';
import { ListResourceRecordSetsCommand, Route53Client } from '@aws-sdk/client-route-53';
import type { Sandbox } from '../../../sandbox/src/index.js';

/** What {@link readAwsState} returns; keys are `region:name`. */
export interface AwsState {
  databases: Record<string, {
    status?: string; replicates?: string; cluster?: string; multiAz?: boolean; zone?: string; secondaryZone?: string; instanceClass?: string; backupRetention?: number; deletionProtection: boolean;
    parameterGroup?: string; subnetGroup?: string; securityGroups?: string[]; readOnly: boolean; tags: Record<string, string>;
    /** What the application connects with and to, and the storage it runs on: a restore must keep them. */
    engine?: string; engineVersion?: string; masterUsername?: string; dbName?: string; port?: number; allocatedStorage?: number; storageType?: string; iops?: number;
  }>;
  clusters: Record<string, { status?: string; writer?: string; readers: string[] }>;
  /** Global cluster → its members, `region:cluster` → writer or not. */
  globalClusters: Record<string, Record<string, 'writer' | 'secondary'>>;
  groups: Record<string, { min?: number; desired?: number; max?: number; inService: number; launchTemplate?: string }>;
  /** Instances not terminated (or terminating), per region and state. */
  instances: Record<string, number>;
  /** `name type setIdentifier` → routing and target. */
  records: Record<string, { failover?: string; weight?: number; values: string[]; healthCheckId?: string }>;
  /** Manual DB snapshots, per region. */
  snapshots: string[];
  /** Custom (non-default) DB parameter groups, with their read-only setting. */
  parameterGroups: Record<string, string>;
}

const tagsOf = (tags: { Key?: string; Value?: string }[] | undefined): Record<string, string> => Object.fromEntries((tags ?? []).map((t) => [t.Key ?? '', t.Value ?? '']));
const lastSegment = (arn: string | undefined): string | undefined => arn?.split(':').at(-1);

async function readRds(sandbox: Sandbox, region: string, state: AwsState): Promise<void> {
  const rds = sandbox.client(RDSClient, region);
  const readOnly = new Map<string, boolean>();
  for (const group of (await rds.send(new DescribeDBParameterGroupsCommand({}))).DBParameterGroups ?? []) {
    const name = group.DBParameterGroupName ?? '';
    if (name.startsWith('default.')) continue;
    // Only user-set parameters can fence; RDS lists every engine parameter, 100 a page, and read_only is past the first.
    const params = (await rds.send(new DescribeDBParametersCommand({ DBParameterGroupName: name, Source: 'user' }))).Parameters ?? [];
    const value = params.find((p) => p.ParameterName?.endsWith('read_only'))?.ParameterValue ?? '0';
    readOnly.set(name, value === '1');
    state.parameterGroups[`${region}:${name}`] = value;
  }
  for (const db of (await rds.send(new DescribeDBInstancesCommand({}))).DBInstances ?? []) {
    if (db.DBInstanceStatus === 'deleted') continue;
    const group = db.DBParameterGroups?.[0]?.DBParameterGroupName;
    state.databases[`${region}:${db.DBInstanceIdentifier}`] = {
      status: db.DBInstanceStatus,
      ...(db.ReadReplicaSourceDBInstanceIdentifier ? { replicates: `${db.ReadReplicaSourceDBInstanceIdentifier.split(':')[3] ?? region}:${lastSegment(db.ReadReplicaSourceDBInstanceIdentifier)}` } : {}),
      ...(db.DBClusterIdentifier ? { cluster: db.DBClusterIdentifier } : {}),
      multiAz: db.MultiAZ ?? false,
      ...(db.AvailabilityZone ? { zone: db.AvailabilityZone } : {}),
      ...(db.SecondaryAvailabilityZone ? { secondaryZone: db.SecondaryAvailabilityZone } : {}),
      ...(db.DBInstanceClass ? { instanceClass: db.DBInstanceClass } : {}),
      // Production's point-in-time recovery window: a failback that shortens it has not put things back.
      ...(db.BackupRetentionPeriod !== undefined ? { backupRetention: db.BackupRetentionPeriod } : {}),
      // Production's guard against a mistaken delete: a failback that drops it has not put things back.
      deletionProtection: db.DeletionProtection === true,
      ...(group ? { parameterGroup: group } : {}),
      // Its network: a failback that recreates it elsewhere (the default VPC) has not put the topology back.
      ...(db.DBSubnetGroup?.DBSubnetGroupName ? { subnetGroup: db.DBSubnetGroup.DBSubnetGroupName } : {}),
      securityGroups: (db.VpcSecurityGroups ?? []).map((g) => g.VpcSecurityGroupId ?? '').sort(),
      readOnly: group !== undefined && readOnly.get(group) === true,
      tags: tagsOf(db.TagList),
      // How the application logs in and which database it opens: a restore that changed them breaks every client.
      ...(db.Engine ? { engine: db.Engine } : {}),
      ...(db.EngineVersion ? { engineVersion: db.EngineVersion } : {}),
      ...(db.MasterUsername ? { masterUsername: db.MasterUsername } : {}),
      ...(db.DBName ? { dbName: db.DBName } : {}),
      ...(db.Endpoint?.Port !== undefined ? { port: db.Endpoint.Port } : {}),
      ...(db.AllocatedStorage !== undefined ? { allocatedStorage: db.AllocatedStorage } : {}),
      ...(db.StorageType ? { storageType: db.StorageType } : {}),
      ...(db.Iops !== undefined ? { iops: db.Iops } : {}),
    };
  }
  for (const cluster of (await rds.send(new DescribeDBClustersCommand({}))).DBClusters ?? []) {
    const members = cluster.DBClusterMembers ?? [];
    state.clusters[`${region}:${cluster.DBClusterIdentifier}`] = {
      status: cluster.Status,
      ...(members.find((m) => m.IsClusterWriter) ? { writer: members.find((m) => m.IsClusterWriter)!.DBInstanceIdentifier! } : {}),
      readers: members.filter((m) => !m.IsClusterWriter).map((m) => m.DBInstanceIdentifier!).sort(),
    };
  }
  for (const global of (await rds.send(new DescribeGlobalClustersCommand({}))).GlobalClusters ?? []) {
    const members: Record<string, 'writer' | 'secondary'> = {};
    for (const m of global.GlobalClusterMembers ?? []) members[`${m.DBClusterArn?.split(':')[3]}:${lastSegment(m.DBClusterArn)}`] = m.IsWriter ? 'writer' : 'secondary';
    state.globalClusters[global.GlobalClusterIdentifier!] = members;
  }
  for (const s of (await rds.send(new DescribeDBSnapshotsCommand({ SnapshotType: 'manual' }))).DBSnapshots ?? []) state.snapshots.push(`${region}:${s.DBSnapshotIdentifier}`);
}

async function readCompute(sandbox: Sandbox, region: string, state: AwsState): Promise<void> {
  for (const g of (await sandbox.client(AutoScalingClient, region).send(new DescribeAutoScalingGroupsCommand({}))).AutoScalingGroups ?? []) {
    state.groups[`${region}:${g.AutoScalingGroupName}`] = {
      min: g.MinSize, desired: g.DesiredCapacity, max: g.MaxSize,
      inService: (g.Instances ?? []).filter((i) => i.LifecycleState === 'InService').length,
      ...(g.LaunchTemplate?.LaunchTemplateName ? { launchTemplate: g.LaunchTemplate.LaunchTemplateName } : {}),
    };
  }
  const reservations = (await sandbox.client(EC2Client, region).send(new DescribeInstancesCommand({}))).Reservations ?? [];
  for (const i of reservations.flatMap((r) => r.Instances ?? [])) {
    const s = i.State?.Name ?? 'unknown';
    if (s === 'terminated' || s === 'shutting-down') continue;
    state.instances[`${region}:${s}`] = (state.instances[`${region}:${s}`] ?? 0) + 1;
  }
}

/**
 * Reads the state of `regions` (and the hosted zone `hostedZoneId`) through the SDK. Route 53 is read from a region
 * whose API answers: pass `route53Region` when us-east-1 is down.
 */
export async function readAwsState(sandbox: Sandbox, regions: readonly string[], hostedZoneId?: string, route53Region = 'us-east-1'): Promise<AwsState> {
  const state: AwsState = { databases: {}, clusters: {}, globalClusters: {}, groups: {}, instances: {}, records: {}, snapshots: [], parameterGroups: {} };
  for (const region of [...new Set(regions)]) {
    await readRds(sandbox, region, state);
    await readCompute(sandbox, region, state);
  }
  if (hostedZoneId !== undefined) {
    for (const r of (await sandbox.client(Route53Client, route53Region).send(new ListResourceRecordSetsCommand({ HostedZoneId: hostedZoneId }))).ResourceRecordSets ?? []) {
      if (r.Type === 'SOA' || r.Type === 'NS') continue;
      state.records[`${r.Name} ${r.Type} ${r.SetIdentifier ?? ''}`.trim()] = {
        ...(r.Failover ? { failover: r.Failover } : {}),
        ...(r.Weight !== undefined ? { weight: r.Weight } : {}),
        values: (r.ResourceRecords ?? []).map((v) => v.Value ?? '').concat(r.AliasTarget?.DNSName ? [r.AliasTarget.DNSName] : []),
        ...(r.HealthCheckId ? { healthCheckId: r.HealthCheckId } : {}),
      };
    }
  }
  state.snapshots.sort();
  return state;
}
