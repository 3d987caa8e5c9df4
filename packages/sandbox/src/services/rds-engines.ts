/**
 * What RDS gives each engine when a request leaves it out: the engine version, the port and the parameter group
 * family. One table for the service handlers (CreateDBCluster without a port) and the scenarios that provision.
 */

/** RDS engines a standalone instance can run. */
export type RdsInstanceEngine = 'postgres' | 'mysql' | 'mariadb';
/** Aurora engines. */
export type AuroraEngine = 'aurora-postgresql' | 'aurora-mysql';

/** Engine version, parameter group family and port the sandbox gives each engine. */
export const ENGINE_DEFAULTS: Record<RdsInstanceEngine | AuroraEngine, { version: string; family: string; port: number }> = {
  postgres: { version: '16.4', family: 'postgres16', port: 5432 },
  mysql: { version: '8.0.39', family: 'mysql8.0', port: 3306 },
  mariadb: { version: '10.11.9', family: 'mariadb10.11', port: 3306 },
  'aurora-postgresql': { version: '16.4', family: 'aurora-postgresql16', port: 5432 },
  'aurora-mysql': { version: '8.0.mysql_aurora.3.07.1', family: 'aurora-mysql8.0', port: 3306 },
};

/** The defaults of `engine`, or undefined for an engine the sandbox does not know. */
export function engineDefaults(engine: string): (typeof ENGINE_DEFAULTS)[RdsInstanceEngine] | undefined {
  return Object.hasOwn(ENGINE_DEFAULTS, engine) ? ENGINE_DEFAULTS[engine as RdsInstanceEngine] : undefined;
}

/**
 * The parameter group family of an engine version, as RDS names it: PostgreSQL 10 and later by major version
 * (`postgres16`, `aurora-postgresql16`), earlier PostgreSQL and every MySQL-family engine by major.minor
 * (`postgres9.6`, `mysql8.0`, `mariadb10.11`, `aurora-mysql8.0` — Aurora MySQL's versions read
 * `8.0.mysql_aurora.3.07.1`).
 */
export function parameterGroupFamilyOf(engine: string, version: string): string {
  const [major = '', minor = ''] = version.split('.');
  const postgres = engine === 'postgres' || engine === 'aurora-postgresql';
  return postgres && Number(major) >= 10 ? `${engine}${major}` : `${engine}${major}.${minor}`;
}
