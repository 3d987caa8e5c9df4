/**
 * IAM's check on every call, before the service acts: the action the call needs, decided for the caller's principal
 * (`iam-policies.ts`). A refused call fails as the service refuses it on AWS — EC2 with `UnauthorizedOperation`,
 * the others with `AccessDenied` — with HTTP 403 and nothing changed.
 */
import { AwsApiError, type ServiceName } from './errors.js';
import { decide, principalOfCaller } from './iam-policies.js';
import type { World } from './world.js';

/** S3's IAM actions that differ from its operation names (S3 User Guide, "Actions … for Amazon S3"). */
const S3_ACTION: Record<string, string> = {
  HeadBucket: 'ListBucket',
  ListObjectsV2: 'ListBucket',
  ListObjectVersions: 'ListBucketVersions',
  HeadObject: 'GetObject',
  GetBucketReplication: 'GetReplicationConfiguration',
  PutBucketReplication: 'PutReplicationConfiguration',
  DeleteObjects: 'DeleteObject',
};

/** The IAM action a sandbox call needs: `rds:PromoteReadReplica`, `s3:ListBucket` for HeadBucket. */
export function iamActionOf(service: ServiceName, command: string): string {
  return `${service}:${service === 's3' ? (S3_ACTION[command] ?? command) : command}`;
}

/**
 * Throws the service's authorization error when the caller may not make the call. STS is not checked: no
 * permission is needed to call GetCallerIdentity, and AssumeRole is governed by the role's trust policy, which
 * the sandbox does not model.
 */
export function authorizeCall(world: World, service: ServiceName, command: string, callerArn: string): void {
  if (service === 'sts' || world.iam === undefined) return;
  const action = iamActionOf(service, command);
  const { decision } = decide(world, principalOfCaller(world, callerArn), action);
  if (decision === 'allowed') return;
  const why = decision === 'explicitDeny' ? `with an explicit deny in an identity-based policy` : `because no identity-based policy allows the ${action} action`;
  const message = `User: ${callerArn} is not authorized to perform: ${action} ${why}`;
  throw service === 'ec2' ? new AwsApiError('UnauthorizedOperation', `You are not authorized to perform this operation. ${message}`, 403) : new AwsApiError('AccessDenied', message, 403);
}
