/**
 * The resources of a plan, by role: one strict schema per AWS resource kind, discriminated by `kind`.
 * Each says which resource plays the part in the primary region and which in the recovery region.
 */
import { z } from 'zod';
import {
  cronField,
  integerField,
  type IssueParams,
  KMS_KEY_PATTERN,
  patternField,
  retentionDaysField,
  siblingCheck,
  ROLE_EXPECTED,
  ROLE_PATTERN,
  roleField,
  sideField,
  stringMapField,
  textField,
} from './plan-fields.js';

const rdsIdentifier = patternField(
  'an RDS identifier: a letter, then up to 62 letters, digits or "-"',
  /^[a-zA-Z][a-zA-Z0-9-]{0,62}$/,
  'RDS DB instance or cluster identifier.',
);

const backupPolicy = z
  .strictObject({
    retentionDays: retentionDaysField,
    schedule: cronField('When backups are taken (5-field cron, in UTC).').optional(),
  })
  .describe('Backups the readiness check expects for this resource.');

/**
 * The KMS key RDS encrypts an encrypted database's copies with on one side: a cross-region read replica or snapshot
 * copy made into that side's region needs a key of that region (KMS keys work only in their own region). Its region
 * is checked against `regions` by `checkPlanSemantics`.
 */
const kmsKeyId = patternField(
  'a KMS key: a key ARN such as "arn:aws:kms:us-west-2:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab", an alias ARN, a key id, or "alias/<name>"',
  KMS_KEY_PATTERN,
  'KMS key of this side\'s region for the encrypted copies RDS makes there (the failback\'s or re-protection\'s cross-region read replica, a snapshot copied in): its key ARN, alias ARN, key id or alias/<name>. Needed when the database is encrypted.',
);

const rdsPrimary = z
  .strictObject({ identifier: rdsIdentifier, kmsKeyId: kmsKeyId.optional() })
  .describe('The source DB instance in the primary region.');

const rdsRecovery = z
  .strictObject({
    identifier: rdsIdentifier,
    instanceClass: patternField('an instance class such as "db.r6g.large"', /^db\.[a-z0-9-]+\.[a-z0-9]+$/, 'Resize the replica to this class when it is promoted.').optional(),
    kmsKeyId: kmsKeyId.optional(),
  })
  .describe('The cross-region read replica (or the restore target) in the recovery region.');

const rdsInstance = z
  .strictObject({
    kind: z.literal('rds-instance'),
    engine: z
      .enum(['postgres', 'mysql', 'mariadb', 'aurora-postgresql', 'aurora-mysql'])
      .optional()
      .describe('Database engine; lets probes and checks pick the right driver.'),
    multiAz: z
      .boolean({ error: 'true or false' })
      .optional()
      .describe('The primary instance is Multi-AZ (a synchronous standby in another Availability Zone): strategy in-region fails it over to the standby; a plan in one region then needs no recovery.'),
    primary: rdsPrimary,
    recovery: rdsRecovery.optional(),
    backup: backupPolicy.optional(),
  })
  .superRefine(
    siblingCheck('recovery', 'recovery: { identifier } (the cross-region read replica or restore target), or multiAz: true for a Multi-AZ instance failing over inside its region (strategy in-region)', (db) => db.recovery !== undefined || db.multiAz === true, {
      show: () => 'none',
    }),
  )
  .describe('An RDS DB instance with a cross-region read replica, or restored from snapshots; or a Multi-AZ instance failing over inside its region.')
  // A Multi-AZ instance in one region has no recovery copy: the instance is its own (its standby takes over).
  .transform((db) => ({ ...db, recovery: db.recovery ?? { identifier: db.primary.identifier } }));

/** Aurora's engines, as RDS names them (`Engine` of CreateDBCluster and DescribeDBClusters). */
const AURORA_ENGINES = ['aurora-mysql', 'aurora-postgresql'] as const;

const auroraCluster = z
  .strictObject({
    kind: z.literal('aurora-cluster'),
    identifier: rdsIdentifier,
    region: sideField.default('primary').describe('Which of the plan regions the cluster is in.'),
    engine: z
      .enum(AURORA_ENGINES, { error: 'aurora-mysql or aurora-postgresql (an RDS postgres, mysql or mariadb database is an rds-instance resource)' })
      // PostgreSQL is what an aurora-cluster meant before the field existed: plans written then keep their meaning.
      .default('aurora-postgresql')
      .describe('Aurora engine of the cluster: the sandbox builds it with this engine, and checks and probes expect it.'),
    backup: backupPolicy.optional(),
  })
  .describe('An Aurora cluster whose writer fails over to a reader in another Availability Zone (in-region HA).');

const clusterIdentifier = z.strictObject({ clusterIdentifier: rdsIdentifier });
const auroraGlobalCluster = z
  .strictObject({
    kind: z.literal('aurora-global-cluster'),
    globalClusterIdentifier: rdsIdentifier,
    primary: clusterIdentifier.describe('The writer cluster in the primary region.'),
    recovery: clusterIdentifier.describe('The secondary cluster in the recovery region.'),
  })
  .describe('An Aurora global database: failover (ungraceful) or switchover (graceful) moves the writer.');

const capacityExpected = 'a capacity { min, desired, max } with min ≤ desired ≤ max';
const capacity = z
  .strictObject({
    min: integerField(0, 10_000, 'Minimum size.'),
    desired: integerField(0, 10_000, 'Desired capacity.'),
    max: integerField(0, 10_000, 'Maximum size.'),
  })
  .refine((c) => c.min <= c.desired && c.desired <= c.max, { error: capacityExpected })
  .describe('Auto Scaling group size.');

const asgName = patternField('an Auto Scaling group name (1–255 characters, no ":")', /^[^:\s][^:]{0,254}$/, 'Auto Scaling group name.');
const launchTemplateName = patternField(
  'a launch template name: 3–128 letters, digits or ( ) . / _ -',
  /^[a-zA-Z0-9().\/_-]{3,128}$/,
  'EC2 launch template name.',
);

const autoScalingGroup = z
  .strictObject({
    kind: z.literal('auto-scaling-group'),
    primary: z.strictObject({ name: asgName, capacity }),
    recovery: z
      .strictObject({
        name: asgName,
        capacity: capacity.describe('Production capacity the recovery group is scaled to on failover.'),
        standbyCapacity: capacity.optional().describe('Capacity while on standby: 0/0/0 for pilot light, a small fleet for warm standby.'),
        launchTemplate: launchTemplateName.optional(),
      })
      .describe('The recovery-region group.'),
  })
  .describe('An EC2 Auto Scaling group per region.');

const dnsTarget = z.strictObject({
  setIdentifier: textField('Route 53 SetIdentifier of this side\'s record.', 128),
  healthCheckId: textField('Route 53 health check guarding this side.', 64).optional(),
  value: textField('Record value: an IP address, a host name, or an alias target.', 1024).optional(),
});

const route53Record = z
  .strictObject({
    kind: z.literal('route53-record'),
    hostedZoneId: patternField('a hosted zone id such as "Z0123456789ABC"', /^Z[A-Z0-9]{1,32}$/, 'Route 53 hosted zone id.'),
    name: patternField('a DNS name such as "api.example.com"', /^(?=.{1,253}\.?$)(?:\*\.)?(?:[a-zA-Z0-9_](?:[a-zA-Z0-9_-]{0,61}[a-zA-Z0-9])?\.)+[a-zA-Z]{2,63}\.?$/, 'Record name.'),
    type: z.enum(['A', 'AAAA', 'CNAME']).describe('Record type.'),
    routing: z.enum(['failover', 'weighted']).describe('failover: a primary/secondary pair; weighted: traffic shares (multi-site).'),
    primary: dnsTarget.describe('The record set pointing at the primary region.'),
    recovery: dnsTarget.describe('The record set pointing at the recovery region.'),
    weights: z
      .strictObject({ primary: integerField(0, 255, 'Primary weight.'), recovery: integerField(0, 255, 'Recovery weight.') })
      .optional()
      .describe('Weights in normal operation; only with routing: weighted.'),
    ttl: integerField(0, 2_147_483_647, 'TTL in seconds.').optional(),
  })
  .superRefine((record, ctx) => {
    const add = (path: string, message: string, input: unknown, params: IssueParams): void => {
      ctx.addIssue({ code: 'custom', path: [path], message, input, params });
    };
    if (record.routing === 'failover' && record.weights !== undefined) {
      add('weights', 'no weights with routing: failover', record.weights, { hint: 'remove weights, or use routing: weighted' });
    }
    if (record.routing === 'weighted' && record.weights === undefined) {
      add('weights', 'weights { primary, recovery } with routing: weighted', undefined, { hint: 'for example weights: { primary: 100, recovery: 0 }' });
    }
    if (record.weights !== undefined && record.weights.primary === 0 && record.weights.recovery === 0) {
      add('weights', 'at least one weight above 0 (never all weights at 0: Route 53 would then answer every record or none)', record.weights, {
        found: 'primary 0 and recovery 0',
        hint: 'give the side that serves traffic a weight, such as 100',
      });
    }
  })
  .describe('A Route 53 record pair (failover or weighted) that moves users between regions.');

const ec2InstanceId = patternField('an EC2 instance id such as "i-0abc12345def67890"', /^i-[0-9a-f]{8,17}$/, 'EC2 instance id.');
const instanceIds = z.array(ec2InstanceId, { error: 'a list of EC2 instance ids' }).min(1);

const ec2Instances = z
  .strictObject({
    kind: z.literal('ec2-instances'),
    primary: z
      .strictObject({ instanceIds: instanceIds.optional(), tags: stringMapField('Select instances by tags (all must match).').optional() })
      .refine((p) => (p.instanceIds === undefined) !== (p.tags === undefined), {
        error: 'exactly one of instanceIds or tags',
        params: { hint: 'name the instances (instanceIds: [i-…]) or select them by tags (tags: { app: tracking })' } satisfies IssueParams,
      })
      .describe('The production instances, by id or by tags.'),
    recovery: z
      .strictObject({
        amiName: textField('Name of the AMI copied to the recovery region.', 128).optional(),
        launchTemplate: launchTemplateName.optional(),
        instanceType: patternField('an instance type such as "m6i.large"', /^[a-z][a-z0-9-]*\.[a-z0-9]+$/, 'Instance type to launch.').optional(),
        count: integerField(1, 1_000, 'Instances to launch.').optional(),
        instanceIds: instanceIds.optional().describe('Stopped instances that are started on failover (pilot light).'),
      })
      .refine((r) => r.amiName !== undefined || r.launchTemplate !== undefined || r.instanceIds !== undefined, {
        error: 'amiName, launchTemplate or instanceIds (how compute comes up in the recovery region)',
      })
      .describe('How instances come up in the recovery region.'),
    backup: z
      .strictObject({ amiSchedule: cronField('When AMIs are created and copied (5-field cron, UTC).').optional(), retentionDays: retentionDaysField.optional() })
      .optional(),
  })
  .describe('Plain EC2 instances, restored from AMIs or started from a stopped standby.');

const bucketName = patternField(
  'an S3 bucket name: 3–63 lowercase letters, digits, "." or "-", starting and ending with a letter or digit',
  /^(?!xn--)(?!.*\.\.)(?!\d{1,3}(?:\.\d{1,3}){3}$)(?!.*-s3alias$)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/,
  'S3 bucket name.',
);

const s3Bucket = z
  .strictObject({
    kind: z.literal('s3-bucket'),
    primary: z.strictObject({ bucket: bucketName }),
    recovery: z.strictObject({ bucket: bucketName }),
    replication: z.boolean({ error: 'true or false' }).default(true).describe('Whether cross-region replication to the recovery bucket is expected.'),
  })
  .superRefine(
    siblingCheck('recovery', 'a recovery bucket other than the primary bucket (S3 bucket names are global)', (b) => b.primary.bucket !== b.recovery.bucket, {
      show: (recovery) => `"${recovery.bucket}", the primary bucket`,
    }),
  )
  .describe('An S3 bucket replicated to the recovery region.');

const snapshotSchedule = z.strictObject({
  source: roleField.describe('Role (key of `resources`) of the database or instances being backed up.'),
  schedule: cronField('When snapshots are taken (5-field cron, UTC), e.g. "0 */12 * * *" for twice a day.'),
  retentionDays: retentionDaysField,
  copyToRecovery: z.boolean({ error: 'true or false' }).default(true).describe('Copy each snapshot to the recovery region.'),
});

const backups = z
  .strictObject({
    kind: z.literal('backups'),
    snapshots: z.array(snapshotSchedule, { error: 'a list of snapshot schedules' }).min(1),
  })
  .describe('Backup & restore: snapshot schedules and retention, e.g. production twice a day kept 90 days.');

const launchTemplate = z
  .strictObject({
    kind: z.literal('launch-template'),
    primary: z.strictObject({ name: launchTemplateName }),
    recovery: z.strictObject({ name: launchTemplateName }),
  })
  .describe('A launch template per region (its AMI must exist in the recovery region).');

/** Every resource schema, in the order documentation lists them. */
const RESOURCE_SCHEMAS = [rdsInstance, auroraCluster, auroraGlobalCluster, autoScalingGroup, route53Record, ec2Instances, s3Bucket, backups, launchTemplate] as const;

/**
 * The resource kinds a plan can name, in documentation order.
 * @example RESOURCE_KINDS.includes('rds-instance') // true
 */
export const RESOURCE_KINDS = RESOURCE_SCHEMAS.map((schema) => ('in' in schema ? schema.in : schema).shape.kind.value);

/** Kinds whose data can be snapshotted (a valid `backups.snapshots[].source`). */
export const SNAPSHOTTABLE_KINDS: readonly string[] = ['rds-instance', 'aurora-cluster', 'aurora-global-cluster', 'ec2-instances'];

/** Kinds that hold a database (a valid `probes.heartbeat.database`). */
export const DATABASE_KINDS: readonly string[] = ['rds-instance', 'aurora-cluster', 'aurora-global-cluster'];

const resource = z.discriminatedUnion('kind', [...RESOURCE_SCHEMAS]);

/** `resources`: role name → resource. */
export const resourcesSchema = z
  .record(z.string({ error: ROLE_EXPECTED }).regex(ROLE_PATTERN), resource, { error: 'a mapping of role names to resources' })
  .refine((map) => Object.keys(map).length > 0, { error: 'at least one resource' })
  .meta({ description: 'The application\'s resources by role (database, compute, dns, …), each with a kind.', minProperties: 1 });
