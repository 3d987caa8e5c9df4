/** The DR topology as AWS reports it (read back through the SDK from the sandbox), for assertions. */
import { DescribeAutoScalingGroupsCommand } from '@aws-sdk/client-auto-scaling';
import { DescribeDBInstancesCommand, DescribeDBParametersCommand } from '@aws-sdk/client-rds';
import type { ScenarioNames } from '../../../sandbox/src/index.js';
import type { AwsEnvironment } from '../../src/aws-environment.js';
import { listRecordSets } from '../../src/aws/route53.js';

/** Who writes, who replicates what, where DNS points, and the recovery fleet's size. */
export interface TopologySnapshot {
  writerRegion: string | undefined;
  /** `region:identifier → source` for every instance in both regions. */
  databases: Record<string, { source: string | undefined; status: string | undefined; parameterGroup: string | undefined; fenced?: boolean }>;
  /** The region whose record is PRIMARY. */
  dnsRegions: string[];
  primaryCapacity: { min: number; desired: number; max: number; inService: number };
  recoveryCapacity: { min: number; desired: number; max: number; inService: number };
}

/** Reads the topology through the SDK. */
export async function readTopology(aws: AwsEnvironment, names: ScenarioNames): Promise<TopologySnapshot> {
  const databases: TopologySnapshot['databases'] = {};
  let writerRegion: string | undefined;
  for (const side of ['primary', 'recovery'] as const) {
    const out = await aws.clients(side).rds.send(new DescribeDBInstancesCommand({}));
    for (const db of out.DBInstances ?? []) {
      const source = db.ReadReplicaSourceDBInstanceIdentifier || undefined;
      databases[`${aws.region(side)}:${db.DBInstanceIdentifier}`] = { source, status: db.DBInstanceStatus, parameterGroup: db.DBParameterGroups?.[0]?.DBParameterGroupName };
      const group = db.DBParameterGroups?.[0]?.DBParameterGroupName;
      const params = group === undefined || group.startsWith('default.') ? [] : ((await aws.clients(side).rds.send(new DescribeDBParametersCommand({ DBParameterGroupName: group }))).Parameters ?? []);
      const fenced = params.some((p) => p.ParameterName?.endsWith('read_only') && p.ParameterValue === '1');
      databases[`${aws.region(side)}:${db.DBInstanceIdentifier}`]!.fenced = fenced;
      // The writer: a standalone, available instance whose parameter group lets it accept writes.
      if (source === undefined && !fenced && db.DBInstanceStatus === 'available' && !(db.DBInstanceIdentifier ?? '').includes('-drill-')) writerRegion = writerRegion === undefined ? aws.region(side) : `${writerRegion}+${aws.region(side)}`;
    }
  }
  const dns = names.dns!;
  const sets = await listRecordSets({ route53: aws.clients('primary').route53, hostedZoneId: dns.hostedZoneId, name: dns.recordName, type: dns.recordType });
  const dnsRegions = sets.filter((s) => s.Failover === 'PRIMARY').map((s) => Object.entries(dns.setIdentifiers).find(([, id]) => id === s.SetIdentifier)?.[0] ?? '?');
  const capacity = async (side: 'primary' | 'recovery', name: string) => {
    const g = (await aws.clients(side).autoScaling.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [name] }))).AutoScalingGroups![0]!;
    return { min: g.MinSize!, desired: g.DesiredCapacity!, max: g.MaxSize!, inService: (g.Instances ?? []).filter((i) => i.LifecycleState === 'InService').length };
  };
  return {
    writerRegion, databases, dnsRegions,
    primaryCapacity: await capacity('primary', names.compute.primary!.autoScalingGroupName),
    recoveryCapacity: await capacity('recovery', names.compute.recovery!.autoScalingGroupName),
  };
}
