/** Aurora provisioning shared by the multi-site and in-region scenarios. */
import { replicaNode } from '../database-nodes.js';
import type { Sandbox } from '../sandbox.js';
import { scheduleFrom } from '../timeline.js';
import { clusterNode, instantContext, provision } from './provision.js';

/** An available Aurora PostgreSQL cluster with `instances` instances (the first is the writer). */
export async function provisionAuroraCluster(sandbox: Sandbox, region: string, id: string, instances: number): Promise<{ region: string; identifier: string; arn: string }> {
  const out = await provision<{ DBCluster: { DBClusterArn: string } }>(sandbox, 'rds', region, 'CreateDBCluster', {
    DBClusterIdentifier: id, Engine: 'aurora-postgresql', EngineVersion: '16.4', MasterUsername: 'app', BackupRetentionPeriod: 7,
  });
  for (let i = 1; i <= instances; i++) {
    await provision(sandbox, 'rds', region, 'CreateDBInstance', {
      DBInstanceIdentifier: `${id}-${i}`, DBClusterIdentifier: id, DBInstanceClass: 'db.r6g.large', Engine: 'aurora-postgresql',
    });
  }
  return { region, identifier: id, arn: out.DBCluster.DBClusterArn };
}

/** Joins clusters into a global database: the first is primary, the others replicate with Aurora's global lag. */
export function provisionGlobalCluster(sandbox: Sandbox, id: string, clusters: { region: string; identifier: string; arn: string }[]): string {
  const world = sandbox.world;
  const now = sandbox.clock.now();
  const [primary, ...secondaries] = clusters;
  for (const secondary of secondaries) {
    const record = world.rds[secondary.region]!.clusters[secondary.identifier]!;
    const lag = instantContext(sandbox, secondary.region).latency('rds.globalReplicaLag');
    const node = replicaNode(now, clusterNode(primary!.region, primary!.identifier), lag);
    scheduleFrom(record.role, now, node.role);
    scheduleFrom(record.replication, now, node.replication);
  }
  for (const c of clusters) world.rds[c.region]!.clusters[c.identifier]!.globalClusterId = id;
  world.globalClusters[id] = {
    id, arn: `arn:aws:rds::${world.accountId}:global-cluster:${id}`, engine: 'aurora-postgresql', engineVersion: '16.4',
    status: [{ at: now, value: 'available' }], memberArns: clusters.map((c) => c.arn), createdAt: now,
  };
  return id;
}
