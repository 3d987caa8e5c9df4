import { RDSServiceException } from '@aws-sdk/client-rds';
import { StepFailure, StepTimeoutFailure, VirtualClock, WaitFailedFailure } from '@firedrill/core';
import { describe, expect, it } from 'vitest';
import { RateLimiter } from '../src/aws/rate-limiter.js';
import { PollCounter } from '../src/aws/waiters/poll-counter.js';
import { nextPollDelay } from '../src/aws/waiters/poll-schedule.js';
import { waitFor } from '../src/aws/waiters/wait-for.js';

const rdsError = (name: string, status: number) =>
  new RDSServiceException({ name, $fault: status >= 500 ? 'server' : 'client', $metadata: { httpStatusCode: status }, message: `${name}!` });

describe('nextPollDelay', () => {
  it('polls sparsely early, densely from 80 % of the expected duration, and backs off when overdue', () => {
    const base = { denseIntervalMs: 2_000, maxIntervalMs: 30_000, expectedMs: 300_000 };
    const times: number[] = [];
    for (let t = 0; t < 260_000; t += nextPollDelay({ ...base, elapsedMs: t })) times.push(t);
    const before = times.filter((t) => t < 240_000);
    expect(before.length).toBeLessThanOrEqual(13);
    expect(times.filter((t) => t >= 240_000).every((t, i, all) => i === 0 || t - all[i - 1]! === 2_000)).toBe(true);
    expect(nextPollDelay({ ...base, elapsedMs: 900_000 })).toBe(30_000);
  });

  it('without an expected duration, waits a tenth of the elapsed time within the bounds', () => {
    const base = { denseIntervalMs: 2_000, maxIntervalMs: 30_000 };
    expect(nextPollDelay({ ...base, elapsedMs: 5_000 })).toBe(2_000);
    expect(nextPollDelay({ ...base, elapsedMs: 100_000 })).toBe(10_000);
    expect(nextPollDelay({ ...base, elapsedMs: 3_600_000 })).toBe(30_000);
  });
});

describe('waitFor', () => {
  it('notices a promotion within a couple of seconds, with few polls before it is due', async () => {
    const clock = new VirtualClock();
    const start = clock.now();
    const readyAt = start + 290_000;
    const counter = new PollCounter();
    const result = await waitFor('dbInstancePromoted', {
      describe: async () => {
        const elapsed = clock.now() - start;
        if (clock.now() >= readyAt) return { DBInstances: [{ DBInstanceStatus: 'available' }] };
        const status = elapsed < 60_000 ? 'modifying' : 'rebooting';
        return { DBInstances: [{ DBInstanceStatus: status, ReadReplicaSourceDBInstanceIdentifier: 'tracking-db' }] };
      },
      params: { identifier: 'tracking-db-replica' },
      clock,
      region: 'us-west-2',
      counter,
    });
    const noticedLate = clock.now() - readyAt;
    expect(noticedLate).toBeGreaterThanOrEqual(0);
    expect(noticedLate).toBeLessThanOrEqual(2_000);
    expect(result.progress).toBe('standalone, available');
    expect(result.polls).toBe(counter.total);
    expect(counter.byWaiter()).toEqual({ dbInstancePromoted: result.polls });
    // 290 s at a fixed 2 s would be 146 polls; the schedule needs about a quarter of that.
    expect(result.polls).toBeLessThan(40);
  });

  it('fails fast on AccessDenied, in one poll, with an actionable message', async () => {
    const clock = new VirtualClock();
    const start = clock.now();
    const error = await waitFor('dbInstanceAvailable', {
      describe: async () => {
        throw rdsError('AccessDenied', 403);
      },
      params: { identifier: 'tracking-db-replica' },
      clock,
      region: 'us-west-2',
      counter: new PollCounter(),
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StepFailure);
    expect((error as StepFailure).retryable).toBe(false);
    expect((error as StepFailure).message).toContain('rds:DescribeDBInstances on tracking-db-replica in us-west-2 was denied');
    expect(clock.now()).toBe(start);
  });

  it('retries throttling with a longer delay, then succeeds', async () => {
    const clock = new VirtualClock();
    const start = clock.now();
    const seen: number[] = [];
    let calls = 0;
    const result = await waitFor('dbClusterAvailable', {
      describe: async () => {
        seen.push(clock.now() - start);
        calls++;
        if (calls <= 3) throw rdsError('Throttling', 400);
        return { DBClusters: [{ Status: 'available' }] };
      },
      params: { identifier: 'tracking-cluster' },
      clock,
      region: 'us-west-2',
    });
    expect(result.polls).toBe(4);
    // 2 s dense interval doubled per consecutive error: 4 s, 8 s, 16 s.
    expect(seen).toEqual([0, 4_000, 12_000, 28_000]);
  });

  it('compares InService with DesiredCapacity, not MinSize', async () => {
    const clock = new VirtualClock();
    const start = clock.now();
    const result = await waitFor('groupInService', {
      describe: async () => {
        const inService = Math.min(4, 1 + Math.floor((clock.now() - start) / 20_000));
        return {
          AutoScalingGroups: [{
            AutoScalingGroupName: 'web', MinSize: 1, MaxSize: 8, DesiredCapacity: 4, DefaultCooldown: 300, AvailabilityZones: [], HealthCheckType: 'EC2', CreatedTime: new Date(0),
            Instances: Array.from({ length: 4 }, (_, i) => ({
              InstanceId: `i-${i}`, AvailabilityZone: 'us-west-2a', HealthStatus: 'Healthy', ProtectedFromScaleIn: false,
              LifecycleState: i < inService ? ('InService' as const) : ('Pending' as const),
            })),
          }],
        };
      },
      params: { name: 'web' },
      clock,
      region: 'us-west-2',
    });
    expect(result.progress).toBe('4/4 InService');
    expect(clock.now() - start).toBeGreaterThanOrEqual(60_000);
  });

  it('treats NotFound as success when waiting for a deletion', async () => {
    const clock = new VirtualClock();
    let calls = 0;
    const result = await waitFor('dbInstanceDeleted', {
      describe: async () => {
        if (++calls < 3) return { DBInstances: [{ DBInstanceStatus: 'deleting' }] };
        throw Object.assign(rdsError('DBInstanceNotFoundFault', 404), { Code: 'DBInstanceNotFound' });
      },
      params: { identifier: 'drill-db' },
      clock,
      region: 'us-west-2',
    });
    expect(result).toMatchObject({ output: undefined, polls: 3, progress: 'deleted' });
  });

  it('treats NotFound as "not visible yet" during the grace period only', async () => {
    const clock = new VirtualClock();
    const start = clock.now();
    const notFound = () => Object.assign(new Error('The instance ID does not exist'), { name: 'InvalidInstanceID.NotFound', $metadata: { httpStatusCode: 400 }, $fault: 'client' });
    const error = await waitFor('instancesRunning', {
      describe: async () => {
        throw notFound();
      },
      params: { instanceIds: ['i-1'] },
      clock,
      region: 'us-west-2',
      notFoundGraceMs: 10_000,
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'InvalidInstanceID.NotFound', retryable: false });
    expect(clock.now() - start).toBeGreaterThanOrEqual(10_000);
    expect(clock.now() - start).toBeLessThan(15_000);
  });

  it('fails with the state seen when the acceptor says FAILURE', async () => {
    const clock = new VirtualClock();
    const error = await waitFor('dbInstanceAvailable', {
      describe: async () => ({ DBInstances: [{ DBInstanceStatus: 'incompatible-restore' }] }),
      params: { identifier: 'restored-db' },
      clock,
      region: 'us-west-2',
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WaitFailedFailure);
    expect((error as Error).message).toBe('DB instance restored-db available: status is incompatible-restore (us-west-2).');
  });

  it('keeps polls inside the rate budget by spacing them with peekWait', async () => {
    const clock = new VirtualClock();
    const limiter = new RateLimiter({ clock, overrides: { 'route53:get-health-check-status': { capacity: 1, refillPerSecond: 0.1 } } });
    const call = { service: 'route53', region: 'us-east-1', command: 'GetHealthCheckStatus' } as const;
    const seen: number[] = [];
    const start = clock.now();
    await waitFor('healthCheckHealthy', {
      describe: async () => {
        await limiter.acquire(call);
        seen.push(clock.now() - start);
        return { HealthCheckObservations: [{ StatusReport: { Status: seen.length < 3 ? 'Failure: timeout' : 'Success: 200' } }] };
      },
      params: { healthCheckId: 'hc-1' },
      clock,
      region: 'us-east-1',
      limiter,
      expectedMs: 1_000,
    });
    // Each poll waited for its token in the schedule, not inside the limiter: 10 s apart.
    expect(seen).toEqual([0, 10_000, 20_000]);
  });

  it('times out with the step timeout failure', async () => {
    const clock = new VirtualClock();
    const error = await waitFor('changeInSync', {
      describe: async () => ({ ChangeInfo: { Id: 'C1', Status: 'PENDING' as const, SubmittedAt: new Date(0) } }),
      params: { changeId: 'C1' },
      clock,
      region: 'us-east-1',
      timeoutMs: 120_000,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StepTimeoutFailure);
  });

  it('stops at once when aborted', async () => {
    const clock = new VirtualClock();
    const controller = new AbortController();
    const waiting = waitFor('changeInSync', {
      describe: async () => ({ ChangeInfo: { Id: 'C1', Status: 'PENDING' as const, SubmittedAt: new Date(0) } }),
      params: { changeId: 'C1' },
      clock,
      region: 'us-east-1',
      signal: controller.signal,
    });
    controller.abort(new Error('operator aborted'));
    await expect(waiting).rejects.toThrow('operator aborted');
  });
});
