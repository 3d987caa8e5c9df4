/** EC2, Auto Scaling, Route 53 and S3 records kept in the world. */
import type { TagRecord } from './resources.js';
import type { Timeline } from './timeline.js';

/** An EC2 instance. `state` holds EC2 state names (pending, running, stopping, stopped, …). */
export interface Ec2InstanceRecord {
  id: string;
  region: string;
  imageId: string;
  instanceType: string;
  availabilityZone: string;
  state: Timeline<string>;
  launchedAt: number;
  privateIp: string;
  rootVolumeId: string;
  reservationId: string;
  launchTemplate?: { id: string; name: string; version: string };
  tags: TagRecord[];
}

/** An AMI. */
export interface ImageRecord {
  id: string;
  region: string;
  name: string;
  description?: string;
  state: Timeline<string>;
  createdAt: number;
  snapshotIds: string[];
  sourceImageId?: string;
  sourceRegion?: string;
  tags: TagRecord[];
}

/** An EBS snapshot. */
export interface EbsSnapshotRecord {
  id: string;
  region: string;
  volumeId: string;
  volumeSize: number;
  description?: string;
  state: Timeline<string>;
  startedAt: number;
  completesAt?: number;
  sourceSnapshotId?: string;
  tags: TagRecord[];
}

/** One version of a launch template. */
export interface LaunchTemplateVersionRecord {
  version: number;
  createdAt: number;
  data: { ImageId?: string; InstanceType?: string; TagSpecifications?: { ResourceType?: string; Tags?: TagRecord[] }[] };
}

/** A launch template. */
export interface LaunchTemplateRecord {
  id: string;
  name: string;
  region: string;
  createdAt: number;
  defaultVersion: number;
  versions: LaunchTemplateVersionRecord[];
  tags: TagRecord[];
}

/** What a ClientToken bought: the same token returns the same result and never launches twice. */
export interface ClientTokenRecord {
  fingerprint: string;
  resultIds: string[];
  reservationId?: string;
}

/** An instance in an Auto Scaling group: LifecycleState over time. */
export interface AsgInstanceRecord {
  instanceId: string;
  availabilityZone: string;
  lifecycle: Timeline<string>;
}

/** An Auto Scaling group. */
export interface AutoScalingGroupRecord {
  name: string;
  region: string;
  arn: string;
  minSize: number;
  maxSize: number;
  desiredCapacity: number;
  launchTemplate?: { id: string; name: string; version: string };
  availabilityZones: string[];
  vpcZoneIdentifier?: string;
  healthCheckGracePeriod: number;
  healthCheckType: string;
  createdAt: number;
  /** `'Delete in progress'` while deleting. */
  status?: string;
  deletedAt?: number;
  instances: AsgInstanceRecord[];
  tags: TagRecord[];
  /** Why the last scale-out launched nothing (e.g. the AMI is missing). */
  lastActivityError?: string;
}

/** A Route 53 resource record set, in the SDK's shape. */
export interface RecordSetRecord {
  Name: string;
  Type: string;
  SetIdentifier?: string;
  Weight?: number;
  Failover?: 'PRIMARY' | 'SECONDARY';
  TTL?: number;
  HealthCheckId?: string;
  ResourceRecords?: { Value: string }[];
  AliasTarget?: { HostedZoneId: string; DNSName: string; EvaluateTargetHealth: boolean };
}

/** A Route 53 change batch. */
export interface ChangeRecord {
  id: string;
  zoneId: string;
  submittedAt: number;
  /** When it becomes INSYNC; absent while it never finishes (a fault). */
  inSyncAt?: number;
  comment?: string;
}

/** A Route 53 hosted zone. */
export interface HostedZoneRecord {
  id: string;
  name: string;
  callerReference: string;
  comment?: string;
  privateZone: boolean;
  records: RecordSetRecord[];
  /** The records DNS answers with until the pending change is INSYNC. */
  servedRecords: RecordSetRecord[];
  lastChangeId?: string;
}

/** A Route 53 health check. */
export interface HealthCheckRecord {
  id: string;
  callerReference: string;
  createdAt: number;
  config: {
    Type: string;
    FullyQualifiedDomainName?: string;
    IPAddress?: string;
    Port?: number;
    ResourcePath?: string;
    RequestInterval: number;
    FailureThreshold: number;
  };
  version: number;
}

/** One version of an S3 object. */
export interface S3ObjectVersion {
  versionId: string;
  /** Base64 body; absent for a delete marker. */
  body?: string;
  deleteMarker: boolean;
  etag: string;
  contentType?: string;
  size: number;
  lastModified: number;
  /** When it becomes visible (replicas appear after the replication lag). */
  visibleAt: number;
  replicationStatus?: 'PENDING' | 'COMPLETED' | 'FAILED' | 'REPLICA';
  /** For a source object: when its replica lands. */
  replicatedAt?: number;
  metadata?: Record<string, string>;
}

/** An S3 bucket: one namespace for all regions, each bucket in one region. */
export interface S3BucketRecord {
  name: string;
  region: string;
  createdAt: number;
  versioning?: 'Enabled' | 'Suspended';
  replication?: { Role: string; Rules: unknown[] };
  objects: Record<string, S3ObjectVersion[]>;
}
