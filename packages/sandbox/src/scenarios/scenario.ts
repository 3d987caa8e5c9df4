/** What every scenario builder takes and returns, and the pieces they share (DNS, buckets). */
import type { Clock } from '@firedrill/core';
import type { LatencyOverrides } from '../latency.js';
import { Sandbox } from '../sandbox.js';
import type { ComputeNames } from './provision.js';
import { provision } from './provision.js';

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
}

/** Names of the DNS resources of a scenario. */
export interface DnsNames {
  hostedZoneId: string;
  zoneName: string;
  /** The record users resolve, e.g. `app.tracking.example.com.` */
  recordName: string;
  recordType: 'CNAME';
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

/** The sandbox a scenario builds in, and its resolved basics. */
export function scenarioSandbox(options: ScenarioOptions): { sandbox: Sandbox; app: string; primary: string; recovery: string } {
  const [primary, recovery] = options.regions ?? ['us-east-1', 'us-west-2'];
  const sandbox = new Sandbox({
    clock: options.clock, seed: options.seed ?? 1, regions: [primary, recovery],
    ...(options.latencies ? { latencies: options.latencies } : {}),
    ...(options.apiLatency !== undefined ? { apiLatency: options.apiLatency } : {}),
    ...(options.rateLimits !== undefined ? { rateLimits: options.rateLimits } : {}),
  });
  return { sandbox, app: options.app ?? 'tracking', primary, recovery };
}

/** The endpoint host of `app` in `region`. */
export const endpointHost = (app: string, region: string): string => `${app}.${region}.example.com`;

/** A hosted zone with a health check per region and failover (PRIMARY/SECONDARY) or weighted records. */
export async function provisionDns(
  sandbox: Sandbox,
  app: string,
  regions: [string, string],
  routing: DnsNames['routing'],
): Promise<DnsNames> {
  const control = 'us-east-1';
  const zoneName = `${app}.example.com.`;
  const zone = await provision<{ HostedZone: { Id: string } }>(sandbox, 'route53', control, 'CreateHostedZone', { Name: zoneName, CallerReference: `${app}-zone` });
  const hostedZoneId = zone.HostedZone.Id.replace('/hostedzone/', '');
  const healthChecks: Record<string, string> = {};
  const setIdentifiers: Record<string, string> = {};
  const changes: unknown[] = [];
  for (const [i, region] of regions.entries()) {
    const check = await provision<{ HealthCheck: { Id: string } }>(sandbox, 'route53', control, 'CreateHealthCheck', {
      CallerReference: `${app}-${region}`,
      HealthCheckConfig: { Type: 'HTTPS', FullyQualifiedDomainName: endpointHost(app, region), ResourcePath: '/health', Port: 443, RequestInterval: 10, FailureThreshold: 3 },
    });
    healthChecks[region] = check.HealthCheck.Id;
    setIdentifiers[region] = `${app}-${region}`;
    changes.push({
      Action: 'CREATE',
      ResourceRecordSet: {
        Name: `app.${zoneName}`, Type: 'CNAME', TTL: 60, SetIdentifier: setIdentifiers[region], HealthCheckId: check.HealthCheck.Id,
        ResourceRecords: [{ Value: endpointHost(app, region) }],
        ...(routing === 'failover' ? { Failover: i === 0 ? 'PRIMARY' : 'SECONDARY' } : { Weight: 50 }),
      },
    });
  }
  await provision(sandbox, 'route53', control, 'ChangeResourceRecordSets', { HostedZoneId: hostedZoneId, ChangeBatch: { Changes: changes } });
  return { hostedZoneId, zoneName, recordName: `app.${zoneName}`, recordType: 'CNAME', healthChecks, setIdentifiers, routing };
}

/** A versioned bucket per region, the primary replicating to the recovery one. */
export async function provisionBuckets(sandbox: Sandbox, app: string, primary: string, recovery: string): Promise<{ primaryBucket: string; recoveryBucket: string }> {
  const names = { primaryBucket: `${app}-data-${primary}`, recoveryBucket: `${app}-data-${recovery}` };
  for (const [bucket, region] of [[names.primaryBucket, primary], [names.recoveryBucket, recovery]] as const) {
    await provision(sandbox, 's3', region, 'CreateBucket', { Bucket: bucket, ...(region === 'us-east-1' ? {} : { CreateBucketConfiguration: { LocationConstraint: region } }) });
    await provision(sandbox, 's3', region, 'PutBucketVersioning', { Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } });
  }
  await provision(sandbox, 's3', primary, 'PutBucketReplication', {
    Bucket: names.primaryBucket,
    ReplicationConfiguration: {
      Role: `arn:aws:iam::${sandbox.accountId}:role/${app}-s3-replication`,
      Rules: [{ ID: 'dr', Status: 'Enabled', Priority: 1, Filter: { Prefix: '' }, DeleteMarkerReplication: { Status: 'Enabled' }, Destination: { Bucket: `arn:aws:s3:::${names.recoveryBucket}` } }],
    },
  });
  return names;
}
