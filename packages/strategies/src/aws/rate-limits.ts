import { type AwsService, operationName } from './aws-service.js';

/** One token bucket: `capacity` requests at once (the burst), refilled at `refillPerSecond`. */
export interface TokenBucketSpec {
  capacity: number;
  refillPerSecond: number;
}

/** A bucket a call draws from, with how many tokens it takes. */
export interface RateBucketDraw {
  /** Stable name, unique within a service: `ec2:describe`, `rds:all`. Overrides use it. */
  bucket: string;
  spec: TokenBucketSpec;
  cost: number;
}

/*
 * AWS's published defaults. Source for each figure: /work/shared/aws-facts.md, "API rate limits", which cites the
 * EC2 API Reference ("Request throttling"), the RDS User Guide ("Quotas"), and the Route 53 Developer Guide
 * ("Quotas"). Accounts can have higher limits: override them per bucket in the RateLimiter options.
 */

/** EC2 non-mutating actions (Describe*): burst 100, 20/s (aws-facts.md: EC2 Describe* 100 / 20). */
export const EC2_DESCRIBE: TokenBucketSpec = { capacity: 100, refillPerSecond: 20 };
/** EC2 unfiltered, unpaginated describes: burst 50, 10/s (aws-facts.md: unfiltered describes 50 / 10). */
export const EC2_UNFILTERED_DESCRIBE: TokenBucketSpec = { capacity: 50, refillPerSecond: 10 };
/** EC2 mutating actions by default: burst 50, 5/s (aws-facts.md: mutating default 50 / 5). */
export const EC2_MUTATING: TokenBucketSpec = { capacity: 50, refillPerSecond: 5 };
/** RunInstances and StartInstances requests: burst 5, 2/s (aws-facts.md: RunInstances and StartInstances 5 / 2). */
export const EC2_RUN_START_REQUESTS: TokenBucketSpec = { capacity: 5, refillPerSecond: 2 };
/** Instances launched or started: 1000, 2/s (aws-facts.md: plus 1000 instances / 2 instances per second). */
export const EC2_RUN_START_INSTANCES: TokenBucketSpec = { capacity: 1000, refillPerSecond: 2 };
/** CopyImage: burst 100, 1/s (aws-facts.md: CopyImage 100 / 1). */
export const EC2_COPY_IMAGE: TokenBucketSpec = { capacity: 100, refillPerSecond: 1 };
/** CreateTags: burst 100, 10/s (aws-facts.md: CreateTags 100 / 10). */
export const EC2_CREATE_TAGS: TokenBucketSpec = { capacity: 100, refillPerSecond: 10 };
/** RDS and Aurora, every call: burst 300, 12/s per account and region (aws-facts.md: RDS 300 / 12). */
export const RDS_ALL: TokenBucketSpec = { capacity: 300, refillPerSecond: 12 };
/** Route 53, every call, per account (global): burst 50, 10/s (aws-facts.md: Route 53 50 / 10 since July 2026). */
export const ROUTE53_ALL: TokenBucketSpec = { capacity: 50, refillPerSecond: 10 };
/** GetHealthCheckStatus: burst 4, 1/s (aws-facts.md: GetHealthCheckStatus 4 / 1). */
export const ROUTE53_HEALTH_CHECK_STATUS: TokenBucketSpec = { capacity: 4, refillPerSecond: 1 };
/** CreateHealthCheck: burst 50, 0.5/s (aws-facts.md: CreateHealthCheck 50 / 0.5). */
export const ROUTE53_CREATE_HEALTH_CHECK: TokenBucketSpec = { capacity: 50, refillPerSecond: 0.5 };
/**
 * Auto Scaling publishes no API rate figure (aws-facts.md, and the Auto Scaling User Guide only says requests are
 * throttled). A conservative guess: burst 20, 2/s for every call, which a DR run (a few UpdateAutoScalingGroup
 * calls and a describe every few seconds per group) stays well inside. Raise it via overrides if measured higher.
 */
export const AUTO_SCALING_ALL: TokenBucketSpec = { capacity: 20, refillPerSecond: 2 };
/**
 * CloudWatch GetMetricData: 50 requests per second per account and region (CloudWatch User Guide, "CloudWatch
 * service quotas"; not in aws-facts.md). No burst is published: one second's worth.
 */
export const CLOUDWATCH_GET_METRIC_DATA: TokenBucketSpec = { capacity: 50, refillPerSecond: 50 };
/** CloudWatch GetMetricStatistics: 400 requests per second per account and region (same source). */
export const CLOUDWATCH_GET_METRIC_STATISTICS: TokenBucketSpec = { capacity: 400, refillPerSecond: 400 };
// S3: 3,500 writes and 5,500 reads per second per prefix (S3 User Guide, "Performance") — effectively unlimited
// for a DR run's few control calls, so S3 calls draw from no bucket.

const EC2_UNFILTERED_CANDIDATES = new Set([
  'DescribeInstances',
  'DescribeSnapshots',
  'DescribeImages',
  'DescribeVolumes',
  'DescribeInstanceStatus',
  'DescribeLaunchTemplates',
  'DescribeLaunchTemplateVersions',
  'DescribeTags',
  'DescribeSecurityGroups',
  'DescribeSubnets',
]);

/** True for a describe with no filter, no ids and no page size: AWS throttles those harder. */
export function isUnfilteredDescribe(operation: string, input: object | undefined): boolean {
  if (!EC2_UNFILTERED_CANDIDATES.has(operation)) return false;
  if (input === undefined) return true;
  return !Object.entries(input).some(([key, value]) => {
    if (value === undefined) return false;
    if (Array.isArray(value) && value.length === 0) return false;
    return key === 'Filters' || key === 'MaxResults' || key === 'NextToken' || key.endsWith('Ids') || key === 'Owners';
  });
}

function instanceCount(operation: string, input: object | undefined): number {
  const i = (input ?? {}) as { MaxCount?: unknown; InstanceIds?: unknown };
  if (operation === 'RunInstances') return typeof i.MaxCount === 'number' ? i.MaxCount : 1;
  return Array.isArray(i.InstanceIds) ? i.InstanceIds.length : 1;
}

function ec2Draws(operation: string, input: object | undefined): RateBucketDraw[] {
  if (operation === 'RunInstances' || operation === 'StartInstances') {
    const bucket = operation === 'RunInstances' ? 'ec2:run-instances' : 'ec2:start-instances';
    return [
      { bucket, spec: EC2_RUN_START_REQUESTS, cost: 1 },
      { bucket: `${bucket}:resources`, spec: EC2_RUN_START_INSTANCES, cost: instanceCount(operation, input) },
    ];
  }
  if (operation === 'CopyImage') return [{ bucket: 'ec2:copy-image', spec: EC2_COPY_IMAGE, cost: 1 }];
  if (operation === 'CreateTags') return [{ bucket: 'ec2:create-tags', spec: EC2_CREATE_TAGS, cost: 1 }];
  if (/^(Describe|Get|List|Search)/.test(operation)) {
    return isUnfilteredDescribe(operation, input)
      ? [{ bucket: 'ec2:unfiltered-describe', spec: EC2_UNFILTERED_DESCRIBE, cost: 1 }]
      : [{ bucket: 'ec2:describe', spec: EC2_DESCRIBE, cost: 1 }];
  }
  return [{ bucket: 'ec2:mutating', spec: EC2_MUTATING, cost: 1 }];
}

function route53Draws(operation: string): RateBucketDraw[] {
  const draws: RateBucketDraw[] = [{ bucket: 'route53:all', spec: ROUTE53_ALL, cost: 1 }];
  if (operation === 'GetHealthCheckStatus') {
    draws.push({ bucket: 'route53:get-health-check-status', spec: ROUTE53_HEALTH_CHECK_STATUS, cost: 1 });
  }
  if (operation === 'CreateHealthCheck') {
    draws.push({ bucket: 'route53:create-health-check', spec: ROUTE53_CREATE_HEALTH_CHECK, cost: 1 });
  }
  return draws;
}

/**
 * The buckets a call draws from under AWS's published defaults; `[]` for calls AWS does not meaningfully limit.
 *
 * @example
 * rateBucketsFor('ec2', 'RunInstancesCommand', { MaxCount: 3 })
 * // [{ bucket: 'ec2:run-instances', cost: 1, … }, { bucket: 'ec2:run-instances:resources', cost: 3, … }]
 */
export function rateBucketsFor(service: AwsService | 'sts', command: string, input?: object): RateBucketDraw[] {
  const operation = operationName(command);
  switch (service) {
    case 'ec2':
      return ec2Draws(operation, input);
    case 'rds':
      return [{ bucket: 'rds:all', spec: RDS_ALL, cost: 1 }];
    case 'route53':
      return route53Draws(operation);
    case 'autoScaling':
      return [{ bucket: 'autoScaling:all', spec: AUTO_SCALING_ALL, cost: 1 }];
    case 'cloudWatch':
      if (operation === 'GetMetricData') return [{ bucket: 'cloudWatch:get-metric-data', spec: CLOUDWATCH_GET_METRIC_DATA, cost: 1 }];
      if (operation === 'GetMetricStatistics') return [{ bucket: 'cloudWatch:get-metric-statistics', spec: CLOUDWATCH_GET_METRIC_STATISTICS, cost: 1 }];
      return [];
    default:
      return [];
  }
}
