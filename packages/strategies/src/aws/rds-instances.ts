import {
  CreateDBInstanceReadReplicaCommand,
  type DBInstance,
  DeleteDBInstanceCommand,
  DescribeDBInstancesCommand,
  ModifyDBInstanceCommand,
  PromoteReadReplicaCommand,
  RebootDBInstanceCommand,
  type RDSClient,
} from '@aws-sdk/client-rds';
import { type ActionOutcome, type AdapterCallOptions, adapterFailure, callAws, callAwsOrNotFound, sendOptions, toAwsTags } from './aws-call.js';
import { classifyAwsError } from './classify-error.js';

/** A DB instance, as the strategies need it. */
export interface DbInstanceSummary {
  identifier: string;
  arn: string | undefined;
  status: string;
  engine: string | undefined;
  /** `16.4`, `8.0.39`: with the engine, the parameter group family a restore needs. */
  engineVersion: string | undefined;
  instanceClass: string | undefined;
  multiAz: boolean;
  /** Set while the instance is a read replica: the source's identifier or ARN (cross-region). */
  readReplicaSource: string | undefined;
  readReplicas: string[];
  endpoint: { address: string; port: number } | undefined;
  backupRetentionPeriod: number | undefined;
  /** RDS refuses to delete it until this is turned off. */
  deletionProtection: boolean;
  clusterIdentifier: string | undefined;
  /** Encrypted at rest (`StorageEncrypted`): its cross-region replicas and snapshot copies need a key of their region. */
  storageEncrypted: boolean;
  /** ARN of the KMS key its storage is encrypted with. */
  kmsKeyId: string | undefined;
}

/** A DB instance as DescribeDBInstances returned it, summarized as the strategies need it. */
export function summarizeDbInstance(db: DBInstance): DbInstanceSummary {
  const source = db.ReadReplicaSourceDBInstanceIdentifier;
  return {
    identifier: db.DBInstanceIdentifier ?? '',
    arn: db.DBInstanceArn,
    status: db.DBInstanceStatus ?? 'unknown',
    engine: db.Engine,
    engineVersion: db.EngineVersion,
    instanceClass: db.DBInstanceClass,
    multiAz: db.MultiAZ === true,
    readReplicaSource: source === undefined || source === '' ? undefined : source,
    readReplicas: db.ReadReplicaDBInstanceIdentifiers ?? [],
    endpoint: db.Endpoint?.Address === undefined ? undefined : { address: db.Endpoint.Address, port: db.Endpoint.Port ?? 0 },
    backupRetentionPeriod: db.BackupRetentionPeriod,
    deletionProtection: db.DeletionProtection === true,
    clusterIdentifier: db.DBClusterIdentifier,
    storageEncrypted: db.StorageEncrypted === true,
    kmsKeyId: db.KmsKeyId,
  };
}

/** Options naming one DB instance. */
export interface DbInstanceOptions extends AdapterCallOptions {
  rds: RDSClient;
  identifier: string;
}

const site = (rds: RDSClient, command: string, resource: string) => ({ service: 'rds' as const, client: rds, command, resource });

/**
 * Describes one DB instance as RDS returns it (parameter groups, tags, network…); `undefined` when it does not
 * exist. Prefer {@link describeDbInstance} unless a field outside {@link DbInstanceSummary} is needed.
 * @example const db = await describeRawDbInstance({ rds, identifier: 'tracking-db' }); // db?.VpcSecurityGroups
 */
export async function describeRawDbInstance(options: DbInstanceOptions): Promise<DBInstance | undefined> {
  const { rds, identifier, signal } = options;
  const out = await callAwsOrNotFound(site(rds, 'DescribeDBInstances', identifier), signal, () =>
    rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: identifier }), sendOptions(signal)));
  return out?.DBInstances?.[0];
}

/**
 * Describes one DB instance; `undefined` when it does not exist.
 * @example const db = await describeDbInstance({ rds, identifier: 'tracking-db-replica' });
 */
export async function describeDbInstance(options: DbInstanceOptions): Promise<DbInstanceSummary | undefined> {
  const db = await describeRawDbInstance(options);
  return db === undefined ? undefined : summarizeDbInstance(db);
}

async function requireDbInstance(options: DbInstanceOptions, purpose: string): Promise<DbInstanceSummary> {
  const db = await describeDbInstance(options);
  if (db !== undefined) return db;
  const region = await options.rds.config.region();
  throw adapterFailure(`DBInstanceNotFound: ${purpose}: no DB instance ${options.identifier} in ${region}. Check the identifier and region in the plan.`, 'DBInstanceNotFound');
}

/** Options of {@link promoteReadReplica}. */
export interface PromoteReadReplicaOptions extends DbInstanceOptions {
  /** Days of automated backups on the promoted instance (a replica often has 0). */
  backupRetentionPeriod?: number;
}

/**
 * Promotes a read replica to a standalone instance. Check-then-act: an instance that is already standalone is left
 * alone, and a replica already being promoted (a resumed run) is not promoted twice. Wait with `dbInstancePromoted`.
 *
 * @example
 * const { changed, note } = await promoteReadReplica({ rds, identifier: 'tracking-db-replica', backupRetentionPeriod: 7, signal });
 */
export async function promoteReadReplica(options: PromoteReadReplicaOptions): Promise<ActionOutcome> {
  const { rds, identifier, signal } = options;
  const db = await requireDbInstance(options, 'promote read replica');
  if (db.readReplicaSource === undefined) return { changed: false, note: `${identifier} is already standalone (status ${db.status}); nothing to promote` };
  try {
    await callAws(site(rds, 'PromoteReadReplica', identifier), signal, () =>
      rds.send(new PromoteReadReplicaCommand({
        DBInstanceIdentifier: identifier,
        ...(options.backupRetentionPeriod === undefined ? {} : { BackupRetentionPeriod: options.backupRetentionPeriod }),
      }), sendOptions(signal)));
  } catch (error) {
    // A promotion already under way (modifying/rebooting) refuses a second one: the wait step verifies the end state.
    if (classifyAwsError(error).reason !== 'invalid-state' || db.status === 'available') throw error;
    return { changed: false, note: `${identifier} is ${db.status}: a promotion (or another change) is already in progress` };
  }
  return { changed: true, note: `promotion of ${identifier} (replica of ${db.readReplicaSource}) started` };
}

/** Options of {@link modifyDbInstance}: only the fields given are changed. */
export interface ModifyDbInstanceOptions extends DbInstanceOptions {
  instanceClass?: string;
  multiAz?: boolean;
  backupRetentionPeriod?: number;
  /** @default true (during a failover, the maintenance window is not an option) */
  applyImmediately?: boolean;
}

/**
 * Resizes or reconfigures an instance (for example after promotion). Check-then-act: no call when every given
 * value is already in place.
 */
export async function modifyDbInstance(options: ModifyDbInstanceOptions): Promise<ActionOutcome> {
  const { rds, identifier, signal } = options;
  const db = await requireDbInstance(options, 'modify DB instance');
  const input = {
    ...(options.instanceClass !== undefined && options.instanceClass !== db.instanceClass ? { DBInstanceClass: options.instanceClass } : {}),
    ...(options.multiAz !== undefined && options.multiAz !== db.multiAz ? { MultiAZ: options.multiAz } : {}),
    ...(options.backupRetentionPeriod !== undefined && options.backupRetentionPeriod !== db.backupRetentionPeriod
      ? { BackupRetentionPeriod: options.backupRetentionPeriod }
      : {}),
  };
  if (Object.keys(input).length === 0) return { changed: false, note: `${identifier} already has the requested settings` };
  await callAws(site(rds, 'ModifyDBInstance', identifier), signal, () =>
    rds.send(new ModifyDBInstanceCommand({ DBInstanceIdentifier: identifier, ApplyImmediately: options.applyImmediately ?? true, ...input }), sendOptions(signal)));
  return { changed: true, note: `modifying ${identifier}: ${Object.keys(input).join(', ')}` };
}

/**
 * Options of {@link createCrossRegionReadReplica}. `rds` is a client in the replica's (recovery) region. No
 * `SourceRegion`/presigned URL: outside GovCloud and China, RDS ignores it (CreateDBInstanceReadReplica reference).
 */
export interface CreateReadReplicaOptions extends DbInstanceOptions {
  /** ARN of the source instance (required across regions). */
  sourceArn: string;
  instanceClass?: string;
  kmsKeyId?: string;
  subnetGroupName?: string;
  tags?: Readonly<Record<string, string>>;
}

/**
 * Creates a read replica of `sourceArn` (in another region, or the same one). Check-then-act: a replica of that
 * source under that name is left alone; an instance of that name replicating something else is an error.
 */
export async function createCrossRegionReadReplica(options: CreateReadReplicaOptions): Promise<ActionOutcome> {
  const { rds, identifier, signal } = options;
  const existing = await describeDbInstance(options);
  if (existing !== undefined) {
    if (existing.readReplicaSource === options.sourceArn || options.sourceArn.endsWith(`:db:${existing.readReplicaSource ?? '\u0000'}`)) {
      return { changed: false, note: `${identifier} already replicates ${options.sourceArn} (status ${existing.status})` };
    }
    throw adapterFailure(
      `DBInstanceAlreadyExists: ${identifier} exists in ${await rds.config.region()} but is not a replica of ${options.sourceArn} (source: ${existing.readReplicaSource ?? 'none'}). Choose another identifier or remove the instance.`,
      'DBInstanceAlreadyExists',
    );
  }
  await callAws(site(rds, 'CreateDBInstanceReadReplica', identifier), signal, () =>
    rds.send(new CreateDBInstanceReadReplicaCommand({
      DBInstanceIdentifier: identifier,
      SourceDBInstanceIdentifier: options.sourceArn,
      ...(options.instanceClass ? { DBInstanceClass: options.instanceClass } : {}),
      ...(options.kmsKeyId ? { KmsKeyId: options.kmsKeyId } : {}),
      ...(options.subnetGroupName ? { DBSubnetGroupName: options.subnetGroupName } : {}),
      ...(options.tags ? { Tags: toAwsTags(options.tags) } : {}),
    }), sendOptions(signal)));
  return { changed: true, note: `creating ${identifier} as a replica of ${options.sourceArn}` };
}

/** Options of {@link deleteDbInstance}. */
export interface DeleteDbInstanceOptions extends DbInstanceOptions {
  /** Keep a final snapshot under this name; without it, no final snapshot is taken (drill copies). */
  finalSnapshotIdentifier?: string;
  /** @default true */
  deleteAutomatedBackups?: boolean;
  /**
   * Turn the instance's deletion protection off first (ModifyDBInstance), when it has it. Only for a deletion the
   * operation itself decided — retiring a stale writer whose final snapshot keeps its data, removing a copy the run
   * made. Without it, a protected instance is a permanent error naming what to do.
   */
  liftDeletionProtection?: boolean;
}

/** Deletes a DB instance (an isolated drill's copy). Check-then-act: gone or already deleting → no call. */
export async function deleteDbInstance(options: DeleteDbInstanceOptions): Promise<ActionOutcome> {
  const { rds, identifier, signal } = options;
  const db = await describeDbInstance(options);
  if (db === undefined) return { changed: false, note: `${identifier} does not exist` };
  if (db.status === 'deleting') return { changed: false, note: `${identifier} is already being deleted` };
  if (db.deletionProtection) {
    if (!options.liftDeletionProtection) {
      const region = await rds.config.region();
      throw adapterFailure(
        `InvalidParameterCombination: ${identifier} in ${region} has deletion protection, so RDS refuses to delete it. Turn it off (aws rds modify-db-instance --region ${region} --db-instance-identifier ${identifier} --no-deletion-protection --apply-immediately) if it really is to go, then resume.`,
        'InvalidParameterCombination',
      );
    }
    // The flag applies at once and leaves the instance available: the delete can follow straight away.
    await callAws(site(rds, 'ModifyDBInstance', identifier), signal, () =>
      rds.send(new ModifyDBInstanceCommand({ DBInstanceIdentifier: identifier, DeletionProtection: false, ApplyImmediately: true }), sendOptions(signal)));
  }
  const final = options.finalSnapshotIdentifier;
  await callAws(site(rds, 'DeleteDBInstance', identifier), signal, () =>
    rds.send(new DeleteDBInstanceCommand({
      DBInstanceIdentifier: identifier,
      ...(final === undefined ? { SkipFinalSnapshot: true } : { SkipFinalSnapshot: false, FinalDBSnapshotIdentifier: final }),
      DeleteAutomatedBackups: options.deleteAutomatedBackups ?? true,
    }), sendOptions(signal)));
  return { changed: true, note: `deleting ${identifier}${final ? ` (final snapshot ${final})` : ''}${db.deletionProtection ? ' after turning its deletion protection off' : ''}` };
}

/**
 * Forces a Multi-AZ instance to fail over to its standby (RebootDBInstance with ForceFailover), the in-region HA
 * step. Not check-then-act by nature: the caller's step records that it ran, so a resume does not repeat it.
 */
export async function failoverMultiAzInstance(options: DbInstanceOptions): Promise<ActionOutcome> {
  const { rds, identifier, signal } = options;
  const db = await requireDbInstance(options, 'Multi-AZ failover');
  if (!db.multiAz) throw adapterFailure(`NotMultiAZ: ${identifier} is not Multi-AZ, so it has no standby to fail over to.`, 'NotMultiAZ');
  await callAws(site(rds, 'RebootDBInstance', identifier), signal, () =>
    rds.send(new RebootDBInstanceCommand({ DBInstanceIdentifier: identifier, ForceFailover: true }), sendOptions(signal)));
  return { changed: true, note: `failing ${identifier} over to its standby` };
}
