import type { Route53Client } from '@aws-sdk/client-route-53';
import { DnsProbe } from './dns-probe.js';
/**
 * The plan's `probes` section turned into the probes a run uses: `http` health probes and `postgres` /
 * `mysql` heartbeat probes. Connection references stay references until the probe connects.
 */
import type { HealthProbe, HeartbeatProbe, Plan, RunProbes } from '@firedrill/core';
import type { SecretResolver } from './connection-reference.js';
import { HttpHealthProbe } from './http-health-probe.js';
import { MysqlHeartbeatProbe } from './mysql-heartbeat-probe.js';
import { PostgresHeartbeatProbe } from './postgres-heartbeat-probe.js';

/** Options of {@link probesFromPlan}. */
export interface ProbesFromPlanOptions {
  /** Environment for `connection: { fromEnv }`. @default process.env */
  env?: Readonly<Record<string, string | undefined>>;
  /** Resolver for `connection: { secret }`. */
  secrets?: SecretResolver;
  /** Heartbeat row key. @default the plan's `metadata.name` */
  source?: string;
  /**
   * Probes for the `sandbox` kinds, which this function does not build (`sandboxHealthProbe` and
   * `sandboxHeartbeatProbe` from `@firedrill/sandbox` do).
   */
  sandbox?: { health?: HealthProbe; heartbeat?: HeartbeatProbe };
  /** Route 53 client for the `dns` probe's TestDNSAnswer view (its control plane lives in us-east-1). */
  route53?: Route53Client;
}

/** The run's probes, and how to release their connections once the run has ended. */
export interface PlanProbes {
  probes: RunProbes;
  /** Closes database connections the probes hold. */
  close(): void;
}

/**
 * Builds the run's probes from a validated plan.
 *
 * @example
 * const plan = await loadPlanFile('examples/local-postgres.yaml');
 * const { probes, close } = probesFromPlan(plan);
 * const run = await startRun({ …, clock: realClock, probes });
 * await run.completion;
 * close();
 */
export function probesFromPlan(plan: Pick<Plan, 'metadata' | 'probes'> & Partial<Pick<Plan, 'resources'>>, options: ProbesFromPlanOptions = {}): PlanProbes {
  const probes: RunProbes = {};
  const closers: Array<() => void> = [];
  const health = plan.probes?.health;
  if (health?.kind === 'http') {
    probes.health = new HttpHealthProbe({
      url: health.url,
      ...(health.hostHeader !== undefined ? { hostHeader: health.hostHeader } : {}),
      expectStatus: health.expectStatus,
      ...(health.bodyMatch !== undefined ? { bodyMatch: health.bodyMatch } : {}),
      intervalMs: health.interval,
      timeoutMs: health.timeout,
      consecutive: health.consecutive,
    });
  } else if (health?.kind === 'sandbox') {
    probes.health = options.sandbox?.health ?? unsupported('probes.health', 'sandbox', 'sandboxHealthProbe');
  }
  const heartbeat = plan.probes?.heartbeat;
  if (heartbeat?.kind === 'postgres' || heartbeat?.kind === 'mysql') {
    const settings = {
      connection: heartbeat.connection,
      table: heartbeat.table,
      intervalMs: heartbeat.interval,
      source: options.source ?? plan.metadata.name,
      ...(options.env ? { env: options.env } : {}),
      ...(options.secrets ? { secrets: options.secrets } : {}),
    };
    const probe = heartbeat.kind === 'postgres' ? new PostgresHeartbeatProbe(settings) : new MysqlHeartbeatProbe(settings);
    probes.heartbeat = probe;
    closers.push(() => probe.close());
  } else if (heartbeat?.kind === 'sandbox') {
    probes.heartbeat = options.sandbox?.heartbeat ?? unsupported('probes.heartbeat', 'sandbox', 'sandboxHeartbeatProbe');
  }
  const dns = plan.probes?.dns;
  if (dns) {
    const zone = Object.values(plan.resources ?? {}).find((r): r is Extract<typeof r, { kind: 'route53-record' }> => r.kind === 'route53-record');
    probes.observers = {
      dns: new DnsProbe({
        name: dns.name,
        type: dns.type,
        expect: dns.expect,
        resolver: dns.resolver === 'none' ? false : dns.resolver,
        ...(dns.route53 && zone && options.route53 ? { route53: { client: options.route53, hostedZoneId: zone.hostedZoneId } } : {}),
        intervalMs: dns.interval,
        consecutive: dns.consecutive,
      }),
    };
  }
  return { probes, close: () => closers.forEach((close) => close()) };
}

function unsupported(field: string, kind: string, builder: string): never {
  throw new TypeError(`${field}: kind "${kind}" is built by ${builder}() from @firedrill/sandbox; pass it as options.sandbox`);
}
