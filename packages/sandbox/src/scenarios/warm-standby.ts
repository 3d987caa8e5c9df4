/** Warm standby: a scaled-down full copy always running in the recovery region. */
import { ENGINE_DEFAULTS } from './layout.js';
import { instanceNode, provision, provisionCompute, provisionDatabase, scenarioKmsKeys } from './provision.js';
import { provisionBuckets, provisionDns, type Scenario, scenarioSandbox, type ScenarioOptions } from './scenario.js';

/** Shared by warm standby and pilot light: a primary RDS writer, a cross-region replica, compute, DNS, buckets. */
export async function buildReplicatedScenario(options: ScenarioOptions, strategy: 'warm-standby' | 'pilot-light'): Promise<Scenario> {
  const { sandbox, app, primary, recovery, layout, endpoints } = scenarioSandbox(options);
  const d = layout.database ?? {};
  const engine = d.engine === 'mysql' || d.engine === 'mariadb' ? d.engine : 'postgres';
  const instanceClass = d.instanceClass ?? 'db.r6g.large';
  const kmsKeys = scenarioKmsKeys(sandbox, layout, primary, recovery);
  const db = await provisionDatabase(sandbox, primary, d.primary ?? `${app}-db`, d.createdAt, {
    engine, instanceClass, ...(d.retentionDays !== undefined ? { retentionDays: d.retentionDays } : {}), ...(kmsKeys.primary ? { kmsKeyId: kmsKeys.primary } : {}),
  });
  // A custom parameter group per region: graceful failover fences writers through it (default groups are read-only).
  const groups = { primary: d.parameterGroups?.primary ?? `${app}-db-params`, recovery: d.parameterGroups?.recovery ?? d.parameterGroups?.primary ?? `${app}-db-params` };
  for (const [region, group] of [[primary, groups.primary], [recovery, groups.recovery]] as const) {
    await provision(sandbox, 'rds', region, 'CreateDBParameterGroup', { DBParameterGroupName: group, DBParameterGroupFamily: ENGINE_DEFAULTS[engine].family, Description: `${app} database` });
  }
  await provision(sandbox, 'rds', primary, 'ModifyDBInstance', { DBInstanceIdentifier: db.identifier, DBParameterGroupName: groups.primary, ApplyImmediately: true });
  const replicaId = d.recovery ?? `${app}-db-replica`;
  const replica = await provision<{ DBInstance: { DBInstanceArn: string } }>(sandbox, 'rds', recovery, 'CreateDBInstanceReadReplica', {
    DBInstanceIdentifier: replicaId, SourceDBInstanceIdentifier: db.arn, DBInstanceClass: instanceClass, DBParameterGroupName: groups.recovery,
    DBSubnetGroupName: `${replicaId}-subnets`, VpcSecurityGroupIds: [`sg-${replicaId}`],
    // An encrypted replica in another region needs a key of that region.
    ...(kmsKeys.recovery ? { KmsKeyId: kmsKeys.recovery } : {}),
  });
  const c = layout.compute ?? {};
  const common = { app, ...(c.amiName ? { amiName: c.amiName } : {}), ...(c.instanceType ? { instanceType: c.instanceType } : {}) };
  const primaryCompute = await provisionCompute(sandbox, primary, {
    ...common, sizes: c.primary?.capacity ?? [4, 4, 8],
    ...(c.primary?.name ? { groupName: c.primary.name } : {}), ...(c.primary?.launchTemplate ? { templateName: c.primary.launchTemplate } : {}),
  });
  const recoveryImage = await provision<{ ImageId: string }>(sandbox, 'ec2', recovery, 'CopyImage', { SourceRegion: primary, SourceImageId: primaryCompute.imageId, Name: c.amiName ?? `${app}-app` });
  const recoveryCompute = await provisionCompute(sandbox, recovery, {
    ...common, imageId: recoveryImage.ImageId, sizes: c.recovery?.capacity ?? (strategy === 'pilot-light' ? [0, 0, 0] : [1, 1, 8]),
    ...(c.recovery?.name ? { groupName: c.recovery.name } : {}), ...(c.recovery?.launchTemplate ? { templateName: c.recovery.launchTemplate } : {}),
  });
  sandbox.defineApplication({
    name: app,
    sites: {
      [primary]: { endpoint: endpoints[primary]!, autoScalingGroup: primaryCompute.autoScalingGroupName },
      [recovery]: { endpoint: endpoints[recovery]!, autoScalingGroup: recoveryCompute.autoScalingGroupName },
    },
    databases: [instanceNode(primary, db.identifier), instanceNode(recovery, replicaId)],
  });
  const dns = layout.dns === false ? undefined : await provisionDns(sandbox, app, [primary, recovery], 'failover', { endpoints, ...(layout.dns ? { layout: layout.dns } : {}) });
  const storage = await provisionBuckets(sandbox, app, primary, recovery, layout.buckets);
  return {
    sandbox,
    names: {
      strategy, app, primaryRegion: primary, recoveryRegion: recovery,
      endpoints,
      database: { engine: 'rds-instance', primary: db, recovery: { region: recovery, identifier: replicaId, arn: replica.DBInstance.DBInstanceArn }, kmsKeys },
      compute: { primary: primaryCompute, recovery: recoveryCompute },
      ...(dns ? { dns } : {}), ...(storage ? { storage } : {}),
    },
  };
}

/**
 * Warm standby: us-east-1 RDS Postgres writer with a cross-region read replica in us-west-2; ASG 4/4/8 in
 * the primary and a warm ASG 1/1/8 in recovery (launch template AMI present in both regions); Route 53
 * failover records with health checks; S3 bucket replication. Ready at the clock's current time.
 *
 * @example
 * const { sandbox, names } = await buildWarmStandbyScenario({ clock: new VirtualClock() });
 * sandbox.dataPlane.endpointHealth(names.primaryRegion).healthy; // true
 */
export function buildWarmStandbyScenario(options: ScenarioOptions): Promise<Scenario> {
  return buildReplicatedScenario(options, 'warm-standby');
}
