import { DescribeInstancesCommand, EC2Client, EC2ServiceException } from '@aws-sdk/client-ec2';
import { DBInstanceNotFoundFault, InvalidDBInstanceStateFault, RDSServiceException } from '@aws-sdk/client-rds';
import { InvalidChangeBatch, NoSuchHostedZone, PriorRequestNotComplete } from '@aws-sdk/client-route-53';
import { NoSuchBucket, S3ServiceException } from '@aws-sdk/client-s3';
import { StepFailure } from '@firedrill/core';
import { describe, expect, it } from 'vitest';
import { classifyAwsError, isRetryableAwsError, toStepFailure } from '../src/aws/classify-error.js';

const meta = (httpStatusCode?: number) => (httpStatusCode === undefined ? {} : { httpStatusCode });

function rdsError(name: string, status: number, fault: 'client' | 'server' = 'client'): RDSServiceException {
  return new RDSServiceException({ name, $fault: fault, $metadata: meta(status), message: `${name} happened` });
}
function ec2Error(name: string, status: number, fault: 'client' | 'server' = 'client'): EC2ServiceException {
  return new EC2ServiceException({ name, $fault: fault, $metadata: meta(status), message: `${name} happened` });
}
function s3Error(name: string, status: number, fault: 'client' | 'server' = 'client'): S3ServiceException {
  return new S3ServiceException({ name, $fault: fault, $metadata: meta(status), message: `${name} happened` });
}

describe('classifyAwsError on real SDK error shapes', () => {
  const table: Array<[string, unknown, string, string, string]> = [
    ['RDS not found', new DBInstanceNotFoundFault({ message: 'DBInstance x not found', $metadata: meta(404) }), 'permanent', 'DBInstanceNotFoundFault', 'not-found'],
    // As deserialized from the wire, the error also carries the wire code.
    ['RDS not found (wire Code)', Object.assign(new DBInstanceNotFoundFault({ message: 'nf', $metadata: meta(404) }), { Code: 'DBInstanceNotFound' }), 'permanent', 'DBInstanceNotFound', 'not-found'],
    ['RDS invalid state', new InvalidDBInstanceStateFault({ message: 'not available', $metadata: meta(400) }), 'permanent', 'InvalidDBInstanceStateFault', 'invalid-state'],
    ['RDS ThrottlingException', rdsError('ThrottlingException', 400), 'throttling', 'ThrottlingException', 'throttling'],
    ['RDS Throttling (query protocol)', rdsError('Throttling', 400), 'throttling', 'Throttling', 'throttling'],
    ['RDS InternalFailure', rdsError('InternalFailure', 500, 'server'), 'transient', 'InternalFailure', 'server-error'],
    ['RDS AccessDenied', rdsError('AccessDenied', 403), 'permanent', 'AccessDenied', 'access-denied'],
    ['RDS InvalidParameterCombination', rdsError('InvalidParameterCombination', 400), 'permanent', 'InvalidParameterCombination', 'validation'],
    ['EC2 RequestLimitExceeded (503, server fault)', ec2Error('RequestLimitExceeded', 503, 'server'), 'throttling', 'RequestLimitExceeded', 'throttling'],
    ['EC2 UnauthorizedOperation', ec2Error('UnauthorizedOperation', 403), 'permanent', 'UnauthorizedOperation', 'access-denied'],
    ['EC2 AuthFailure', ec2Error('AuthFailure', 401), 'permanent', 'AuthFailure', 'access-denied'],
    ['EC2 InvalidInstanceID.NotFound', ec2Error('InvalidInstanceID.NotFound', 400), 'permanent', 'InvalidInstanceID.NotFound', 'not-found'],
    ['EC2 IncorrectInstanceState', ec2Error('IncorrectInstanceState', 400), 'permanent', 'IncorrectInstanceState', 'invalid-state'],
    ['EC2 Unavailable', ec2Error('Unavailable', 503, 'server'), 'transient', 'Unavailable', 'server-error'],
    ['EC2 MissingParameter', ec2Error('MissingParameter', 400), 'permanent', 'MissingParameter', 'validation'],
    ['Route 53 PriorRequestNotComplete', new PriorRequestNotComplete({ message: 'still processing', $metadata: meta(400) }), 'throttling', 'PriorRequestNotComplete', 'throttling'],
    ['Route 53 NoSuchHostedZone', new NoSuchHostedZone({ message: 'no zone', $metadata: meta(404) }), 'permanent', 'NoSuchHostedZone', 'not-found'],
    ['Route 53 InvalidChangeBatch', new InvalidChangeBatch({ message: 'dup', $metadata: meta(400) }), 'permanent', 'InvalidChangeBatch', 'validation'],
    ['S3 SlowDown', s3Error('SlowDown', 503, 'server'), 'throttling', 'SlowDown', 'throttling'],
    ['S3 NoSuchBucket', new NoSuchBucket({ message: 'no bucket', $metadata: meta(404) }), 'permanent', 'NoSuchBucket', 'not-found'],
    ['S3 AccessDenied', s3Error('AccessDenied', 403), 'permanent', 'AccessDenied', 'access-denied'],
    ['HTTP 429 of any name', rdsError('SomethingNew', 429), 'throttling', 'SomethingNew', 'throttling'],
    ['unknown 4xx', rdsError('SomethingNew', 409), 'permanent', 'SomethingNew', 'client-error'],
    ['unknown 5xx', rdsError('SomethingNew', 502, 'server'), 'transient', 'SomethingNew', 'server-error'],
    ['ECONNREFUSED', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:443'), { code: 'ECONNREFUSED' }), 'transient', 'ECONNREFUSED', 'network'],
    ['socket hang up', Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }), 'transient', 'ECONNRESET', 'network'],
    ['ENOTFOUND', Object.assign(new Error('getaddrinfo ENOTFOUND rds.us-west-2.amazonaws.com'), { code: 'ENOTFOUND' }), 'transient', 'ENOTFOUND', 'network'],
    ['TimeoutError', Object.assign(new Error('Connection timed out after 1000 ms'), { name: 'TimeoutError' }), 'transient', 'TimeoutError', 'timeout'],
    ['a programming error is not retried', new TypeError("Cannot read properties of undefined (reading 'x')"), 'permanent', 'TypeError', 'unknown'],
  ];

  it.each(table)('%s', (_label, error, category, code, reason) => {
    expect(classifyAwsError(error)).toMatchObject({ category, code, reason });
    expect(isRetryableAwsError(error)).toBe(category !== 'permanent');
  });

  it('classifies an error as the SDK actually deserializes it from a response', async () => {
    const ec2 = new EC2Client({
      region: 'us-west-2',
      credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
      maxAttempts: 1,
      requestHandler: {
        handle: async () => ({
          response: {
            statusCode: 503,
            headers: {},
            body: new Blob(['<Response><Errors><Error><Code>RequestLimitExceeded</Code><Message>Request limit exceeded.</Message></Error></Errors><RequestID>r1</RequestID></Response>']).stream(),
          },
        }),
      },
    });
    const error = await ec2.send(new DescribeInstancesCommand({})).catch((e: unknown) => e);
    expect(classifyAwsError(error)).toMatchObject({ category: 'throttling', code: 'RequestLimitExceeded', httpStatus: 503 });
  });
});

describe('toStepFailure', () => {
  it('names the call, the resource and the region, and says what to do', () => {
    const failure = toStepFailure(rdsError('AccessDenied', 403), {
      service: 'rds',
      region: 'us-west-2',
      command: 'PromoteReadReplicaCommand',
      resource: 'tracking-db-replica',
    });
    expect(failure).toBeInstanceOf(StepFailure);
    expect(failure.message).toBe(
      'AccessDenied: rds:PromoteReadReplica on tracking-db-replica in us-west-2 was denied. Add rds:PromoteReadReplica to the role Firedrill runs as (see `firedrill iam-policy`).',
    );
    expect(failure.code).toBe('AccessDenied');
    expect(failure.retryable).toBe(false);
  });

  it('keeps throttling and network errors retryable', () => {
    const site = { service: 'ec2', region: 'eu-west-1', command: 'RunInstances', resource: 'app-launch-template' } as const;
    expect(toStepFailure(ec2Error('RequestLimitExceeded', 503, 'server'), site).retryable).toBe(true);
    const network = toStepFailure(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), site);
    expect(network.retryable).toBe(true);
    expect(network.message).toContain('could not reach the ec2 endpoint in eu-west-1');
  });

  it('uses the S3 IAM action name, not the API name', () => {
    const failure = toStepFailure(s3Error('AccessDenied', 403), { service: 's3', region: 'us-east-1', command: 'GetBucketReplication', resource: 'tracking-bucket' });
    expect(failure.message).toContain('Add s3:GetReplicationConfiguration to the role');
  });
});

describe('no AWS credentials', () => {
  it('the SDK\'s own CredentialsProviderError is a permanent credentials problem, not the network', async () => {
    const { fromNodeProviderChain } = await import('@aws-sdk/credential-providers');
    const { DescribeDBInstancesCommand, RDSClient } = await import('@aws-sdk/client-rds');
    const saved = { ...process.env };
    const nowhere = '/nonexistent/firedrill-no-aws-config';
    // A machine with no credentials anywhere (and no instance metadata to ask): the provider chain gives up.
    for (const key of Object.keys(process.env)) if (key.startsWith('AWS_')) delete process.env[key];
    Object.assign(process.env, { AWS_CONFIG_FILE: nowhere, AWS_SHARED_CREDENTIALS_FILE: nowhere, AWS_EC2_METADATA_DISABLED: 'true' });
    try {
      const rds = new RDSClient({ region: 'us-east-1', credentials: fromNodeProviderChain(), maxAttempts: 1 });
      const error = await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'tracking-db' })).catch((e: unknown) => e);
      expect(classifyAwsError(error)).toMatchObject({ category: 'permanent', reason: 'credentials', code: 'CredentialsProviderError' });
      const failure = toStepFailure(error, { service: 'rds', region: 'us-east-1', command: 'DescribeDBInstances', resource: 'tracking-db' });
      expect(failure.retryable).toBe(false);
      expect(failure.message).toMatch(/^CredentialsProviderError: rds:DescribeDBInstances on tracking-db in us-east-1 was not sent: no AWS credentials that AWS accepts/);
      expect(failure.message).not.toMatch(/network|Health Dashboard/);
    } finally {
      for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
      Object.assign(process.env, saved);
    }
  });

  it('keys AWS refuses (expired, unknown) are credentials problems too', () => {
    expect(classifyAwsError(rdsError('ExpiredToken', 403)).reason).toBe('credentials');
    expect(classifyAwsError(ec2Error('AuthFailure', 401)).category).toBe('permanent');
  });
});

describe('classifyAwsError on a StepFailure', () => {
  it('keeps the code and retryability an adapter already decided', () => {
    expect(classifyAwsError(new StepFailure('x', { code: 'InvalidDBInstanceState', retryable: false }))).toMatchObject({ category: 'permanent', code: 'InvalidDBInstanceState', reason: 'invalid-state' });
    expect(classifyAwsError(new StepFailure('x', { code: 'Throttling', retryable: true }))).toMatchObject({ category: 'throttling' });
  });
});
