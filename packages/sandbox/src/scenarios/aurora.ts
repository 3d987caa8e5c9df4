/** Aurora provisioning shared by the multi-site and in-region scenarios. */
import { replicaNode } from '../database-nodes.js';
import type { Sandbox } from '../sandbox.js';
import { scheduleFrom } from '../timeline.js';
import { type AuroraEngine, ENGINE_DEFAULTS } from './layout.js';
import { clusterNode, instantContext, provision } from './provision.js';

/**
 * An available Aurora cluster (PostgreSQL unless `engine` says otherwise) with `instances` instances named
 * `<id>-1`, `<id>-2`, … — or the instances named — the first is the writer; they go to the region's AZs a, b, c in
 * turn.
 */
export async function provisionAuroraCluster(
  sandbox: Sandbox,
  region: string,
  id: string,
  instances: number | string[],
  options: { engine?: AuroraEngine; instanceClass?: string; retentionDays?: number; kmsKeyId?: string } = {},
): Promise<{ region: string; identifier: string; arn: string }> {
  const engine = options.engine ?? 'aurora-postgresql';
  const out = await provision<{ DBCluster: { DBClusterArn: string } }>(sandbox, 'rds', region, 'CreateDBCluster', {
    DBClusterIdentifier: id, Engine: engine, EngineVersion: ENGINE_DEFAULTS[engine].version, Port: ENGINE_DEFAULTS[engine].port, MasterUsername: 'app', BackupRetentionPeriod: options.retentionDays ?? 7,
    ...(options.kmsKeyId ? { StorageEncrypted: true, KmsKeyId: options.kmsKeyId } : {}),
  });
  const members = typeof instances === 'number' ? Array.from({ length: instances }, (_, i) => `${id}-${i + 1}`) : instances;
  // One member per Availability Zone in turn, as a cluster built for high availability is: a reader in the writer's
  // AZ would not survive the loss of that AZ, and a failover to it stays there.
  for (const [i, member] of members.entries()) {
    await provision(sandbox, 'rds', region, 'CreateDBInstance', {
      DBInstanceIdentifier: member, DBClusterIdentifier: id, DBInstanceClass: options.instanceClass ?? 'db.r6g.large', Engine: engine, AvailabilityZone: `${region}${'abc'[i % 3]}`,
    });
  }
  return { region, identifier: id, arn: out.DBCluster.DBClusterArn };
}

/** Joins clusters into a global database: the first is primary, the others replicate with Aurora's global lag. */
export function provisionGlobalCluster(sandbox: Sandbox, id: string, clusters: { region: string; identifier: string; arn: string }[], engine: AuroraEngine = 'aurora-postgresql'): string {
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
    id, arn: `arn:aws:rds::${world.accountId}:global-cluster:${id}`, engine, engineVersion: ENGINE_DEFAULTS[engine].version,
    status: [{ at: now, value: 'available' }], memberArns: clusters.map((c) => c.arn), createdAt: now,
  };
  return id;
}
