/**
 * The names and shape of what a scenario builds. Every field is optional: a builder falls back to names derived
 * from the application (`<app>-db`, `<app>-asg-<region>`, …). `layoutFromPlan` (scenario-from-plan.ts) fills it
 * from a plan, so one topology per strategy serves both the ready-made scenarios and any plan an SRE wrote.
 */
import type { AuroraEngine, RdsInstanceEngine } from '../services/rds-engines.js';

export { type AuroraEngine, ENGINE_DEFAULTS, type RdsInstanceEngine } from '../services/rds-engines.js';

/** `[min, desired, max]` of an Auto Scaling group. */
export type Capacity = [min: number, desired: number, max: number];

/** An Auto Scaling group, the launch template it launches from, its size. */
export interface GroupLayout {
  name?: string;
  launchTemplate?: string;
  capacity?: Capacity;
}

/** Backup & restore: one role of plain EC2 instances, backed up as AMIs copied to the recovery region. */
export interface InstanceRoleLayout {
  role: string;
  /** The production instances: every one carries `tags`; with `instanceIds` they have those ids. */
  primary: { tags: Record<string, string>; instanceIds?: string[]; count: number };
  /** The copied AMI (named `<amiName>-<stamp>`) and the launch template failover launches through, if any. */
  recovery: { amiName: string; launchTemplate?: string; instanceType: string };
  /** When the newest AMI was taken (its copy lands in the recovery region 20 minutes later). */
  imageAt: number;
  /** The AMI schedule that goes on as simulated time passes (UTC cron), from `coveredUntil` (the newest's firing or later). */
  amiSchedule?: { cron: string; coveredUntil: number };
  /** Whether failover brings this role up in the recovery region (its launched instances serve the application). */
  restored: boolean;
}

/** The Route 53 side of a scenario. */
export interface DnsLayout {
  /** Adopt this hosted zone id (the sandbox otherwise derives one from the caller reference). */
  hostedZoneId?: string;
  /** @default `<app>.example.com.` */
  zoneName?: string;
  /** @default `app.<zoneName>` */
  recordName?: string;
  /** @default 'CNAME' */
  type?: 'A' | 'AAAA' | 'CNAME';
  /** @default 60 */
  ttl?: number;
  setIdentifiers?: { primary?: string; recovery?: string };
  /** Adopt these health check ids. */
  healthCheckIds?: { primary?: string; recovery?: string };
  /** Weighted routing: normal weights. @default 50/50 */
  weights?: { primary: number; recovery: number };
}

/** A bucket pair, versioned, the primary replicating to the recovery one when `replication`. */
export interface BucketLayout {
  primary: string;
  recovery: string;
  replication: boolean;
}

/** What a scenario builder may take instead of its derived names. */
export interface ScenarioLayout {
  /** Regional endpoint hosts (DNS values, health check targets); IP addresses for A / AAAA records. */
  endpoints?: { primary?: string; recovery?: string };
  database?: {
    engine?: RdsInstanceEngine | AuroraEngine;
    /** The primary instance, or the primary (writer) cluster. */
    primary?: string;
    /** The cross-region replica, or the secondary cluster of a global database. */
    recovery?: string;
    instanceClass?: string;
    /** The primary instance's storage: `StorageType`, with `Iops` for io1 / io2. @default none given (RDS's default) */
    storage?: { type: string; iops?: number };
    /** Automated backup retention (days). @default 7 */
    retentionDays?: number;
    /** Custom DB parameter groups per side (graceful failover and failback fence writers through them). */
    parameterGroups?: { primary?: string; recovery?: string };
    /** Aurora global database identifier. */
    globalCluster?: string;
    /** Aurora: instances of the primary cluster, the writer first. */
    members?: string[];
    /** Backup & restore: when manual snapshots were taken, oldest first (each copied to the recovery region 20 min later). */
    snapshotTimes?: number[];
    /**
     * Backup & restore: the schedule that goes on taking them as simulated time passes (UTC cron), the days its
     * snapshots are kept, and the moment up to which `snapshotTimes` covers its firings.
     * @default every 12 hours from the last of `snapshotTimes`, kept forever
     */
    snapshotSchedule?: { cron: string; retentionDays?: number; coveredUntil: number };
    /** When the primary database was created. */
    createdAt?: number;
    /** The primary instance's Availability Zone (an in-region Multi-AZ instance's home). @default `<region>a` */
    availabilityZone?: string;
    /**
     * Whether the databases are encrypted at rest, as production databases are. @default true
     * With `false` they are unencrypted, and their cross-region copies need no KMS key.
     */
    encrypted?: boolean;
    /**
     * The KMS key each side's databases and snapshot copies are encrypted with (key ARN, alias ARN, key id or alias
     * name of that side's region). @default a key of the region derived from the world's seed (`sandboxKmsKeyArn`)
     */
    kmsKeyIds?: { primary?: string; recovery?: string };
  };
  compute?: {
    primary?: GroupLayout;
    recovery?: GroupLayout;
    /** Name of the application AMI. @default `<app>-app` */
    amiName?: string;
    /** @default 'm6i.large' */
    instanceType?: string;
  };
  /** Backup & restore: roles of plain instances (instead of an Auto Scaling group in the primary region). */
  instances?: InstanceRoleLayout[];
  /** `false`: no DNS at all. */
  dns?: DnsLayout | false;
  /** @default one pair `<app>-data-<region>`, replicated */
  buckets?: BucketLayout[];
}

/** `yyyymmddhh` of a time, for snapshot and AMI names (as the world's own backup schedules name theirs). */
export { backupStamp as stampOf } from '../backup-schedules.js';
