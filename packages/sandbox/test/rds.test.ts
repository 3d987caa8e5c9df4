import {
  CreateDBClusterCommand,
  CreateDBClusterSnapshotCommand,
  CreateDBInstanceCommand,
  CreateDBInstanceReadReplicaCommand,
  CreateDBParameterGroupCommand,
  CreateDBSnapshotCommand,
  DeleteDBClusterCommand,
  DeleteDBInstanceCommand,
  DeleteDBParameterGroupCommand,
  DescribeDBParameterGroupsCommand,
  DescribeDBParametersCommand,
  ModifyDBInstanceCommand,
  ModifyDBParameterGroupCommand,
  DBInstanceNotFoundFault,
  DescribeDBClustersCommand,
  DescribeDBInstancesCommand,
  InvalidDBInstanceStateFault,
  PromoteReadReplicaCommand,
  RDSClient,
  RestoreDBClusterFromSnapshotCommand,
  RestoreDBInstanceFromDBSnapshotCommand,
} from '@aws-sdk/client-rds';
import { VirtualClock } from '@firedrill/core';
import { describe, expect, it } from 'vitest';
import { Sandbox } from '../src/index.js';

const MINUTE = 60_000;

async function primaryWithReplica(): Promise<{ sandbox: Sandbox; clock: VirtualClock; east: RDSClient; west: RDSClient; sourceArn: string }> {
  const clock = new VirtualClock({ start: '2026-11-22T03:00:00Z' });
  const sandbox = new Sandbox({ clock, seed: 7, latencies: { 'rds.createDBInstance': 5 * MINUTE, 'rds.createDBInstanceReadReplica': 10 * MINUTE } });
  const east = sandbox.client(RDSClient, 'us-east-1');
  const west = sandbox.client(RDSClient, 'us-west-2');
  const created = await east.send(
    new CreateDBInstanceCommand({ DBInstanceIdentifier: 'orders', DBInstanceClass: 'db.r6g.large', Engine: 'postgres', MasterUsername: 'app', AllocatedStorage: 100, BackupRetentionPeriod: 7 }),
  );
  expect(created.DBInstance?.DBInstanceStatus).toBe('creating');
  await clock.sleep(5 * MINUTE);
  const sourceArn = created.DBInstance!.DBInstanceArn!;
  await west.send(new CreateDBInstanceReadReplicaCommand({ DBInstanceIdentifier: 'orders-replica', SourceDBInstanceIdentifier: sourceArn}));
  await clock.sleep(10 * MINUTE);
  return { sandbox, clock, east, west, sourceArn };
}

describe('RDS', () => {
  it('an Aurora cluster gets its engine\'s defaults: Aurora MySQL listens on 3306, runs Aurora MySQL 3, default.aurora-mysql8.0; its members follow it', async () => {
    const clock = new VirtualClock({ start: '2026-11-22T03:00:00Z' });
    const sandbox = new Sandbox({ clock, seed: 7, latencies: { 'rds.createDBInstance': 5 * MINUTE } });
    const rds = sandbox.client(RDSClient, 'us-east-1');
    await rds.send(new CreateDBClusterCommand({ DBClusterIdentifier: 'ledger', Engine: 'aurora-mysql', MasterUsername: 'admin' }));
    await rds.send(new CreateDBInstanceCommand({ DBInstanceIdentifier: 'ledger-1', DBClusterIdentifier: 'ledger', DBInstanceClass: 'db.r6g.large', Engine: 'aurora-mysql' }));
    await clock.sleep(5 * MINUTE);
    const [cluster] = (await rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: 'ledger' }))).DBClusters ?? [];
    expect(cluster).toMatchObject({ Engine: 'aurora-mysql', EngineVersion: expect.stringMatching(/^8\.0\.mysql_aurora\.3\./), Port: 3306, DBClusterParameterGroup: 'default.aurora-mysql8.0' });
    const [member] = (await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'ledger-1' }))).DBInstances ?? [];
    expect(member).toMatchObject({ Engine: 'aurora-mysql', EngineVersion: cluster!.EngineVersion, Endpoint: expect.objectContaining({ Port: 3306 }), DBParameterGroups: [expect.objectContaining({ DBParameterGroupName: 'default.aurora-mysql8.0' })] });
    // A member of another engine is refused, as on RDS: a cluster never mixes engines.
    const mixed = await rds.send(new CreateDBInstanceCommand({ DBInstanceIdentifier: 'ledger-2', DBClusterIdentifier: 'ledger', DBInstanceClass: 'db.r6g.large', Engine: 'aurora-postgresql' })).catch((e: unknown) => e);
    expect(mixed).toMatchObject({ name: 'InvalidParameterCombination' });
    // Without an engine's word the cluster is Aurora PostgreSQL on 5432, as before.
    await rds.send(new CreateDBClusterCommand({ DBClusterIdentifier: 'orders', Engine: 'aurora-postgresql', MasterUsername: 'app' }));
    const [pg] = (await rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: 'orders' }))).DBClusters ?? [];
    expect(pg).toMatchObject({ Engine: 'aurora-postgresql', EngineVersion: '16.4', Port: 5432, DBClusterParameterGroup: 'default.aurora-postgresql16' });
  });

  it('a restore keeps the backup retention of the snapshot\'s source unless told otherwise (0–35 days)', async () => {
    const { clock, east } = await primaryWithReplica();
    await east.send(new CreateDBSnapshotCommand({ DBInstanceIdentifier: 'orders', DBSnapshotIdentifier: 'orders-snap' }));
    await clock.sleep(30 * MINUTE);
    const restore = (id: string, days?: number) =>
      east.send(new RestoreDBInstanceFromDBSnapshotCommand({ DBInstanceIdentifier: id, DBSnapshotIdentifier: 'orders-snap', ...(days === undefined ? {} : { BackupRetentionPeriod: days }) }));
    expect((await restore('orders-inherits')).DBInstance?.BackupRetentionPeriod).toBe(7);
    expect((await restore('orders-given', 30)).DBInstance?.BackupRetentionPeriod).toBe(30);
    await expect(restore('orders-too-long', 36)).rejects.toMatchObject({ name: 'InvalidParameterValue', $metadata: { httpStatusCode: 400 } });
  });

  it('a restore keeps the snapshot\'s master user, database name, port and storage, and refuses io1 without Iops', async () => {
    const clock = new VirtualClock({ start: '2026-11-22T03:00:00Z' });
    const east = new Sandbox({ clock, seed: 7, latencies: { 'rds.createDBInstance': 5 * MINUTE } }).client(RDSClient, 'us-east-1');
    await east.send(new CreateDBInstanceCommand({
      DBInstanceIdentifier: 'ledger', DBInstanceClass: 'db.r6g.large', Engine: 'mysql', MasterUsername: 'ledger_admin', DBName: 'ledger', Port: 3306,
      AllocatedStorage: 400, StorageType: 'io1', Iops: 12_000, BackupRetentionPeriod: 7,
    }));
    await clock.sleep(5 * MINUTE);
    await east.send(new CreateDBSnapshotCommand({ DBInstanceIdentifier: 'ledger', DBSnapshotIdentifier: 'ledger-snap' }));
    await clock.sleep(30 * MINUTE);
    const restore = (id: string, extra: Record<string, unknown> = {}) => east.send(new RestoreDBInstanceFromDBSnapshotCommand({ DBInstanceIdentifier: id, DBSnapshotIdentifier: 'ledger-snap', ...extra }));
    // Nothing given: all of it from the backup (the master user and database name cannot be changed by a restore).
    const kept = (await restore('ledger-restored')).DBInstance!;
    expect(kept).toMatchObject({ MasterUsername: 'ledger_admin', DBName: 'ledger', Endpoint: { Port: 3306 }, StorageType: 'io1', Iops: 12_000 });
    expect((await restore('ledger-io2', { StorageType: 'io2', Iops: 20_000 })).DBInstance).toMatchObject({ StorageType: 'io2', Iops: 20_000, MasterUsername: 'ledger_admin' });
    // "If you specify io1, io2 …, you must also include a value for the Iops parameter."
    await expect(restore('ledger-no-iops', { StorageType: 'io1' })).rejects.toMatchObject({ name: 'InvalidParameterCombination', $metadata: { httpStatusCode: 400 } });
    // An Aurora cluster restored from its snapshot keeps its master user and database name too.
    await east.send(new CreateDBClusterCommand({ DBClusterIdentifier: 'books', Engine: 'aurora-mysql', MasterUsername: 'books_admin', DatabaseName: 'books' }));
    await clock.sleep(5 * MINUTE);
    await east.send(new CreateDBClusterSnapshotCommand({ DBClusterIdentifier: 'books', DBClusterSnapshotIdentifier: 'books-snap' }));
    await clock.sleep(30 * MINUTE);
    const restored = (await east.send(new RestoreDBClusterFromSnapshotCommand({ DBClusterIdentifier: 'books-restored', SnapshotIdentifier: 'books-snap', Engine: 'aurora-mysql' }))).DBCluster!;
    expect(restored).toMatchObject({ MasterUsername: 'books_admin', DatabaseName: 'books', Port: 3306 });
  });

  it('lists a parameter group\'s parameters as RDS does: every engine parameter in name order, 100 a page, a Marker to go on', async () => {
    const clock = new VirtualClock();
    const rds = new Sandbox({ clock }).client(RDSClient, 'us-east-1');
    await rds.send(new CreateDBParameterGroupCommand({ DBParameterGroupName: 'orders-mysql', DBParameterGroupFamily: 'mysql8.0', Description: 'orders' }));
    await rds.send(new ModifyDBParameterGroupCommand({ DBParameterGroupName: 'orders-mysql', Parameters: [{ ParameterName: 'read_only', ParameterValue: '1', ApplyMethod: 'immediate' }] }));
    const pages: { ParameterName?: string; ParameterValue?: string; Source?: string }[][] = [];
    let marker: string | undefined;
    do {
      const out = await rds.send(new DescribeDBParametersCommand({ DBParameterGroupName: 'orders-mysql', ...(marker ? { Marker: marker } : {}) }));
      pages.push(out.Parameters ?? []);
      marker = out.Marker;
    } while (marker);
    expect(pages.length).toBeGreaterThan(1);
    expect(pages.slice(0, -1).every((p) => p.length === 100)).toBe(true);
    const names = pages.flat().map((p) => p.ParameterName!);
    expect(names).toEqual([...names].sort());
    // MySQL's read_only is not on the first page: a reader of one page does not see the fence.
    expect(pages[0]!.some((p) => p.ParameterName === 'read_only')).toBe(false);
    expect(pages.flat().find((p) => p.ParameterName === 'read_only')).toMatchObject({ ParameterValue: '1', Source: 'user' });
    // Source: user lists only what the user set.
    expect((await rds.send(new DescribeDBParametersCommand({ DBParameterGroupName: 'orders-mysql', Source: 'user' }))).Parameters?.map((p) => p.ParameterName)).toEqual(['read_only']);
    await expect(rds.send(new DescribeDBParametersCommand({ DBParameterGroupName: 'orders-mysql', MaxRecords: 10 }))).rejects.toMatchObject({ name: 'InvalidParameterValue' });
  });

  it('deletion protection: a protected instance or cluster is not deleted until the flag is off; replicas and restores do not inherit it', async () => {
    const { east, west, clock } = await primaryWithReplica();
    await east.send(new ModifyDBInstanceCommand({ DBInstanceIdentifier: 'orders', DeletionProtection: true }));
    const [protectedDb] = (await east.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'orders' }))).DBInstances ?? [];
    // The flag applies at once, without the maintenance window and without a `modifying` spell.
    expect(protectedDb).toMatchObject({ DeletionProtection: true, DBInstanceStatus: 'available' });
    const refused = await east.send(new DeleteDBInstanceCommand({ DBInstanceIdentifier: 'orders', SkipFinalSnapshot: true })).catch((e: unknown) => e);
    expect(refused).toMatchObject({ name: 'InvalidParameterCombination', message: 'Cannot delete protected DB Instance, please disable deletion protection and try again.' });
    expect((await east.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'orders' }))).DBInstances?.[0]?.DBInstanceStatus).toBe('available');
    // A replica made from it, or a restore of its snapshot, is unprotected unless its own request asks.
    const replica = await west.send(new CreateDBInstanceReadReplicaCommand({ DBInstanceIdentifier: 'orders-second', SourceDBInstanceIdentifier: protectedDb!.DBInstanceArn! }));
    expect(replica.DBInstance?.DeletionProtection).toBe(false);
    await east.send(new CreateDBSnapshotCommand({ DBInstanceIdentifier: 'orders', DBSnapshotIdentifier: 'orders-snap' }));
    await clock.sleep(30 * MINUTE);
    const restored = await east.send(new RestoreDBInstanceFromDBSnapshotCommand({ DBInstanceIdentifier: 'orders-restored', DBSnapshotIdentifier: 'orders-snap', DeletionProtection: true }));
    expect(restored.DBInstance?.DeletionProtection).toBe(true);
    await east.send(new ModifyDBInstanceCommand({ DBInstanceIdentifier: 'orders', DeletionProtection: false, ApplyImmediately: true }));
    const deleting = await east.send(new DeleteDBInstanceCommand({ DBInstanceIdentifier: 'orders', SkipFinalSnapshot: true }));
    expect(deleting.DBInstance?.DBInstanceStatus).toBe('deleting');
    // Aurora keeps the flag on the cluster.
    await east.send(new CreateDBClusterCommand({ DBClusterIdentifier: 'ledger', Engine: 'aurora-postgresql', MasterUsername: 'app', DeletionProtection: true }));
    const cluster = await east.send(new DeleteDBClusterCommand({ DBClusterIdentifier: 'ledger', SkipFinalSnapshot: true })).catch((e: unknown) => e);
    expect(cluster).toMatchObject({ name: 'InvalidParameterCombination', message: 'Cannot delete protected Cluster, please disable deletion protection and try again.' });
  });

  it('answers DescribeDBInstances for an unknown identifier with DBInstanceNotFound', async () => {
    const clock = new VirtualClock();
    const sandbox = new Sandbox({ clock });
    const error = await sandbox.client(RDSClient, 'us-east-1').send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'nope' })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DBInstanceNotFoundFault);
    expect(error).toMatchObject({ name: 'DBInstanceNotFoundFault', Code: 'DBInstanceNotFound', $fault: 'client', $metadata: { httpStatusCode: 404 } });
  });

  it('refuses to promote an instance that is not a read replica (InvalidDBInstanceState)', async () => {
    const { east } = await primaryWithReplica();
    const error = await east.send(new PromoteReadReplicaCommand({ DBInstanceIdentifier: 'orders' })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidDBInstanceStateFault);
    expect(error).toMatchObject({ name: 'InvalidDBInstanceStateFault', Code: 'InvalidDBInstanceState', $fault: 'client', $metadata: { httpStatusCode: 400 } });
  });

  it('promotes a cross-region replica to a standalone writer after the promotion latency', async () => {
    const { sandbox, clock, west } = await primaryWithReplica();
    const before = (await west.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'orders-replica' }))).DBInstances![0]!;
    expect(before.DBInstanceStatus).toBe('available');
    expect(before.ReadReplicaSourceDBInstanceIdentifier).toMatch(/^arn:aws:rds:us-east-1:\d{12}:db:orders$/);
    expect(before.StatusInfos?.[0]).toMatchObject({ StatusType: 'read replication', Status: 'replicating' });

    const start = clock.now();
    await west.send(new PromoteReadReplicaCommand({ DBInstanceIdentifier: 'orders-replica' }));
    const seen: { at: number; status: string }[] = [];
    for (;;) {
      const db = (await west.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'orders-replica' }))).DBInstances![0]!;
      if (seen.at(-1)?.status !== db.DBInstanceStatus) seen.push({ at: clock.now() - start, status: db.DBInstanceStatus! });
      if (db.DBInstanceStatus === 'available') {
        expect(db.ReadReplicaSourceDBInstanceIdentifier).toBeUndefined();
        expect(db.StatusInfos).toBeUndefined();
        break;
      }
      await clock.sleep(10_000);
    }
    expect(seen.map((s) => s.status)).toEqual(['modifying', 'rebooting', 'available']);
    expect(seen.at(-1)!.at).toBeGreaterThanOrEqual(3 * MINUTE);
    expect(seen.at(-1)!.at).toBeLessThanOrEqual(6 * MINUTE + 15_000);
    const source = (await sandbox.client(RDSClient, 'us-east-1').send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'orders' }))).DBInstances![0]!;
    expect(source.ReadReplicaDBInstanceIdentifiers).toEqual([]);
  });

  it('DB parameter groups: an unknown name is DBParameterGroupNotFound; default groups exist everywhere, attach, and refuse changes', async () => {
    const { west } = await primaryWithReplica();
    const missing = await west.send(new DescribeDBParameterGroupsCommand({ DBParameterGroupName: 'orders-pg-dr' })).catch((e: unknown) => e);
    expect(missing).toMatchObject({ name: 'DBParameterGroupNotFoundFault', Code: 'DBParameterGroupNotFound', $metadata: { httpStatusCode: 404 } });
    await west.send(new CreateDBParameterGroupCommand({ DBParameterGroupName: 'orders-pg-dr', DBParameterGroupFamily: 'postgres16', Description: 'orders' }));
    const created = await west.send(new DescribeDBParameterGroupsCommand({ DBParameterGroupName: 'orders-pg-dr' }));
    expect(created.DBParameterGroups).toEqual([expect.objectContaining({ DBParameterGroupName: 'orders-pg-dr', DBParameterGroupFamily: 'postgres16' })]);
    // The default group of a family is there without being created, and can be attached (but not changed).
    const defaults = await west.send(new DescribeDBParameterGroupsCommand({ DBParameterGroupName: 'default.postgres16' }));
    expect(defaults.DBParameterGroups).toEqual([expect.objectContaining({ DBParameterGroupName: 'default.postgres16', DBParameterGroupFamily: 'postgres16' })]);
    await west.send(new ModifyDBInstanceCommand({ DBInstanceIdentifier: 'orders-replica', DBParameterGroupName: 'default.postgres16', ApplyImmediately: true }));
    const replica = (await west.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'orders-replica' }))).DBInstances![0]!;
    expect(replica.DBParameterGroups?.[0]?.DBParameterGroupName).toBe('default.postgres16');
    const modify = await west.send(new ModifyDBParameterGroupCommand({ DBParameterGroupName: 'default.postgres16', Parameters: [{ ParameterName: 'default_transaction_read_only', ParameterValue: '1', ApplyMethod: 'immediate' }] })).catch((e: unknown) => e);
    expect(modify).toMatchObject({ Code: 'InvalidDBParameterGroupState' });
    const remove = await west.send(new DeleteDBParameterGroupCommand({ DBParameterGroupName: 'default.postgres16' })).catch((e: unknown) => e);
    expect(remove).toMatchObject({ Code: 'InvalidDBParameterGroupState' });
    await west.send(new DeleteDBParameterGroupCommand({ DBParameterGroupName: 'orders-pg-dr' }));
    expect(await west.send(new DescribeDBParameterGroupsCommand({ DBParameterGroupName: 'orders-pg-dr' })).catch((e: unknown) => (e as Error).name)).toBe('DBParameterGroupNotFoundFault');
  });
});
