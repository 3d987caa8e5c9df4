import { DescribeDBClustersCommand, RDSClient } from '@aws-sdk/client-rds';
import { fileURLToPath } from 'node:url';
import { loadPlanFile, parsePlan, VirtualClock } from '@firedrill/core';
import { describe, expect, it } from 'vitest';
import { buildInRegionAuroraScenario } from '../../sandbox/src/index.js';
import { planForInRegionScenario } from '../../sandbox/src/scenarios/scenario-plan-multi-site.js';
import { inRegionStrategy } from '../src/strategies/in-region.js';
import { multiSiteStrategy } from '../src/strategies/multi-site.js';
import { at, runStrategy, sandboxAws } from './support/strategy-on-sandbox.js';

async function scenario(seed: number) {
  const clock = new VirtualClock({ start: '2026-11-22T03:00:00Z' });
  const { sandbox, names } = await buildInRegionAuroraScenario({ clock, seed });
  const plan = parsePlan(planForInRegionScenario(names, { parameters: { preferredWriter: `${names.database.primary.identifier}-1` } }));
  const rds = sandbox.client(RDSClient, names.primaryRegion);
  const writer = async (): Promise<string | undefined> => {
    const out = await rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: names.database.primary.identifier }));
    return out.DBClusters?.[0]?.DBClusterMembers?.find((m) => m.IsClusterWriter)?.DBInstanceIdentifier;
  };
  return { clock, sandbox, names, plan, writer, cluster: names.database.primary.identifier };
}

/** When the endpoint truly served again after the writer failover that began at the `nth` FailoverDBCluster call. */
function trueRestoredAt(s: Awaited<ReturnType<typeof scenario>>, nth: number): number {
  const call = s.sandbox.calls({ command: 'FailoverDBCluster', outcome: 'ok' })[nth]!;
  return s.sandbox.truth.firstHealthyAt(s.names.primaryRegion, call.at + 1)!;
}

describe('in-region strategy (Aurora writer failover inside one region)', () => {
  it.each([1, 2, 3])('fails the writer over to the reader and measures RTO against the truth (seed %i)', async (seed) => {
    const s = await scenario(seed);
    expect(await s.writer()).toBe(`${s.cluster}-1`);
    const { report } = await runStrategy({ strategy: inRegionStrategy, plan: s.plan, sandbox: s.sandbox, clock: s.clock, app: s.names.app, operation: 'failover', health: { region: s.names.primaryRegion } });

    expect(report.status).toBe('succeeded');
    expect(await s.writer()).toBe(`${s.cluster}-2`);
    const truthRto = (trueRestoredAt(s, 0) - at(report.disasterAt)) / 1000;
    expect(truthRto).toBeGreaterThan(10);
    expect(Math.abs(report.rto.seconds! - truthRto)).toBeLessThanOrEqual(1);
    expect(report.rto.source).toBe('health-probe');
    // Aurora's shared storage: no acknowledged write is lost.
    expect(report.rpo).toMatchObject({ seconds: 0, source: 'heartbeat' });
    expect(s.sandbox.truth.lostWrites(s.names.app).lost).toEqual([]);
    expect(s.sandbox.truth.splitBrainDetected).toBe(false);
    expect(report.criticalPath.map((e) => e.stepId)).toContain('failover-database');
  });

  it('fails back to the preferred writer, and a second failback changes nothing', async () => {
    const s = await scenario(4);
    await runStrategy({ strategy: inRegionStrategy, plan: s.plan, sandbox: s.sandbox, clock: s.clock, app: s.names.app, operation: 'failover', health: { region: s.names.primaryRegion } });
    expect(await s.writer()).toBe(`${s.cluster}-2`);
    const back = await runStrategy({ strategy: inRegionStrategy, plan: s.plan, sandbox: s.sandbox, clock: s.clock, app: s.names.app, operation: 'failback', health: { region: s.names.primaryRegion } });
    expect(back.report.status).toBe('succeeded');
    expect(await s.writer()).toBe(`${s.cluster}-1`);
    expect(Math.abs(back.report.rto.seconds! - (trueRestoredAt(s, 1) - at(back.report.disasterAt)) / 1000)).toBeLessThanOrEqual(1);

    const failovers = s.sandbox.calls({ command: 'FailoverDBCluster' }).length;
    const again = await runStrategy({ strategy: inRegionStrategy, plan: s.plan, sandbox: s.sandbox, clock: s.clock, app: s.names.app, operation: 'failback' });
    expect(again.report.status).toBe('succeeded');
    expect(s.sandbox.calls({ command: 'FailoverDBCluster' })).toHaveLength(failovers);
    expect(await s.writer()).toBe(`${s.cluster}-1`);
  });

  it('runs a live drill: failover then failback, each phase measured', async () => {
    const s = await scenario(5);
    const { report } = await runStrategy({
      strategy: inRegionStrategy, plan: s.plan, sandbox: s.sandbox, clock: s.clock, app: s.names.app, operation: 'drill', drill: 'live',
      health: { region: s.names.primaryRegion },
      phaseHealth: { failback: (await import('../../sandbox/src/index.js')).sandboxHealthProbe({ sandbox: s.sandbox, region: s.names.primaryRegion, intervalMs: 1_000, consecutive: 3 }) },
    });
    expect(report.status).toBe('succeeded');
    expect(await s.writer()).toBe(`${s.cluster}-1`);
    expect(s.sandbox.calls({ command: 'FailoverDBCluster', outcome: 'ok' }).map((c) => (c.input as { TargetDBInstanceIdentifier: string }).TargetDBInstanceIdentifier)).toEqual([`${s.cluster}-2`, `${s.cluster}-1`]);
    const [failover, failback] = report.phases!;
    expect(Math.abs(failover!.rto.seconds! - (trueRestoredAt(s, 0) - at(report.disasterAt)) / 1000)).toBeLessThanOrEqual(1);
    expect(Math.abs(failback!.rto.seconds! - (trueRestoredAt(s, 1) - at(failback!.startedAt)) / 1000)).toBeLessThanOrEqual(1);
  });

  it('checks readiness: available, a failover target, retention, a reader in another AZ; warns when both members share one', async () => {
    const s = await scenario(6);
    const check = async () => Object.fromEntries((await inRegionStrategy.check({ plan: s.plan, aws: sandboxAws(s.plan, s.clock, s.sandbox) })).map((f) => [f.check, f.status]));
    expect(await check()).toMatchObject({ 'cluster-available': 'pass', 'rds-backup-retention': 'pass', 'reader-in-other-az': 'pass' });
    // The reader moved into the writer's AZ (a replacement launched there): a failover would stay in that AZ.
    const instances = s.sandbox.world.rds[s.names.primaryRegion]!.instances;
    instances[`${s.cluster}-2`]!.availabilityZone = instances[`${s.cluster}-1`]!.availabilityZone;
    expect((await check())['reader-in-other-az']).toBe('warn');
    expect(s.sandbox.calls().every((c) => /^(Describe|GetCallerIdentity|SimulatePrincipalPolicy)/.test(c.command))).toBe(true);
  });
});

describe('in-region strategy on Aurora MySQL', () => {
  async function mysqlCluster(engine?: 'aurora-mysql') {
    const clock = new VirtualClock({ start: '2026-11-22T03:00:00Z' });
    const { sandbox, names } = await buildInRegionAuroraScenario({ clock, seed: 7, layout: { database: { engine: 'aurora-mysql' } } });
    const input = planForInRegionScenario(names, { parameters: { preferredWriter: `${names.database.primary.identifier}-1` } });
    const database = { ...(input.resources['database'] as object), ...(engine ? { engine } : {}) };
    const plan = parsePlan({ ...input, resources: { database } });
    const cluster = async () => (await sandbox.client(RDSClient, names.primaryRegion).send(new DescribeDBClustersCommand({ DBClusterIdentifier: names.database.primary.identifier }))).DBClusters?.[0];
    return { clock, sandbox, names, plan, cluster };
  }

  it('fails the writer over and back on the Aurora MySQL cluster, which stays Aurora MySQL on port 3306', async () => {
    const s = await mysqlCluster('aurora-mysql');
    const findings = await inRegionStrategy.check({ plan: s.plan, aws: sandboxAws(s.plan, s.clock, s.sandbox) });
    expect(findings.find((f) => f.check === 'cluster-available')?.message).toMatch(/is available \(aurora-mysql 8\.0\.mysql_aurora\.3\.07\.1 on port 3306\)/);
    expect(findings.filter((f) => f.status !== 'pass')).toEqual([]);
    for (const [operation, writer] of [['failover', '-2'], ['failback', '-1']] as const) {
      const { report } = await runStrategy({ strategy: inRegionStrategy, plan: s.plan, sandbox: s.sandbox, clock: s.clock, app: s.names.app, operation, health: { region: s.names.primaryRegion } });
      expect(report.status).toBe('succeeded');
      expect(report.rpo).toMatchObject({ seconds: 0, source: 'heartbeat' });
      const cluster = await s.cluster();
      expect(cluster).toMatchObject({ Engine: 'aurora-mysql', Port: 3306 });
      expect(cluster?.DBClusterMembers?.find((m) => m.IsClusterWriter)?.DBInstanceIdentifier).toBe(`${s.names.database.primary.identifier}${writer}`);
    }
  });

  it('warns, naming the field to set, when the plan says another engine than the cluster runs (a plan written before engine: the default, Aurora PostgreSQL)', async () => {
    const s = await mysqlCluster();
    const findings = await inRegionStrategy.check({ plan: s.plan, aws: sandboxAws(s.plan, s.clock, s.sandbox) });
    expect(findings.filter((f) => f.status !== 'pass')).toEqual([
      expect.objectContaining({
        status: 'warn', check: 'cluster-exists',
        message: `${s.names.database.primary.identifier} runs aurora-mysql 8.0.mysql_aurora.3.07.1 on port 3306, but resources.database.engine is aurora-postgresql (the default when the plan names none)`,
        action: expect.stringContaining('Set resources.database.engine: aurora-mysql in the plan'),
      }),
    ]);
  });
});

describe('example plans', () => {
  it.each([
    ['aurora-mysql-in-region.yaml', inRegionStrategy],
    ['multi-site.yaml', multiSiteStrategy],
  ])('%s is valid for its strategy', async (file, strategy) => {
    const path = fileURLToPath(new URL(`../../runbooks/examples/${file}`, import.meta.url));
    const plan = await loadPlanFile(path);
    expect(plan.strategy.name).toBe(strategy.name);
    expect(strategy.validate(plan, path)).toEqual([]);
  });

  it('aurora-mysql-in-region.yaml names its engine: the Aurora MySQL cluster it describes', async () => {
    const plan = await loadPlanFile(fileURLToPath(new URL('../../runbooks/examples/aurora-mysql-in-region.yaml', import.meta.url)));
    expect(plan.resources['database']).toMatchObject({ kind: 'aurora-cluster', engine: 'aurora-mysql' });
  });
});
