/**
 * The world: everything the sandbox knows, as one plain JSON object. Save it, load it in another
 * process with any clock, and the simulation continues from the same state and the same random sequence.
 */
import type { BackupSchedule } from './backup-schedules.js';
import type { CallLogEntry } from './call-log.js';
import type { IamPrincipalRecord } from './iam-policies.js';
import type { FaultState } from './faults.js';
import type { LatencyOverrides } from './latency.js';
import type { RandomState } from './random.js';
import { createRandomState } from './random.js';
import type { TokenBucketState } from './rate-buckets.js';
import type {
  DbClusterRecord,
  DbInstanceRecord,
  DbSnapshotRecord,
  GlobalClusterRecord,
  WriteRecord,
} from './resources.js';
import type {
  AutoScalingGroupRecord,
  ChangeRecord,
  ClientTokenRecord,
  EbsSnapshotRecord,
  Ec2InstanceRecord,
  HealthCheckRecord,
  HostedZoneRecord,
  ImageRecord,
  LaunchTemplateRecord,
  S3BucketRecord,
} from './resources-compute.js';

/** Current version of the saved-world format. */
export const WORLD_VERSION = 1;

/** RDS resources of one region. */
export interface RdsRegionState {
  instances: Record<string, DbInstanceRecord>;
  clusters: Record<string, DbClusterRecord>;
  snapshots: Record<string, DbSnapshotRecord>;
  clusterSnapshots: Record<string, DbSnapshotRecord>;
}

/** EC2 resources of one region. */
export interface Ec2RegionState {
  instances: Record<string, Ec2InstanceRecord>;
  images: Record<string, ImageRecord>;
  snapshots: Record<string, EbsSnapshotRecord>;
  launchTemplates: Record<string, LaunchTemplateRecord>;
  clientTokens: Record<string, ClientTokenRecord>;
}

/** The application's footprint in one region: what its endpoint needs to be healthy. */
export interface ApplicationSite {
  /** Host name of the regional endpoint (health checks and DNS records point at it). */
  endpoint: string;
  /** Auto Scaling group whose InService instances serve it. */
  autoScalingGroup?: string;
  /** Or: running EC2 instances carrying this tag serve it. */
  instanceTag?: { key: string; value: string };
}

/** An application: its regional sites and the database nodes that hold its data. */
export interface ApplicationRecord {
  name: string;
  sites: Record<string, ApplicationSite>;
  /** Node keys (see `nodeKey`) of every database that holds or held the application's data. */
  databases: string[];
  /**
   * Production load: the in-service capacity (instances) that carries all of production's traffic. An endpoint
   * is healthy only while its capacity in service covers its share of it (see `application-health.ts`).
   * `Sandbox.defineApplication` sets it, when not given, to what the sites taking traffic then carry together (the
   * sum of an active/active pair's fleets, a failover primary's fleet: `defaultProductionCapacity`); 0 or absent:
   * only the "≥ 1 instance in service" rule.
   */
  productionCapacity?: number;
}

/** An STS session minted by AssumeRole. */
export interface StsSessionRecord {
  accountId: string;
  arn: string;
  userId: string;
  expiresAt: number;
}

/** The whole simulated world. */
export interface World {
  version: typeof WORLD_VERSION;
  random: RandomState;
  /**
   * One stream per latency key (created on first use from the world's seed and the key), so the n-th promotion of a
   * world takes the same time whatever else was called before it.
   */
  latencyStreams?: Record<string, RandomState>;
  /** The account that owns every resource (the sandbox models one resource account). */
  accountId: string;
  /** Accounts AssumeRole may enter (for client factories that assume a role per plan side). */
  accounts: string[];
  regions: string[];
  createdAt: number;
  latencies: LatencyOverrides;
  /** Whether AWS's published token buckets throttle calls. */
  rateLimits: boolean;
  /** Counter per id prefix, so ids are deterministic. */
  counters: Record<string, number>;
  rds: Record<string, RdsRegionState>;
  globalClusters: Record<string, GlobalClusterRecord>;
  ec2: Record<string, Ec2RegionState>;
  autoScaling: Record<string, Record<string, AutoScalingGroupRecord>>;
  route53: {
    zones: Record<string, HostedZoneRecord>;
    changes: Record<string, ChangeRecord>;
    healthChecks: Record<string, HealthCheckRecord>;
  };
  s3: { buckets: Record<string, S3BucketRecord> };
  sts: { sessions: Record<string, StsSessionRecord> };
  /** Principals whose identity policies IAM enforces (absent or not listed: allowed everything). */
  iam?: { principals: Record<string, IamPrincipalRecord> };
  applications: Record<string, ApplicationRecord>;
  /** Every write a database acknowledged, per application (the ground truth of RPO). */
  acknowledgedWrites: Record<string, WriteRecord[]>;
  /** Backups the world takes on its own as time passes (backup-schedules.ts); absent: none. */
  backupSchedules?: BackupSchedule[];
  faults: FaultState;
  rateBuckets: Record<string, TokenBucketState>;
  callLog: CallLogEntry[];
}

/** Options of {@link createWorld}. */
export interface CreateWorldOptions {
  now: number;
  seed: number;
  regions: string[];
  accountId: string;
  latencies: LatencyOverrides;
  rateLimits: boolean;
}

/** An empty world at time `now`. */
export function createWorld(options: CreateWorldOptions): World {
  const world: World = {
    version: WORLD_VERSION,
    random: createRandomState(options.seed),
    accountId: options.accountId,
    accounts: [options.accountId],
    regions: [...options.regions],
    createdAt: options.now,
    latencies: { ...options.latencies },
    rateLimits: options.rateLimits,
    counters: {},
    rds: {},
    globalClusters: {},
    ec2: {},
    autoScaling: {},
    route53: { zones: {}, changes: {}, healthChecks: {} },
    s3: { buckets: {} },
    sts: { sessions: {} },
    applications: {},
    acknowledgedWrites: {},
    faults: { outages: [], throttles: [], transientErrors: [], neverFinish: [] },
    rateBuckets: {},
    callLog: [],
  };
  for (const region of options.regions) {
    world.rds[region] = { instances: {}, clusters: {}, snapshots: {}, clusterSnapshots: {} };
    world.ec2[region] = { instances: {}, images: {}, snapshots: {}, launchTemplates: {}, clientTokens: {} };
    world.autoScaling[region] = {};
  }
  return world;
}

/** A new deterministic id such as `i-0000000000000001a` (prefix + 17 hex digits for EC2 style). */
export function nextId(world: World, prefix: string, digits = 17): string {
  const n = (world.counters[prefix] ?? 0) + 1;
  world.counters[prefix] = n;
  return `${prefix}-${n.toString(16).padStart(digits, '0')}`;
}
