/** Multi-site active/active: both regions serve; an Aurora global database. */
import { provisionAuroraCluster, provisionGlobalCluster } from './aurora.js';
import { clusterNode, provision, provisionCompute } from './provision.js';
import { endpointHost, provisionBuckets, provisionDns, type Scenario, scenarioSandbox, type ScenarioOptions } from './scenario.js';

/**
 * Multi-site: an Aurora global database (primary cluster with a writer and a reader in the primary
 * region, a secondary cluster in the recovery region), ASG 4/4/8 in both regions, Route 53 weighted
 * records 50/50 with health checks, bucket replication. Both endpoints are healthy.
 *
 * @example
 * const { sandbox, names } = await buildMultiSiteScenario({ clock });
 * sandbox.truth.dnsTarget(names.dns!.recordName).regions; // ['us-east-1', 'us-west-2']
 */
export async function buildMultiSiteScenario(options: ScenarioOptions): Promise<Scenario> {
  const { sandbox, app, primary, recovery } = scenarioSandbox(options);
  const primaryCluster = await provisionAuroraCluster(sandbox, primary, `${app}-cluster-${primary}`, 2);
  const secondaryCluster = await provisionAuroraCluster(sandbox, recovery, `${app}-cluster-${recovery}`, 1);
  const globalId = provisionGlobalCluster(sandbox, `${app}-global`, [primaryCluster, secondaryCluster]);
  const primaryCompute = await provisionCompute(sandbox, primary, { app, sizes: [4, 4, 8] });
  const image = await provision<{ ImageId: string }>(sandbox, 'ec2', recovery, 'CopyImage', { SourceRegion: primary, SourceImageId: primaryCompute.imageId, Name: `${app}-app` });
  const recoveryCompute = await provisionCompute(sandbox, recovery, { app, imageId: image.ImageId, sizes: [4, 4, 8] });
  sandbox.defineApplication({
    name: app,
    sites: {
      [primary]: { endpoint: endpointHost(app, primary), autoScalingGroup: primaryCompute.autoScalingGroupName },
      [recovery]: { endpoint: endpointHost(app, recovery), autoScalingGroup: recoveryCompute.autoScalingGroupName },
    },
    databases: [clusterNode(primary, primaryCluster.identifier), clusterNode(recovery, secondaryCluster.identifier)],
  });
  const dns = await provisionDns(sandbox, app, [primary, recovery], 'weighted');
  const storage = await provisionBuckets(sandbox, app, primary, recovery);
  return {
    sandbox,
    names: {
      strategy: 'multi-site', app, primaryRegion: primary, recoveryRegion: recovery,
      endpoints: { [primary]: endpointHost(app, primary), [recovery]: endpointHost(app, recovery) },
      database: { engine: 'aurora-global', primary: primaryCluster, recovery: secondaryCluster, globalClusterIdentifier: globalId },
      compute: { primary: primaryCompute, recovery: recoveryCompute },
      dns, storage,
    },
  };
}
