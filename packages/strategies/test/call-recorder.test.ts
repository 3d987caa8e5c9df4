import { DescribeDBInstancesCommand, PromoteReadReplicaCommand, RDSServiceException } from '@aws-sdk/client-rds';
import { GetChangeCommand } from '@aws-sdk/client-route-53';
import { VirtualClock } from '@firedrill/core';
import { describe, expect, it } from 'vitest';
import { type RecordedAwsCall, callRecorderPlugin } from '../src/aws/call-recorder.js';
import { createAwsClients } from '../src/aws/client-factory.js';
import { RateLimiter } from '../src/aws/rate-limiter.js';
import { interceptorPlugin } from './aws-interceptor.js';

describe('callRecorderPlugin', () => {
  it('reports each call with its service, region, outcome and throttling, behind the rate limiter', async () => {
    const clock = new VirtualClock();
    const limiter = new RateLimiter({ clock, overrides: { 'rds:all': { capacity: 1, refillPerSecond: 1 } } });
    const calls: RecordedAwsCall[] = [];
    let n = 0;
    const aws = createAwsClients({
      region: 'eu-west-1',
      credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
      rateLimit: { limiter },
      plugins: [
        callRecorderPlugin({ onCall: (c) => calls.push(c), clock }),
        interceptorPlugin(async (call) => {
          await clock.sleep(100);
          if (call.command === 'PromoteReadReplica' && ++n === 1) {
            throw new RDSServiceException({ name: 'Throttling', $fault: 'client', $metadata: { httpStatusCode: 400 }, message: 'Rate exceeded' });
          }
          return {};
        }),
      ],
    });
    await aws.rds.send(new DescribeDBInstancesCommand({}));
    await aws.rds.send(new PromoteReadReplicaCommand({ DBInstanceIdentifier: 'db' })).catch(() => undefined);
    await aws.route53.send(new GetChangeCommand({ Id: 'C1' }));
    expect(calls.map(({ startedAt: _s, ...c }) => c)).toEqual([
      { service: 'rds', region: 'eu-west-1', command: 'DescribeDBInstances', outcome: 'ok', throttled: false, durationMs: 100 },
      // Waited ~900 ms for a token first: not counted as call time.
      { service: 'rds', region: 'eu-west-1', command: 'PromoteReadReplica', outcome: 'Throttling', throttled: true, durationMs: 100 },
      { service: 'route53', region: 'us-east-1', command: 'GetChange', outcome: 'ok', throttled: false, durationMs: 100 },
    ]);
    expect(calls[1]!.startedAt! - calls[0]!.startedAt!).toBe(1000);
  });
});
