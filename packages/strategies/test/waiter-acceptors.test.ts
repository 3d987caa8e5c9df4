import { describe, expect, it } from 'vitest';
import type { AcceptorResult } from '../src/aws/waiters/acceptor.js';
import { groupInService, groupScaledIn } from '../src/aws/waiters/auto-scaling-waiters.js';
import { imageAvailable, instancesRunning, instancesStopped, instancesTerminated, snapshotsCompleted } from '../src/aws/waiters/ec2-waiters.js';
import {
  dbClusterAvailable,
  dbClusterFailoverComplete,
  dbInstanceAvailable,
  dbInstanceDeleted,
  dbInstancePromoted,
  dbSnapshotAvailable,
  globalClusterWriterMoved,
} from '../src/aws/waiters/rds-waiters.js';
import { changeInSync, healthCheckHealthy } from '../src/aws/waiters/route53-waiters.js';
import { objectReplicated } from '../src/aws/waiters/s3-waiters.js';

const state = (r: AcceptorResult): string => r.state;
const db = { identifier: 'tracking-db' };

describe('RDS acceptors', () => {
  it.each([
    [{ DBInstances: [{ DBInstanceStatus: 'available' }] }, 'SUCCESS'],
    [{ DBInstances: [{ DBInstanceStatus: 'modifying' }] }, 'RETRY'],
    [{ DBInstances: [{ DBInstanceStatus: 'backing-up' }] }, 'RETRY'],
    [{ DBInstances: [{ DBInstanceStatus: 'failed' }] }, 'FAILURE'],
    [{ DBInstances: [{ DBInstanceStatus: 'incompatible-restore' }] }, 'FAILURE'],
    [{ DBInstances: [] }, 'FAILURE'],
  ])('dbInstanceAvailable %j → %s', (output, expected) => expect(state(dbInstanceAvailable(output, db))).toBe(expected));

  it.each([
    [{ DBInstances: [{ DBInstanceStatus: 'available', ReadReplicaSourceDBInstanceIdentifier: 'arn:primary' }] }, 'RETRY'],
    [{ DBInstances: [{ DBInstanceStatus: 'modifying', ReadReplicaSourceDBInstanceIdentifier: 'arn:primary' }] }, 'RETRY'],
    [{ DBInstances: [{ DBInstanceStatus: 'rebooting' }] }, 'RETRY'],
    [{ DBInstances: [{ DBInstanceStatus: 'available' }] }, 'SUCCESS'],
    [{ DBInstances: [{ DBInstanceStatus: 'available', ReadReplicaSourceDBInstanceIdentifier: '' }] }, 'SUCCESS'],
    [{ DBInstances: [{ DBInstanceStatus: 'failed' }] }, 'FAILURE'],
  ])('dbInstancePromoted %j → %s', (output, expected) => expect(state(dbInstancePromoted(output, db))).toBe(expected));

  it.each([
    [{ DBInstances: [] }, 'SUCCESS'],
    [{ DBInstances: [{ DBInstanceStatus: 'deleting' }] }, 'RETRY'],
    [{ DBInstances: [{ DBInstanceStatus: 'available' }] }, 'RETRY'],
  ])('dbInstanceDeleted %j → %s', (output, expected) => expect(state(dbInstanceDeleted(output))).toBe(expected));

  it.each([
    [{ DBSnapshots: [{ Status: 'available' }] }, 'SUCCESS'],
    [{ DBSnapshots: [{ Status: 'creating', PercentProgress: 40 }] }, 'RETRY'],
    [{ DBSnapshots: [{ Status: 'failed' }] }, 'FAILURE'],
    [{ DBSnapshots: [] }, 'FAILURE'],
  ])('dbSnapshotAvailable %j → %s', (output, expected) => expect(state(dbSnapshotAvailable(output, db))).toBe(expected));

  it('reports snapshot progress', () => {
    expect(dbSnapshotAvailable({ DBSnapshots: [{ Status: 'creating', PercentProgress: 40 }] }, db).progress).toBe('creating 40%');
  });

  it.each([
    [{ DBClusters: [{ Status: 'available' }] }, 'SUCCESS'],
    [{ DBClusters: [{ Status: 'failing-over' }] }, 'RETRY'],
    [{ DBClusters: [{ Status: 'inaccessible-encryption-credentials' }] }, 'FAILURE'],
  ])('dbClusterAvailable %j → %s', (output, expected) => expect(state(dbClusterAvailable(output, db))).toBe(expected));

  const members = (writer: string) => [
    { DBInstanceIdentifier: 'db-a', IsClusterWriter: writer === 'db-a' },
    { DBInstanceIdentifier: 'db-b', IsClusterWriter: writer === 'db-b' },
  ];
  it.each([
    [{ DBClusters: [{ Status: 'failing-over', DBClusterMembers: members('db-a') }] }, { expectedWriter: 'db-b' }, 'RETRY'],
    [{ DBClusters: [{ Status: 'failing-over', DBClusterMembers: members('db-b') }] }, { expectedWriter: 'db-b' }, 'RETRY'],
    [{ DBClusters: [{ Status: 'available', DBClusterMembers: members('db-a') }] }, { expectedWriter: 'db-b' }, 'RETRY'],
    [{ DBClusters: [{ Status: 'available', DBClusterMembers: members('db-b') }] }, { expectedWriter: 'db-b' }, 'SUCCESS'],
    [{ DBClusters: [{ Status: 'available', DBClusterMembers: members('db-a') }] }, { previousWriter: 'db-a' }, 'RETRY'],
    [{ DBClusters: [{ Status: 'available', DBClusterMembers: members('db-b') }] }, { previousWriter: 'db-a' }, 'SUCCESS'],
  ])('dbClusterFailoverComplete %j with %j → %s', (output, params, expected) =>
    expect(state(dbClusterFailoverComplete(output, { identifier: 'c', ...params }))).toBe(expected));

  const target = 'arn:aws:rds:us-west-2:1:cluster:secondary';
  const global = (writerArn: string, status = 'available', failover?: string) => ({
    GlobalClusters: [{
      Status: status,
      GlobalClusterMembers: [
        { DBClusterArn: 'arn:aws:rds:us-east-1:1:cluster:primary', IsWriter: writerArn !== target },
        { DBClusterArn: target, IsWriter: writerArn === target },
      ],
      ...(failover ? { FailoverState: { Status: failover as 'pending' } } : {}),
    }],
  });
  it.each([
    [global('primary', 'failing-over', 'failing-over'), 'RETRY'],
    [global(target, 'failing-over', 'failing-over'), 'RETRY'],
    [global(target, 'available', 'pending'), 'RETRY'],
    [global(target, 'available'), 'SUCCESS'],
    [global('primary', 'available', 'cancelling'), 'FAILURE'],
    [{ GlobalClusters: [] }, 'FAILURE'],
  ])('globalClusterWriterMoved #%# → %s', (output, expected) =>
    expect(state(globalClusterWriterMoved(output, { identifier: 'g', targetClusterArn: target }))).toBe(expected));
});

describe('EC2 acceptors', () => {
  const reservations = (...states: string[]) => ({
    Reservations: [{ Instances: states.map((s, i) => ({ InstanceId: `i-${i}`, State: { Name: s as 'running' } })) }],
  });
  const two = { instanceIds: ['i-0', 'i-1'] };
  it.each([
    [reservations('running', 'running'), 'SUCCESS'],
    [reservations('running', 'pending'), 'RETRY'],
    [reservations('running'), 'RETRY'],
    [{ Reservations: [] }, 'RETRY'],
    [reservations('stopped', 'pending'), 'RETRY'],
    [reservations('running', 'terminated'), 'FAILURE'],
    [reservations('shutting-down', 'running'), 'FAILURE'],
  ])('instancesRunning #%# → %s', (output, expected) => expect(state(instancesRunning(output, two))).toBe(expected));

  it.each([
    [reservations('stopped', 'stopped'), 'SUCCESS'],
    [reservations('stopping', 'stopped'), 'RETRY'],
    [reservations('terminated', 'stopped'), 'FAILURE'],
  ])('instancesStopped #%# → %s', (output, expected) => expect(state(instancesStopped(output, two))).toBe(expected));

  it.each([
    [reservations('terminated', 'terminated'), 'SUCCESS'],
    [{ Reservations: [] }, 'SUCCESS'],
    [reservations('shutting-down', 'terminated'), 'RETRY'],
  ])('instancesTerminated #%# → %s', (output, expected) => expect(state(instancesTerminated(output, two))).toBe(expected));

  it.each([
    [{ Images: [{ ImageId: 'ami-1', State: 'available' as const }] }, 'SUCCESS'],
    [{ Images: [{ ImageId: 'ami-1', State: 'pending' as const }] }, 'RETRY'],
    [{ Images: [] }, 'RETRY'],
    [{ Images: [{ ImageId: 'ami-1', State: 'failed' as const, StateReason: { Message: 'copy failed' } }] }, 'FAILURE'],
  ])('imageAvailable #%# → %s', (output, expected) => expect(state(imageAvailable(output, { imageId: 'ami-1' }))).toBe(expected));

  it.each([
    [{ Snapshots: [{ SnapshotId: 'snap-1', State: 'completed' as const }] }, 'SUCCESS'],
    [{ Snapshots: [{ SnapshotId: 'snap-1', State: 'pending' as const, Progress: '40%' }] }, 'RETRY'],
    [{ Snapshots: [{ SnapshotId: 'snap-1', State: 'error' as const }] }, 'FAILURE'],
  ])('snapshotsCompleted #%# → %s', (output, expected) => expect(state(snapshotsCompleted(output, { snapshotIds: ['snap-1'] }))).toBe(expected));
});

describe('Auto Scaling acceptors', () => {
  const group = (min: number, desired: number, states: string[]) => ({
    AutoScalingGroups: [{
      AutoScalingGroupName: 'web',
      MinSize: min,
      MaxSize: 10,
      DesiredCapacity: desired,
      Instances: states.map((s, i) => ({ InstanceId: `i-${i}`, LifecycleState: s as 'InService', HealthStatus: 'Healthy' })),
    }],
  }) as never;

  it.each([
    // The SDK's waiter compares with MinSize and would say SUCCESS on the first two rows.
    [group(1, 4, ['InService', 'Pending', 'Pending', 'Pending']), 'RETRY'],
    [group(2, 4, ['InService', 'InService', 'Pending:Wait', 'Pending']), 'RETRY'],
    [group(1, 4, ['InService', 'InService', 'InService', 'InService']), 'SUCCESS'],
    [group(0, 0, []), 'SUCCESS'],
    [{ AutoScalingGroups: [] }, 'FAILURE'],
  ])('groupInService #%# → %s', (output, expected) => expect(state(groupInService(output, { name: 'web' }))).toBe(expected));

  it('counts only healthy InService instances', () => {
    const output = group(1, 2, ['InService', 'InService']) as { AutoScalingGroups: Array<{ Instances: Array<{ HealthStatus: string }> }> };
    output.AutoScalingGroups[0]!.Instances[1]!.HealthStatus = 'Unhealthy';
    expect(groupInService(output as never, { name: 'web' })).toMatchObject({ state: 'RETRY', progress: '1/2 InService' });
  });

  it.each([
    [group(0, 0, ['Terminating', 'InService']), 'RETRY'],
    [group(0, 1, ['Terminating:Wait', 'InService']), 'RETRY'],
    [group(0, 1, ['InService', 'Terminated']), 'SUCCESS'],
    [group(0, 0, []), 'SUCCESS'],
  ])('groupScaledIn #%# → %s', (output, expected) => expect(state(groupScaledIn(output, { name: 'web' }))).toBe(expected));
});

describe('Route 53 and S3 acceptors', () => {
  it.each([
    [{ ChangeInfo: { Id: 'C1', Status: 'PENDING' as const, SubmittedAt: new Date() } }, 'RETRY'],
    [{ ChangeInfo: { Id: 'C1', Status: 'INSYNC' as const, SubmittedAt: new Date() } }, 'SUCCESS'],
  ])('changeInSync #%# → %s', (output, expected) => expect(state(changeInSync(output))).toBe(expected));

  const observations = (ok: number, bad: number) => ({
    HealthCheckObservations: [
      ...Array.from({ length: ok }, () => ({ StatusReport: { Status: 'Success: HTTP Status Code 200, OK' } })),
      ...Array.from({ length: bad }, () => ({ StatusReport: { Status: 'Failure: Connection timed out.' } })),
    ],
  });
  it.each([
    [observations(0, 16), 'RETRY'],
    [observations(2, 14), 'RETRY'],
    [observations(3, 13), 'SUCCESS'],
    [observations(16, 0), 'SUCCESS'],
    [{ HealthCheckObservations: [] }, 'RETRY'],
  ])('healthCheckHealthy #%# → %s', (output, expected) => expect(state(healthCheckHealthy(output, { healthCheckId: 'hc' }))).toBe(expected));

  it.each([
    [{ ReplicationStatus: 'PENDING' }, 'RETRY'],
    [{ ReplicationStatus: 'COMPLETED' }, 'SUCCESS'],
    [{ ReplicationStatus: 'REPLICA' }, 'SUCCESS'],
    [{ ReplicationStatus: 'FAILED' }, 'FAILURE'],
    [{}, 'FAILURE'],
  ])('objectReplicated %j → %s', (output, expected) => expect(state(objectReplicated(output, { bucket: 'b', key: 'k' }))).toBe(expected));
});
