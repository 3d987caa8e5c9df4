export {
  type ConnectionReference,
  ConnectionReferenceError,
  type ConnectionResolveOptions,
  describeConnectionReference,
  envFileSecretResolver,
  type GetSecretValue,
  redactConnection,
  resolveConnectionReference,
  type SecretResolver,
  secretsManagerSecretResolver,
} from './connection-reference.js';
export { describeDnsObservation, type DnsObservation, DnsProbe, type DnsProbeOptions, type DnsProbeRecordType, type DnsView } from './dns-probe.js';
export { HeartbeatConnectionError } from './heartbeat-connection.js';
export { HttpHealthProbe, type HttpHealthProbeOptions } from './http-health-probe.js';
export { MysqlHeartbeatProbe } from './mysql-heartbeat-probe.js';
export { PostgresHeartbeatProbe } from './postgres-heartbeat-probe.js';
export { type PlanProbes, probesFromPlan, type ProbesFromPlanOptions } from './probe-from-plan.js';
export { type SqlHeartbeatProbeOptions } from './sql-heartbeat-options.js';
