import { type AwsService, operationName } from './aws-service.js';

const IAM_PREFIX: Record<AwsService | 'sts', string> = {
  rds: 'rds',
  ec2: 'ec2',
  autoScaling: 'autoscaling',
  route53: 'route53',
  s3: 's3',
  cloudWatch: 'cloudwatch',
  iam: 'iam',
  sts: 'sts',
};

/**
 * S3 is the one service whose IAM action names differ from its API operation names
 * (S3 User Guide, "Actions, resources, and condition keys for Amazon S3").
 */
const S3_IAM_ACTION: Record<string, string> = {
  HeadObject: 'GetObject',
  GetObjectAttributes: 'GetObjectAttributes',
  ListObjectsV2: 'ListBucket',
  ListObjectVersions: 'ListBucketVersions',
  HeadBucket: 'ListBucket',
  GetBucketReplication: 'GetReplicationConfiguration',
  PutBucketReplication: 'PutReplicationConfiguration',
  DeleteObjects: 'DeleteObject',
};

/**
 * The IAM action a call needs, as written in a policy: `iamActionFor('rds', 'PromoteReadReplica')` →
 * `"rds:PromoteReadReplica"`. Used in error messages and by `firedrill iam-policy`.
 *
 * @example
 * iamActionFor('s3', 'HeadObjectCommand') // "s3:GetObject"
 */
export function iamActionFor(service: AwsService | 'sts', command: string): string {
  const operation = operationName(command);
  const action = service === 's3' ? (S3_IAM_ACTION[operation] ?? operation) : operation;
  return `${IAM_PREFIX[service]}:${action}`;
}
