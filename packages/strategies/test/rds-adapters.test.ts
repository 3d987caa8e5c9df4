import {
  CopyDBSnapshotCommand,
  DBInstanceNotFoundFault,
  DescribeDBClustersCommand,
  DescribeDBInstancesCommand,
  DescribeDBSnapshotsCommand,
  DescribeGlobalClustersCommand,
  FailoverDBClusterCommand,
  FailoverGlobalClusterCommand,
  ModifyDBInstanceCommand,
  PromoteReadReplicaCommand,
  RDSClient,
  RDSServiceException,
  SwitchoverGlobalClusterCommand,
} from '@aws-sdk/client-rds';
import { StepFailure, VirtualClock } from '@firedrill/core';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { failoverDbCluster, failoverGlobalCluster, switchoverGlobalCluster } from '../src/aws/rds-clusters.js';
import { deleteDbInstance, modifyDbInstance, promoteReadReplica } from '../src/aws/rds-instances.js';
import { Sandbox } from '../../sandbox/src/index.js';
import { provisionDatabase } from '../../sandbox/src/scenarios/provision.js';
import { copyDbSnapshot, describeNewestSnapshot } from '../src/aws/rds-snapshots.js';

const rds = new RDSClient({ region: 'us-west-2', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
const mock = mockClient(rds);
beforeEach(() => mock.reset());

const replica = { DBInstanceIdentifier: 'tracking-db-replica', DBInstanceStatus: 'available', ReadReplicaSourceDBInstanceIdentifier: 'arn:aws:rds:us-east-1:1:db:tracking-db', DBInstanceClass: 'db.r6g.large', MultiAZ: false };

describe('promoteReadReplica', () => {
  it('promotes a replica, passing the backup retention', async () => {
    mock.on(DescribeDBInstancesCommand).resolves({ DBInstances: [replica] });
    mock.on(PromoteReadReplicaCommand).resolves({});
    const outcome = await promoteReadReplica({ rds, identifier: 'tracking-db-replica', backupRetentionPeriod: 7 });
    expect(outcome.changed).toBe(true);
    expect(mock.commandCalls(PromoteReadReplicaCommand)[0]?.args[0].input).toEqual({ DBInstanceIdentifier: 'tracking-db-replica', BackupRetentionPeriod: 7 });
  });

  it('does nothing, and says so, when the instance is already standalone', async () => {
    mock.on(DescribeDBInstancesCommand).resolves({ DBInstances: [{ ...replica, ReadReplicaSourceDBInstanceIdentifier: undefined }] });
    const outcome = await promoteReadReplica({ rds, identifier: 'tracking-db-replica' });
    expect(outcome).toEqual({ changed: false, note: 'tracking-db-replica is already standalone (status available); nothing to promote' });
    expect(mock.commandCalls(PromoteReadReplicaCommand)).toHaveLength(0);
  });

  it('does not promote twice when a promotion is already under way (a resumed run)', async () => {
    mock.on(DescribeDBInstancesCommand).resolves({ DBInstances: [{ ...replica, DBInstanceStatus: 'modifying' }] });
    mock.on(PromoteReadReplicaCommand).rejects(new RDSServiceException({ name: 'InvalidDBInstanceState', $fault: 'client', $metadata: { httpStatusCode: 400 }, message: 'not available' }));
    expect(await promoteReadReplica({ rds, identifier: 'tracking-db-replica' })).toMatchObject({ changed: false });
  });

  it('fails with a message naming the instance and region when it does not exist', async () => {
    mock.on(DescribeDBInstancesCommand).rejects(new DBInstanceNotFoundFault({ message: 'not found', $metadata: { httpStatusCode: 404 } }));
    const error = await promoteReadReplica({ rds, identifier: 'nope' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StepFailure);
    expect((error as StepFailure).message).toContain('no DB instance nope in us-west-2');
    expect((error as StepFailure).retryable).toBe(false);
  });

  it('passes the abort signal to every call', async () => {
    mock.on(DescribeDBInstancesCommand).resolves({ DBInstances: [replica] });
    mock.on(PromoteReadReplicaCommand).resolves({});
    const signal = new AbortController().signal;
    await promoteReadReplica({ rds, identifier: 'tracking-db-replica', signal });
    expect(mock.calls().every((call) => ((call.args as unknown[])[1] as { abortSignal?: AbortSignal } | undefined)?.abortSignal === signal)).toBe(true);
  });
});

describe('modifyDbInstance', () => {
  it('sends only what differs, and nothing when all is in place', async () => {
    mock.on(DescribeDBInstancesCommand).resolves({ DBInstances: [replica] });
    mock.on(ModifyDBInstanceCommand).resolves({});
    await modifyDbInstance({ rds, identifier: 'tracking-db-replica', instanceClass: 'db.r6g.xlarge', multiAz: false });
    expect(mock.commandCalls(ModifyDBInstanceCommand)[0]?.args[0].input).toEqual({ DBInstanceIdentifier: 'tracking-db-replica', ApplyImmediately: true, DBInstanceClass: 'db.r6g.xlarge' });
    mock.resetHistory();
    expect(await modifyDbInstance({ rds, identifier: 'tracking-db-replica', instanceClass: 'db.r6g.large' })).toMatchObject({ changed: false });
    expect(mock.commandCalls(ModifyDBInstanceCommand)).toHaveLength(0);
  });
});

describe('snapshots', () => {
  it('finds the newest available snapshot across pages, by original creation time', async () => {
    mock.on(DescribeDBSnapshotsCommand, { DBInstanceIdentifier: 'tracking-db' })
      .resolvesOnce({ DBSnapshots: [{ DBSnapshotIdentifier: 'a', Status: 'available', SnapshotCreateTime: new Date('2026-01-01T00:00:00Z') }], Marker: 'm1' })
      .resolvesOnce({ DBSnapshots: [
        { DBSnapshotIdentifier: 'b', Status: 'available', SnapshotCreateTime: new Date('2026-01-03T00:00:00Z'), OriginalSnapshotCreateTime: new Date('2026-01-02T00:00:00Z') },
        { DBSnapshotIdentifier: 'c', Status: 'creating', SnapshotCreateTime: new Date('2026-01-04T00:00:00Z') },
      ] });
    const newest = await describeNewestSnapshot({ rds, instanceIdentifier: 'tracking-db' });
    expect(newest?.identifier).toBe('b');
    expect(newest?.createdAt?.toISOString()).toBe('2026-01-02T00:00:00.000Z');
    expect(mock.commandCalls(DescribeDBSnapshotsCommand)[1]?.args[0].input).toMatchObject({ Marker: 'm1' });
  });

  it('copies across regions once', async () => {
    mock.on(DescribeDBSnapshotsCommand).rejects(Object.assign(new RDSServiceException({ name: 'DBSnapshotNotFoundFault', $fault: 'client', $metadata: { httpStatusCode: 404 }, message: 'nf' }), { Code: 'DBSnapshotNotFound' }));
    mock.on(CopyDBSnapshotCommand).resolves({});
    await copyDbSnapshot({ rds, sourceSnapshotArn: 'arn:aws:rds:us-east-1:1:snapshot:s1', sourceRegion: 'us-east-1', targetIdentifier: 's1-copy', kmsKeyId: 'k' });
    expect(mock.commandCalls(CopyDBSnapshotCommand)[0]?.args[0].input).toEqual({
      SourceDBSnapshotIdentifier: 'arn:aws:rds:us-east-1:1:snapshot:s1', TargetDBSnapshotIdentifier: 's1-copy', CopyTags: true, SourceRegion: 'us-east-1', KmsKeyId: 'k',
    });
    mock.reset();
    mock.on(DescribeDBSnapshotsCommand).resolves({ DBSnapshots: [{ DBSnapshotIdentifier: 's1-copy', Status: 'copying' }] });
    expect(await copyDbSnapshot({ rds, sourceSnapshotArn: 'x', targetIdentifier: 's1-copy' })).toMatchObject({ changed: false });
    expect(mock.commandCalls(CopyDBSnapshotCommand)).toHaveLength(0);
  });
});

describe('clusters and global databases', () => {
  const cluster = (writer: string) => ({ DBClusters: [{ DBClusterIdentifier: 'c', Status: 'available', DBClusterMembers: [
    { DBInstanceIdentifier: 'db-a', IsClusterWriter: writer === 'db-a' }, { DBInstanceIdentifier: 'db-b', IsClusterWriter: writer === 'db-b' },
  ] }] });

  it('fails a cluster over to the named reader, and not again once it is the writer', async () => {
    mock.on(DescribeDBClustersCommand).resolves(cluster('db-a'));
    mock.on(FailoverDBClusterCommand).resolves({});
    expect(await failoverDbCluster({ rds, identifier: 'c', targetInstance: 'db-b' })).toMatchObject({ changed: true, previousWriter: 'db-a' });
    expect(mock.commandCalls(FailoverDBClusterCommand)[0]?.args[0].input).toEqual({ DBClusterIdentifier: 'c', TargetDBInstanceIdentifier: 'db-b' });
    mock.reset();
    mock.on(DescribeDBClustersCommand).resolves(cluster('db-b'));
    expect(await failoverDbCluster({ rds, identifier: 'c', targetInstance: 'db-b' })).toMatchObject({ changed: false });
    expect(mock.commandCalls(FailoverDBClusterCommand)).toHaveLength(0);
  });

  const primary = 'arn:aws:rds:us-east-1:1:cluster:primary';
  const secondary = 'arn:aws:rds:us-west-2:1:cluster:secondary';
  const global = (writer: string) => ({ GlobalClusters: [{ GlobalClusterIdentifier: 'g', Status: 'available', GlobalClusterMembers: [
    { DBClusterArn: primary, IsWriter: writer === primary }, { DBClusterArn: secondary, IsWriter: writer === secondary },
  ] }] });

  it('fails a global database over with AllowDataLoss stated, once', async () => {
    mock.on(DescribeGlobalClustersCommand).resolves(global(primary));
    mock.on(FailoverGlobalClusterCommand).resolves({});
    await failoverGlobalCluster({ rds, identifier: 'g', targetClusterArn: secondary, allowDataLoss: true });
    expect(mock.commandCalls(FailoverGlobalClusterCommand)[0]?.args[0].input).toEqual({ GlobalClusterIdentifier: 'g', TargetDbClusterIdentifier: secondary, AllowDataLoss: true });
    mock.reset();
    mock.on(DescribeGlobalClustersCommand).resolves(global(secondary));
    expect(await switchoverGlobalCluster({ rds, identifier: 'g', targetClusterArn: secondary })).toMatchObject({ changed: false });
    expect(mock.commandCalls(SwitchoverGlobalClusterCommand)).toHaveLength(0);
  });
});

describe('deleteDbInstance on a database with deletion protection (sandbox)', () => {
  async function protectedDatabase(): Promise<RDSClient> {
    const clock = new VirtualClock({ start: '2026-11-22T03:00:00Z' });
    const sandbox = new Sandbox({ clock, seed: 3 });
    await provisionDatabase(sandbox, 'us-east-1', 'tracking-db');
    return sandbox.client(RDSClient, 'us-east-1');
  }

  it('refuses without liftDeletionProtection, saying how to turn it off, and deletes nothing', async () => {
    const client = await protectedDatabase();
    const error = await deleteDbInstance({ rds: client, identifier: 'tracking-db' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StepFailure);
    expect((error as StepFailure).retryable).toBe(false);
    expect((error as StepFailure).message).toContain('aws rds modify-db-instance --region us-east-1 --db-instance-identifier tracking-db --no-deletion-protection --apply-immediately');
    const [db] = (await client.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'tracking-db' }))).DBInstances ?? [];
    expect(db).toMatchObject({ DBInstanceStatus: 'available', DeletionProtection: true });
  });

  it('with liftDeletionProtection, turns it off and deletes, keeping the final snapshot', async () => {
    const client = await protectedDatabase();
    const outcome = await deleteDbInstance({ rds: client, identifier: 'tracking-db', finalSnapshotIdentifier: 'tracking-db-final', liftDeletionProtection: true });
    expect(outcome).toEqual({ changed: true, note: 'deleting tracking-db (final snapshot tracking-db-final) after turning its deletion protection off' });
    const [db] = (await client.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'tracking-db' }))).DBInstances ?? [];
    expect(db?.DBInstanceStatus).toBe('deleting');
    expect((await client.send(new DescribeDBSnapshotsCommand({ DBSnapshotIdentifier: 'tracking-db-final' }))).DBSnapshots).toHaveLength(1);
  });
});
