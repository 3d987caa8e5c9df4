/** Multi-site active/active: both regions serve; an Aurora global database. */
import { provisionAuroraCluster, provisionGlobalCluster } from './aurora.js';
import type { AuroraEngine } from './layout.js';
import { clusterNode, provision, provisionCompute, scenarioKmsKeys } from './provision.js';
import { provisionBuckets, provisionDns, type Scenario, scenarioSandbox, type ScenarioOptions } from './scenario.js';

/**
 * Multi-site: an Aurora global database (primary cluster with a writer and a reader in the primary
 * region, a secondary cluster in the recovery region), ASG 4/4/8 in both regions, Route 53 weighted
 * records 50/50 with health checks, bucket replication. Both endpoints are healthy. Production's load is what both
 * fleets carry (8 instances): each region carries half, and the survivor of a lost region needs all 8.
 *
 * @example
 * const { sandbox, names } = await buildMultiSiteScenario({ clock });
 * sandbox.truth.dnsTarget(names.dns!.recordName).regions; // ['us-east-1', 'us-west-2']
 */
export async function buildMultiSiteScenario(options: ScenarioOptions): Promise<Scenario> {
  const { sandbox, app, primary, recovery, layout, endpoints } = scenarioSandbox(options);
  const d = layout.database ?? {};
  const engine: AuroraEngine = d.engine === 'aurora-mysql' ? 'aurora-mysql' : 'aurora-postgresql';
  const aurora = { engine, ...(d.instanceClass ? { instanceClass: d.instanceClass } : {}), ...(d.retentionDays !== undefined ? { retentionDays: d.retentionDays } : {}) };
  const primaryId = d.primary ?? `${app}-cluster-${primary}`;
  const secondaryId = d.recovery ?? `${app}-cluster-${recovery}`;
  // Each member cluster of an encrypted global database is encrypted with a key of its own region.
  const kmsKeys = scenarioKmsKeys(sandbox, layout, primary, recovery);
  const primaryCluster = await provisionAuroraCluster(sandbox, primary, primaryId, d.members ?? 2, { ...aurora, ...(kmsKeys.primary ? { kmsKeyId: kmsKeys.primary } : {}) });
  const secondaryCluster = await provisionAuroraCluster(sandbox, recovery, secondaryId, [`${secondaryId}-1`], { ...aurora, ...(kmsKeys.recovery ? { kmsKeyId: kmsKeys.recovery } : {}) });
  const globalId = provisionGlobalCluster(sandbox, d.globalCluster ?? `${app}-global`, [primaryCluster, secondaryCluster], engine);
  const c = layout.compute ?? {};
  const common = { app, ...(c.amiName ? { amiName: c.amiName } : {}), ...(c.instanceType ? { instanceType: c.instanceType } : {}) };
  const primaryCompute = await provisionCompute(sandbox, primary, {
    ...common, sizes: c.primary?.capacity ?? [4, 4, 8],
    ...(c.primary?.name ? { groupName: c.primary.name } : {}), ...(c.primary?.launchTemplate ? { templateName: c.primary.launchTemplate } : {}),
  });
  const image = await provision<{ ImageId: string }>(sandbox, 'ec2', recovery, 'CopyImage', { SourceRegion: primary, SourceImageId: primaryCompute.imageId, Name: c.amiName ?? `${app}-app` });
  const recoveryCompute = await provisionCompute(sandbox, recovery, {
    ...common, imageId: image.ImageId, sizes: c.recovery?.capacity ?? [4, 4, 8],
    ...(c.recovery?.name ? { groupName: c.recovery.name } : {}), ...(c.recovery?.launchTemplate ? { templateName: c.recovery.launchTemplate } : {}),
  });
  const dns = layout.dns === false ? undefined : await provisionDns(sandbox, app, [primary, recovery], 'weighted', { endpoints, ...(layout.dns ? { layout: layout.dns } : {}) });
  // Defined once its weighted records exist: both regions take production's traffic, so production's load is what
  // both fleets carry together (4 + 4), all of which a survivor carries alone (the sandbox's load rule).
  sandbox.defineApplication({
    name: app,
    sites: {
      [primary]: { endpoint: endpoints[primary]!, autoScalingGroup: primaryCompute.autoScalingGroupName },
      [recovery]: { endpoint: endpoints[recovery]!, autoScalingGroup: recoveryCompute.autoScalingGroupName },
    },
    databases: [clusterNode(primary, primaryCluster.identifier), clusterNode(recovery, secondaryCluster.identifier)],
  });
  const storage = await provisionBuckets(sandbox, app, primary, recovery, layout.buckets);
  return {
    sandbox,
    names: {
      strategy: 'multi-site', app, primaryRegion: primary, recoveryRegion: recovery,
      endpoints,
      database: { engine: 'aurora-global', primary: primaryCluster, recovery: secondaryCluster, globalClusterIdentifier: globalId, kmsKeys },
      compute: { primary: primaryCompute, recovery: recoveryCompute },
      ...(dns ? { dns } : {}), ...(storage ? { storage } : {}),
    },
  };
}
