/**
 * AWS's API rate limits as token buckets, refilled on the clock. Figures from aws-facts.md ("API rate
 * limits"), which cites the EC2, RDS and Route 53 quota documentation.
 */
import type { ServiceName } from './errors.js';

/** A bucket's size and refill rate. */
export interface TokenBucketSpec {
  /** Maximum tokens (burst). */
  burst: number;
  /** Tokens added per second. */
  refillPerSecond: number;
}

/** A bucket's saved state. */
export interface TokenBucketState {
  tokens: number;
  /** When `tokens` was last computed (epoch ms). */
  at: number;
}

const EC2_DESCRIBE: TokenBucketSpec = { burst: 100, refillPerSecond: 20 }; // aws-facts: EC2 Describe* 100 / 20
const EC2_MUTATING: TokenBucketSpec = { burst: 50, refillPerSecond: 5 }; // aws-facts: EC2 mutating default 50 / 5
const EC2_RUN: TokenBucketSpec = { burst: 5, refillPerSecond: 2 }; // aws-facts: RunInstances and StartInstances 5 / 2
const EC2_COPY_IMAGE: TokenBucketSpec = { burst: 100, refillPerSecond: 1 }; // aws-facts: CopyImage 100 / 1
const EC2_CREATE_TAGS: TokenBucketSpec = { burst: 100, refillPerSecond: 10 }; // aws-facts: CreateTags 100 / 10
const RDS_ALL: TokenBucketSpec = { burst: 300, refillPerSecond: 12 }; // aws-facts: RDS 300 / 12 across all calls
const ROUTE53_ALL: TokenBucketSpec = { burst: 50, refillPerSecond: 10 }; // aws-facts: Route 53 50 / 10 per account
const ROUTE53_HC_STATUS: TokenBucketSpec = { burst: 4, refillPerSecond: 1 }; // aws-facts: GetHealthCheckStatus 4 / 1
const ROUTE53_CREATE_HC: TokenBucketSpec = { burst: 50, refillPerSecond: 0.5 }; // aws-facts: CreateHealthCheck 50 / 0.5
// Auto Scaling publishes no token-bucket figures; these are a documented-ish choice (similar in size to
// EC2's mutating bucket, a little more generous for Describe*) and are named as such in the README.
const ASG_DESCRIBE: TokenBucketSpec = { burst: 100, refillPerSecond: 20 };
const ASG_MUTATING: TokenBucketSpec = { burst: 40, refillPerSecond: 5 };
// S3 publishes per-prefix request rates: 3,500 PUT/COPY/POST/DELETE and 5,500 GET/HEAD per second.
const S3_WRITE: TokenBucketSpec = { burst: 3_500, refillPerSecond: 3_500 };
const S3_READ: TokenBucketSpec = { burst: 5_500, refillPerSecond: 5_500 };
// CloudWatch publishes TPS quotas per account and region (CloudWatch User Guide, "CloudWatch service quotas", and
// the AWS knowledge-center article on GetMetricData; not in aws-facts.md): GetMetricData 50, GetMetricStatistics
// 400. No burst figure is published: one second's worth.
const CLOUDWATCH_GET_METRIC_DATA: TokenBucketSpec = { burst: 50, refillPerSecond: 50 };
const CLOUDWATCH_GET_METRIC_STATISTICS: TokenBucketSpec = { burst: 400, refillPerSecond: 400 };

/** The error code a service answers a throttled call with, and its HTTP status. */
export const THROTTLING_ERROR: Record<ServiceName, { code: string; status: number }> = {
  ec2: { code: 'RequestLimitExceeded', status: 503 },
  rds: { code: 'ThrottlingException', status: 400 },
  route53: { code: 'Throttling', status: 400 },
  autoscaling: { code: 'Throttling', status: 400 },
  s3: { code: 'SlowDown', status: 503 },
  sts: { code: 'Throttling', status: 400 },
  cloudwatch: { code: 'Throttling', status: 400 },
  iam: { code: 'Throttling', status: 400 },
};

/** Which bucket a call draws from: its key (scope) and size, or `undefined` for unmetered calls (STS). */
export function bucketFor(
  service: ServiceName,
  region: string,
  command: string,
): { key: string; spec: TokenBucketSpec } | undefined {
  switch (service) {
    case 'ec2': {
      const [name, spec] = ec2Bucket(command);
      return { key: `ec2:${region}:${name}`, spec };
    }
    case 'rds':
      return { key: `rds:${region}`, spec: RDS_ALL };
    case 'route53':
      if (command === 'GetHealthCheckStatus') return { key: 'route53:GetHealthCheckStatus', spec: ROUTE53_HC_STATUS };
      if (command === 'CreateHealthCheck') return { key: 'route53:CreateHealthCheck', spec: ROUTE53_CREATE_HC };
      return { key: 'route53', spec: ROUTE53_ALL };
    case 'autoscaling': {
      const describe = command.startsWith('Describe');
      return { key: `autoscaling:${region}:${describe ? 'describe' : 'mutating'}`, spec: describe ? ASG_DESCRIBE : ASG_MUTATING };
    }
    case 's3': {
      const read = /^(Get|Head|List)/.test(command);
      return { key: `s3:${region}:${read ? 'read' : 'write'}`, spec: read ? S3_READ : S3_WRITE };
    }
    case 'cloudwatch':
      return command === 'GetMetricData'
        ? { key: `cloudwatch:${region}:GetMetricData`, spec: CLOUDWATCH_GET_METRIC_DATA }
        : { key: `cloudwatch:${region}:${command}`, spec: CLOUDWATCH_GET_METRIC_STATISTICS };
    case 'sts':
    case 'iam':
      return undefined;
  }
}

function ec2Bucket(command: string): [string, TokenBucketSpec] {
  if (command === 'RunInstances' || command === 'StartInstances') return ['run', EC2_RUN];
  if (command === 'CopyImage') return ['copyImage', EC2_COPY_IMAGE];
  if (command === 'CreateTags') return ['createTags', EC2_CREATE_TAGS];
  if (command.startsWith('Describe')) return ['describe', EC2_DESCRIBE];
  return ['mutating', EC2_MUTATING];
}

/**
 * Takes one token from the bucket at time `now`; `false` when it is empty (the call is throttled).
 * A bucket starts full.
 */
export function takeToken(buckets: Record<string, TokenBucketState>, key: string, spec: TokenBucketSpec, now: number): boolean {
  const state = buckets[key] ?? { tokens: spec.burst, at: now };
  const refilled = Math.min(spec.burst, state.tokens + (Math.max(0, now - state.at) / 1000) * spec.refillPerSecond);
  const ok = refilled >= 1;
  buckets[key] = { tokens: ok ? refilled - 1 : refilled, at: now };
  return ok;
}
