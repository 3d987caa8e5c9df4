/** In-region high availability: an Aurora cluster with a writer and a reader in two AZs. */
import { provisionAuroraCluster } from './aurora.js';
import { clusterNode, provisionCompute } from './provision.js';
import { endpointHost, type Scenario, scenarioSandbox, type ScenarioOptions } from './scenario.js';

/**
 * In-region HA: an Aurora PostgreSQL cluster (writer + reader) and an ASG 2/2/4 in the primary region.
 * FailoverDBCluster swaps writer and reader in under 30 s; the endpoint is unhealthy meanwhile.
 *
 * @example
 * const { sandbox, names } = await buildInRegionAuroraScenario({ clock });
 */
export async function buildInRegionAuroraScenario(options: ScenarioOptions): Promise<Scenario> {
  const { sandbox, app, primary, recovery } = scenarioSandbox(options);
  const cluster = await provisionAuroraCluster(sandbox, primary, `${app}-cluster`, 2);
  const compute = await provisionCompute(sandbox, primary, { app, sizes: [2, 2, 4] });
  sandbox.defineApplication({
    name: app,
    sites: { [primary]: { endpoint: endpointHost(app, primary), autoScalingGroup: compute.autoScalingGroupName } },
    databases: [clusterNode(primary, cluster.identifier)],
  });
  return {
    sandbox,
    names: {
      strategy: 'in-region-ha', app, primaryRegion: primary, recoveryRegion: recovery,
      endpoints: { [primary]: endpointHost(app, primary) },
      database: { engine: 'aurora-cluster', primary: cluster },
      compute: { primary: compute },
    },
  };
}
