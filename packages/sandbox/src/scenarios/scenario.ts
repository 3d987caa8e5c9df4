/** What every scenario builder takes and returns, and the pieces they share (DNS, buckets). */
import type { Clock } from '@firedrill/core';
import type { LatencyOverrides } from '../latency.js';
import { Sandbox } from '../sandbox.js';
import { route53Provisioning } from '../services/route53.js';
import type { BucketLayout, DnsLayout, ScenarioLayout } from './layout.js';
import type { ComputeNames } from './provision.js';
import { instantContext, provision } from './provision.js';

/** Options of every scenario builder. */
export interface ScenarioOptions {
  clock: Clock;
  /** @default 1 */
  seed?: number;
  /** `[primary, recovery]`. @default ['us-east-1', 'us-west-2'] */
  regions?: [primary: string, recovery: string];
  /** Application name; also the prefix of every resource name. @default 'tracking' */
  app?: string;
  latencies?: LatencyOverrides;
  apiLatency?: number | [number, number];
  rateLimits?: boolean;
  /**
   * Names and shape to build instead of the ones derived from `app` (what `layoutFromPlan` takes from a plan).
   * Anything left out keeps its derived name.
   */
  layout?: ScenarioLayout;
  /** Accounts besides the sandbox's own that AssumeRole may enter (a multi-account plan's sides). */
  accounts?: string[];
}

/** Names of the DNS resources of a scenario. */
export interface DnsNames {
  hostedZoneId: string;
  zoneName: string;
  /** The record users resolve, e.g. `app.tracking.example.com.` */
  recordName: string;
  recordType: 'A' | 'AAAA' | 'CNAME';
  /** Health check id per region. */
  healthChecks: Record<string, string>;
  /** SetIdentifier per region. */
  setIdentifiers: Record<string, string>;
  routing: 'failover' | 'weighted';
}

/** Names of everything a scenario created, so a plan can be generated from it. */
export interface ScenarioNames {
  strategy: 'backup-restore' | 'pilot-light' | 'warm-standby' | 'multi-site' | 'in-region-ha';
  app: string;
  primaryRegion: string;
  recoveryRegion: string;
  /** Regional endpoint host names (what health checks and records point at). */
  endpoints: Record<string, string>;
  database: {
    engine: 'rds-instance' | 'aurora-cluster' | 'aurora-global';
    primary: { region: string; identifier: string; arn: string };
    recovery?: { region: string; identifier: string; arn: string };
    globalClusterIdentifier?: string;
    /** Backup & restore: snapshots in the recovery region, oldest first. */
    recoverySnapshots?: string[];
    /** The KMS key ARN the databases (and snapshot copies) of each side are encrypted with; none: unencrypted. */
    kmsKeys: { primary?: string; recovery?: string };
  };
  compute: { primary?: ComputeNames; recovery?: ComputeNames; recoveryImageId?: string };
  dns?: DnsNames;
  storage?: { primaryBucket: string; recoveryBucket: string };
}

/** A built scenario. */
export interface Scenario {
  sandbox: Sandbox;
  names: ScenarioNames;
}

/** Route 53's control plane is served from us-east-1: a world without it could not answer Route 53 calls. */
const ROUTE53_REGION = 'us-east-1';

/** The sandbox a scenario builds in, and its resolved basics. */
export function scenarioSandbox(options: ScenarioOptions): {
  sandbox: Sandbox;
  app: string;
  primary: string;
  recovery: string;
  layout: ScenarioLayout;
  /** Endpoint host per region. */
  endpoints: Record<string, string>;
} {
  const [primary, recovery] = options.regions ?? ['us-east-1', 'us-west-2'];
  const sandbox = new Sandbox({
    clock: options.clock, seed: options.seed ?? 1, regions: [...new Set([primary, recovery, ROUTE53_REGION])],
    ...(options.latencies ? { latencies: options.latencies } : {}),
    ...(options.apiLatency !== undefined ? { apiLatency: options.apiLatency } : {}),
    ...(options.rateLimits !== undefined ? { rateLimits: options.rateLimits } : {}),
  });
  for (const account of options.accounts ?? []) if (account !== sandbox.accountId) sandbox.addAccount(account);
  const app = options.app ?? 'tracking';
  const layout = options.layout ?? {};
  const endpoints: Record<string, string> = {
    [primary]: layout.endpoints?.primary ?? endpointHost(app, primary),
    [recovery]: layout.endpoints?.recovery ?? endpointHost(app, recovery),
  };
  return { sandbox, app, primary, recovery, layout, endpoints };
}

/** The endpoint host of `app` in `region`. */
export const endpointHost = (app: string, region: string): string => `${app}.${region}.example.com`;

/** A hosted zone with a health check per region and failover (PRIMARY/SECONDARY) or weighted records. */
export async function provisionDns(
  sandbox: Sandbox,
  app: string,
  regions: [string, string],
  routing: DnsNames['routing'],
  options: { endpoints?: Record<string, string>; layout?: DnsLayout } = {},
): Promise<DnsNames> {
  const control = ROUTE53_REGION;
  const layout = options.layout ?? {};
  const endpoint = (region: string): string => options.endpoints?.[region] ?? endpointHost(app, region);
  const sides = ['primary', 'recovery'] as const;
  const zoneName = fqdnOf(layout.zoneName ?? `${app}.example.com`);
  const recordName = fqdnOf(layout.recordName ?? `app.${zoneName}`);
  const type = layout.type ?? 'CNAME';
  const ctx = instantContext(sandbox, control);
  const zone = route53Provisioning.createHostedZone(ctx, { Name: zoneName, CallerReference: `${app}-zone` }, layout.hostedZoneId ? { id: layout.hostedZoneId } : undefined) as { HostedZone: { Id: string } };
  const hostedZoneId = zone.HostedZone.Id.replace('/hostedzone/', '');
  const healthChecks: Record<string, string> = {};
  const setIdentifiers: Record<string, string> = {};
  const changes: unknown[] = [];
  for (const [i, region] of regions.entries()) {
    const side = sides[i]!;
    const host = endpoint(region);
    const byIp = type !== 'CNAME';
    const adopted = layout.healthCheckIds?.[side];
    const check = route53Provisioning.createHealthCheck(instantContext(sandbox, control), {
      CallerReference: `${app}-${region}`,
      HealthCheckConfig: { Type: 'HTTPS', ...(byIp ? { IPAddress: host } : { FullyQualifiedDomainName: host }), ResourcePath: '/health', Port: 443, RequestInterval: 10, FailureThreshold: 3 },
    }, adopted ? { id: adopted } : undefined) as { HealthCheck: { Id: string } };
    healthChecks[region] = check.HealthCheck.Id;
    setIdentifiers[region] = layout.setIdentifiers?.[side] ?? `${app}-${region}`;
    const weight = layout.weights?.[side] ?? 50;
    changes.push({
      Action: 'CREATE',
      ResourceRecordSet: {
        Name: recordName, Type: type, TTL: layout.ttl ?? 60, SetIdentifier: setIdentifiers[region], HealthCheckId: check.HealthCheck.Id,
        ResourceRecords: [{ Value: host }],
        ...(routing === 'failover' ? { Failover: i === 0 ? 'PRIMARY' : 'SECONDARY' } : { Weight: weight }),
      },
    });
  }
  await provision(sandbox, 'route53', control, 'ChangeResourceRecordSets', { HostedZoneId: hostedZoneId, ChangeBatch: { Changes: changes } });
  return { hostedZoneId, zoneName, recordName, recordType: type, healthChecks, setIdentifiers, routing };
}

const fqdnOf = (name: string): string => (name.endsWith('.') ? name : `${name}.`);

/**
 * A versioned bucket per region, the primary replicating to the recovery one; `pairs` names more pairs (the
 * first is the one returned).
 */
export async function provisionBuckets(
  sandbox: Sandbox,
  app: string,
  primary: string,
  recovery: string,
  pairs?: BucketLayout[],
): Promise<{ primaryBucket: string; recoveryBucket: string } | undefined> {
  const all = pairs ?? [{ primary: `${app}-data-${primary}`, recovery: `${app}-data-${recovery}`, replication: true }];
  for (const pair of all) {
    for (const [bucket, region] of [[pair.primary, primary], [pair.recovery, recovery]] as const) {
      await provision(sandbox, 's3', region, 'CreateBucket', { Bucket: bucket, ...(region === 'us-east-1' ? {} : { CreateBucketConfiguration: { LocationConstraint: region } }) });
      await provision(sandbox, 's3', region, 'PutBucketVersioning', { Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } });
    }
    if (!pair.replication) continue;
    await provision(sandbox, 's3', primary, 'PutBucketReplication', {
      Bucket: pair.primary,
      ReplicationConfiguration: {
        Role: `arn:aws:iam::${sandbox.accountId}:role/${app}-s3-replication`,
        Rules: [{ ID: 'dr', Status: 'Enabled', Priority: 1, Filter: { Prefix: '' }, DeleteMarkerReplication: { Status: 'Enabled' }, Destination: { Bucket: `arn:aws:s3:::${pair.recovery}` } }],
      },
    });
  }
  const first = all[0];
  return first === undefined ? undefined : { primaryBucket: first.primary, recoveryBucket: first.recovery };
}
