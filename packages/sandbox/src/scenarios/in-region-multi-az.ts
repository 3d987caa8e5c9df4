/** In-region high availability: an RDS Multi-AZ DB instance (primary in one AZ, synchronous standby in another). */
import { instanceNode, provisionCompute, provisionDatabase, scenarioKmsKeys } from './provision.js';
import type { RdsInstanceEngine } from './layout.js';
import { provisionBuckets, type Scenario, scenarioSandbox, type ScenarioOptions } from './scenario.js';

const INSTANCE_ENGINES: readonly string[] = ['postgres', 'mysql', 'mariadb'];

/** Whether a layout's database is an RDS instance (a Multi-AZ instance in-region), not an Aurora cluster. */
export function isInstanceEngine(engine: string | undefined): engine is RdsInstanceEngine {
  return engine !== undefined && INSTANCE_ENGINES.includes(engine);
}

/**
 * In-region HA without Aurora: a PostgreSQL (or MySQL, MariaDB) Multi-AZ instance in `<region>a` (or the layout's
 * `availabilityZone`: a plan's `preferredZone`), its standby in another AZ, and an ASG 2/2/4, all in the primary region. RebootDBInstance with ForceFailover moves the instance
 * to the standby's AZ in 60–120 s; the endpoint refuses connections meanwhile and no acknowledged write is lost.
 *
 * @example
 * const { sandbox, names } = await buildInRegionMultiAzScenario({ clock, app: 'orders' });
 * // names.database.primary.identifier === 'orders-db'
 */
export async function buildInRegionMultiAzScenario(options: ScenarioOptions): Promise<Scenario> {
  const { sandbox, app, primary, recovery, layout, endpoints } = scenarioSandbox(options);
  const d = layout.database ?? {};
  const { primary: kmsKeyId } = scenarioKmsKeys(sandbox, layout, primary, recovery);
  const db = await provisionDatabase(sandbox, primary, d.primary ?? `${app}-db`, d.createdAt, {
    ...(kmsKeyId ? { kmsKeyId } : {}),
    engine: isInstanceEngine(d.engine) ? d.engine : 'postgres',
    ...(d.instanceClass ? { instanceClass: d.instanceClass } : {}), ...(d.retentionDays !== undefined ? { retentionDays: d.retentionDays } : {}),
    ...(d.availabilityZone ? { availabilityZone: d.availabilityZone } : {}),
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
    databases: [instanceNode(primary, db.identifier)],
  });
  const storage = layout.buckets && layout.buckets.length > 0 ? await provisionBuckets(sandbox, app, primary, recovery, layout.buckets) : undefined;
  return {
    sandbox,
    names: {
      strategy: 'in-region-ha', app, primaryRegion: primary, recoveryRegion: recovery,
      endpoints: { [primary]: endpoints[primary]! },
      database: { engine: 'rds-instance', primary: db, kmsKeys: kmsKeyId ? { primary: kmsKeyId } : {} },
      compute: { primary: compute },
      ...(storage ? { storage } : {}),
    },
  };
}
