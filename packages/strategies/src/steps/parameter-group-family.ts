/**
 * The DB parameter group family of an engine version, as RDS names it. One answer for every caller: readiness
 * checks (does a named group match what a restore brings back) and the drills' read-only groups.
 */

/**
 * The parameter group family of an engine version, as RDS names it: `postgres16`, `postgres9.6`, `mysql8.0`,
 * `mariadb10.11`, `aurora-postgresql16`, `aurora-mysql8.0`. `undefined` for an engine this does not know.
 *
 * @example
 * parameterGroupFamily('postgres', '16.4') // "postgres16"
 */
export function parameterGroupFamily(engine: string | undefined, version: string | undefined): string | undefined {
  if (engine === undefined || version === undefined) return undefined;
  const [major, minor] = version.split('.');
  if (major === undefined) return undefined;
  // PostgreSQL 10 and later name the family by major version only; 9.x by major.minor (postgres9.6).
  if (engine === 'postgres' || engine === 'aurora-postgresql') return `${engine}${Number(major) >= 10 ? major : `${major}.${minor}`}`;
  if (['mysql', 'mariadb', 'aurora-mysql'].includes(engine) && minor !== undefined) return `${engine}${major}.${minor}`;
  return undefined;
}
