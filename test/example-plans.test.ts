import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { loadPlanSource, VirtualClock } from '@firedrill/core';
import { runCli } from '@firedrill/runbooks';
import { buildScenarioForPlan, Sandbox } from '@firedrill/sandbox';
import { AwsEnvironment, type AwsPluggable, describeDbCluster, describeDbInstance, describeInstances, type Side } from '@firedrill/strategies';
import { bufferIo as bufferedIo } from './support/buffer-io.js';
import { snapshotCopiesAvailableAt } from './support/saved-world.js';

const bufferIo = (cwd: string) => bufferedIo(cwd, { merged: true });

const examples = join(import.meta.dirname, '..', 'packages', 'runbooks', 'examples');

interface Report {
  status: string;
  disasterAt: string;
  rto: { seconds: number; source: string; objectiveSeconds: number; met: boolean };
  rpo: { seconds: number | null; source: string; objectiveSeconds: number; met: boolean };
  phases?: { name: string; startedAt: string; restoredAt?: string; rto: { seconds: number } }[];
}

/** Runs a CLI command with --json and returns its exit code and report. */
async function runJson(dir: string, args: string[]): Promise<{ code: number; report: Report; out: string }> {
  const io = bufferIo(dir);
  const code = await runCli([...args, '--target', 'sandbox', '--json'], io);
  const out = io.out();
  return { code, report: JSON.parse(out.slice(out.indexOf('{'), out.lastIndexOf('}') + 1)) as Report, out };
}

/** The report's figures are judged against the plan's objectives. */
function expectJudged(report: Report, objectives: { rto: number; rpo: number }): void {
  expect(report.rto.objectiveSeconds).toBe(objectives.rto);
  expect(report.rto.met).toBe(report.rto.seconds <= objectives.rto);
  expect(report.rpo.objectiveSeconds).toBe(objectives.rpo);
  if (report.rpo.seconds !== null) expect(report.rpo.met).toBe(report.rpo.seconds <= objectives.rpo);
}

/** The world the CLI saved for a plan (what AWS looks like after the command). */
function savedWorld(dir: string, plan: string, strategy: string): Sandbox {
  return Sandbox.load(join(dir, '.firedrill', 'sandbox', `${plan}.${strategy}.json`), { clock: new VirtualClock({ start: 4_000_000_000_000 }) });
}

/** The plan's AWS clients, answered by a saved sandbox world: what an SRE would see through the SDK. */
async function awsOn(sandbox: Sandbox, planFile: string): Promise<AwsEnvironment> {
  const { plan } = await loadPlanSource(planFile);
  return new AwsEnvironment({ plan, clock: sandbox.clock, plugins: [(t: { region: string }) => sandbox.plugin(t.region) as unknown as AwsPluggable] });
}

/** A DB instance as DescribeDBInstances shows it on a side of the plan (undefined when there is none). */
async function dbInstance(sandbox: Sandbox, planFile: string, side: Side, identifier: string) {
  return describeDbInstance({ rds: (await awsOn(sandbox, planFile)).clients(side).rds, identifier });
}

/** A DB cluster as DescribeDBClusters shows it on a side of the plan (undefined when there is none). */
async function dbCluster(sandbox: Sandbox, planFile: string, side: Side, identifier: string) {
  return describeDbCluster({ rds: (await awsOn(sandbox, planFile)).clients(side).rds, identifier });
}

const at = (iso: string): number => Date.parse(iso);

/**
 * The true RTO from the sandbox's own record: from the disaster to when `region`'s endpoint first served again
 * after the call that moved the writer (`command`, e.g. FailoverDBCluster).
 */
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

describe('every example plan is covered here', () => {
  it('lists each example (a new example must be added to a test below)', () => {
    expect(readdirSync(examples).filter((f) => f.endsWith('.yaml')).sort()).toEqual([
      'aurora-mysql-in-region.yaml', 'backup-restore.yaml', 'local-postgres.yaml', 'multi-site.yaml', 'pilot-light.yaml',
      'postgres-multi-az.yaml', 'two-environments-postgres.yaml', 'warm-standby-two-accounts.yaml', 'warm-standby.yaml',
    ]);
  });
});

describe('example plans side by side in one state directory', () => {
  it('each keeps its own sandbox world and history (one name per example)', { timeout: 60_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'firedrill-example-'));
    const names = new Map<string, string>();
    for (const file of readdirSync(examples).filter((f) => f.endsWith('.yaml'))) {
      const name = (parse(readFileSync(join(examples, file), 'utf8')) as { metadata: { name: string } }).metadata.name;
      expect(names.get(name), `${file} and ${names.get(name)} are both named ${name}`).toBeUndefined();
      names.set(name, file);
    }
    // The one-account warm standby fails over; the two-account one, checked next in the same directory, still
    // reads its own world (where each side runs as its own role), not the first one's.
    expect((await runJson(dir, ['failover', join(examples, 'warm-standby.yaml'), '--mode', 'graceful'])).code).toBe(0);
    const check = bufferIo(dir);
    expect(await runCli(['check', join(examples, 'warm-standby-two-accounts.yaml'), '--target', 'sandbox'], check), check.out()).toBe(0);
    expect(check.out()).not.toContain('could not read who it runs as');
    const history = bufferIo(dir);
    await runCli(['history', join(examples, 'warm-standby-two-accounts.yaml')], history);
    expect(history.out()).not.toMatch(/failover/);
  });
});

describe('example plans run on the sandbox through the CLI', () => {
  for (const [example, rto] of [['pilot-light.yaml', 1800], ['warm-standby.yaml', 900], ['warm-standby-two-accounts.yaml', 900]] as const) {
    it(`${example}: validates, is ready, fails over gracefully with RPO 0, and fails back`, { timeout: 60_000 }, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'firedrill-example-'));
      const plan = join(examples, example);
      expect(await runCli(['validate', plan], bufferIo(dir))).toBe(0);
      const check = bufferIo(dir);
      expect(await runCli(['check', plan, '--target', 'sandbox'], check), check.out()).toBe(0);
      expect(check.out()).toContain('READY');
      const failover = await runJson(dir, ['failover', plan, '--mode', 'graceful']);
      expect(failover.code, failover.out).toBe(0);
      expect(failover.report.rpo).toMatchObject({ seconds: 0, source: 'heartbeat' });
      expectJudged(failover.report, { rto, rpo: 60 });
      const { strategy: { name: strategy }, metadata: { name } } = parse(readFileSync(plan, 'utf8')) as { strategy: { name: string }; metadata: { name: string } };
      let sandbox = savedWorld(dir, name, strategy);
      expect(sandbox.truth.dnsTarget('app.tracking.example.com').regions).toEqual(['us-west-2']);
      expect((await dbInstance(sandbox, plan, 'recovery', 'tracking-db-replica'))?.readReplicaSource).toBeUndefined();
      // The sandbox world is kept between commands: the failback finds the failover's state.
      const failback = bufferIo(dir);
      expect(await runCli(['failback', plan, '--target', 'sandbox'], failback), failback.out()).toBe(0);
      expect(failback.out()).toContain(`failback of ${name}: SUCCEEDED`);
      sandbox = savedWorld(dir, name, strategy);
      expect(sandbox.truth.dnsTarget('app.tracking.example.com').regions).toEqual(['us-east-1']);
      expect((await dbInstance(sandbox, plan, 'primary', 'tracking-db'))?.readReplicaSource).toBeUndefined();
      expect((await dbInstance(sandbox, plan, 'recovery', 'tracking-db-replica'))?.readReplicaSource).toContain('tracking-db');
      expect(sandbox.truth.splitBrainDetected).toBe(false);
    });
  }
});

describe('a DNS observation on the sandbox', () => {
  it('reports when clients could first reach the recovery region through DNS', { timeout: 60_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'firedrill-dns-'));
    const plan = readFileSync(join(examples, 'warm-standby.yaml'), 'utf8').replace(
      /\nprobes:\n/,
      '\nprobes:\n  dns:\n    name: app.tracking.example.com\n    type: CNAME\n    expect: [tracking.us-west-2.example.com]\n    interval: 5s\n',
    );
    writeFileSync(join(dir, 'plan.yaml'), plan);
    const failover = bufferIo(dir);
    expect(await runCli(['failover', 'plan.yaml', '--mode', 'graceful', '--target', 'sandbox', '--json'], failover), failover.out()).toBe(0);
    const report = JSON.parse(failover.out()) as { rto: { seconds: number }; observations: { name: string; secondsAfterDisaster: number }[] };
    const dns = report.observations.find((o) => o.name === 'dns')!;
    expect(dns.secondsAfterDisaster).toBeGreaterThan(0);
    // DNS moves once the recovery endpoint is healthy and the record is switched: not before service is back.
    expect(dns.secondsAfterDisaster).toBeGreaterThanOrEqual(report.rto.seconds - 5);
  });
});

describe('the multi-site and in-region examples run on the sandbox too', () => {
  it('multi-site.yaml: ready, and a live drill measures both phases; the writer and the weights are back in us-west-2', { timeout: 60_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'firedrill-example-'));
    const plan = join(examples, 'multi-site.yaml');
    const check = bufferIo(dir);
    expect(await runCli(['check', plan, '--target', 'sandbox'], check), check.out()).toBe(0);
    const drill = await runJson(dir, ['drill', plan, '--live']);
    expect(drill.code, drill.out).toBe(0);
    expect(drill.report.phases?.map((p) => p.name)).toEqual(['failover', 'failback']);
    expectJudged(drill.report, { rto: 300, rpo: 10 });
    const sandbox = savedWorld(dir, 'checkout', 'multi-site');
    // The health probe watched the survivor (us-east-1) directly: the report's RTO is when it first served again.
    const disasterAt = at(drill.report.disasterAt);
    // Judged with the weights as they were during the failover (the failback has ramped them back since): the
    // survivor carries all of production (4 + 4) from the drain on, so it serves once the writer has moved and 8 are InService.
    expect(Math.abs(drill.report.phases![0]!.rto.seconds - trueRto(sandbox, 'us-east-1', disasterAt, 'FailoverGlobalCluster', await provisionedDnsBaseline(plan)))).toBeLessThanOrEqual(1);
    expect(sandbox.truth.dnsTarget('app.checkout.example.com').regions.sort()).toEqual(['us-east-1', 'us-west-2']);
    expect(sandbox.truth.splitBrainDetected).toBe(false);
  });

  it('aurora-mysql-in-region.yaml: the Aurora MySQL writer fails over inside the region and back to the preferred writer', { timeout: 60_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'firedrill-example-'));
    const plan = join(examples, 'aurora-mysql-in-region.yaml');
    const check = bufferIo(dir);
    expect(await runCli(['check', plan, '--target', 'sandbox'], check), check.out()).toBe(0);
    // The plan describes an Aurora MySQL cluster: that is what check reads through DescribeDBClusters, and what the
    // world holds after each operation.
    expect(check.out()).toContain('ledger-cluster is available (aurora-mysql 8.0.mysql_aurora.3.07.1 on port 3306)');
    const aurora = { engine: 'aurora-mysql', engineVersion: expect.stringMatching(/^8\.0\.mysql_aurora\./), port: 3306 };
    const failover = await runJson(dir, ['failover', plan, '--mode', 'graceful']);
    expect(failover.code, failover.out).toBe(0);
    expectJudged(failover.report, { rto: 120, rpo: 5 });
    const disasterAt = at(failover.report.disasterAt);
    let sandbox = savedWorld(dir, 'ledger', 'in-region');
    // Measured through the endpoint against the simulator's own record of when it served again.
    expect(Math.abs(failover.report.rto.seconds - trueRto(sandbox, 'us-east-1', disasterAt, 'FailoverDBCluster'))).toBeLessThanOrEqual(1);
    expect((await dbInstance(sandbox, plan, 'primary', 'ledger-cluster-2'))?.clusterIdentifier).toBe('ledger-cluster');
    expect(await dbCluster(sandbox, plan, 'primary', 'ledger-cluster')).toMatchObject({ ...aurora, writer: 'ledger-cluster-2' });
    const failback = bufferIo(dir);
    expect(await runCli(['failback', plan, '--target', 'sandbox'], failback), failback.out()).toBe(0);
    expect(failback.out()).toContain('failback of ledger: SUCCEEDED');
    sandbox = savedWorld(dir, 'ledger', 'in-region');
    const members = sandbox.world.rds['us-east-1']!.clusters['ledger-cluster']!.members;
    const writer = members.find((m) => m.isWriter.at(-1)?.value === true)?.instanceId;
    expect(writer).toBe('ledger-cluster-1');
    expect(await dbCluster(sandbox, plan, 'primary', 'ledger-cluster')).toMatchObject({ ...aurora, writer: 'ledger-cluster-1' });
  });

  it('postgres-multi-az.yaml: ready; a live drill fails the instance over to its standby and back, both phases measured', { timeout: 60_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'firedrill-example-'));
    const plan = join(examples, 'postgres-multi-az.yaml');
    const check = bufferIo(dir);
    expect(await runCli(['check', plan, '--target', 'sandbox'], check), check.out()).toBe(0);
    expect(check.out()).toContain('READY');
    const drill = await runJson(dir, ['drill', plan, '--live']);
    expect(drill.code, drill.out).toBe(0);
    expectJudged(drill.report, { rto: 180, rpo: 5 });
    expect(drill.report.rpo).toMatchObject({ seconds: 0, source: 'heartbeat' });
    expect(drill.report.phases!.map((p) => p.name)).toEqual(['failover', 'failback']);
    const sandbox = savedWorld(dir, 'orders', 'in-region');
    // The endpoint refused connections while the instance rebooted into the standby's AZ (60–120 s).
    const truth = trueRto(sandbox, 'us-east-1', at(drill.report.disasterAt), 'RebootDBInstance');
    expect(truth).toBeGreaterThanOrEqual(60);
    expect(Math.abs(drill.report.phases![0]!.rto.seconds - truth)).toBeLessThanOrEqual(1);
    expect(sandbox.calls({ command: 'RebootDBInstance', outcome: 'ok' })).toHaveLength(2);
    expect(sandbox.world.rds['us-east-1']!.instances['orders-db']!.availabilityZone).toBe('us-east-1a');
    expect(sandbox.truth.lostWrites('orders').lost).toEqual([]);
  });
});

describe('the backup & restore examples run on the sandbox as written', () => {
  it('backup-restore.yaml: ready; an isolated drill measured against the restore; a live drill leaves production as it was', { timeout: 90_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'firedrill-example-'));
    const plan = join(examples, 'backup-restore.yaml');
    const check = bufferIo(dir);
    expect(await runCli(['check', plan, '--target', 'sandbox'], check), check.out()).toBe(0);
    expect(check.out()).toMatch(/tracking-backup-restore: READY — \d+ pass, 0 warn, 0 fail/);
    expect(check.out()).toContain('parameter-group              rds-parameter-group:tracking-pg-dr (us-west-2)');
    expect(check.out()).toContain('route53-health-check:3f2b7c1e-8d4a-4b6e-9a21-5c0d7e9f1a42');

    const drill = await runJson(dir, ['drill', plan]);
    expect(drill.code, drill.out).toBe(0);
    expect(drill.report.status).toBe('succeeded');
    expectJudged(drill.report, { rto: 7200, rpo: 86400 });
    let sandbox = savedWorld(dir, 'tracking-backup-restore', 'backup-restore');
    const disasterAt = at(drill.report.disasterAt);
    // RPO: the newest snapshot copy available in us-west-2 when the drill began, from the sandbox's own records (the
    // schedule's 00:00 snapshot, taken as the drill starts, is still being copied).
    const copies = snapshotCopiesAvailableAt(sandbox, 'us-west-2', 'tracking-db', disasterAt);
    const newest = Math.max(...copies.map((s) => s.createdAt));
    expect(drill.report.rpo).toMatchObject({ source: 'snapshot', seconds: (disasterAt - newest) / 1000 });
    // RTO: when the drill copy became available (its instances run sooner), within the probe's 5 s interval.
    const copy = Object.values(sandbox.world.rds['us-west-2']!.instances).find((i) => i.id.startsWith('tracking-db-restored') && i.id !== 'tracking-db-restored')!;
    const availableAt = copy.status.find((s) => s.value === 'available')!.at;
    expect(drill.report.rto.seconds).toBeGreaterThanOrEqual((availableAt - disasterAt) / 1000);
    expect(drill.report.rto.seconds).toBeLessThanOrEqual((availableAt - disasterAt) / 1000 + 5 + 1);
    expect(copy.status.at(-1)?.value).toBe('deleted');

    const live = await runJson(dir, ['drill', plan, '--live']);
    expect(live.code, live.out).toBe(0);
    expect(live.report.phases?.map((p) => p.name)).toEqual(['failover', 'failback']);
    sandbox = savedWorld(dir, 'tracking-backup-restore', 'backup-restore');
    // The drill declared the disaster by injecting it (us-east-1 lost from then until service was restored): the
    // failover phase measures the restore, within the probe's 5 s interval of when the restored stack served users.
    const liveDisaster = at(live.report.disasterAt);
    expect(sandbox.world.faults.outages.map((o) => [o.region, Math.floor(o.at)])).toEqual([['us-east-1', liveDisaster]]); // the report's times are to the ms
    const served = sandbox.truth.firstHealthyAt('us-west-2', liveDisaster)!;
    expect(live.report.rto.seconds).toBeGreaterThan(600);
    expect(live.report.rto.seconds).toBeGreaterThanOrEqual((served - liveDisaster) / 1000);
    expect(live.report.rto.seconds).toBeLessThanOrEqual((served - liveDisaster) / 1000 + 5 + 1);
    expect((await dbInstance(sandbox, plan, 'primary', 'tracking-db'))?.status).toBe('available');
    expect(await dbInstance(sandbox, plan, 'recovery', 'tracking-db-restored')).toBeUndefined();
    expect(sandbox.truth.dnsTarget('app.tracking.example.com').regions).toEqual(['us-east-1']);
    const launched = await describeInstances({ ec2: (await awsOn(sandbox, plan)).clients('recovery').ec2, filters: [{ Name: 'tag:firedrill:plan', Values: ['tracking-backup-restore'] }] });
    expect(launched.filter((i) => i.state === 'pending' || i.state === 'running')).toEqual([]);
  });

  it('two-environments-postgres.yaml: ready in eu-west-1 → eu-central-1; failover restores production only, failback returns', { timeout: 90_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'firedrill-example-'));
    const file = join(examples, 'two-environments-postgres.yaml');
    const check = bufferIo(dir);
    expect(await runCli(['check', file, '--target', 'sandbox'], check), check.out()).toBe(0);
    expect(check.out()).toMatch(/shop-backup-restore: READY — \d+ pass, 0 warn, 0 fail/);
    expect(check.out()).toContain('automated backups kept 30 day(s) (plan: at least 30)');
    // The plan's approval before the run is a person's, given in `firedrill runbook`; an unattended CLI run has no one
    // to ask. So this copy leaves the approval out; nothing else changes (the plan's parameter groups let Firedrill
    // fence the DR writers itself in failback, and the sandbox creates them).
    const plan = parse(readFileSync(file, 'utf8')) as { approvals?: unknown };
    delete plan.approvals;
    const shop = join(dir, 'shop.yaml');
    writeFileSync(shop, stringify(plan));
    // A live drill: failover (production restored from the newest copy, staging left alone), then failback.
    const drill = await runJson(dir, ['drill', 'shop.yaml', '--live']);
    expect(drill.code, drill.out).toBe(0);
    expect(drill.report.phases?.map((p) => p.name)).toEqual(['failover', 'failback']);
    expectJudged(drill.report, { rto: 4 * 3600, rpo: 13 * 3600 });
    const steps = (drill.report as unknown as { steps: { id: string; status: string }[] }).steps;
    expect(steps.filter((x) => /launch-/.test(x.id)).map((x) => `${x.id} ${x.status}`)).toEqual(['launch-production succeeded']);
    expect(steps.find((x) => x.id === 'freeze-dr-writes')).toMatchObject({ kind: 'action', status: 'succeeded' });
    const sandbox = savedWorld(dir, 'shop-backup-restore', 'backup-restore');
    const disasterAt = at(drill.report.disasterAt);
    const copies = snapshotCopiesAvailableAt(sandbox, 'eu-central-1', 'shop-db', disasterAt);
    expect(copies.length).toBeGreaterThanOrEqual(179); // twice a day, kept 90 days
    expect(drill.report.rpo).toMatchObject({ source: 'snapshot', seconds: (disasterAt - Math.max(...copies.map((x) => x.createdAt))) / 1000 });
    // Production is back where it was: the database restored in eu-west-1 under its own name, DNS on eu-west-1,
    // the DR database and the instances failover launched in eu-central-1 gone.
    expect((await dbInstance(sandbox, shop, 'primary', 'shop-db'))?.status).toBe('available');
    expect(await dbInstance(sandbox, shop, 'recovery', 'shop-db-restored')).toBeUndefined();
    expect(sandbox.truth.dnsTarget('www.shop.example.com').regions).toEqual(['eu-west-1']);
    const launched = await describeInstances({ ec2: (await awsOn(sandbox, shop)).clients('recovery').ec2, filters: [{ Name: 'tag:firedrill:launched-by', Values: ['failover'] }] });
    expect(launched.filter((i) => i.state === 'pending' || i.state === 'running')).toEqual([]);
  });
});

describe('an example that is not for the sandbox', () => {
  it('local-postgres.yaml (a local PostgreSQL pair, see local-postgres.ts) is refused with exit 2 naming what is missing, and nothing is saved', { timeout: 60_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'firedrill-example-'));
    const check = bufferIo(dir);
    expect(await runCli(['check', join(examples, 'local-postgres.yaml'), '--target', 'sandbox'], check)).toBe(2);
    expect(check.out()).toMatch(/resources: pilot-light needs an auto-scaling-group resource for compute in each region; found only database \(rds-instance\)/);
    expect(existsSync(join(dir, '.firedrill', 'sandbox'))).toBe(false);
  });
});
