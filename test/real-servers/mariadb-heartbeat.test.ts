import { MysqlHeartbeatProbe } from '../../packages/strategies/src/probes/index.js';
import { heartbeatCases } from './heartbeat-cases.js';
import { MariadbCluster } from './mariadb-cluster.js';

heartbeatCases<MariadbCluster>({
  name: 'mariadb',
  title: 'MySQL heartbeat probe on a real MariaDB primary and replica',
  start: () => MariadbCluster.start(),
  stop: (cluster) => cluster.stop(),
  primaryPort: (cluster) => cluster.primary.port,
  appUrl: (cluster, port) => cluster.appUrl(port),
  appPassword: MariadbCluster.appPassword,
  probe: ({ variable, env, source, intervalMs }) => new MysqlHeartbeatProbe({ connection: { fromEnv: variable }, env, intervalMs, ...(source ? { source } : {}) }),
  openTransactions: async (cluster) =>
    (await cluster.sql(cluster.primary, "SELECT count(*) FROM information_schema.innodb_trx t JOIN information_schema.processlist p ON p.id = t.trx_mysql_thread_id WHERE p.user = 'firedrill'"))[0]?.[0],
  heartbeatRows: async (cluster) => (await cluster.sql(cluster.primary, 'SELECT count(*) FROM app.firedrill_heartbeat'))[0]?.[0],
});
