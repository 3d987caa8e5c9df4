/**
 * The plan of a backup & restore scenario: the plan file an SRE would write for what `buildBackupRestoreScenario`
 * built, so tests, the demo and the docs drive the sandbox through the same plan model as real AWS. Only types
 * come from `@firedrill/core`: parse the result with `parsePlan`.
 */
import type { PlanInput } from '@firedrill/core';
import type { ScenarioNames } from './scenario.js';

/** Options of {@link planForBackupRestoreScenario}: what to change from what the scenario built. */
export interface BackupRestorePlanOverrides {
  /** @default `${app}-backup-restore` */
  name?: string;
  /** @default { rto: '2h', rpo: '24h' } (backup & restore: hours, AWS DR whitepaper) */
  objectives?: { rto: string; rpo: string };
  /** Identifier of the database restored in the recovery region. @default `${app}-db-restored` */
  restoredIdentifier?: string;
  /** RDS automated backup retention the plan expects (days). @default 7 (what the scenario's database has) */
  rdsRetentionDays?: number;
  /** Manual snapshot schedule and retention. @default twice a day, kept 3 days (the six copies the scenario made) */
  snapshots?: { schedule: string; retentionDays: number };
  /** Instances launched in the recovery region. @default 2 */
  instanceCount?: number;
  /** `strategy.parameters`. */
  parameters?: Record<string, unknown>;
  /** Health probe interval (the RTO's precision). @default '1s' */
  healthInterval?: string;
}

/**
 * The plan of a backup & restore scenario: the primary database restored from its newest copy in the recovery
 * region, instances launched there from the copied AMI through the recovery launch template, the failover record
 * pair with its health checks, the replicated buckets, and the snapshot schedule.
 *
 * @example
 * const { sandbox, names } = await buildBackupRestoreScenario({ clock });
 * const plan = parsePlan(planForBackupRestoreScenario(names));
 */
export function planForBackupRestoreScenario(names: ScenarioNames, overrides: BackupRestorePlanOverrides = {}): PlanInput {
  if (names.strategy !== 'backup-restore') throw new TypeError(`expected the names of a backup-restore scenario, got ${names.strategy}`);
  const { app, primaryRegion: primary, recoveryRegion: recovery, dns, storage, database } = names;
  if (!dns || !storage || !names.compute.primary) throw new TypeError('planForBackupRestoreScenario: the scenario has no DNS, buckets or primary compute');
  const snapshots = overrides.snapshots ?? { schedule: '0 */12 * * *', retentionDays: 3 };
  const keys = database.kmsKeys;
  return {
    apiVersion: 'firedrill.dev/v1',
    kind: 'Plan',
    metadata: { name: overrides.name ?? `${app}-backup-restore`, description: `${app} on the sandbox, recovered from backups` },
    target: 'sandbox',
    regions: { primary, recovery },
    strategy: { name: 'backup-restore', parameters: overrides.parameters ?? {} },
    resources: {
      database: {
        kind: 'rds-instance',
        engine: 'postgres',
        // The keys the scenario encrypted each side with: snapshot copies into that side's region need them.
        primary: { identifier: database.primary.identifier, ...(keys.primary ? { kmsKeyId: keys.primary } : {}) },
        recovery: { identifier: overrides.restoredIdentifier ?? `${app}-db-restored`, instanceClass: 'db.r6g.large', ...(keys.recovery ? { kmsKeyId: keys.recovery } : {}) },
        backup: { retentionDays: overrides.rdsRetentionDays ?? 7, schedule: '0 3 * * *' },
      },
      compute: {
        kind: 'ec2-instances',
        primary: { tags: { app } },
        recovery: { amiName: `${app}-app`, launchTemplate: `${app}-${recovery}`, instanceType: 'm6i.large', count: overrides.instanceCount ?? 2 },
      },
      dns: {
        kind: 'route53-record',
        hostedZoneId: dns.hostedZoneId,
        name: dns.recordName.replace(/\.$/, ''),
        type: dns.recordType,
        routing: 'failover',
        primary: { setIdentifier: dns.setIdentifiers[primary]!, healthCheckId: dns.healthChecks[primary]!, value: names.endpoints[primary]! },
        recovery: { setIdentifier: dns.setIdentifiers[recovery]!, healthCheckId: dns.healthChecks[recovery]!, value: names.endpoints[recovery]! },
        ttl: 60,
      },
      data: { kind: 's3-bucket', primary: { bucket: storage.primaryBucket }, recovery: { bucket: storage.recoveryBucket }, replication: true },
      backups: {
        kind: 'backups',
        snapshots: [{ source: 'database', schedule: snapshots.schedule, retentionDays: snapshots.retentionDays, copyToRecovery: true }],
      },
    },
    objectives: overrides.objectives ?? { rto: '2h', rpo: '24h' },
    probes: { health: { kind: 'sandbox', endpoint: 'recovery', interval: overrides.healthInterval ?? '1s', consecutive: 3 } },
    rollback: 'on-failure',
  };
}
