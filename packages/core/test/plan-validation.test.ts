import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  definePlan,
  loadPlanFile,
  loadPlanSource,
  loadPlanText,
  parsePlan,
  type Plan,
  type PlanInput,
  type PlanIssue,
  PlanValidationError,
} from '../src/plan/index.js';

const fixture = (name: string): string => fileURLToPath(new URL(`./fixtures/plans/${name}`, import.meta.url));

/** The issues of a plan that must fail validation. */
function issuesOf(validate: () => unknown): readonly PlanIssue[] {
  try {
    validate();
  } catch (error) {
    expect(error).toBeInstanceOf(PlanValidationError);
    return (error as PlanValidationError).issues;
  }
  throw new Error('expected the plan to be rejected');
}

function minimal(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    apiVersion: 'firedrill.dev/v1',
    metadata: { name: 'tracking-app' },
    regions: { primary: 'us-east-1', recovery: 'us-west-2' },
    strategy: { name: 'pilot-light' },
    resources: { database: { kind: 'rds-instance', primary: { identifier: 'tracking-db' }, recovery: { identifier: 'tracking-db-replica' } } },
    objectives: { rto: '15m', rpo: '1m' },
    ...overrides,
  };
}

/** YAML of `minimal()` with extra top-level text appended. */
const yamlPlan = (extra = ''): string => `apiVersion: firedrill.dev/v1
metadata: { name: tracking-app }
regions: { primary: us-east-1, recovery: us-west-2 }
strategy: { name: pilot-light }
resources:
  database: { kind: rds-instance, primary: { identifier: tracking-db }, recovery: { identifier: tracking-db-replica } }
objectives: { rto: 15m, rpo: 1m }
${extra}`;

describe('valid plans', () => {
  it.each(['warm-standby', 'pilot-light', 'backup-restore', 'multi-site', 'in-region'])('parses the %s example', async (name) => {
    const plan = await loadPlanFile(fixture(`${name}.yaml`));
    expect(plan.strategy.name).toBe(name);
    expect(plan.objectives.rto).toBeGreaterThan(0);
  });

  it('fills in defaults and turns durations into milliseconds', async () => {
    const plan = await loadPlanFile(fixture('warm-standby.yaml'));
    expect(plan.objectives).toEqual({ rto: 900_000, rpo: 60_000 });
    expect(plan.probes?.heartbeat).toEqual({ kind: 'postgres', connection: { fromEnv: 'DATABASE_URL' }, table: 'firedrill_heartbeat', interval: 1_000 });
    expect(plan.approvals[0]).toEqual({ before: 'run', approvers: ['alice', 'bob'], timeout: 1_800_000 });
    expect(plan.policies['promote-database']?.retry?.maximumInterval).toBe(30_000);
    expect(plan.strategy.parameters).toEqual({});

    const bare = parsePlan(minimal());
    expect(bare).toMatchObject({ target: 'sandbox', concurrency: 8, rollback: 'on-failure', approvals: [], policies: {} });
  });

  it('fills in probe and schedule defaults', () => {
    const plan = parsePlan(
      minimal({
        probes: { health: { kind: 'http', url: 'https://api.example.com/health' }, heartbeat: { kind: 'sandbox' } },
        schedule: { cron: '0 3 * * MON' },
      }),
    );
    expect(plan.probes?.health).toEqual({ kind: 'http', url: 'https://api.example.com/health', expectStatus: 200, interval: 5_000, timeout: 2_000, consecutive: 3 });
    expect(plan.probes?.heartbeat).toEqual({ kind: 'sandbox', interval: 1_000 });
    expect(plan.schedule).toEqual({ cron: '0 3 * * MON', timezone: 'UTC', operation: 'drill', drill: 'isolated' });
  });

  it('keeps the raw input next to the plan, for the journal', async () => {
    const source = await loadPlanSource(fixture('in-region.yaml'));
    expect(source.input.objectives).toEqual({ rto: '2m', rpo: '0s' });
    expect(source.plan.objectives).toEqual({ rto: 120_000, rpo: 0 });
    expect(source.text).toContain('in-region');
  });

  it('lets TypeScript users define a plan, typed', () => {
    const input: PlanInput = {
      apiVersion: 'firedrill.dev/v1',
      metadata: { name: 'tracking-app' },
      regions: { primary: 'us-east-1', recovery: 'us-west-2' },
      strategy: { name: 'warm-standby' },
      resources: { dns: { kind: 'route53-record', hostedZoneId: 'Z123', name: 'api.example.com', type: 'A', routing: 'weighted', primary: { setIdentifier: 'a' }, recovery: { setIdentifier: 'b' }, weights: { primary: 100, recovery: 0 } } },
      objectives: { rto: '15m', rpo: '1m' },
      rollback: 'always',
    };
    const plan: Plan = definePlan(input);
    expect(plan.rollback).toBe('always');
    const dns = plan.resources.dns;
    expect(dns?.kind === 'route53-record' && dns.weights).toEqual({ primary: 100, recovery: 0 });
    // @ts-expect-error a misspelt field is a type error, not only a run-time one
    expect(() => definePlan({ ...input, objectivs: {} })).toThrow(PlanValidationError);
  });
});

describe('error messages', () => {
  it('says what a bad duration was and what was expected, exactly', () => {
    const error = (() => {
      try {
        parsePlan(minimal({ objectives: { rto: 'fast', rpo: '1m' } }), 'plan.yaml');
      } catch (caught) {
        return caught as PlanValidationError;
      }
      throw new Error('expected a PlanValidationError');
    })();
    expect(error.message).toBe('plan.yaml: objectives.rto: expected a duration such as "15m", got "fast"');
    expect(error.code).toBe('PLAN_INVALID');
    expect(error.exitCode).toBe(2);
    expect(error.issues).toEqual([
      { file: 'plan.yaml', path: 'objectives.rto', expected: 'a duration such as "15m"', found: '"fast"', message: 'expected a duration such as "15m", got "fast"' },
    ]);
  });

  it('adds the line when the plan is YAML', () => {
    const text = yamlPlan().replace('rto: 15m', 'rto: fast');
    expect(() => loadPlanText(text, 'plan.yaml')).toThrow('plan.yaml:7: objectives.rto: expected a duration such as "15m", got "fast"');
  });

  it('reports every mistake of a file at once, each with file, path, line, expected and found', async () => {
    const file = fixture('five-mistakes.yaml');
    let error: PlanValidationError | undefined;
    await loadPlanFile(file).catch((caught: unknown) => (error = caught as PlanValidationError));
    expect(error?.issues.map(({ path, line, expected, found }) => ({ path, line, expected, found }))).toEqual([
      { path: 'resources.database.primary', line: 10, expected: 'a mapping (key: value)', found: 'nothing' },
      { path: 'resources.database.primry', line: 12, expected: 'one of the fields kind, engine, multiAz, primary, recovery, backup', found: '"primry"' },
      {
        path: 'resources.cache.kind',
        line: 15,
        expected: 'one of rds-instance, aurora-cluster, aurora-global-cluster, auto-scaling-group, route53-record, ec2-instances, s3-bucket, backups, launch-template',
        found: '"elasticache"',
      },
      { path: 'objectives.rto', line: 17, expected: 'a duration such as "15m"', found: '"fast"' },
      { path: 'concurrency', line: 19, expected: 'a whole number from 1 to 1000', found: '0' },
      { path: 'rollback', line: 20, expected: 'one of on-failure, always, never', found: '"sometimes"' },
    ]);
    for (const issue of error!.issues) expect(issue.file).toBe(file);
    expect(error!.message.split('\n')).toEqual([
      `${file}:10: resources.database.primary: expected a mapping (key: value), got nothing`,
      `${file}:12: resources.database.primry: unknown field; did you mean "primary"?`,
      `${file}:15: resources.cache.kind: expected one of rds-instance, aurora-cluster, aurora-global-cluster, auto-scaling-group, route53-record, ec2-instances, s3-bucket, backups, launch-template, got "elasticache"`,
      `${file}:17: objectives.rto: expected a duration such as "15m", got "fast"`,
      `${file}:19: concurrency: expected a whole number from 1 to 1000, got 0`,
      `${file}:20: rollback: expected one of on-failure, always, never, got "sometimes"`,
    ]);
  });

  it('suggests the closest field for an unknown one, or lists the fields', () => {
    const issues = issuesOf(() => loadPlanText(yamlPlan('concurency: 4\nnotes: hello\n'), 'plan.yaml'));
    expect(issues.map((issue) => `${issue.line}: ${issue.path}: ${issue.message}`)).toEqual([
      '8: concurency: unknown field; did you mean "concurrency"?',
      '9: notes: unknown field; expected one of apiVersion, kind, metadata, target, regions, accounts, strategy, resources, objectives, probes, approvals, concurrency, rollback, policies, schedule',
    ]);
  });

  it('names what is missing', () => {
    const { objectives: _, ...withoutObjectives } = minimal();
    const issues = issuesOf(() => parsePlan({ ...withoutObjectives, metadata: {} }));
    expect(issues.map((issue) => `${issue.path}: ${issue.message}`)).toEqual([
      'metadata.name: expected a plan name of lowercase letters, digits and "-" (1–63, starting with a letter), such as "tracking-app", got nothing',
      'objectives: expected a mapping (key: value), got nothing',
    ]);
  });

  it('rejects an inline password without echoing it, and says to use fromEnv or secret', () => {
    const probes = { heartbeat: { kind: 'postgres', connection: { password: 'hunter2' } } };
    const [issue, ...rest] = issuesOf(() => parsePlan(minimal({ probes })));
    expect(rest).toEqual([]);
    expect(issue?.path).toBe('probes.heartbeat.connection.password');
    expect(issue?.message).toMatch(/fromEnv: DATABASE_URL.*secret: <name>/);
    expect(issue?.message).not.toContain('hunter2');

    const url = { heartbeat: { kind: 'postgres', connection: { url: 'postgres://admin:hunter2@db/app' } } };
    const [urlIssue] = issuesOf(() => parsePlan(minimal({ probes: url })));
    expect(urlIssue?.found).toBe('an inline "url"');
    expect(JSON.stringify(issuesOf(() => parsePlan(minimal({ probes: { heartbeat: 'postgres://admin:hunter2@db/app' } }))))).not.toContain('hunter2');
  });

  it('asks to quote numbers where text is expected', () => {
    const accounts = { primary: { accountId: 111111111111 } };
    const [issue] = issuesOf(() => parsePlan(minimal({ accounts })));
    expect(issue?.message).toBe('expected a 12-digit AWS account id in quotes, such as "111111111111", got 111111111111; put it in quotes so YAML reads it as text');
  });

  it('turns a YAML syntax error into one issue with its line and column', () => {
    const text = 'apiVersion: firedrill.dev/v1\nmetadata:\n  name: [tracking\nregions: {}\n';
    const issues = issuesOf(() => loadPlanText(text, 'plan.yaml'));
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ file: 'plan.yaml', path: '(document)', expected: 'valid YAML', line: expect.any(Number), column: expect.any(Number) });
    expect(issues[0]!.message).toMatch(/^expected valid YAML, got .+ at column \d+$/);

    const duplicate = issuesOf(() => loadPlanText(yamlPlan('concurrency: 4\nconcurrency: 5\n'), 'plan.yaml'));
    expect(duplicate[0]).toMatchObject({ path: '(document)', line: 9 });
  });

  it('explains an empty file and a missing file', async () => {
    expect(() => loadPlanText('  \n# nothing yet\n', 'plan.yaml')).toThrow(
      'plan.yaml: (document): expected a plan: a YAML mapping that starts with apiVersion: firedrill.dev/v1, got an empty file',
    );
    const missing = join(await mkdtemp(join(tmpdir(), 'firedrill-plan-')), 'nope.yaml');
    await expect(loadPlanFile(missing)).rejects.toMatchObject({
      issues: [{ file: missing, path: '(document)', found: 'no such file' }],
    });
  });

  it('reads files and reports lines relative to them', async () => {
    const path = join(await mkdtemp(join(tmpdir(), 'firedrill-plan-')), 'plan.yaml');
    await writeFile(path, yamlPlan('rollback: sometimes\n'));
    await expect(loadPlanFile(path)).rejects.toThrow(`${path}:8: rollback: expected one of on-failure, always, never, got "sometimes"`);
  });
});

describe('semantic checks', () => {
  const messages = (input: Record<string, unknown>): string[] => issuesOf(() => parsePlan(input)).map((issue) => `${issue.path}: ${issue.message}`);

  it('needs two regions, except for in-region failover', () => {
    const regions = { primary: 'us-east-1', recovery: 'us-east-1' };
    expect(messages(minimal({ regions }))).toEqual([
      'regions.recovery: expected a region other than regions.primary (us-east-1), got "us-east-1", the same region; strategy pilot-light fails over to a second region; for a failover inside one region use strategy: { name: in-region }',
    ]);
    expect(parsePlan(minimal({ regions, strategy: { name: 'in-region' } })).regions.recovery).toBe('us-east-1');
  });

  it('needs a heartbeat interval shorter than the RPO', () => {
    const probes = { heartbeat: { kind: 'sandbox', interval: '1m' } };
    expect(messages(minimal({ probes }))).toEqual([
      'probes.heartbeat.interval: expected a heartbeat interval shorter than objectives.rpo (1m), got "1m"; the RPO is measured to ± one heartbeat interval, so with this interval the RPO cannot be measured to that precision; shorten the interval',
    ]);
    const zeroRpo = minimal({ objectives: { rto: '15m', rpo: '0s' }, probes: { heartbeat: { kind: 'sandbox' } } });
    expect(messages(zeroRpo)[0]).toContain('got 1s (the default)');
  });

  it('needs at least one consecutive health probe', () => {
    const probes = { health: { kind: 'sandbox', consecutive: 0 } };
    expect(messages(minimal({ probes }))).toEqual(['probes.health.consecutive: expected a whole number from 1 to 100, got 0']);
  });

  it('checks that snapshot sources name a resource that can be snapshotted', () => {
    const resources = {
      database: { kind: 'rds-instance', primary: { identifier: 'db' }, recovery: { identifier: 'db-dr' } },
      files: { kind: 's3-bucket', primary: { bucket: 'files-a' }, recovery: { bucket: 'files-b' } },
      backups: {
        kind: 'backups',
        snapshots: [
          { source: 'databse', schedule: '0 */12 * * *', retentionDays: 90 },
          { source: 'files', schedule: '0 0 1 * *', retentionDays: 30 },
          { source: 'database', schedule: '0 0 1 * *', retentionDays: 30 },
        ],
      },
    };
    expect(messages(minimal({ resources }))).toEqual([
      'resources.backups.snapshots[0].source: expected the role of a database or instances resource in resources, got "databse", which is not a role in resources; did you mean "database"?',
      'resources.backups.snapshots[1].source: expected the role of a database or instances resource (kind rds-instance, aurora-cluster, aurora-global-cluster, ec2-instances), got "files", a s3-bucket',
    ]);
  });

  const dns = (extra: Record<string, unknown>): Record<string, unknown> => ({
    resources: { dns: { kind: 'route53-record', hostedZoneId: 'Z123', name: 'api.example.com', type: 'A', primary: { setIdentifier: 'a' }, recovery: { setIdentifier: 'b' }, ...extra } },
  });

  it('never accepts all DNS weights at 0', () => {
    const [message] = messages(minimal(dns({ routing: 'weighted', weights: { primary: 0, recovery: 0 } })));
    expect(message).toMatch(/^resources\.dns\.weights: expected at least one weight above 0 \(never all weights at 0.*got primary 0 and recovery 0/);
  });

  it('accepts weights only with weighted routing, and needs them there', () => {
    expect(messages(minimal(dns({ routing: 'failover', weights: { primary: 100, recovery: 0 } })))).toEqual([
      'resources.dns.weights: expected no weights with routing: failover, got { primary: 100, recovery: 0 }; remove weights, or use routing: weighted',
    ]);
    expect(messages(minimal(dns({ routing: 'weighted' }))))
      .toEqual(['resources.dns.weights: expected weights { primary, recovery } with routing: weighted, got nothing; for example weights: { primary: 100, recovery: 0 }']);
  });

  it('needs blocked windows that end after they start', () => {
    const schedule = {
      cron: '0 3 * * 1',
      blockedWindows: [
        { from: '2027-01-05T00:00:00Z', to: '2026-12-20T00:00:00Z' },
        { days: ['fri'], fromTime: '22:00', toTime: '02:00' },
      ],
    };
    expect(messages(minimal({ schedule }))).toEqual([
      'schedule.blockedWindows[0].to: expected a "to" later than "from", got "2026-12-20T00:00:00Z"',
      'schedule.blockedWindows[1].toTime: expected a toTime later than fromTime, got "02:00"; for a window past midnight, write two entries (one per day)',
    ]);
  });

  describe('a database\'s KMS key per side', () => {
    const keyed = (primary: unknown, recovery: unknown): Record<string, unknown> => minimal({
      resources: { database: { kind: 'rds-instance', primary: { identifier: 'tracking-db', kmsKeyId: primary }, recovery: { identifier: 'tracking-db-replica', kmsKeyId: recovery } } },
    });
    const east = 'arn:aws:kms:us-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab';
    const west = 'arn:aws:kms:us-west-2:111111111111:key/mrk-1234abcd12ab34cd56ef1234567890ab';

    it('takes a key ARN or alias ARN of the side\'s region, a key id, or an alias name', () => {
      const plan = parsePlan(keyed(east, west));
      expect(plan.resources['database']).toMatchObject({ primary: { kmsKeyId: east }, recovery: { kmsKeyId: west } });
      expect(() => parsePlan(keyed('alias/tracking-db', 'arn:aws:kms:us-west-2:111111111111:alias/tracking-db'))).not.toThrow();
      expect(() => parsePlan(keyed('1234abcd-12ab-34cd-56ef-1234567890ab', 'mrk-1234abcd12ab34cd56ef1234567890ab'))).not.toThrow();
      // Optional: an unencrypted database needs none.
      expect(parsePlan(minimal()).resources['database']).not.toHaveProperty('primary.kmsKeyId');
    });

    it('refuses a key ARN of the other region, naming the field, the regions and what to name instead', () => {
      expect(messages(keyed(west, east))).toEqual([
        `resources.database.primary.kmsKeyId: expected a KMS key of regions.primary (us-east-1): RDS encrypts the copies it makes there with it, and a key works only in its own region, got "${west}", a key of us-west-2; name a key of us-east-1 (its ARN, or alias/<name>); a multi-Region key's replica in us-east-1 has an ARN of that region`,
        `resources.database.recovery.kmsKeyId: expected a KMS key of regions.recovery (us-west-2): RDS encrypts the copies it makes there with it, and a key works only in its own region, got "${east}", a key of us-east-1; name a key of us-west-2 (its ARN, or alias/<name>); a multi-Region key's replica in us-west-2 has an ARN of that region`,
      ]);
    });

    it('refuses what is not a KMS key, with the line in a YAML file', () => {
      const [message] = messages(keyed('tracking-key', west));
      expect(message).toMatch(/^resources\.database\.primary\.kmsKeyId: expected a KMS key: a key ARN such as "arn:aws:kms:us-west-2:111111111111:key\/.*", an alias ARN, a key id, or "alias\/<name>", got "tracking-key"$/);
      const text = yamlPlan().replace('recovery: { identifier: tracking-db-replica }', 'recovery: { identifier: tracking-db-replica, kmsKeyId: "arn:aws:kms:us-east-1:111111111111:alias/db" }');
      expect(() => loadPlanText(text, 'tracking.yaml')).toThrow('tracking.yaml:6: resources.database.recovery.kmsKeyId: expected a KMS key of regions.recovery (us-west-2)');
    });
  });

  it('accepts only primary or recovery as a side', () => {
    const resources = { db: { kind: 'aurora-cluster', identifier: 'ledger', region: 'secondary' } };
    expect(messages(minimal({ resources }))).toEqual(['resources.db.region: expected one of primary, recovery, got "secondary"']);
  });

  it('takes an Aurora cluster\'s engine, Aurora PostgreSQL when the plan names none, and refuses any other', () => {
    const cluster = (extra: Record<string, unknown> = {}) => minimal({ regions: { primary: 'us-east-1', recovery: 'us-east-1' }, strategy: { name: 'in-region' }, resources: { db: { kind: 'aurora-cluster', identifier: 'ledger', ...extra } } });
    expect(parsePlan(cluster({ engine: 'aurora-mysql' })).resources['db']).toMatchObject({ kind: 'aurora-cluster', engine: 'aurora-mysql' });
    // Plans written before the field keep their meaning: the cluster the sandbox built for them was Aurora PostgreSQL.
    expect(parsePlan(cluster()).resources['db']).toMatchObject({ kind: 'aurora-cluster', engine: 'aurora-postgresql' });
    expect(messages(cluster({ engine: 'mysql' }))).toEqual([
      'resources.db.engine: expected aurora-mysql or aurora-postgresql (an RDS postgres, mysql or mariadb database is an rds-instance resource), got "mysql"',
    ]);
    const text = yamlPlan().replace('pilot-light', 'in-region').replace('recovery: us-west-2', 'recovery: us-east-1')
      .replace(/database: \{ kind: rds-instance.*\n/, 'database: { kind: aurora-cluster, identifier: ledger, engine: aurora-mysql5 }\n');
    expect(() => loadPlanText(text, 'ledger.yaml')).toThrow('ledger.yaml:6: resources.database.engine: expected aurora-mysql or aurora-postgresql');
  });

  it('checks probe references and duplicate approval gates', () => {
    const probes = { health: { kind: 'sandbox', endpoint: 'web' }, heartbeat: { kind: 'sandbox', database: 'dns' } };
    const approvals = [{ before: 'run' }, { before: 'promote-database' }, { before: 'run' }];
    expect(messages(minimal({ probes, approvals, ...dns({ routing: 'failover' }) }))).toEqual([
      'probes.heartbeat.database: expected the role of a database (kind rds-instance, aurora-cluster, aurora-global-cluster), got "dns", a route53-record',
      'probes.health.endpoint: expected "primary", "recovery" or a role in resources (dns), got "web"',
      'approvals[2].before: expected one gate per step ("run" is already gated by approvals[0]), got "run" again; merge the two gates (list every approver in one)',
    ]);
  });

  it('reports shape and cross-field problems in the same pass', () => {
    const input = minimal({ regions: { primary: 'us-east-1', recovery: 'us-east-1' }, concurrency: 0 });
    expect(issuesOf(() => parsePlan(input)).map((issue) => issue.path)).toEqual(['concurrency', 'regions.recovery']);
  });
});

describe('cron schedules', () => {
  const cronMessage = (cron: string): string | undefined => {
    try {
      parsePlan(minimal({ schedule: { cron } }));
      return undefined;
    } catch (error) {
      const message = (error as PlanValidationError).issues[0]?.message ?? '';
      return message.slice(message.indexOf('; ') + 2);
    }
  };

  it.each(['0 3 * * 1', '*/15 * * * *', '0 0,12 1-15 JAN-MAR mon-fri', '0 2 * * 7', '5 4 * * sun', '0 0-23/2 * * *', '0 3 1 */3 *'])('accepts %s', (cron) => {
    expect(cronMessage(cron)).toBeUndefined();
  });

  it.each([
    ['0 24 * * *', 'hour: 24 is out of range (allowed: 0–23)'],
    ['60 * * * *', 'minute: 60 is out of range (allowed: 0–59)'],
    ['0 0 0 * *', 'day-of-month: 0 is out of range (allowed: 1–31)'],
    ['0 0 * 13 *', 'month: 13 is out of range (allowed: 1–12 or JAN/FEB/MAR/APR/MAY/JUN/JUL/AUG/SEP/OCT/NOV/DEC)'],
    ['0 0 * * FUN', 'day-of-week: "FUN" is not a number or name (allowed: 0–7 or SUN/MON/TUE/WED/THU/FRI/SAT)'],
    ['0 0 * *', 'it has 4 field(s), not 5'],
    ['@daily', 'it has 1 field(s), not 5; write the 5 fields, for example "0 0 * * *" for @daily'],
    ['*/0 * * * *', 'minute: step "/0" must be a whole number from 1 to 59'],
    ['0 5-1 * * *', 'hour: range "5-1" runs backwards; write the smaller value first'],
    ['0 1,,2 * * *', 'hour: empty item in list "1,,2"'],
  ])('rejects %s: %s', (cron, problem) => {
    expect(cronMessage(cron)).toBe(problem);
  });
});

describe('a parsed Plan validated again', () => {
  it('says its durations look like milliseconds and what to validate instead', async () => {
    const { parsePlan: parse } = await import('../src/index.js');
    const input = { apiVersion: 'firedrill.dev/v1', kind: 'Plan', metadata: { name: 'tracking' }, regions: { primary: 'us-east-1', recovery: 'us-west-2' }, strategy: { name: 'warm-standby' }, resources: { db: { kind: 'rds-instance', primary: { identifier: 'a' }, recovery: { identifier: 'b' } } }, objectives: { rto: '15m', rpo: '1m' } };
    const plan = parse(input);
    expect(() => parse(plan as never)).toThrow('objectives.rto: expected a duration such as "15m", got 900000; write the unit, such as "15m" if 900000 is milliseconds (a parsed Plan holds milliseconds: validate the plan\'s input, not the Plan), or "900000s"');
  });
});
