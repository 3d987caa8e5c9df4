/**
 * The AWS services Firedrill talks to, by the short names used in rate limits, call records, IAM actions
 * and error messages.
 */
export type AwsService = 'rds' | 'ec2' | 'autoScaling' | 'route53' | 's3' | 'cloudWatch' | 'iam';

/** Every {@link AwsService}, in a stable order. */
export const AWS_SERVICES: readonly AwsService[] = ['rds', 'ec2', 'autoScaling', 'route53', 's3', 'cloudWatch', 'iam'];

/**
 * Route 53's control plane is global and lives in us-east-1: its client always targets that region, and its
 * rate limits are per account, not per region.
 */
export const ROUTE53_CONTROL_PLANE_REGION = 'us-east-1';

/** IAM is global too: its one endpoint signs for us-east-1 (IAM User Guide, "IAM endpoints"). */
export const IAM_SIGNING_REGION = 'us-east-1';

/** Maps an SDK `clientName` (`"RDSClient"`) to an {@link AwsService}; `undefined` for other clients. */
export function serviceFromClientName(clientName: string | undefined): AwsService | undefined {
  switch (clientName) {
    case 'RDSClient':
      return 'rds';
    case 'EC2Client':
      return 'ec2';
    case 'AutoScalingClient':
      return 'autoScaling';
    case 'Route53Client':
      return 'route53';
    case 'S3Client':
      return 's3';
    case 'CloudWatchClient':
      return 'cloudWatch';
    case 'IAMClient':
      return 'iam';
    default:
      return undefined;
  }
}

/** Strips the SDK's `Command` suffix: `"PromoteReadReplicaCommand"` → `"PromoteReadReplica"`. */
export function operationName(command: string): string {
  return command.endsWith('Command') ? command.slice(0, -'Command'.length) : command;
}
