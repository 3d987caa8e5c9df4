import { DescribeDBInstancesCommand } from '@aws-sdk/client-rds';
import { GetChangeCommand } from '@aws-sdk/client-route-53';
import { describe, expect, it } from 'vitest';
import { AwsClientPool, createAwsClients } from '../src/aws/client-factory.js';
import { type InterceptedCall, interceptorPlugin } from './aws-interceptor.js';

const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' };

describe('createAwsClients', () => {
  it('creates clients lazily, once, in the requested region; Route 53 always in us-east-1', async () => {
    const aws = createAwsClients({ region: 'us-west-2', credentials });
    expect(aws.rds).toBe(aws.rds);
    expect(await aws.rds.config.region()).toBe('us-west-2');
    expect(await aws.ec2.config.region()).toBe('us-west-2');
    expect(await aws.route53.config.region()).toBe('us-east-1');
  });

  it('turns off SDK retries by default (Firedrill retries on its own clock)', async () => {
    const aws = createAwsClients({ region: 'eu-west-1', credentials });
    expect(await aws.rds.config.maxAttempts()).toBe(1);
    expect(await createAwsClients({ region: 'eu-west-1', credentials, maxAttempts: 3 }).rds.config.maxAttempts()).toBe(3);
  });

  it('overrides endpoints per service and uses path-style S3 with a custom endpoint', async () => {
    const aws = createAwsClients({ region: 'us-east-1', credentials, endpoints: { s3: 'http://localhost:4566', rds: 'http://localhost:4566' } });
    expect(aws.s3.config.forcePathStyle).toBe(true);
    const endpoint = await aws.rds.config.endpoint?.();
    expect(endpoint?.hostname).toBe('localhost');
    expect(endpoint?.port).toBe(4566);
  });

  it('applies every plugin to every client, with the client service and region', async () => {
    const log: InterceptedCall[] = [];
    const aws = createAwsClients({ region: 'us-west-2', credentials, plugins: [interceptorPlugin(() => ({ DBInstances: [] }), log)] });
    await aws.rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'db-1' }));
    await aws.route53.send(new GetChangeCommand({ Id: 'C1' }));
    expect(log.map((c) => [c.service, c.region, c.command])).toEqual([
      ['rds', 'us-west-2', 'DescribeDBInstances'],
      ['route53', 'us-east-1', 'GetChange'],
    ]);
  });

  it('rejects a malformed region at once', () => {
    expect(() => createAwsClients({ region: 'uswest2' })).toThrow(/region: expected an AWS region/);
  });
});

describe('AwsClientPool', () => {
  it('caches per (role, region) and shares one Route 53 client per role', () => {
    const pool = new AwsClientPool({ credentials });
    const role = { roleArn: 'arn:aws:iam::222222222222:role/firedrill' };
    expect(pool.clients('us-west-2')).toBe(pool.clients('us-west-2'));
    expect(pool.clients('us-west-2', role)).not.toBe(pool.clients('us-west-2'));
    expect(pool.clients('us-west-2', role).rds).not.toBe(pool.clients('us-east-1', role).rds);
    expect(pool.clients('us-west-2', role).route53).toBe(pool.clients('eu-west-1', role).route53);
  });

  it('assumes the role through regional STS with the external id', async () => {
    const log: InterceptedCall[] = [];
    const sts = interceptorPlugin(() => ({
      Credentials: { AccessKeyId: 'ASIAASSUMED', SecretAccessKey: 's', SessionToken: 't', Expiration: new Date('2099-01-01T00:00:00Z') },
    }), log);
    const pool = new AwsClientPool({ credentials, plugins: [(target) => sts(target)] });
    const aws = pool.clients('us-west-2', { roleArn: 'arn:aws:iam::222222222222:role/firedrill', externalId: 'ext-42' });
    const resolved = await aws.rds.config.credentials();
    expect(resolved.accessKeyId).toBe('ASIAASSUMED');
    expect(log).toEqual([
      expect.objectContaining({
        service: 'sts',
        region: 'us-west-2',
        command: 'AssumeRole',
        input: expect.objectContaining({ RoleArn: 'arn:aws:iam::222222222222:role/firedrill', ExternalId: 'ext-42', RoleSessionName: 'firedrill' }),
      }),
    ]);
  });
});
