import { PostgresHeartbeatProbe } from '../../packages/strategies/src/probes/index.js';
import { heartbeatCases } from './heartbeat-cases.js';
import { PostgresCluster } from './postgres-cluster.js';

heartbeatCases<PostgresCluster>({
  name: 'postgres',
  title: 'PostgreSQL heartbeat probe on a real primary and asynchronous streaming standby',
  start: () => PostgresCluster.start(),
  stop: (cluster) => cluster.stop(),
  primaryPort: (cluster) => cluster.primary.port,
  appUrl: (cluster, port) => cluster.appUrl(port),
  appPassword: PostgresCluster.appPassword,
  probe: ({ variable, env, source, intervalMs }) => new PostgresHeartbeatProbe({ connection: { fromEnv: variable }, env, intervalMs, ...(source ? { source } : {}) }),
  openTransactions: async (cluster) =>
    (await cluster.sql(cluster.primary, "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'firedrill-heartbeat' AND (state LIKE 'idle in transaction%' OR xact_start IS NOT NULL AND state <> 'active')"))[0]?.[0],
  heartbeatRows: async (cluster) => (await cluster.sql(cluster.primary, 'SELECT count(*) FROM firedrill_heartbeat'))[0]?.[0],
});
