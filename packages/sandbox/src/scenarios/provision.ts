/**
 * Provisioning for scenario builders: runs the real service handlers through an "instant" context in
 * which every operation has already completed, so a scenario starts in a steady, ready state at the
 * clock's current time. Replication lags keep their real (sampled) values. Nothing is written to the
 * call log: the log starts with the caller's first command.
 */
import { registerImage } from '../backup-schedules.js';
import { nodeKey } from '../database-nodes.js';
import { instantContext as instantWorldContext, type OperationContext } from '../operation-context.js';
import type { Sandbox } from '../sandbox.js';
import { autoScalingHandlers } from '../services/auto-scaling.js';
import { ec2Handlers } from '../services/ec2.js';
import { rdsHandlers } from '../services/rds.js';
import { route53Handlers } from '../services/route53.js';
import { s3Handlers } from '../services/s3.js';
import type { ServiceName } from '../errors.js';
import { resolveKmsKey, sandboxKmsKeyArn } from '../services/rds-encryption.js';
import { ENGINE_DEFAULTS, type RdsInstanceEngine, type ScenarioLayout } from './layout.js';

const HANDLERS = { rds: rdsHandlers, ec2: ec2Handlers, autoscaling: autoScalingHandlers, route53: route53Handlers, s3: s3Handlers } as const;

/** A context at `at` where operations complete at once (replication lags excepted). */
export function instantContext(sandbox: Sandbox, region: string, at = sandbox.clock.now()): OperationContext {
  return instantWorldContext(sandbox.world, region, at);
}

/** Runs one simulated command instantly and returns its output. */
export async function provision<T = Record<string, unknown>>(
  sandbox: Sandbox,
  service: Exclude<ServiceName, 'sts' | 'cloudwatch' | 'iam'>,
  region: string,
  command: string,
  input: Record<string, unknown>,
  at?: number,
): Promise<T> {
  const handler = HANDLERS[service][command];
  if (!handler) throw new Error(`provision: no handler for ${service} ${command}`);
  return (await handler(instantContext(sandbox, region, at), input)) as T;
}

/** Names of an application's compute in one region. */
export interface ComputeNames {
  region: string;
  imageId: string;
  launchTemplateId: string;
  launchTemplateName: string;
  autoScalingGroupName: string;
}

/** An AMI (available), a launch template using it and an Auto Scaling group whose instances are InService. */
export async function provisionCompute(
  sandbox: Sandbox,
  region: string,
  options: {
    app: string;
    imageId?: string;
    sizes: [min: number, desired: number, max: number];
    /** @default `<app>-asg-<region>` */
    groupName?: string;
    /** @default `<app>-<region>` */
    templateName?: string;
    /** @default `<app>-app` */
    amiName?: string;
    /** @default 'm6i.large' */
    instanceType?: string;
  },
): Promise<ComputeNames> {
  const imageId = options.imageId ?? (await provisionImage(sandbox, region, options.amiName ?? `${options.app}-app`));
  const templateName = options.templateName ?? `${options.app}-${region}`;
  const lt = await provision<{ LaunchTemplate: { LaunchTemplateId: string } }>(sandbox, 'ec2', region, 'CreateLaunchTemplate', {
    LaunchTemplateName: templateName,
    LaunchTemplateData: { ImageId: imageId, InstanceType: options.instanceType ?? 'm6i.large', TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'app', Value: options.app }] }] },
  });
  const [min, desired, max] = options.sizes;
  const groupName = options.groupName ?? `${options.app}-asg-${region}`;
  await provision(sandbox, 'autoscaling', region, 'CreateAutoScalingGroup', {
    AutoScalingGroupName: groupName, MinSize: min, DesiredCapacity: desired, MaxSize: max,
    LaunchTemplate: { LaunchTemplateId: lt.LaunchTemplate.LaunchTemplateId, Version: '$Latest' },
    AvailabilityZones: [`${region}a`, `${region}b`], HealthCheckType: 'ELB', HealthCheckGracePeriod: 120,
    Tags: [{ Key: 'app', Value: options.app }],
  });
  return { region, imageId, launchTemplateId: lt.LaunchTemplate.LaunchTemplateId, launchTemplateName: templateName, autoScalingGroupName: groupName };
}

/** An available AMI in `region`, registered directly (the sandbox has no CreateImage). */
export async function provisionImage(sandbox: Sandbox, region: string, name: string, at = sandbox.clock.now()): Promise<string> {
  return registerImage(sandbox.world, region, name, at);
}

/**
 * An RDS instance (Postgres unless `engine` says otherwise), available, Multi-AZ, with automated backups and, as
 * production databases usually have, deletion protection (`deletionProtection: false` to leave it off).
 */
export async function provisionDatabase(
  sandbox: Sandbox,
  region: string,
  id: string,
  at?: number,
  options: { engine?: RdsInstanceEngine; instanceClass?: string; retentionDays?: number; availabilityZone?: string; deletionProtection?: boolean; kmsKeyId?: string; storage?: { type: string; iops?: number } } = {},
): Promise<{ region: string; identifier: string; arn: string }> {
  const engine = options.engine ?? 'postgres';
  const out = await provision<{ DBInstance: { DBInstanceArn: string } }>(sandbox, 'rds', region, 'CreateDBInstance', {
    ...(options.availabilityZone ? { AvailabilityZone: options.availabilityZone } : {}),
    ...(options.storage ? { StorageType: options.storage.type, ...(options.storage.iops !== undefined ? { Iops: options.storage.iops } : {}) } : {}),
    DBInstanceIdentifier: id, DBInstanceClass: options.instanceClass ?? 'db.r6g.large', Engine: engine, EngineVersion: ENGINE_DEFAULTS[engine].version,
    MasterUsername: 'app', AllocatedStorage: 200, MultiAZ: true, BackupRetentionPeriod: options.retentionDays ?? 7, DBName: 'app', Port: ENGINE_DEFAULTS[engine].port,
    // In the application's network, not RDS's default VPC.
    DBSubnetGroupName: `${id}-subnets`, VpcSecurityGroupIds: [`sg-${id}`],
    DeletionProtection: options.deletionProtection ?? true,
    ...(options.kmsKeyId ? { StorageEncrypted: true, KmsKeyId: options.kmsKeyId } : {}),
  }, at);
  return { region, identifier: id, arn: out.DBInstance.DBInstanceArn };
}

/**
 * The KMS key ARN each side's databases are encrypted with: the layout's (`database.kmsKeyIds`), else a key of the
 * side's region derived from the world's seed; none at all when the layout says `encrypted: false`.
 */
export function scenarioKmsKeys(sandbox: Sandbox, layout: ScenarioLayout, primary: string, recovery: string): { primary?: string; recovery?: string } {
  const d = layout.database ?? {};
  if (d.encrypted === false) return {};
  const key = (side: 'primary' | 'recovery', region: string): string => {
    const named = d.kmsKeyIds?.[side];
    return named === undefined ? sandboxKmsKeyArn(sandbox.world, region) : resolveKmsKey(sandbox.world, named, region);
  };
  return { primary: key('primary', primary), recovery: key('recovery', recovery) };
}

/** The data-plane key of an RDS instance (for `defineApplication`). */
export const instanceNode = (region: string, id: string): string => nodeKey('instance', region, id);
/** The data-plane key of an Aurora cluster. */
export const clusterNode = (region: string, id: string): string => nodeKey('cluster', region, id);
