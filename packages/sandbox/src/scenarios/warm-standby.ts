/** Warm standby: a scaled-down full copy always running in the recovery region. */
import { instanceNode, provision, provisionCompute, provisionDatabase } from './provision.js';
import { endpointHost, provisionBuckets, provisionDns, type Scenario, scenarioSandbox, type ScenarioOptions } from './scenario.js';

/** Shared by warm standby and pilot light: a primary RDS writer, a cross-region replica, compute, DNS, buckets. */
export async function buildReplicatedScenario(options: ScenarioOptions, strategy: 'warm-standby' | 'pilot-light'): Promise<Scenario> {
  const { sandbox, app, primary, recovery } = scenarioSandbox(options);
  const db = await provisionDatabase(sandbox, primary, `${app}-db`);
  // A custom parameter group per region: graceful failover fences writers through it (default groups are read-only).
  const parameterGroup = `${app}-db-params`;
  for (const region of [primary, recovery]) {
    await provision(sandbox, 'rds', region, 'CreateDBParameterGroup', { DBParameterGroupName: parameterGroup, DBParameterGroupFamily: 'postgres16', Description: `${app} database` });
  }
  await provision(sandbox, 'rds', primary, 'ModifyDBInstance', { DBInstanceIdentifier: db.identifier, DBParameterGroupName: parameterGroup, ApplyImmediately: true });
  const replicaId = `${app}-db-replica`;
  const replica = await provision<{ DBInstance: { DBInstanceArn: string } }>(sandbox, 'rds', recovery, 'CreateDBInstanceReadReplica', {
    DBInstanceIdentifier: replicaId, SourceDBInstanceIdentifier: db.arn, DBInstanceClass: 'db.r6g.large', DBParameterGroupName: parameterGroup,
  });
  const primaryCompute = await provisionCompute(sandbox, primary, { app, sizes: [4, 4, 8] });
  const recoveryImage = await provision<{ ImageId: string }>(sandbox, 'ec2', recovery, 'CopyImage', { SourceRegion: primary, SourceImageId: primaryCompute.imageId, Name: `${app}-app` });
  const recoveryCompute = await provisionCompute(sandbox, recovery, { app, imageId: recoveryImage.ImageId, sizes: strategy === 'pilot-light' ? [0, 0, 0] : [1, 1, 8] });
  sandbox.defineApplication({
    name: app,
    sites: {
      [primary]: { endpoint: endpointHost(app, primary), autoScalingGroup: primaryCompute.autoScalingGroupName },
      [recovery]: { endpoint: endpointHost(app, recovery), autoScalingGroup: recoveryCompute.autoScalingGroupName },
    },
    databases: [instanceNode(primary, db.identifier), instanceNode(recovery, replicaId)],
  });
  const dns = await provisionDns(sandbox, app, [primary, recovery], 'failover');
  const storage = await provisionBuckets(sandbox, app, primary, recovery);
  return {
    sandbox,
    names: {
      strategy, app, primaryRegion: primary, recoveryRegion: recovery,
      endpoints: { [primary]: endpointHost(app, primary), [recovery]: endpointHost(app, recovery) },
      database: { engine: 'rds-instance', primary: db, recovery: { region: recovery, identifier: replicaId, arn: replica.DBInstance.DBInstanceArn } },
      compute: { primary: primaryCompute, recovery: recoveryCompute },
      dns, storage,
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
