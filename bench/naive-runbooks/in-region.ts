/** In-region (Aurora writer failover): FailoverDBCluster to the reader, then DBClusterAvailable (30/120 s). */
import { rdsSdk } from '../aws-sdk.js';
import { MAX_WAIT_S, type NaiveRunbook } from './runbook.js';

export const inRegionRunbook: NaiveRunbook = async (ctx) => {
  const { names } = ctx.setup;
  const rds = ctx.rds(names.primaryRegion);
  const cluster = names.database.primary.identifier;
  ctx.declareDisaster();
  await rds.send(new rdsSdk.FailoverDBClusterCommand({ DBClusterIdentifier: cluster, TargetDBInstanceIdentifier: `${cluster}-2` }));
  // The SDK waiter looks at the cluster's status only, not at which member is the writer.
  await rdsSdk.waitUntilDBClusterAvailable({ client: rds, maxWaitTime: MAX_WAIT_S }, { DBClusterIdentifier: cluster });
};
