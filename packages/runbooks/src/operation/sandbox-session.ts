import { type HealthProbe, type PlanSource, type RunProbes, VirtualClock } from '@firedrill/core';
import {
  buildBackupRestoreScenario,
  buildInRegionAuroraScenario,
  buildMultiSiteScenario,
  buildPilotLightScenario,
  buildWarmStandbyScenario,
  Sandbox,
  sandboxHealthProbe,
  sandboxHeartbeatProbe,
  type Scenario,
  type ScenarioOptions,
} from '@firedrill/sandbox';
import { AwsEnvironment, type AwsPluggable } from '@firedrill/strategies';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TargetSession } from './target-session.js';

const BUILDERS: Record<string, (options: ScenarioOptions) => Promise<Scenario>> = {
  'backup-restore': buildBackupRestoreScenario,
  'pilot-light': buildPilotLightScenario,
  'warm-standby': buildWarmStandbyScenario,
  'multi-site': buildMultiSiteScenario,
  'in-region': buildInRegionAuroraScenario,
};

/**
 * The sandbox application a plan runs on: a plan named `<app>-app`, `<app>-multi-site`, `<app>-in-region` or
 * `<app>-backup-restore` (as the sandbox's plan builders name them) runs on its strategy's scenario built for
 * `<app>`; any other name is the application's name itself.
 */
export function sandboxAppOf(planName: string): string {
  return planName.replace(/-(app|multi-site|in-region|backup-restore|pilot-light|warm-standby)$/, '');
}

/** Where a plan's sandbox world is kept between commands (so failback follows failover). */
export function sandboxWorldPath(stateDir: string, plan: string, strategy: string): string {
  return join(stateDir, 'sandbox', `${plan}.${strategy}.json`);
}

interface SavedClock {
  now: number;
}

/**
 * Opens the sandbox world of a plan: the one saved by the previous command, or a new world built from the
 * scenario of the plan's strategy (named after the plan), on a virtual clock that continues where the world
 * stopped.
 */
export async function openSandboxSession(source: PlanSource, stateDir: string, options: { seed?: number; start?: number } = {}): Promise<TargetSession & { sandbox: Sandbox }> {
  const { plan } = source;
  const worldPath = sandboxWorldPath(stateDir, plan.metadata.name, plan.strategy.name);
  const clockPath = `${worldPath}.clock`;
  let sandbox: Sandbox;
  let clock: VirtualClock;
  if (existsSync(worldPath)) {
    const saved = JSON.parse(readFileSync(clockPath, 'utf8')) as SavedClock;
    // A resumed run continues from the later of the world's time and its journal's last event.
    clock = new VirtualClock({ start: Math.max(saved.now, options.start ?? saved.now) });
    sandbox = Sandbox.load(worldPath, { clock });
  } else {
    const builder = BUILDERS[plan.strategy.name];
    if (!builder) throw Object.assign(new Error(`${source.file}: strategy.name: the sandbox has scenarios for ${Object.keys(BUILDERS).join(', ')}, not "${plan.strategy.name}"; run it with --target aws`), { exitCode: 2 });
    clock = new VirtualClock(options.start === undefined ? {} : { start: options.start });
    const scenario = await builder({ clock, seed: options.seed ?? 1, regions: [plan.regions.primary, plan.regions.recovery], app: sandboxAppOf(plan.metadata.name) });
    assertPlanMatchesScenario(source, scenario);
    sandbox = scenario.sandbox;
    // The sandbox keeps every resource in one account; the plan's other accounts exist for AssumeRole.
    for (const side of ['primary', 'recovery'] as const) {
      const account = plan.accounts?.[side]?.accountId;
      if (account !== undefined && account !== sandbox.accountId) sandbox.addAccount(account);
    }
  }
  // The sandbox's plugin is typed by @smithy/types; the AWS layer's by its own minimal stack type.
  const plugin = (target: { region: string }): AwsPluggable => sandbox.plugin(target.region) as unknown as AwsPluggable;
  const aws = new AwsEnvironment({ plan, clock, plugins: [plugin] });
  return {
    name: 'sandbox',
    sandbox,
    clock,
    aws,
    probes: (src) => sandboxProbes(src, sandbox),
    injectDisaster: async () => {
      sandbox.faults.regionOutage(plan.regions.primary);
    },
    endDisaster: () => sandbox.faults.endRegionOutage(plan.regions.primary, clock.now()),
    close: () => {},
    save: () => {
      mkdirSync(join(stateDir, 'sandbox'), { recursive: true });
      sandbox.save(worldPath);
      writeFileSync(clockPath, JSON.stringify({ now: clock.now() } satisfies SavedClock));
    },
  };
}

function sandboxProbes(source: PlanSource, sandbox: Sandbox): RunProbes {
  const { plan } = source;
  const dns = Object.values(plan.resources).find((r) => r.kind === 'route53-record');
  const health = plan.probes?.health;
  const heartbeat = plan.probes?.heartbeat;
  return {
    ...(health
      ? {
          health: sandboxHealthProbe({
            sandbox,
            app: sandboxAppOf(plan.metadata.name),
            ...(dns && 'name' in dns ? { recordName: dns.name } : { region: plan.regions.recovery }),
            intervalMs: health.interval,
            consecutive: health.consecutive,
          }),
        }
      : {}),
    ...(heartbeat ? { heartbeat: sandboxHeartbeatProbe({ sandbox, app: sandboxAppOf(plan.metadata.name), intervalMs: heartbeat.interval }) } : {}),
    ...(plan.probes?.dns ? { observers: { dns: sandboxDnsObserver(sandbox, plan.probes.dns) } } : {}),
  };
}

/**
 * The plan's resources must be the scenario's: the sandbox builds its strategy's ready-made topology, so a plan
 * naming other resources would fail half way. Says which fields differ and what the scenario has.
 */
function assertPlanMatchesScenario(source: PlanSource, scenario: Scenario): void {
  const { names } = scenario;
  const known = new Set<string>([
    names.database.primary.identifier,
    ...(names.database.recovery ? [names.database.recovery.identifier] : []),
    ...(names.database.globalClusterIdentifier ? [names.database.globalClusterIdentifier] : []),
    ...[names.compute.primary, names.compute.recovery].flatMap((c) => (c ? Object.values(c).filter((v): v is string => typeof v === 'string') : [])),
    ...(names.dns ? [names.dns.recordName, names.dns.recordName.replace(/\.$/, ''), names.dns.hostedZoneId] : []),
    ...(names.storage ? [names.storage.primaryBucket, names.storage.recoveryBucket] : []),
  ]);
  const problems: string[] = [];
  for (const [role, resource] of Object.entries(source.plan.resources)) {
    const r = resource as Record<string, unknown>;
    const check = (path: string, value: unknown): void => {
      if (typeof value === 'string' && !known.has(value)) problems.push(`${source.file}: resources.${role}.${path}: the sandbox ${names.strategy} scenario for "${names.app}" has no "${value}"`);
    };
    for (const side of ['primary', 'recovery'] as const) {
      const s = r[side] as Record<string, unknown> | undefined;
      if (s) for (const key of ['identifier', 'name', 'clusterIdentifier', 'bucket']) check(`${side}.${key}`, s[key]);
    }
    check('identifier', r['identifier']);
    check('globalClusterIdentifier', r['globalClusterIdentifier']);
    check('name', r['name']);
    check('hostedZoneId', r['hostedZoneId']);
  }
  if (problems.length > 0) {
    throw Object.assign(new Error(`${problems.join('\n')}\nOn the sandbox, a plan named "<app>-app" runs on its strategy's ready-made scenario for <app>; \`firedrill demo\` writes such a plan. Or run this plan with --target aws.`), { exitCode: 2 });
  }
}

/** When the sandbox's DNS (its Route 53 data plane) first answers only the recovery values the plan expects. */
function sandboxDnsObserver(sandbox: Sandbox, dns: NonNullable<NonNullable<PlanSource['plan']['probes']>['dns']>): HealthProbe {
  const expected = new Set(dns.expect.map((v) => v.toLowerCase().replace(/\.$/, '')));
  return {
    target: `dns ${dns.type} ${dns.name}`,
    intervalMs: dns.interval,
    consecutive: dns.consecutive,
    check: async () => {
      const answer = sandbox.truth.dnsTarget(dns.name);
      const values = answer.values.map((v) => v.toLowerCase().replace(/\.$/, ''));
      return { healthy: values.length > 0 && values.every((v) => expected.has(v)), detail: `answers ${values.join(', ') || 'nothing'}` };
    },
  };
}
