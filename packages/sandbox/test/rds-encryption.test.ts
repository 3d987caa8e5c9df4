/**
 * Encryption at rest as RDS applies it: a cross-region read replica or snapshot copy of an encrypted database needs a
 * KMS key of the destination region (a key of another region is not accessible there); in its region a copy keeps its
 * source's key; an unencrypted database needs no key.
 */
import {
  CopyDBClusterSnapshotCommand,
  CopyDBSnapshotCommand,
  CreateDBClusterCommand,
  CreateDBClusterSnapshotCommand,
  CreateDBInstanceCommand,
  CreateDBInstanceReadReplicaCommand,
  CreateDBSnapshotCommand,
  DescribeDBInstancesCommand,
  DescribeDBSnapshotsCommand,
  KMSKeyNotAccessibleFault,
  RDSClient,
  RestoreDBInstanceFromDBSnapshotCommand,
} from '@aws-sdk/client-rds';
import { VirtualClock } from '@firedrill/core';
import { describe, expect, it } from 'vitest';
import { buildBackupRestoreScenario, buildWarmStandbyScenario, planForBackupRestoreScenario, planForScenario, Sandbox } from '../src/index.js';
import { sandboxKmsKeyArn } from '../src/services/rds-encryption.js';

const MINUTE = 60_000;
const EAST_KEY = 'arn:aws:kms:us-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const WEST_KEY = 'arn:aws:kms:us-west-2:111111111111:key/mrk-1234abcd12ab34cd56ef1234567890ab';

async function world(encrypted: boolean): Promise<{ sandbox: Sandbox; clock: VirtualClock; east: RDSClient; west: RDSClient; arn: string; snapshotArn: string }> {
  const clock = new VirtualClock({ start: '2026-11-22T03:00:00Z' });
  const sandbox = new Sandbox({ clock, seed: 7, latencies: { 'rds.createDBInstance': MINUTE, 'rds.createDBSnapshot': MINUTE } });
  const east = sandbox.client(RDSClient, 'us-east-1');
  const west = sandbox.client(RDSClient, 'us-west-2');
  const created = await east.send(new CreateDBInstanceCommand({
    DBInstanceIdentifier: 'orders', DBInstanceClass: 'db.r6g.large', Engine: 'postgres', MasterUsername: 'app', AllocatedStorage: 100, BackupRetentionPeriod: 7,
    ...(encrypted ? { StorageEncrypted: true, KmsKeyId: EAST_KEY } : {}),
  }));
  await clock.sleep(MINUTE);
  const snapshot = await east.send(new CreateDBSnapshotCommand({ DBInstanceIdentifier: 'orders', DBSnapshotIdentifier: 'orders-snap' }));
  await clock.sleep(MINUTE);
  return { sandbox, clock, east, west, arn: created.DBInstance!.DBInstanceArn!, snapshotArn: snapshot.DBSnapshot!.DBSnapshotArn! };
}

const refusal = (promise: Promise<unknown>): Promise<unknown> => promise.then(() => 'accepted', (e: unknown) => e);

describe('RDS encryption at rest', () => {
  it('reports an encrypted instance and its snapshot with their key; an unencrypted one without', async () => {
    const { east } = await world(true);
    const [db] = (await east.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'orders' }))).DBInstances ?? [];
    expect(db).toMatchObject({ StorageEncrypted: true, KmsKeyId: EAST_KEY });
    const [snapshot] = (await east.send(new DescribeDBSnapshotsCommand({ DBSnapshotIdentifier: 'orders-snap' }))).DBSnapshots ?? [];
    expect(snapshot).toMatchObject({ Encrypted: true, KmsKeyId: EAST_KEY });
    const plain = await world(false);
    const [unencrypted] = (await plain.east.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'orders' }))).DBInstances ?? [];
    expect(unencrypted).toMatchObject({ StorageEncrypted: false });
    expect(unencrypted).not.toHaveProperty('KmsKeyId');
  });

  it('refuses a cross-region replica of an encrypted source without a key of the replica\'s region, as RDS does', async () => {
    const { west, arn } = await world(true);
    const replica = (KmsKeyId?: string) => refusal(west.send(new CreateDBInstanceReadReplicaCommand({ DBInstanceIdentifier: 'orders-replica', SourceDBInstanceIdentifier: arn, ...(KmsKeyId ? { KmsKeyId } : {}) })));
    expect(await replica()).toMatchObject({ name: 'InvalidParameterCombination', message: 'Cannot create a cross region unencrypted read replica from encrypted source.' });
    const wrongRegion = await replica(EAST_KEY);
    expect(wrongRegion).toBeInstanceOf(KMSKeyNotAccessibleFault);
    expect((wrongRegion as Error).message).toMatch(/^An error occurred accessing an Amazon Web Services KMS key\. .* is a key of us-east-1/);
    expect(await replica(WEST_KEY)).toBe('accepted');
    const [made] = (await west.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'orders-replica' }))).DBInstances ?? [];
    expect(made).toMatchObject({ StorageEncrypted: true, KmsKeyId: WEST_KEY });
  });

  it('takes a key id or alias name as a key of the replica\'s region', async () => {
    const { west, arn } = await world(true);
    await west.send(new CreateDBInstanceReadReplicaCommand({ DBInstanceIdentifier: 'orders-replica', SourceDBInstanceIdentifier: arn, KmsKeyId: 'alias/orders' }));
    const [made] = (await west.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'orders-replica' }))).DBInstances ?? [];
    expect(made?.KmsKeyId).toBe('arn:aws:kms:us-west-2:111111111111:alias/orders');
  });

  it('needs nothing for an unencrypted source, and refuses to encrypt its replica', async () => {
    const { west, arn } = await world(false);
    expect(await refusal(west.send(new CreateDBInstanceReadReplicaCommand({ DBInstanceIdentifier: 'orders-replica', SourceDBInstanceIdentifier: arn, KmsKeyId: WEST_KEY }))))
      .toMatchObject({ name: 'InvalidParameterCombination' });
    expect(await refusal(west.send(new CreateDBInstanceReadReplicaCommand({ DBInstanceIdentifier: 'orders-replica', SourceDBInstanceIdentifier: arn })))).toBe('accepted');
  });

  it('copies an encrypted snapshot across regions only with a key of the destination, and in its region with the source\'s key', async () => {
    const { east, west, snapshotArn, clock } = await world(true);
    const copy = (id: string, KmsKeyId?: string) =>
      refusal(west.send(new CopyDBSnapshotCommand({ SourceDBSnapshotIdentifier: snapshotArn, TargetDBSnapshotIdentifier: id, ...(KmsKeyId ? { KmsKeyId } : {}) })));
    expect(await copy('orders-dr')).toMatchObject({ name: 'InvalidParameterValue', message: 'Must specify new KMS key for cross region encrypted snapshot copy.' });
    expect(await copy('orders-dr', EAST_KEY)).toBeInstanceOf(KMSKeyNotAccessibleFault);
    expect(await copy('orders-dr', WEST_KEY)).toBe('accepted');
    await east.send(new CopyDBSnapshotCommand({ SourceDBSnapshotIdentifier: 'orders-snap', TargetDBSnapshotIdentifier: 'orders-snap-2' }));
    await clock.sleep(60 * MINUTE);
    const [dr] = (await west.send(new DescribeDBSnapshotsCommand({ DBSnapshotIdentifier: 'orders-dr' }))).DBSnapshots ?? [];
    expect(dr).toMatchObject({ Encrypted: true, KmsKeyId: WEST_KEY });
    const [local] = (await east.send(new DescribeDBSnapshotsCommand({ DBSnapshotIdentifier: 'orders-snap-2' }))).DBSnapshots ?? [];
    expect(local).toMatchObject({ Encrypted: true, KmsKeyId: EAST_KEY });
    // A restore is encrypted with its snapshot's key.
    await west.send(new RestoreDBInstanceFromDBSnapshotCommand({ DBInstanceIdentifier: 'orders-restored', DBSnapshotIdentifier: 'orders-dr' }));
    const [restored] = (await west.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'orders-restored' }))).DBInstances ?? [];
    expect(restored).toMatchObject({ StorageEncrypted: true, KmsKeyId: WEST_KEY });
  });

  it('copies an unencrypted snapshot across regions with no key', async () => {
    const { west, snapshotArn } = await world(false);
    expect(await refusal(west.send(new CopyDBSnapshotCommand({ SourceDBSnapshotIdentifier: snapshotArn, TargetDBSnapshotIdentifier: 'orders-dr' })))).toBe('accepted');
  });

  it('copies an encrypted cluster snapshot across regions only with a key of the destination', async () => {
    const { sandbox, east, west, clock } = await world(false);
    await east.send(new CreateDBClusterCommand({ DBClusterIdentifier: 'ledger', Engine: 'aurora-postgresql', MasterUsername: 'app', StorageEncrypted: true }));
    await clock.sleep(MINUTE);
    const snapshot = await east.send(new CreateDBClusterSnapshotCommand({ DBClusterIdentifier: 'ledger', DBClusterSnapshotIdentifier: 'ledger-snap' }));
    await clock.sleep(60 * MINUTE);
    expect(snapshot.DBClusterSnapshot).toMatchObject({ StorageEncrypted: true, KmsKeyId: sandboxKmsKeyArn(sandbox.world, 'us-east-1') });
    const copy = (KmsKeyId?: string) => refusal(west.send(new CopyDBClusterSnapshotCommand({
      SourceDBClusterSnapshotIdentifier: snapshot.DBClusterSnapshot!.DBClusterSnapshotArn!, TargetDBClusterSnapshotIdentifier: 'ledger-dr', ...(KmsKeyId ? { KmsKeyId } : {}),
    })));
    expect(await copy()).toMatchObject({ name: 'InvalidParameterValue', message: 'Must specify new KMS key for cross region encrypted cluster snapshot copy.' });
    expect(await copy(WEST_KEY)).toBe('accepted');
  });

  it('builds scenarios\' databases encrypted with a key of each region, the same for a seed, and their plans name the keys', async () => {
    const { sandbox, names } = await buildWarmStandbyScenario({ clock: new VirtualClock({ start: '2026-11-22T03:00:00Z' }), seed: 3 });
    const keys = names.database.kmsKeys;
    expect(keys.primary).toMatch(/^arn:aws:kms:us-east-1:\d{12}:key\/[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(keys).toEqual({ primary: sandboxKmsKeyArn(sandbox.world, 'us-east-1'), recovery: sandboxKmsKeyArn(sandbox.world, 'us-west-2') });
    const [replica] = (await sandbox.client(RDSClient, 'us-west-2').send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: names.database.recovery!.identifier }))).DBInstances ?? [];
    expect(replica).toMatchObject({ StorageEncrypted: true, KmsKeyId: keys.recovery });
    expect(planForScenario(names).resources['database']).toMatchObject({ primary: { kmsKeyId: keys.primary }, recovery: { kmsKeyId: keys.recovery } });
    const backups = await buildBackupRestoreScenario({ clock: new VirtualClock({ start: '2026-11-22T03:00:00Z' }), seed: 3 });
    const [copy] = (await backups.sandbox.client(RDSClient, 'us-west-2').send(new DescribeDBSnapshotsCommand({ DBSnapshotIdentifier: backups.names.database.recoverySnapshots!.at(-1)! }))).DBSnapshots ?? [];
    expect(copy).toMatchObject({ Encrypted: true, KmsKeyId: backups.names.database.kmsKeys.recovery });
    expect(planForBackupRestoreScenario(backups.names).resources['database']).toMatchObject({ recovery: { kmsKeyId: backups.names.database.kmsKeys.recovery } });
  });
});
