/**
 * The records the simulated services keep in the world. Every field is JSON: times are epoch ms,
 * changing values are {@link Timeline}s evaluated at the clock's current time.
 */
import type { Timeline } from './timeline.js';

/** AWS tags as the SDK shapes them. */
export interface TagRecord {
  Key: string;
  Value: string;
}

/** A write acknowledged by a database (a heartbeat or any record written through the data plane). */
export interface WriteRecord {
  /** Unique id of the write in the world (copies on replicas keep it). */
  id: number;
  seq: number;
  /** The writer's own timestamp (epoch ms). */
  at: number;
  /** When the database acknowledged it (epoch ms). */
  ackedAt: number;
  /** The node that acknowledged it. */
  node: string;
  data?: unknown;
}

/** A replication link: this node receives `source`'s writes after `lagMs`. */
export interface ReplicationLink {
  /** Node key of the source, e.g. `rds:us-east-1:instance:orders-db`. */
  source: string;
  /** Lag over time; a fault can raise it. */
  lagMs: Timeline<number>;
}

/** What every database node (RDS instance or Aurora cluster) shares for the data plane. */
export interface DatabaseNode {
  /** `'writer'` accepts writes when available; `'replica'` receives them. */
  role: Timeline<'writer' | 'replica'>;
  /** Replication from a source; `null` when standalone. */
  replication: Timeline<ReplicationLink | null>;
  /** Fenced writers refuse writes (the data-plane guardrail of a graceful failover). */
  fenced: Timeline<boolean>;
  /** Writes this node holds of its own (acknowledged here, or inherited at promotion / restore). */
  writes: WriteRecord[];
}

/** An RDS DB instance (also the instances of an Aurora cluster). */
export interface DbInstanceRecord extends DatabaseNode {
  id: string;
  region: string;
  arn: string;
  engine: string;
  engineVersion: string;
  instanceClass: Timeline<string>;
  /** A class change waiting for the maintenance window (ApplyImmediately: false). */
  pendingInstanceClass?: string;
  multiAz: boolean;
  allocatedStorage: number;
  /** `StorageType` (gp2, gp3, io1, io2, standard) as created or restored; absent when never given. */
  storageType?: string;
  /** Provisioned IOPS, as created or restored (a restore without `Iops` takes the backup's). */
  iops?: number;
  backupRetentionPeriod: number;
  /** RDS refuses to delete it until this is turned off (ModifyDBInstance DeletionProtection: false). */
  deletionProtection?: boolean;
  dbName?: string;
  masterUsername: string;
  port: number;
  availabilityZone: string;
  status: Timeline<string>;
  createdAt: number;
  tags: TagRecord[];
  clusterId?: string;
  /** ARN of the source when this is (or was created as) a read replica. */
  sourceArn?: string;
  /** Snapshot this instance was restored from. */
  restoredFrom?: string;
  /**
   * Where it runs: its DB subnet group (its VPC) and VPC security groups, as created or restored. Absent: RDS's
   * defaults (the `default` subnet group of the default VPC, its default security group).
   */
  network?: { subnetGroup: string; securityGroups: string[] };
  /** ARN of the KMS key its storage is encrypted with; absent: unencrypted (so are worlds saved before encryption was modelled). */
  kmsKeyId?: string;
}

/** A member instance of an Aurora cluster. */
export interface ClusterMemberRecord {
  instanceId: string;
  /** Writer over time (in-region failover swaps it). */
  isWriter: Timeline<boolean>;
}

/** An Aurora DB cluster. Its data-plane node is the cluster (the writer instance serves it). */
export interface DbClusterRecord extends DatabaseNode {
  id: string;
  region: string;
  arn: string;
  engine: string;
  engineVersion: string;
  status: Timeline<string>;
  members: ClusterMemberRecord[];
  globalClusterId?: string;
  backupRetentionPeriod: number;
  /** RDS refuses to delete it until this is turned off. */
  deletionProtection?: boolean;
  port: number;
  masterUsername: string;
  dbName?: string;
  createdAt: number;
  tags: TagRecord[];
  restoredFrom?: string;
  /** ARN of the KMS key its storage is encrypted with; absent: unencrypted (so are worlds saved before encryption was modelled). */
  kmsKeyId?: string;
}

/** An Aurora global database. */
export interface GlobalClusterRecord {
  id: string;
  arn: string;
  engine: string;
  engineVersion: string;
  status: Timeline<string>;
  /** ARNs of member clusters; which one writes is read from their `role` timelines. */
  memberArns: string[];
  createdAt: number;
  /** The last failover or switchover (shown as FailoverState while it runs). */
  failover?: { from: string; to: string; allowDataLoss: boolean };
}

/** An RDS DB snapshot or DB cluster snapshot. */
export interface DbSnapshotRecord {
  id: string;
  region: string;
  arn: string;
  kind: 'instance' | 'cluster';
  /** Instance or cluster identifier it was taken from (in `sourceDbRegion`). */
  sourceDbId: string;
  sourceDbRegion: string;
  /** Node key of the database whose data it holds (for the data plane). */
  sourceNode?: string;
  engine: string;
  engineVersion: string;
  allocatedStorage: number;
  snapshotType: 'manual' | 'automated';
  status: Timeline<string>;
  /** SnapshotCreateTime: the moment the data was captured. */
  createdAt: number;
  /** Writes captured in the snapshot. */
  writes: WriteRecord[];
  /**
   * BackupRetentionPeriod of the database it was taken from (copies keep it): a restore that does not set one
   * inherits it (RDS User Guide, "Backup retention period"). Absent in worlds saved before it was recorded.
   */
  backupRetentionPeriod?: number;
  /**
   * What a restore takes from the backup (RestoreDBInstanceFromDBSnapshot API reference: the master user name and
   * the database name cannot be changed by it; `Port` defaults to the original's; without `Iops` "the IOPS value
   * is taken from the backup"). Absent in worlds saved before they were recorded.
   */
  masterUsername?: string;
  dbName?: string;
  port?: number;
  storageType?: string;
  iops?: number;
  /** For copies: ARN of the snapshot it was copied from, and when the copy started. */
  sourceSnapshotArn?: string;
  copiedAt?: number;
  sourceRegion?: string;
  tags: TagRecord[];
  /** ARN of the KMS key it is encrypted with (its database's, or the one it was copied with); absent: unencrypted. */
  kmsKeyId?: string;
}
