/** In-region high availability: an Aurora cluster with a writer and a reader in two AZs. */
import { provisionAuroraCluster } from './aurora.js';
import { clusterNode, provisionCompute, scenarioKmsKeys } from './provision.js';
import { buildInRegionMultiAzScenario, isInstanceEngine } from './in-region-multi-az.js';
import { provisionBuckets, type Scenario, scenarioSandbox, type ScenarioOptions } from './scenario.js';

/**
 * In-region HA: an Aurora cluster (writer + reader) and an ASG 2/2/4 in the primary region — Aurora PostgreSQL,
 * or Aurora MySQL when `layout.database.engine` says `aurora-mysql` (a plan's `aurora-cluster` `engine`).
 * FailoverDBCluster swaps writer and reader in under 30 s; the endpoint is unhealthy meanwhile.
 *
 * @example
 * const { sandbox, names } = await buildInRegionAuroraScenario({ clock });
 * const mysql = await buildInRegionAuroraScenario({ clock, layout: { database: { engine: 'aurora-mysql' } } });
 */
export async function buildInRegionAuroraScenario(options: ScenarioOptions): Promise<Scenario> {
  const { sandbox, app, primary, recovery, layout, endpoints } = scenarioSandbox(options);
  const d = layout.database ?? {};
  const id = d.primary ?? `${app}-cluster`;
  const { primary: kmsKeyId } = scenarioKmsKeys(sandbox, layout, primary, recovery);
  const cluster = await provisionAuroraCluster(sandbox, primary, id, d.members ?? 2, {
    ...(kmsKeyId ? { kmsKeyId } : {}),
    engine: d.engine === 'aurora-mysql' ? 'aurora-mysql' : 'aurora-postgresql',
    ...(d.instanceClass ? { instanceClass: d.instanceClass } : {}), ...(d.retentionDays !== undefined ? { retentionDays: d.retentionDays } : {}),
  });
  const c = layout.compute ?? {};
  const compute = await provisionCompute(sandbox, primary, {
    app, sizes: c.primary?.capacity ?? [2, 2, 4],
    ...(c.primary?.name ? { groupName: c.primary.name } : {}), ...(c.primary?.launchTemplate ? { templateName: c.primary.launchTemplate } : {}),
    ...(c.amiName ? { amiName: c.amiName } : {}), ...(c.instanceType ? { instanceType: c.instanceType } : {}),
  });
  sandbox.defineApplication({
    name: app,
    sites: { [primary]: { endpoint: endpoints[primary]!, autoScalingGroup: compute.autoScalingGroupName } },
    databases: [clusterNode(primary, cluster.identifier)],
  });
  const storage = layout.buckets && layout.buckets.length > 0 ? await provisionBuckets(sandbox, app, primary, recovery, layout.buckets) : undefined;
  return {
    sandbox,
    names: {
      strategy: 'in-region-ha', app, primaryRegion: primary, recoveryRegion: recovery,
      endpoints: { [primary]: endpoints[primary]! },
      database: { engine: 'aurora-cluster', primary: cluster, kmsKeys: kmsKeyId ? { primary: kmsKeyId } : {} },
      compute: { primary: compute },
      ...(storage ? { storage } : {}),
    },
  };
}

/**
 * The in-region scenario a layout asks for: a Multi-AZ RDS instance when its database engine is an instance engine
 * (postgres, mysql, mariadb: a plan's Multi-AZ `rds-instance`), else the Aurora cluster.
 *
 * @example
 * const { names } = await buildInRegionScenario({ clock, layout: { database: { engine: 'postgres', primary: 'orders-db' } } });
 */
export function buildInRegionScenario(options: ScenarioOptions): Promise<Scenario> {
  return isInstanceEngine(options.layout?.database?.engine) ? buildInRegionMultiAzScenario(options) : buildInRegionAuroraScenario(options);
}
