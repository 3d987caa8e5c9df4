/** The DB parameter group family RDS expects for an engine version: one function for readiness and the drills. */
import { describe, expect, it } from 'vitest';
import { parameterGroupFamily } from '../src/steps/parameter-group-family.js';

describe('parameterGroupFamily', () => {
  it('names PostgreSQL 10+ by major version and 9.x by major.minor', () => {
    expect(parameterGroupFamily('postgres', '15.4')).toBe('postgres15');
    expect(parameterGroupFamily('postgres', '9.6.24')).toBe('postgres9.6');
    expect(parameterGroupFamily('aurora-postgresql', '16.1')).toBe('aurora-postgresql16');
  });

  it('names MySQL and MariaDB by major.minor', () => {
    expect(parameterGroupFamily('mysql', '8.0.35')).toBe('mysql8.0');
    expect(parameterGroupFamily('mariadb', '10.11.6')).toBe('mariadb10.11');
    expect(parameterGroupFamily('aurora-mysql', '8.0.mysql_aurora.3.05.2')).toBe('aurora-mysql8.0');
  });

  it('is undefined for an engine or version it does not know', () => {
    expect(parameterGroupFamily('oracle-ee', '19.0.0.0')).toBeUndefined();
    expect(parameterGroupFamily(undefined, '16.4')).toBeUndefined();
    expect(parameterGroupFamily('postgres', undefined)).toBeUndefined();
  });
});
