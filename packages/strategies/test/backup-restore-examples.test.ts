import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadPlanText, type Plan, parsePlan, type PlanInput, VirtualClock } from '@firedrill/core';
import { describe, expect, it } from 'vitest';
import { buildBackupRestoreScenario, type ScenarioNames } from '../../sandbox/src/index.js';
import { backupRestoreStrategy } from '../src/strategies/backup-restore.js';
import { at, type BackupRestoreFixture, runBackupRestore } from './backup-restore-fixture.js';
import { sandboxAws } from './support/strategy-on-sandbox.js';

const examples = join(import.meta.dirname, '../../runbooks/examples');
const read = (file: string): string => readFileSync(join(examples, file), 'utf8');

/** The example plan with what the sandbox generates (zone and health check ids) and its names mapped in. */
function mapToScenario(text: string, names: ScenarioNames, map: (input: PlanInput) => void): Plan {
  // A validated plan is valid input again (durations in ms are accepted), so the example's own parse is the base.
  const input = structuredClone(loadPlanText(text, 'example.yaml')) as unknown as PlanInput & { resources: Record<string, any> };
  const dns = input.resources['dns'];
  dns.hostedZoneId = names.dns!.hostedZoneId;
  dns.name = names.dns!.recordName.replace(/\.$/, '');
  dns.primary = { setIdentifier: names.dns!.setIdentifiers[names.primaryRegion], healthCheckId: names.dns!.healthChecks[names.primaryRegion] };
  dns.recovery = { setIdentifier: names.dns!.setIdentifiers[names.recoveryRegion], healthCheckId: names.dns!.healthChecks[names.recoveryRegion] };
  const objectives = input.objectives as unknown as { rto: number; rpo: number };
  input.objectives = { rto: `${objectives.rto / 1000}s`, rpo: `${objectives.rpo / 1000}s` };
  input.regions = { primary: names.primaryRegion, recovery: names.recoveryRegion };
  map(input);
  return parsePlan({ ...input, target: 'sandbox', approvals: [], probes: { health: { kind: 'sandbox', endpoint: 'recovery', interval: '1s' } } });
}

/**
 * The sandbox needs us-east-1 for Route 53's control plane, and simulates two regions: a plan in other regions is
 * mapped onto us-east-1 → us-west-2.
 */
async function scenarioFor(plan: Plan, app: string, build: (names: ScenarioNames) => Plan) {
  const clock = new VirtualClock({ start: '2026-11-22T03:00:00Z' });
  const regions: [string, string] = plan.regions.primary === 'us-east-1' ? [plan.regions.primary, plan.regions.recovery] : ['us-east-1', 'us-west-2'];
  const { sandbox, names } = await buildBackupRestoreScenario({ clock, app, regions });
  const mapped = build(names);
  const f = { clock, sandbox, names, plan: mapped, primary: names.primaryRegion, recovery: names.recoveryRegion, rds: {}, ec2: {} } as unknown as BackupRestoreFixture;
  return f;
}

describe('backup & restore example plans', () => {
  it.each(['backup-restore.yaml', 'two-environments-postgres.yaml'])('%s validates with core and with the strategy', (file) => {
    const plan = loadPlanText(read(file), file);
    expect(plan.strategy.name).toBe('backup-restore');
    expect(backupRestoreStrategy.validate(plan, file)).toEqual([]);
  });

  it('two-environments-postgres.yaml: the customer schedules read as written', () => {
    const plan = loadPlanText(read('two-environments-postgres.yaml'), 'two-environments-postgres.yaml');
    const backups = plan.resources['backups'];
    expect(backups?.kind === 'backups' && backups.snapshots.map((s) => [s.source, s.schedule, s.retentionDays])).toEqual([
      ['database', '0 */12 * * *', 90], ['production', '0 */12 * * *', 90], ['staging', '0 3 1 * *', 365],
    ]);
    expect(plan.resources['database']).toMatchObject({ backup: { retentionDays: 30 } });
  });

  it('backup-restore.yaml runs check and a failover on the sandbox', async () => {
    const text = read('backup-restore.yaml');
    const f = await scenarioFor(loadPlanText(text, 'backup-restore.yaml'), 'tracking', (names) =>
      mapToScenario(text, names, (input) => void ((input.strategy as { parameters: object }).parameters = {})));
    const findings = await backupRestoreStrategy.check({ plan: f.plan, aws: sandboxAws(f.plan, f.clock, f.sandbox) });
    expect(findings.filter((x) => x.status !== 'pass')).toEqual([]);
    f.sandbox.faults.regionOutage(f.primary, { at: f.clock.now() });
    const { report } = await runBackupRestore(f, { strategy: backupRestoreStrategy, operation: 'failover', health: 'endpoint' });
    expect(report.status).toBe('succeeded');
    expect(Math.abs(report.rto.seconds! - (f.sandbox.truth.firstHealthyAt(f.recovery, at(report.disasterAt))! - at(report.disasterAt)) / 1000)).toBeLessThanOrEqual(1);
  });

  it('two-environments-postgres.yaml runs check (short retention found) and a failover of production on the sandbox', async () => {
    const text = read('two-environments-postgres.yaml');
    const plan = loadPlanText(text, 'two-environments-postgres.yaml');
    const f = await scenarioFor(plan, 'shop', (names) =>
      mapToScenario(text, names, (input) => {
        const resources = input.resources as Record<string, any>;
        // The sandbox scenario names its AMI `<app>-app` and its recovery launch template `<app>-<region>`.
        resources['production'].recovery = { ...resources['production'].recovery, amiName: 'shop-app', launchTemplate: `shop-${names.recoveryRegion}` };
        resources['staging'].recovery = { ...resources['staging'].recovery, amiName: 'shop-app' };
      }));
    const aws = sandboxAws(f.plan, f.clock, f.sandbox);
    const findings = await backupRestoreStrategy.check({ plan: f.plan, aws });
    // The scenario's database keeps 7 days of automated backups and three days of copies; the customer keeps 30 and 90.
    expect(findings.find((x) => x.check === 'rds-backup-retention')).toMatchObject({ status: 'fail', resource: 'rds:shop-db', region: 'us-east-1' });
    expect(findings.find((x) => x.check === 'snapshot-retention')).toMatchObject({ status: 'warn', region: 'us-west-2' });
    expect(findings.filter((x) => x.status === 'fail').map((x) => `${x.check}: ${x.message}`)).toEqual(['rds-backup-retention: automated backups are kept 7 day(s); the plan requires 30']);
    f.sandbox.faults.regionOutage(f.primary, { at: f.clock.now() });
    const { report } = await runBackupRestore(f, { strategy: backupRestoreStrategy, operation: 'failover', health: 'endpoint' });
    expect(report.status).toBe('succeeded');
    expect(report.steps.map((s) => s.id)).toContain('launch-production');
    expect(report.steps.map((s) => s.id)).not.toContain('launch-staging');
  });
});
