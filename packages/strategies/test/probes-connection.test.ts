import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parsePlan } from '@firedrill/core';
import { describe, expect, it } from 'vitest';
import {
  ConnectionReferenceError,
  envFileSecretResolver,
  DnsProbe,
  HttpHealthProbe,
  MysqlHeartbeatProbe,
  PostgresHeartbeatProbe,
  probesFromPlan,
  redactConnection,
  resolveConnectionReference,
  secretsManagerSecretResolver,
} from '../src/probes/index.js';

describe('connection references', () => {
  it('resolves an environment variable at run time, and names the variable (never a value) when it is missing', async () => {
    await expect(resolveConnectionReference({ fromEnv: 'DB' }, { env: { DB: ' postgres://u:p@h/db ' } })).resolves.toBe('postgres://u:p@h/db');
    const error = await resolveConnectionReference({ fromEnv: 'DB' }, { env: {} }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionReferenceError);
    expect((error as Error).message).toMatch(/^environment variable DB: is not set/);
    await expect(resolveConnectionReference({}, {})).rejects.toThrow(TypeError);
  });

  it('resolves secrets through a resolver: a local env file, or Secrets Manager with RDS-style JSON', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'firedrill-secrets-')), 'secrets.env');
    writeFileSync(file, '# local secrets\nORDERS_DB="mysql://app:s3cret@db:3306/orders"\n');
    await expect(resolveConnectionReference({ secret: 'ORDERS_DB' }, { secrets: envFileSecretResolver(file) })).resolves.toBe('mysql://app:s3cret@db:3306/orders');
    await expect(resolveConnectionReference({ secret: 'OTHER' }, { secrets: envFileSecretResolver(file) })).rejects.toThrow(/^secret OTHER: could not be read \(no entry named OTHER/);
    await expect(resolveConnectionReference({ secret: 'x' })).rejects.toThrow(/secret x: no secret resolver configured/);

    const rds = JSON.stringify({ engine: 'postgres', host: 'db.abc.us-west-2.rds.amazonaws.com', port: 5432, username: 'app', password: 'p@ss/word', dbname: 'orders' });
    const secrets = secretsManagerSecretResolver(async (input) => (input.SecretId === 'prod/orders' ? { SecretString: rds } : Promise.reject(Object.assign(new Error(`Secrets Manager can't find the specified secret.`), { name: 'ResourceNotFoundException' }))));
    await expect(resolveConnectionReference({ secret: 'prod/orders' }, { secrets })).resolves.toBe('postgres://app:p%40ss%2Fword@db.abc.us-west-2.rds.amazonaws.com:5432/orders');
    await expect(resolveConnectionReference({ secret: 'prod/none' }, { secrets })).rejects.toThrow(/^secret prod\/none: could not be read \(Secrets Manager: ResourceNotFoundException/);
  });

  it('redacts the URL and its password from driver messages', () => {
    expect(redactConnection('cannot parse postgres://u:hunter22@h/db, password hunter22', 'postgres://u:hunter22@h/db')).toBe('cannot parse ***, password ***');
  });
});

describe('probesFromPlan', () => {
  const plan = (probes: unknown) =>
    parsePlan({
      apiVersion: 'firedrill.dev/v1',
      kind: 'Plan',
      metadata: { name: 'orders', owner: 'sre' },
      regions: { primary: 'us-east-1', recovery: 'us-west-2' },
      strategy: { name: 'pilot-light' },
      resources: { database: { kind: 'rds-instance', engine: 'postgres', primary: { identifier: 'a' }, recovery: { identifier: 'b' } } },
      objectives: { rto: '15m', rpo: '1m' },
      probes,
    });

  it('builds the DNS observer from the plan: it reports when clients reach the recovery region, beside the RTO', () => {
    const { probes } = probesFromPlan(plan({ dns: { name: 'api.example.com', expect: ['10.2.0.10'], resolver: ['127.0.0.1:5353'], route53: false, interval: '10s' } }));
    const dns = probes.observers?.['dns'];
    expect(dns).toBeInstanceOf(DnsProbe);
    expect(dns).toMatchObject({ target: 'dns A api.example.com', intervalMs: 10_000, consecutive: 1 });
    expect(probes.health).toBeUndefined();
  });

  it('builds the HTTP health probe and the SQL heartbeat probe from the plan; targets name references only', () => {
    const { probes } = probesFromPlan(
      plan({
        health: { kind: 'http', url: 'https://10.0.2.5/health', hostHeader: 'api.example.com', interval: '5s', timeout: '2s', consecutive: 2 },
        heartbeat: { kind: 'postgres', connection: { fromEnv: 'ORDERS_DB' }, interval: '1s' },
      }),
      { env: { ORDERS_DB: 'postgres://u:topsecret@h/db' } },
    );
    expect(probes.health).toBeInstanceOf(HttpHealthProbe);
    expect(probes.health).toMatchObject({ intervalMs: 5000, timeoutMs: 2000, consecutive: 2, target: 'https://10.0.2.5/health (Host: api.example.com)' });
    expect(probes.heartbeat).toBeInstanceOf(PostgresHeartbeatProbe);
    expect(probes.heartbeat).toMatchObject({ intervalMs: 1000, target: 'postgres firedrill_heartbeat (source orders) via environment variable ORDERS_DB' });
    const mysql = probesFromPlan(plan({ heartbeat: { kind: 'mysql', connection: { secret: 'prod/orders' }, table: 'hb', interval: '500ms' } }));
    expect(mysql.probes.heartbeat).toBeInstanceOf(MysqlHeartbeatProbe);
    expect(mysql.probes.heartbeat?.target).toBe('mysql hb (source orders) via secret prod/orders');
  });

  it('asks for the sandbox probes instead of pretending to build them', () => {
    expect(() => probesFromPlan(plan({ health: { kind: 'sandbox' } }))).toThrow(/kind "sandbox" is built by sandboxHealthProbe/);
  });
});
