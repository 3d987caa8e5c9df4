import { DescribeDBInstancesCommand, RDSServiceException } from '@aws-sdk/client-rds';
import { resolveStepPolicy, retryWithPolicy, VirtualClock } from '@firedrill/core';
import { describe, expect, it } from 'vitest';
import { isRetryableAwsError } from '../src/aws/classify-error.js';
import { createAwsClients } from '../src/aws/client-factory.js';
import { RateLimiter } from '../src/aws/rate-limiter.js';
import { rateBucketsFor } from '../src/aws/rate-limits.js';
import { interceptorPlugin } from './aws-interceptor.js';
import { createRandomState, SeededRandom } from '../../sandbox/src/index.js';

const credentials = { accessKeyId: 'a', secretAccessKey: 'b' };
const rdsCall = { service: 'rds', region: 'us-west-2', command: 'DescribeDBInstances' } as const;

/** Largest number of calls seen in any window, minus what the bucket allows in that window (≤ 0 means within). */
function worstExcess(times: readonly number[], capacity: number, perSecond: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let worst = -Infinity;
  for (let i = 0; i < sorted.length; i++) {
    for (let j = i; j < sorted.length; j++) {
      const allowed = capacity + (perSecond * (sorted[j]! - sorted[i]!)) / 1000;
      worst = Math.max(worst, j - i + 1 - allowed);
    }
  }
  return worst;
}

describe('rateBucketsFor', () => {
  it('maps calls to AWS published buckets', () => {
    expect(rateBucketsFor('rds', 'PromoteReadReplicaCommand').map((d) => d.bucket)).toEqual(['rds:all']);
    expect(rateBucketsFor('ec2', 'DescribeInstances', { InstanceIds: ['i-1'] })[0]?.bucket).toBe('ec2:describe');
    expect(rateBucketsFor('ec2', 'DescribeInstances', {})[0]?.bucket).toBe('ec2:unfiltered-describe');
    expect(rateBucketsFor('ec2', 'StopInstances')[0]?.bucket).toBe('ec2:mutating');
    expect(rateBucketsFor('ec2', 'RunInstances', { MinCount: 3, MaxCount: 3 })).toMatchObject([
      { bucket: 'ec2:run-instances', cost: 1 },
      { bucket: 'ec2:run-instances:resources', cost: 3 },
    ]);
    expect(rateBucketsFor('route53', 'GetHealthCheckStatus').map((d) => d.bucket)).toEqual(['route53:all', 'route53:get-health-check-status']);
    expect(rateBucketsFor('s3', 'HeadObject')).toEqual([]);
  });
});

describe('RateLimiter', () => {
  it('lets the burst through at once, then spaces calls at the refill rate', async () => {
    const clock = new VirtualClock();
    const limiter = new RateLimiter({ clock, overrides: { 'rds:all': { capacity: 3, refillPerSecond: 2 } } });
    const start = clock.now();
    const times: number[] = [];
    await Promise.all(Array.from({ length: 7 }, async () => {
      await limiter.acquire(rdsCall);
      times.push(clock.now() - start);
    }));
    expect(times).toEqual([0, 0, 0, 500, 1000, 1500, 2000]);
    expect(limiter.stats()).toMatchObject({ acquired: 7, delayed: 4 });
  });

  it('peekWait tells how long the next acquire would wait, without taking a token', async () => {
    const clock = new VirtualClock({ autoAdvance: false });
    const limiter = new RateLimiter({ clock, overrides: { 'rds:all': { capacity: 1, refillPerSecond: 4 } } });
    expect(limiter.peekWait(rdsCall)).toBe(0);
    await limiter.acquire(rdsCall);
    expect(limiter.peekWait(rdsCall)).toBe(250);
    expect(limiter.peekWait(rdsCall)).toBe(250);
    clock.advance(100);
    expect(limiter.peekWait(rdsCall)).toBe(150);
  });

  it('keeps buckets per account and region, and Route 53 global per account', async () => {
    const clock = new VirtualClock({ autoAdvance: false });
    const limiter = new RateLimiter({ clock, overrides: { 'rds:all': { capacity: 1, refillPerSecond: 1 }, 'route53:all': { capacity: 1, refillPerSecond: 1 } } });
    await limiter.acquire(rdsCall);
    expect(limiter.peekWait({ ...rdsCall, region: 'us-east-1' })).toBe(0);
    expect(limiter.peekWait({ ...rdsCall, account: 'other' })).toBe(0);
    await limiter.acquire({ service: 'route53', region: 'us-east-1', command: 'GetChange' });
    expect(limiter.peekWait({ service: 'route53', region: 'eu-west-1', command: 'GetChange' })).toBe(1000);
  });

  it('gives the tokens back when a waiting acquire is aborted', async () => {
    const clock = new VirtualClock({ autoAdvance: false });
    const limiter = new RateLimiter({ clock, overrides: { 'rds:all': { capacity: 1, refillPerSecond: 1 } } });
    await limiter.acquire(rdsCall);
    const controller = new AbortController();
    const waiting = limiter.acquire(rdsCall, controller.signal);
    expect(limiter.peekWait(rdsCall)).toBe(2000);
    controller.abort(new Error('run aborted'));
    await expect(waiting).rejects.toThrow('run aborted');
    expect(limiter.peekWait(rdsCall)).toBe(1000);
  });

  it('rejects an impossible override at once', () => {
    expect(() => new RateLimiter({ clock: new VirtualClock(), overrides: { 'rds:all': { capacity: 0, refillPerSecond: 1 } } })).toThrow(TypeError);
  });
});

describe('throttling storm', () => {
  it('many concurrent callers through the limiter and retry all complete, never above the bucket rate', async () => {
    const clock = new VirtualClock();
    const limiter = new RateLimiter({ clock });
    const random = new SeededRandom(createRandomState(42));
    const sentAt: number[] = [];
    let throttled = 0;
    const aws = createAwsClients({
      region: 'us-west-2',
      credentials,
      rateLimit: { limiter },
      plugins: [
        interceptorPlugin(() => {
          sentAt.push(clock.now());
          if (random.next() < 0.5) {
            throttled++;
            throw new RDSServiceException({ name: 'Throttling', $fault: 'client', $metadata: { httpStatusCode: 400 }, message: 'Rate exceeded' });
          }
          return { DBInstances: [] };
        }),
      ],
    });
    const policy = resolveStepPolicy({ retry: { maximumAttempts: 30, initialInterval: '500ms', maximumInterval: '10s' } }).retry;
    const callers = 400;
    const results = await Promise.all(Array.from({ length: callers }, (_, i) =>
      retryWithPolicy(() => aws.rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: `db-${i}` })), {
        policy,
        clock,
        isRetryable: isRetryableAwsError,
        random: () => random.next(),
      }),
    ));
    expect(results).toHaveLength(callers);
    expect(throttled).toBeGreaterThan(callers / 2);
    // RDS: burst 300, 12 per second (aws-facts.md); the limiter is the only way calls reach "AWS".
    expect(worstExcess(sentAt, 300, 12)).toBeLessThanOrEqual(0);
  });
});
