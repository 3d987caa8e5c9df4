import { DescribeDBInstancesCommand, RDSClient } from '@aws-sdk/client-rds';
import { fileURLToPath } from 'node:url';
import { type ActionStep, loadPlanFile, parsePlan, type PlanInput, PlanValidationError, startRun, type StepContext, VirtualClock } from '@firedrill/core';
import { describe, expect, it } from 'vitest';
import { buildScenarioForPlan, sandboxHealthProbe, sandboxHeartbeatProbe } from '../../sandbox/src/index.js';
import type { AwsPluggable } from '../src/aws/aws-pluggable.js';
import { AwsEnvironment } from '../src/aws-environment.js';
import { inRegionStrategy } from '../src/strategies/in-region.js';
import { at, runStrategy, sandboxAws } from './support/strategy-on-sandbox.js';
import { allowAllBut } from './support/deny-policy.js';

const REGION = 'us-east-1';

function planInput(overrides: { multiAz?: boolean; parameters?: Record<string, unknown> } = {}): PlanInput {
  return {
    apiVersion: 'firedrill.dev/v1',
    kind: 'Plan',
    metadata: { name: 'orders' },
    regions: { primary: REGION, recovery: REGION },
    strategy: { name: 'in-region', parameters: overrides.parameters ?? { preferredZone: `${REGION}a`, soak: '2m' } },
    resources: {
      database: {
        kind: 'rds-instance', engine: 'postgres', primary: { identifier: 'orders-db' },
        ...(overrides.multiAz === false ? { multiAz: false, recovery: { identifier: 'orders-db' } } : { multiAz: true }),
        backup: { retentionDays: 7 },
      },
    },
    objectives: { rto: '3m', rpo: '5s' },
    probes: { health: { kind: 'sandbox', endpoint: 'primary', interval: '1s' }, heartbeat: { kind: 'sandbox', database: 'database', interval: '1s' } },
  } as PlanInput;
}

/** The world the plan describes, built by the sandbox as `--target sandbox` does. */
async function scenario(seed: number, plan = parsePlan(planInput())) {
  const clock = new VirtualClock({ start: '2026-11-22T03:00:00Z' });
  const { sandbox, names } = await buildScenarioForPlan(plan, { clock, seed });
  const rds = sandbox.client(RDSClient, REGION);
  const instance = async () => (await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'orders-db' }))).DBInstances![0]!;
  return { clock, sandbox, names, plan, instance, app: names.app };
}
type S = Awaited<ReturnType<typeof scenario>>;

/** When the endpoint truly served again after the `nth` successful RebootDBInstance (ForceFailover), by the truth. */
function trueRestoredAt(s: S, nth: number): number {
  const call = s.sandbox.calls({ command: 'RebootDBInstance', outcome: 'ok' })[nth]!;
  expect(call.input).toMatchObject({ ForceFailover: true });
  return s.sandbox.truth.firstHealthyAt(REGION, call.at + 1)!;
}

describe('in-region strategy: RDS Multi-AZ instance failover', () => {
  it('builds a Multi-AZ instance from the plan: us-east-1a, standby in us-east-1b', async () => {
    const s = await scenario(1);
    expect(s.names.database.engine).toBe('rds-instance');
    expect(await s.instance()).toMatchObject({ MultiAZ: true, AvailabilityZone: `${REGION}a`, SecondaryAvailabilityZone: `${REGION}b`, DBInstanceStatus: 'available', Engine: 'postgres' });
  });

  it('checks readiness with reads only: exists, Multi-AZ, available, backups, permissions', async () => {
    const s = await scenario(2);
    const findings = await inRegionStrategy.check({ plan: s.plan, aws: sandboxAws(s.plan, s.clock, s.sandbox) });
    expect(Object.fromEntries(findings.map((f) => [f.check, f.status]))).toEqual({
      'instance-exists': 'pass', 'multi-az': 'pass', 'instance-available': 'pass', 'rds-backup-retention': 'pass', permissions: 'pass',
    });
    expect(s.sandbox.calls().every((c) => /^(Describe|GetCallerIdentity|SimulatePrincipalPolicy)/.test(c.command))).toBe(true);
    // The failover reboots with failover: a role that may not is a failure now, not at the failover.
    s.sandbox.restrictPermissions(s.sandbox.defaultPrincipal, allowAllBut('rds:RebootDBInstance'));
    const refused = await inRegionStrategy.check({ plan: s.plan, aws: sandboxAws(s.plan, s.clock, s.sandbox) });
    expect(refused.find((f) => f.check === 'permissions')).toMatchObject({ status: 'fail', message: expect.stringMatching(/rds:RebootDBInstance in us-east-1 \(graceful failover, ungraceful failover, .*refused by an explicit Deny\)/) });
  });

  it.each([3, 4, 5])('fails over to the standby; RTO within 1 s of the truth, RPO 0 (seed %i)', async (seed) => {
    const s = await scenario(seed);
    const { report } = await runStrategy({ strategy: inRegionStrategy, plan: s.plan, sandbox: s.sandbox, clock: s.clock, app: s.app, operation: 'failover', health: { region: REGION } });

    expect(report.status).toBe('succeeded');
    expect(await s.instance()).toMatchObject({ AvailabilityZone: `${REGION}b`, SecondaryAvailabilityZone: `${REGION}a`, DBInstanceStatus: 'available', MultiAZ: true });
    expect(s.sandbox.calls({ command: 'RebootDBInstance' })).toHaveLength(1);
    const truthRto = (trueRestoredAt(s, 0) - at(report.disasterAt)) / 1000;
    // aws-facts.md: a Multi-AZ failover takes 60–120 s; the endpoint refused connections all along.
    expect(truthRto).toBeGreaterThanOrEqual(60);
    expect(truthRto).toBeLessThanOrEqual(125);
    expect(report.rto.source).toBe('health-probe');
    expect(Math.abs(report.rto.seconds! - truthRto)).toBeLessThanOrEqual(1);
    // Synchronous replication to the standby: no acknowledged write is lost; measured within one heartbeat.
    expect(report.rpo.source).toBe('heartbeat');
    expect(report.rpo.seconds).toBe(0);
    expect(s.sandbox.truth.lostWrites(s.app).lost).toEqual([]);
    expect(s.sandbox.truth.splitBrainDetected).toBe(false);
    expect(report.criticalPath.map((e) => e.stepId)).toEqual(['choose-database-zone', 'failover-database', 'wait-database-failover']);
  });

  it('fails back to the home AZ (preferredZone); a second failback changes nothing', async () => {
    const s = await scenario(6);
    await runStrategy({ strategy: inRegionStrategy, plan: s.plan, sandbox: s.sandbox, clock: s.clock, app: s.app, operation: 'failover', health: { region: REGION } });
    const back = await runStrategy({ strategy: inRegionStrategy, plan: s.plan, sandbox: s.sandbox, clock: s.clock, app: s.app, operation: 'failback', health: { region: REGION } });
    expect(back.report.status).toBe('succeeded');
    expect((await s.instance()).AvailabilityZone).toBe(`${REGION}a`);
    expect(Math.abs(back.report.rto.seconds! - (trueRestoredAt(s, 1) - at(back.report.disasterAt)) / 1000)).toBeLessThanOrEqual(1);

    const again = await runStrategy({ strategy: inRegionStrategy, plan: s.plan, sandbox: s.sandbox, clock: s.clock, app: s.app, operation: 'failback' });
    expect(again.report.status).toBe('succeeded');
    expect(s.sandbox.calls({ command: 'RebootDBInstance' })).toHaveLength(2);
    expect((await s.instance()).AvailabilityZone).toBe(`${REGION}a`);
  });

  it.each([
    ['with a home AZ', { preferredZone: `${REGION}a`, soak: '2m' }],
    ['without a home AZ (back to where it was)', { soak: '2m' }],
  ])('runs a live drill %s: failover, soak, failback, each phase measured against the truth', async (_, parameters) => {
    const s = await scenario(7, parsePlan(planInput({ parameters })));
    const { report } = await runStrategy({
      strategy: inRegionStrategy, plan: s.plan, sandbox: s.sandbox, clock: s.clock, app: s.app, operation: 'drill', drill: 'live',
      health: { region: REGION },
      phaseHealth: { failback: sandboxHealthProbe({ sandbox: s.sandbox, region: REGION, intervalMs: 1_000, consecutive: 3 }) },
    });
    expect(report.status).toBe('succeeded');
    expect((await s.instance()).AvailabilityZone).toBe(`${REGION}a`);
    expect(s.sandbox.calls({ command: 'RebootDBInstance', outcome: 'ok' })).toHaveLength(2);
    const [failover, failback] = report.phases!;
    expect(report.phases!.map((p) => p.name)).toEqual(['failover', 'failback']);
    expect(Math.abs(failover!.rto.seconds! - (trueRestoredAt(s, 0) - at(report.disasterAt)) / 1000)).toBeLessThanOrEqual(1);
    expect(Math.abs(failback!.rto.seconds! - (trueRestoredAt(s, 1) - at(failback!.startedAt)) / 1000)).toBeLessThanOrEqual(1);
    expect(failback!.rto.seconds!).toBeGreaterThanOrEqual(60);
    expect(report.rpo.seconds).toBe(0);
    expect(s.sandbox.truth.lostWrites(s.app).lost).toEqual([]);
  });

  it('re-checks after the reboot landed but its answer was lost: never reboots twice', async () => {
    const s = await scenario(8);
    // The RebootDBInstance reaches the sandbox, then the connection drops before the answer (a crash right
    // after the effect looks the same to the step): the retry's re-check must see the failover under way.
    let dropped = 0;
    const dropAnswer = (): AwsPluggable => ({
      applyToStack: (stack) => {
        stack.add((next, context) => async (args) => {
          const out = await next(args);
          if (context.commandName === 'RebootDBInstanceCommand' && dropped++ === 0) throw Object.assign(new Error('socket hang up'), { name: 'Error', code: 'ECONNRESET' });
          return out;
        }, { step: 'initialize', priority: 'high', name: 'dropRebootAnswer' });
      },
    });
    const aws = new AwsEnvironment({ plan: s.plan, clock: s.clock, plugins: [() => dropAnswer(), (t) => s.sandbox.plugin(t.region) as unknown as AwsPluggable] });
    const built = inRegionStrategy.build({ plan: s.plan, operation: 'failover', mode: 'graceful', aws, runId: 'dropped-answer' });
    const run = await startRun({
      subject: { plan: 'orders', strategy: 'in-region', target: 'sandbox', objectives: { rtoMs: s.plan.objectives.rto, rpoMs: s.plan.objectives.rpo } },
      operation: 'failover', mode: 'graceful', steps: built.steps, clock: s.clock, store: false, runId: 'dropped-answer',
      probes: { health: sandboxHealthProbe({ sandbox: s.sandbox, app: s.app, region: REGION, intervalMs: 1_000, consecutive: 3 }), heartbeat: sandboxHeartbeatProbe({ sandbox: s.sandbox, app: s.app, intervalMs: 1_000 }) },
    });
    const report = await run.completion;
    expect(dropped).toBe(1);
    expect(report.status).toBe('succeeded');
    expect(s.sandbox.calls({ command: 'RebootDBInstance' })).toHaveLength(1);
    expect((await s.instance()).AvailabilityZone).toBe(`${REGION}b`);
    const step = report.steps.find((x) => x.id === 'failover-database')!;
    expect(step.attempts).toBe(2);
    expect(Math.abs(report.rto.seconds! - (trueRestoredAt(s, 0) - at(report.disasterAt)) / 1000)).toBeLessThanOrEqual(1);
  });

  it('a resumed failover step whose reboot is done or under way is applied, not repeated', async () => {
    const s = await scenario(9);
    const aws = sandboxAws(s.plan, s.clock, s.sandbox);
    const { steps } = inRegionStrategy.build({ plan: s.plan, operation: 'failover', mode: 'graceful', aws, runId: 'resume-test' });
    const [choose, failover] = steps as [ActionStep, ActionStep];
    const results: Record<string, unknown> = {};
    const ctx = { signal: new AbortController().signal, clock: s.clock, log: () => {}, resultOf: <T>(id: string) => results[id] as T, attempt: 1 } as unknown as StepContext;
    results[choose.id] = await choose.act(ctx);
    expect(await failover.check!(ctx)).toEqual({ applied: false });
    await failover.act(ctx);
    // The process dies here, before the journal records the step: the resumed run re-checks.
    expect(await failover.check!(ctx)).toMatchObject({ applied: true });
    await s.clock.sleep(130_000);
    expect(await failover.check!(ctx)).toMatchObject({ applied: true, note: expect.stringContaining(`no longer in ${REGION}a`) });
    expect(s.sandbox.calls({ command: 'RebootDBInstance' })).toHaveLength(1);
  });
});

describe('in-region Multi-AZ plans that cannot work', () => {
  it('a plan whose instance is not Multi-AZ: a validation error naming both kinds', () => {
    const plan = parsePlan(planInput({ multiAz: false, parameters: {} }));
    const issues = inRegionStrategy.validate(plan, 'orders.yaml');
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ file: 'orders.yaml', path: 'resources', found: 'database (rds-instance, multiAz false)' });
    expect(issues[0]!.expected).toContain('aurora-cluster');
    expect(issues[0]!.expected).toContain('Multi-AZ rds-instance');
  });

  it('a Multi-AZ instance with no recovery is refused outside in-region, with the file and field', () => {
    const input = { ...planInput(), regions: { primary: REGION, recovery: 'us-west-2' }, strategy: { name: 'pilot-light' } } as PlanInput;
    expect(() => parsePlan(input, 'orders.yaml')).toThrow(PlanValidationError);
    expect(() => parsePlan(input, 'orders.yaml')).toThrow(/orders\.yaml: resources\.database\.recovery: expected recovery: \{ identifier \}.*got none/);
  });

  it('a preferredZone outside the region is a validation error', () => {
    const plan = parsePlan(planInput({ parameters: { preferredZone: 'eu-west-1a' } }));
    expect(inRegionStrategy.validate(plan, 'orders.yaml')).toEqual([
      expect.objectContaining({ path: 'strategy.parameters.preferredZone', expected: `an Availability Zone of ${REGION}, such as ${REGION}a`, found: '"eu-west-1a"' }),
    ]);
  });

  it('the plan says Multi-AZ but the instance is not: check fails, and failover fails before any reboot', async () => {
    const s = await scenario(10);
    s.sandbox.world.rds[REGION]!.instances['orders-db']!.multiAz = false;
    const findings = await inRegionStrategy.check({ plan: s.plan, aws: sandboxAws(s.plan, s.clock, s.sandbox) });
    const multiAz = findings.find((f) => f.check === 'multi-az')!;
    expect(multiAz).toMatchObject({ status: 'fail', resource: 'rds:orders-db', region: REGION });
    expect(multiAz.action).toContain('--multi-az');

    const { report } = await runStrategy({ strategy: inRegionStrategy, plan: s.plan, sandbox: s.sandbox, clock: s.clock, app: s.app, operation: 'failover', health: { region: REGION } });
    expect(['failed', 'rolled-back']).toContain(report.status);
    expect(JSON.stringify(report.steps.find((x) => x.id === 'choose-database-zone'))).toContain('NotMultiAZ');
    expect(s.sandbox.calls({ command: 'RebootDBInstance' })).toHaveLength(0);
  });
});

describe('example plan', () => {
  it('postgres-multi-az.yaml is valid for in-region', async () => {
    const path = fileURLToPath(new URL('../../runbooks/examples/postgres-multi-az.yaml', import.meta.url));
    const plan = await loadPlanFile(path);
    expect(plan.strategy.name).toBe('in-region');
    expect(inRegionStrategy.validate(plan, path)).toEqual([]);
  });
});
