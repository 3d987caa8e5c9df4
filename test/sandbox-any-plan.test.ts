/**
 * `--target sandbox` runs any plan: the sandbox is provisioned from the plan's own resources (names unlike any
 * ready-made scenario), and what it cannot build is refused before anything runs.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { loadPlanSource, VirtualClock } from '@firedrill/core';
import { runCli } from '@firedrill/runbooks';
import { buildScenarioForPlan, Sandbox } from '@firedrill/sandbox';
import { AwsEnvironment, type AwsPluggable, describeAutoScalingGroup, describeDbCluster, describeDbInstance } from '@firedrill/strategies';
import { bufferIo as bufferedIo } from './support/buffer-io.js';

const bufferIo = (cwd: string) => bufferedIo(cwd, { merged: true });

/** An SRE's own warm-standby plan: MySQL in eu-west-1 → eu-central-1, every name their own. */
const ordersPlan = {
  apiVersion: 'firedrill.dev/v1',
  kind: 'Plan',
  metadata: { name: 'orders', description: 'Orders API', owner: 'team-orders' },
  target: 'aws',
  regions: { primary: 'eu-west-1', recovery: 'eu-central-1' },
  strategy: { name: 'warm-standby', parameters: {} },
  resources: {
    // Encrypted (the sandbox's databases are): each side's cross-region replica needs a key of its region.
    db: {
      kind: 'rds-instance', engine: 'mysql',
      primary: { identifier: 'orders-mysql-main', kmsKeyId: 'alias/orders-db' },
      recovery: { identifier: 'orders-mysql-dr', instanceClass: 'db.r6g.xlarge', kmsKeyId: 'arn:aws:kms:eu-central-1:210987654321:key/5e2a9c71-0d3b-4f86-a1c4-7b9e2d6f3a08' },
    },
    web: {
      kind: 'auto-scaling-group',
      primary: { name: 'orders-web-euw1', capacity: { min: 3, desired: 3, max: 12 } },
      recovery: { name: 'orders-web-euc1', capacity: { min: 3, desired: 3, max: 12 }, standbyCapacity: { min: 1, desired: 1, max: 12 }, launchTemplate: 'orders-web-euc1-lt' },
    },
    edge: {
      kind: 'route53-record',
      hostedZoneId: 'Z2FDTNDATAQYW2',
      name: 'api.orders.example.net',
      type: 'CNAME',
      routing: 'failover',
      primary: { setIdentifier: 'euw1', healthCheckId: '0d5c2a7e-41b9-4c3f-8e6a-93f1b2d4c5e6', value: 'orders-euw1.lb.example.net' },
      recovery: { setIdentifier: 'euc1', healthCheckId: '7a8b9c0d-1e2f-4a3b-9c4d-5e6f7a8b9c0d', value: 'orders-euc1.lb.example.net' },
      ttl: 30,
    },
    exports: { kind: 's3-bucket', primary: { bucket: 'orders-exports-euw1' }, recovery: { bucket: 'orders-exports-euc1' }, replication: true },
  },
  objectives: { rto: '15m', rpo: '1m' },
  probes: {
    health: { kind: 'sandbox', endpoint: 'recovery', interval: '1s', consecutive: 3 },
    heartbeat: { kind: 'sandbox', database: 'db', interval: '1s' },
  },
  accounts: {
    primary: { accountId: '123456789012', roleArn: 'arn:aws:iam::123456789012:role/firedrill', externalId: 'orders' },
    recovery: { accountId: '210987654321', roleArn: 'arn:aws:iam::210987654321:role/firedrill', externalId: 'orders' },
  },
};

interface Report {
  status: string;
  disasterAt: string;
  rto: { seconds: number; objectiveSeconds: number; met: boolean };
  rpo: { seconds: number; source: string; objectiveSeconds: number; met: boolean };
  phases: { name: string; rto: { seconds: number } }[];
}

/** From the disaster to when `region` first served after the call that moved the writer, by the sandbox's record. */
function trueRto(sandbox: Sandbox, region: string, disasterAt: number, command: string, dnsBaseline?: DnsBaseline): number {
  const moved = sandbox.calls({ command }).find((c) => c.at >= disasterAt && c.outcome === 'ok')!;
  return (sandbox.truth.firstHealthyAt(region, moved.at + 1, undefined, dnsBaseline ? { dnsBaseline } : {})! - disasterAt) / 1000;
}

type DnsBaseline = ReturnType<Sandbox['truth']['dnsBaseline']>;

/**
 * The hosted zones of the sandbox `--target sandbox` provisions from `file`, before any run changed them. An
 * endpoint's health depends on the share of traffic DNS sent it then (the sandbox's load rule), and a saved world
 * keeps only its zones' last records: a live drill's failback has ramped the weights back since its failover.
 */
async function provisionedDnsBaseline(file: string): Promise<DnsBaseline> {
  const { plan } = await loadPlanSource(file);
  const { sandbox } = await buildScenarioForPlan(plan, { clock: new VirtualClock(), seed: 1, file });
  return sandbox.truth.dnsBaseline();
}

function write(plan: object): { dir: string; file: string } {
  const dir = mkdtempSync(join(tmpdir(), 'firedrill-any-plan-'));
  const file = join(dir, 'orders.yaml');
  writeFileSync(file, stringify(plan));
  return { dir, file };
}

async function awsOn(sandbox: Sandbox, file: string): Promise<AwsEnvironment> {
  const { plan } = await loadPlanSource(file);
  return new AwsEnvironment({ plan, clock: sandbox.clock, plugins: [(t: { region: string }) => sandbox.plugin(t.region) as unknown as AwsPluggable] });
}

describe('a plan with its own names runs on the sandbox provisioned from it', () => {
  it('a warm-standby plan with its own names (MySQL, eu-west-1 → eu-central-1, two accounts) is ready as written; a graceful failover measures an RTO within 1 s of the truth and RPO 0; failback restores it', { timeout: 90_000 }, async () => {
    const { dir, file } = write(ordersPlan);
    const check = bufferIo(dir);
    expect(await runCli(['check', file, '--target', 'sandbox'], check), check.out()).toBe(0);
    expect(check.out()).toMatch(/orders: READY — \d+ pass, \d+ warn, 0 fail/);
    expect(check.out()).toContain('0d5c2a7e-41b9-4c3f-8e6a-93f1b2d4c5e6');

    // A graceful failover (fence, catch up, promote, scale out, move DNS), measured at the recovery endpoint.
    const failover = bufferIo(dir);
    const code = await runCli(['failover', file, '--mode', 'graceful', '--target', 'sandbox', '--json'], failover);
    expect(code, failover.out()).toBe(0);
    const report = JSON.parse(failover.out()) as Report;
    let sandbox = Sandbox.load(join(dir, '.firedrill', 'sandbox', 'orders.warm-standby.json'), { clock: new VirtualClock({ start: 4_000_000_000_000 }) });
    const disasterAt = Date.parse(report.disasterAt);
    const truth = trueRto(sandbox, 'eu-central-1', disasterAt, 'PromoteReadReplica');
    expect(truth).toBeGreaterThan(60);
    expect(Math.abs(report.rto.seconds - truth)).toBeLessThanOrEqual(1);
    expect(report.rto).toMatchObject({ objectiveSeconds: 900, met: report.rto.seconds <= 900 });
    expect(report.rpo).toMatchObject({ source: 'heartbeat', seconds: 0, objectiveSeconds: 60, met: true });
    expect(sandbox.truth.lostWrites(Object.keys(sandbox.world.applications)[0]!, { disasterAt }).lost).toEqual([]);
    expect(sandbox.truth.dnsTarget('api.orders.example.net')).toMatchObject({ regions: ['eu-central-1'], values: ['orders-euc1.lb.example.net'] });

    const failback = bufferIo(dir);
    expect(await runCli(['failback', file, '--target', 'sandbox'], failback), failback.out()).toBe(0);
    sandbox = Sandbox.load(join(dir, '.firedrill', 'sandbox', 'orders.warm-standby.json'), { clock: new VirtualClock({ start: 4_000_000_000_000 }) });

    // After the failback: the plan's own resources, as the SDK shows them.
    const aws = await awsOn(sandbox, file);
    const main = await describeDbInstance({ rds: aws.clients('primary').rds, identifier: 'orders-mysql-main' });
    expect(main).toMatchObject({ status: 'available', engine: 'mysql', readReplicaSource: undefined });
    const dr = await describeDbInstance({ rds: aws.clients('recovery').rds, identifier: 'orders-mysql-dr' });
    expect(dr?.readReplicaSource).toContain('orders-mysql-main');
    expect(sandbox.truth.dnsTarget('api.orders.example.net')).toMatchObject({ regions: ['eu-west-1'], values: ['orders-euw1.lb.example.net'] });
    expect(await describeAutoScalingGroup({ autoScaling: aws.clients('recovery').autoScaling, name: 'orders-web-euc1' })).toMatchObject({ min: 1, desired: 1, max: 12 });
    expect(await describeAutoScalingGroup({ autoScaling: aws.clients('primary').autoScaling, name: 'orders-web-euw1' })).toMatchObject({ min: 3, desired: 3, max: 12 });
    expect(Object.keys(sandbox.world.route53.zones)).toContain('Z2FDTNDATAQYW2');
    expect(sandbox.world.accounts).toEqual(expect.arrayContaining(['123456789012', '210987654321']));
    expect(sandbox.truth.splitBrainDetected).toBe(false);
  });

  it('an active/active plan with its own names: a live drill (outage injected) measures an RTO within 1 s of the truth', { timeout: 90_000 }, async () => {
    const { dir, file } = write({
      apiVersion: 'firedrill.dev/v1',
      kind: 'Plan',
      metadata: { name: 'payments-core' },
      regions: { primary: 'ap-southeast-2', recovery: 'ap-northeast-1' },
      strategy: { name: 'multi-site', parameters: { rampStages: [0.25], rampSoak: '30s', soak: '1m' } },
      resources: {
        ledger: { kind: 'aurora-global-cluster', globalClusterIdentifier: 'pay-ledger-gdb', primary: { clusterIdentifier: 'pay-ledger-syd' }, recovery: { clusterIdentifier: 'pay-ledger-tyo' } },
        api: {
          kind: 'auto-scaling-group',
          primary: { name: 'pay-api-syd', capacity: { min: 2, desired: 2, max: 6 } },
          recovery: { name: 'pay-api-tyo', capacity: { min: 4, desired: 4, max: 12 }, standbyCapacity: { min: 2, desired: 2, max: 6 } },
        },
        traffic: {
          kind: 'route53-record', hostedZoneId: 'Z3AADJGX6KTTL2', name: 'pay.example.org', type: 'CNAME', routing: 'weighted',
          primary: { setIdentifier: 'syd', healthCheckId: 'c0ffee00-1234-4abc-8def-0123456789ab' },
          recovery: { setIdentifier: 'tyo', healthCheckId: 'decaf000-5678-4abc-9def-0123456789ab' },
          weights: { primary: 60, recovery: 40 },
        },
      },
      objectives: { rto: '5m', rpo: '10s' },
      probes: { health: { kind: 'sandbox', endpoint: 'recovery', interval: '1s', consecutive: 3 }, heartbeat: { kind: 'sandbox', database: 'ledger', interval: '1s' } },
    });
    const check = bufferIo(dir);
    expect(await runCli(['check', file, '--target', 'sandbox'], check), check.out()).toBe(0);
    const drill = bufferIo(dir);
    const code = await runCli(['drill', file, '--live', '--target', 'sandbox', '--json'], drill);
    expect(code, drill.out()).toBe(0);
    const report = JSON.parse(drill.out()) as Report;
    expect(report.phases.map((p) => p.name)).toEqual(['failover', 'failback']);
    const sandbox = Sandbox.load(join(dir, '.firedrill', 'sandbox', 'payments-core.multi-site.json'), { clock: new VirtualClock({ start: 4_000_000_000_000 }) });
    const disasterAt = Date.parse(report.disasterAt);
    // Production is what both fleets of 2 carry at 60/40 (the load rule: 2 ÷ 0.6, the Sydney fleet full). The survivor
    // carries all of it: served again once the writer has moved and Tokyo's 4th instance is InService — judged with
    // the weights as they were during the failover (the failback has ramped them back since).
    expect(Object.values(sandbox.world.applications)[0]!.productionCapacity).toBe(3.33);
    const truth = trueRto(sandbox, 'ap-northeast-1', disasterAt, 'FailoverGlobalCluster', await provisionedDnsBaseline(file));
    const tokyo = sandbox.world.autoScaling['ap-northeast-1']!['pay-api-tyo']!;
    const launched = tokyo.instances.map((i) => i.lifecycle.find((c) => c.value === 'InService')?.at).filter((t): t is number => t !== undefined && t > disasterAt).sort((a, b) => a - b);
    expect(truth * 1000).toBeGreaterThanOrEqual(launched[1]! - disasterAt);
    expect(truth).toBeGreaterThan(10);
    expect(Math.abs(report.phases[0]!.rto.seconds - truth)).toBeLessThanOrEqual(1);
    expect(report.rto).toMatchObject({ objectiveSeconds: 300, met: report.rto.seconds <= 300 });
    expect(report.rpo).toMatchObject({ source: 'heartbeat', objectiveSeconds: 10, met: report.rpo.seconds <= 10 });
    // Back as planned: the writer in Sydney, weights 60/40 answering both regions.
    const members = sandbox.world.rds['ap-southeast-2']!.clusters['pay-ledger-syd']!.members;
    expect(members.some((m) => m.isWriter.at(-1)?.value === true)).toBe(true);
    expect(sandbox.truth.dnsTarget('pay.example.org').regions.sort()).toEqual(['ap-northeast-1', 'ap-southeast-2']);
    expect(sandbox.truth.splitBrainDetected).toBe(false);
  });
});

describe('an in-region plan gets the Availability Zones it describes', () => {
  const examples = join(import.meta.dirname, '..', 'packages', 'runbooks', 'examples');
  const copy = (example: string, edit: (yaml: string) => string = (y) => y): { dir: string; file: string } => {
    const dir = mkdtempSync(join(tmpdir(), 'firedrill-any-plan-'));
    const file = join(dir, example);
    writeFileSync(file, edit(readFileSync(join(examples, example), 'utf8')));
    return { dir, file };
  };

  it('an Aurora cluster "with a writer and a reader in two AZs" is built so: check is ready without a warning', { timeout: 60_000 }, async () => {
    const { dir, file } = copy('aurora-mysql-in-region.yaml');
    const check = bufferIo(dir);
    expect(await runCli(['check', file, '--target', 'sandbox'], check), check.out()).toBe(0);
    expect(check.out()).toMatch(/READY — \d+ pass, 0 warn, 0 fail/);
    expect(check.out()).toContain('ledger-cluster-2 in us-east-1b, another AZ than the writer\'s us-east-1a');
  });

  it('an Aurora cluster is built with the plan\'s engine: Aurora MySQL as the plan says, Aurora PostgreSQL when it names none', { timeout: 60_000 }, async () => {
    // What an SRE reads through the SDK from the world `--target sandbox` builds for the plan.
    const described = async (file: string) => {
      const { plan } = await loadPlanSource(file);
      const { sandbox } = await buildScenarioForPlan(plan, { clock: new VirtualClock(), seed: 1, file });
      const { rds } = (await awsOn(sandbox, file)).clients('primary');
      const cluster = await describeDbCluster({ rds, identifier: 'ledger-cluster' });
      const members = await Promise.all(['ledger-cluster-1', 'ledger-cluster-2'].map((identifier) => describeDbInstance({ rds, identifier })));
      return { cluster, members: members.map((m) => [m?.identifier, m?.engine, m?.endpoint?.port]) };
    };
    const mysql = await described(copy('aurora-mysql-in-region.yaml').file);
    expect(mysql.cluster).toMatchObject({ engine: 'aurora-mysql', engineVersion: expect.stringMatching(/^8\.0\.mysql_aurora\./), port: 3306 });
    expect(mysql.members).toEqual([['ledger-cluster-1', 'aurora-mysql', 3306], ['ledger-cluster-2', 'aurora-mysql', 3306]]);
    const postgres = await described(copy('aurora-mysql-in-region.yaml', (y) => y.replace(/\n *engine: aurora-mysql.*\n/, '\n')).file);
    expect(postgres.cluster).toMatchObject({ engine: 'aurora-postgresql', port: 5432 });
    expect(postgres.members).toEqual([['ledger-cluster-1', 'aurora-postgresql', 5432], ['ledger-cluster-2', 'aurora-postgresql', 5432]]);
  });

  it('a Multi-AZ instance lives in its preferredZone: a live drill moves it out and its failback brings it home', { timeout: 60_000 }, async () => {
    const { dir, file } = copy('postgres-multi-az.yaml', (y) => y.replace('preferredZone: us-east-1a', 'preferredZone: us-east-1b'));
    const check = bufferIo(dir);
    expect(await runCli(['check', file, '--target', 'sandbox'], check), check.out()).toBe(0);
    expect(check.out()).toMatch(/READY — \d+ pass, 0 warn, 0 fail/);
    const drill = bufferIo(dir);
    expect(await runCli(['drill', file, '--live', '--target', 'sandbox', '--json'], drill), drill.out()).toBe(0);
    const report = JSON.parse(drill.out()) as Report;
    // Both moves happened and cost users something: the failback is not a no-op measured as 0.
    expect(report.phases.map((p) => p.rto.seconds > 30)).toEqual([true, true]);
    const sandbox = Sandbox.load(join(dir, '.firedrill', 'sandbox', 'orders.in-region.json'), { clock: new VirtualClock({ start: 4_000_000_000_000 }) });
    // Home again, in the AZ the plan names (the sandbox's record, as DescribeDBInstances reports it).
    expect(sandbox.world.rds['us-east-1']!.instances['orders-db']!).toMatchObject({ multiAz: true, availabilityZone: 'us-east-1b' });
  });
});

describe('a plan the sandbox cannot build', () => {
  it('is refused with exit 2, naming the file, the field, what was expected and what was found; nothing runs and no world is saved', { timeout: 60_000 }, async () => {
    const plan = structuredClone(ordersPlan) as typeof ordersPlan & { resources: Record<string, unknown> };
    plan.resources['legacy'] = { kind: 'ec2-instances', primary: { instanceIds: ['i-0abc12345def67890'] }, recovery: { amiName: 'legacy-app' } };
    (plan.resources.db as { engine: string }).engine = 'aurora-postgresql';
    const { dir, file } = write(plan);
    for (const command of [['check'], ['drill', '--live'], ['failover', '--mode', 'graceful']]) {
      const io = bufferIo(dir);
      expect(await runCli([command[0]!, file, ...command.slice(1), '--target', 'sandbox'], io)).toBe(2);
      expect(io.out()).toContain(`${file}: resources.legacy.kind: expected a kind the sandbox's warm-standby scenario provisions (rds-instance, auto-scaling-group, route53-record, s3-bucket, launch-template), found "ec2-instances"`);
      expect(io.out()).toContain(`${file}: resources.db.engine: expected postgres, mysql or mariadb`);
      expect(io.out()).toContain('found "aurora-postgresql"');
      expect(io.out()).not.toMatch(/disaster declared|run succeeded|at .*\.ts:\d+/);
    }
    expect(existsSync(join(dir, '.firedrill', 'sandbox'))).toBe(false);
    expect(existsSync(join(dir, '.firedrill', 'runs'))).toBe(false);
  });

  it('a strategy with no sandbox scenario is refused the same way', { timeout: 60_000 }, async () => {
    const { dir, file } = write({ ...ordersPlan, strategy: { name: 'cold-site', parameters: {} } });
    const io = bufferIo(dir);
    expect(await runCli(['check', file, '--target', 'sandbox'], io)).toBe(2);
    expect(io.out()).toMatch(/strategy/);
    expect(existsSync(join(dir, '.firedrill', 'sandbox'))).toBe(false);
  });
});
