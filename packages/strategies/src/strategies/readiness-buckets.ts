/**
 * S3 readiness of a plan's `s3-bucket` resources, whatever the strategy: both buckets exist and are versioned (an
 * overwrite or delete can be undone, and replication requires it), and when the plan expects replication the
 * primary bucket has an enabled rule to the recovery bucket. Reads only.
 */
import type { Plan } from '@firedrill/core';
import { classifyAwsError } from '../aws/classify-error.js';
import { getBucketReplicationStatus, getBucketVersioning } from '../aws/s3.js';
import type { AwsEnvironment, Side } from '../aws-environment.js';
import type { Finding } from '../strategy.js';
import { type ResourceOfKind, rolesOfKind } from './plan-roles.js';
import { guardFindings } from './readiness-guard.js';

type BucketResource = ResourceOfKind<'s3-bucket'>;

async function versioningFinding(aws: AwsEnvironment, role: string, side: Side, bucket: string): Promise<Finding> {
  const region = aws.region(side);
  const resource = `s3:${bucket}`;
  const status = await getBucketVersioning({ s3: aws.clients(side).s3, bucket }).catch((error: unknown) => {
    if (classifyAwsError(error).reason === 'not-found') return 'missing' as const;
    throw error;
  });
  if (status === 'missing') {
    return { status: 'fail', check: 'bucket-exists', resource, region, message: `bucket ${bucket} does not exist`, action: `create ${bucket} in ${region} with versioning on, or fix resources.${role}.${side}.bucket` };
  }
  return status === 'Enabled'
    ? { status: 'pass', check: 'bucket-versioning', resource, region, message: `versioning enabled on ${bucket}` }
    : { status: 'fail', check: 'bucket-versioning', resource, region, message: `versioning is ${status} on ${bucket}: an overwrite or delete cannot be undone, and replication needs it`, action: `aws s3api put-bucket-versioning --bucket ${bucket} --versioning-configuration Status=Enabled` };
}

async function replicationFinding(aws: AwsEnvironment, resource: BucketResource): Promise<Finding> {
  const source = resource.primary.bucket;
  const destination = `arn:aws:s3:::${resource.recovery.bucket}`;
  const replication = await getBucketReplicationStatus({ s3: aws.clients('primary').s3, bucket: source });
  const region = aws.region('primary');
  const rule = replication.rules.find((r) => r.destinationBucketArn === destination);
  if (rule?.enabled) return { status: 'pass', check: 'bucket-replication', resource: `s3:${source}`, region, message: `replicates to ${resource.recovery.bucket}${rule.replicationTimeControl ? ' (Replication Time Control on)' : ''}` };
  return {
    status: 'fail', check: 'bucket-replication', resource: `s3:${source}`, region,
    message: rule === undefined ? `no replication rule to ${resource.recovery.bucket}: objects written now are not in ${aws.region('recovery')}` : `the replication rule ${rule.id ?? ''} to ${resource.recovery.bucket} is disabled`,
    action: `${rule === undefined ? 'add' : 'enable'} a replication rule from ${source} to ${destination}`,
  };
}

/**
 * Findings of every `s3-bucket` resource of the plan: each bucket exists and is versioned; replication to the
 * recovery bucket when the plan expects it. A bucket that cannot be read is a `fail` naming it.
 *
 * @example
 * findings.push(...(await bucketFindings(aws, plan)));
 */
export async function bucketFindings(aws: AwsEnvironment, plan: Plan): Promise<Finding[]> {
  const findings: Finding[] = [];
  for (const { role, resource } of rolesOfKind(plan, 's3-bucket')) {
    for (const side of ['primary', 'recovery'] as const) {
      const bucket = resource[side].bucket;
      findings.push(...(await guardFindings({ check: 'bucket-versioning', resource: `s3:${bucket}`, region: aws.region(side) }, async () => [await versioningFinding(aws, role, side, bucket)])));
    }
    if (resource.replication) {
      findings.push(...(await guardFindings({ check: 'bucket-replication', resource: `s3:${resource.primary.bucket}`, region: aws.region('primary') }, async () => [await replicationFinding(aws, resource)])));
    }
  }
  return findings;
}
