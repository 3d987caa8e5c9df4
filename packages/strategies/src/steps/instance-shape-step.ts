/**
 * The shape of a DB instance that a restore is about to replace: Multi-AZ, instance class, subnet group, security
 * groups, storage type (and provisioned IOPS), tag copying. A restore from a snapshot takes none of these from the snapshot (RDS
 * restores Single-AZ, into the default subnet group, with the default class unless told), so a failback that
 * rebuilds the primary reads them from the old primary before it retires it and restores with the same ones.
 */
import type { ActionStep } from '@firedrill/core';
import { describeRawDbInstance } from '../aws/rds-instances.js';
import type { AwsEnvironment, Side } from '../aws-environment.js';
import { previewCall, regionLabel } from './aws-step-options.js';

/** What a restore carries over from the instance it replaces (absent: RDS's default, or the instance did not exist). */
export interface InstanceShape {
  identifier: string;
  /** False when there was no instance to read (already retired by an earlier run, or lost): the restore uses defaults. */
  found: boolean;
  multiAz?: boolean;
  instanceClass?: string;
  subnetGroup?: string;
  securityGroupIds?: string[];
  storageType?: string;
  /** Provisioned IOPS: a restore onto io1 / io2 must name them (RDS refuses the storage type without `Iops`). */
  iops?: number;
  copyTagsToSnapshot?: boolean;
  /** Days of automated backups it kept (0: none). */
  backupRetentionPeriod?: number;
  /** It had deletion protection: what replaces it gets it too (RDS never copies it to a replica or a restore). */
  deletionProtection?: boolean;
}

/** Options of {@link describeInstanceShapeStep}. */
export interface DescribeInstanceShapeOptions {
  id: string;
  aws: AwsEnvironment;
  side: Side;
  identifier: string;
  dependsOn?: readonly string[];
}

/**
 * Reads the shape of `identifier` (DescribeDBInstances) and journals it, so the restore that replaces the instance —
 * after a resume too, when the instance is long gone — rebuilds it as it was. A missing instance is not an error:
 * the result says `found: false` and the restore falls back to the plan's settings.
 *
 * @example
 * describeInstanceShapeStep({ id: 'read-primary-shape', aws, side: 'primary', identifier: 'tracking-db', dependsOn: ['wait-primary-region'] })
 */
export function describeInstanceShapeStep(options: DescribeInstanceShapeOptions): ActionStep<InstanceShape> {
  const { aws, side, identifier } = options;
  const region = aws.region(side);
  return {
    id: options.id,
    kind: 'action',
    title: `Read the topology of ${identifier} in ${regionLabel(aws, side)} (Multi-AZ, class, network, backups) before it is replaced`,
    why: 'A restore from a snapshot comes back Single-AZ with default settings; the database must come back as it was.',
    ...(options.dependsOn ? { dependsOn: options.dependsOn } : {}),
    preview: () => [previewCall('rds', region, 'DescribeDBInstances', { DBInstanceIdentifier: identifier })],
    verifyByHand: `aws rds describe-db-instances --region ${region} --db-instance-identifier ${identifier} --query 'DBInstances[0].[MultiAZ,DBInstanceClass,DBSubnetGroup.DBSubnetGroupName]'`,
    act: async (ctx) => {
      const db = await describeRawDbInstance({ rds: aws.clients(side).rds, identifier, signal: ctx.signal });
      if (db === undefined) {
        ctx.log(`${identifier} does not exist in ${region}: the restore uses the plan's settings and RDS's defaults`);
        return { identifier, found: false };
      }
      const securityGroupIds = (db.VpcSecurityGroups ?? []).map((g) => g.VpcSecurityGroupId).filter((g): g is string => g !== undefined);
      const shape: InstanceShape = {
        identifier, found: true,
        ...(db.MultiAZ !== undefined ? { multiAz: db.MultiAZ } : {}),
        ...(db.DBInstanceClass ? { instanceClass: db.DBInstanceClass } : {}),
        ...(db.DBSubnetGroup?.DBSubnetGroupName ? { subnetGroup: db.DBSubnetGroup.DBSubnetGroupName } : {}),
        ...(securityGroupIds.length ? { securityGroupIds } : {}),
        ...(db.StorageType ? { storageType: db.StorageType } : {}),
        ...(db.Iops !== undefined ? { iops: db.Iops } : {}),
        ...(db.CopyTagsToSnapshot !== undefined ? { copyTagsToSnapshot: db.CopyTagsToSnapshot } : {}),
        ...(db.BackupRetentionPeriod !== undefined ? { backupRetentionPeriod: db.BackupRetentionPeriod } : {}),
        ...(db.DeletionProtection ? { deletionProtection: true } : {}),
      };
      ctx.log(`${identifier}: ${shape.multiAz ? 'Multi-AZ' : 'Single-AZ'}, ${shape.instanceClass ?? 'class unknown'}${shape.subnetGroup ? `, subnet group ${shape.subnetGroup}` : ''}${shape.deletionProtection ? ', deletion protection on' : ''}`);
      return shape;
    },
  };
}
