import type { CallPreview } from '@firedrill/core';

const CLI_SERVICE: Record<string, string> = { rds: 'rds', ec2: 'ec2', autoScaling: 'autoscaling', 'auto-scaling': 'autoscaling', route53: 'route53', s3: 's3api', sts: 'sts' };

const kebab = (name: string): string => name.replace(/([a-z0-9])([A-Z])/g, '$1-$2').replace(/([A-Z])([A-Z][a-z])/g, '$1-$2').toLowerCase();

/**
 * The AWS CLI v2 command that makes the same call, for the paper runbook: `--cli-input-json` carries the exact
 * input, so what an SRE pastes is what Firedrill would have sent.
 *
 * @example awsCliCommand({ service: 'rds', region: 'us-west-2', command: 'PromoteReadReplica', input: { DBInstanceIdentifier: 'db' } })
 * // "aws rds promote-read-replica --region us-west-2 --cli-input-json '{\"DBInstanceIdentifier\":\"db\"}'"
 */
export function awsCliCommand(call: CallPreview): string {
  const service = CLI_SERVICE[call.service] ?? call.service.toLowerCase();
  const region = call.service === 'route53' ? '' : call.region ? ` --region ${call.region}` : '';
  const input = call.input && Object.keys(call.input).length > 0 ? ` --cli-input-json '${JSON.stringify(call.input).replace(/'/g, "'\\''")}'` : '';
  return `aws ${service} ${kebab(call.command)}${region}${input}`;
}
