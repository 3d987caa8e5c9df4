import { type HealthProbe, type PlanSource, type RunProbes, VirtualClock } from '@firedrill/core';
import {
  applicationOfPlan,
  buildScenarioForPlan,
  Sandbox,
  sandboxAppName,
  sandboxHealthProbe,
  sandboxHeartbeatProbe,
} from '@firedrill/sandbox';
import { AwsEnvironment, type AwsPluggable } from '@firedrill/strategies';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TargetSession } from './target-session.js';

/**
 * The sandbox application name a plan's world uses: the plan's name without a strategy suffix (`tracking-app`,
 * `tracking-backup-restore` → `tracking`). Probes find the application by the plan's resources, not by this name.
 */
export function sandboxAppOf(planName: string): string {
  return sandboxAppName(planName);
}

/** Where a plan's sandbox world is kept between commands (so failback follows failover). */
export function sandboxWorldPath(stateDir: string, plan: string, strategy: string): string {
  return join(stateDir, 'sandbox', `${plan}.${strategy}.json`);
}

interface SavedClock {
  now: number;
}

/**
 * Opens the sandbox world of a plan: the one saved by the previous command, or a new world provisioned from the
 * plan's own resources (its strategy's scenario topology, built with the plan's names, regions, engines, sizes and
 * DNS ids), on a virtual clock that continues where the world stopped. A plan the sandbox cannot build is refused
 * (exit 2, naming the file and the field) before anything runs or is saved.
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
    clock = new VirtualClock(options.start === undefined ? {} : { start: options.start });
    // Throws a ScenarioPlanError (exitCode 2) naming the file, field, expected and found.
    const scenario = await buildScenarioForPlan(plan, { clock, seed: options.seed ?? 1, file: source.file });
    sandbox = scenario.sandbox;
  }
  // The sandbox's plugin is typed by @smithy/types; the AWS layer's by its own minimal stack type.
  // A side that acts as a role (multi-account plans) makes its calls as that role, as on AWS.
  const plugin = (target: { region: string; account?: string }): AwsPluggable => sandbox.pluginFor(target) as unknown as AwsPluggable;
  const aws = new AwsEnvironment({ plan, clock, plugins: [plugin] });
  return {
    name: 'sandbox',
    sandbox,
    clock,
    aws,
    probes: (src, operation, drill) => sandboxProbes(src, sandbox, operation, drill),
    injectDisaster: async () => {
      // Injected once: a run resumed after a crash that cut the disaster step off re-runs it (it has no check).
      const open = sandbox.world.faults.outages.some((o) => o.region === plan.regions.primary && o.until === undefined);
      if (!open) sandbox.faults.regionOutage(plan.regions.primary);
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

function sandboxProbes(source: PlanSource, sandbox: Sandbox, operation: 'failover' | 'failback' | 'drill', drill?: 'isolated' | 'live'): RunProbes {
  const { plan } = source;
  const dns = Object.values(plan.resources).find((r) => r.kind === 'route53-record');
  const health = plan.probes?.health;
  const heartbeat = plan.probes?.heartbeat;
  // The application the plan describes (by its database, else its DNS values), whatever the plan is called.
  const app = applicationOfPlan(sandbox, plan) ?? sandboxAppName(plan.metadata.name);
  const healthProbe = (restores: 'failover' | 'failback' | 'drill'): HealthProbe | undefined =>
    health
      ? sandboxHealthProbe({
          sandbox,
          app,
          ...healthTarget(plan, health.kind === 'sandbox' ? health.endpoint : undefined, dns && 'name' in dns ? dns.name : undefined, restores),
          intervalMs: health.interval,
          consecutive: health.consecutive,
        })
      : undefined;
  const operationHealth = healthProbe(operation);
  // A live drill's failback phase is confirmed by the plan's probe too, aimed where the failback returns users.
  const failbackHealth = drill === 'live' ? healthProbe('failback') : undefined;
  return {
    ...(operationHealth ? { health: operationHealth } : {}),
    ...(failbackHealth ? { phaseHealth: { failback: failbackHealth } } : {}),
    ...(heartbeat ? { heartbeat: sandboxHeartbeatProbe({ sandbox, app, intervalMs: heartbeat.interval }) } : {}),
    ...(plan.probes?.dns ? { observers: { dns: sandboxDnsObserver(sandbox, plan.probes.dns) } } : {}),
  };
}

/**
 * What the sandbox health probe reaches, as the plan's `probes.health.endpoint` says: "primary" or "recovery" —
 * that side's regional endpoint directly; "dns" or the role of the plan's Route 53 record — the record, as users
 * resolve it. Another role (or no record) probes the recovery region's endpoint. The side names where a failover
 * restores service; a failback restores it on the other side, so it probes that one (probing the recovery
 * endpoint that a backup & restore failback takes down would never see the service back).
 */
function healthTarget(plan: PlanSource['plan'], endpoint: string | undefined, recordName: string | undefined, operation: 'failover' | 'failback' | 'drill'): { recordName: string } | { region: string } {
  const restoredOn = (side: 'primary' | 'recovery'): 'primary' | 'recovery' => (operation !== 'failback' ? side : side === 'primary' ? 'recovery' : 'primary');
  if (endpoint === 'primary' || endpoint === 'recovery') return { region: plan.regions[restoredOn(endpoint)] };
  const dnsRole = endpoint !== undefined && plan.resources[endpoint]?.kind === 'route53-record';
  if (recordName !== undefined && (endpoint === undefined || endpoint === 'dns' || dnsRole)) return { recordName };
  return { region: plan.regions[restoredOn('recovery')] };
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
