/**
 * Plan → scenario: the sandbox world a plan describes. The strategy's scenario builder (one topology per strategy)
 * is given the plan's names and shape — regions, database identifiers and engine, Auto Scaling groups and their
 * sizes, launch templates, AMI names, the hosted zone, record, set identifiers and health check ids, buckets,
 * backup schedules, accounts — so an SRE's own plan runs on the sandbox as written. What the sandbox cannot build
 * is refused up front with the file, the field, what was expected and what was found.
 *
 * The reverse of `planForScenario` & co. (scenario → plan). Only types come from `@firedrill/core`.
 */
import { cronFirings, type Plan, type PlanResource } from '@firedrill/core';
import { nodeKey } from '../database-nodes.js';
import type { Sandbox } from '../sandbox.js';
import { buildBackupRestoreScenario } from './backup-restore.js';
import { buildInRegionScenario } from './in-region-aurora.js';
import type { BucketLayout, Capacity, InstanceRoleLayout, ScenarioLayout } from './layout.js';
import { buildMultiSiteScenario } from './multi-site.js';
import { buildPilotLightScenario } from './pilot-light.js';
import { provision, provisionImage } from './provision.js';
import type { Scenario, ScenarioOptions } from './scenario.js';
import { buildWarmStandbyScenario } from './warm-standby.js';

type Kind = PlanResource['kind'];
type ResourceOf<K extends Kind> = Extract<PlanResource, { kind: K }>;

/** The scenario builder of each strategy the sandbox can host. */
export const SANDBOX_SCENARIOS: Readonly<Record<string, (options: ScenarioOptions) => Promise<Scenario>>> = {
  'backup-restore': buildBackupRestoreScenario,
  'pilot-light': buildPilotLightScenario,
  'warm-standby': buildWarmStandbyScenario,
  'multi-site': buildMultiSiteScenario,
  'in-region': buildInRegionScenario,
};

/** How many resources of each kind a strategy's scenario can provision. */
const HOSTS: Record<string, Partial<Record<Kind, number>>> = {
  'backup-restore': { 'rds-instance': 1, 'ec2-instances': 20, 'auto-scaling-group': 1, 'route53-record': 1, 's3-bucket': 20, backups: 1, 'launch-template': 20 },
  'pilot-light': { 'rds-instance': 1, 'auto-scaling-group': 1, 'route53-record': 1, 's3-bucket': 20, 'launch-template': 20 },
  'warm-standby': { 'rds-instance': 1, 'auto-scaling-group': 1, 'route53-record': 1, 's3-bucket': 20, 'launch-template': 20 },
  'multi-site': { 'aurora-global-cluster': 1, 'auto-scaling-group': 1, 'route53-record': 1, 's3-bucket': 20, 'launch-template': 20 },
  'in-region': { 'aurora-cluster': 1, 'rds-instance': 1, 'auto-scaling-group': 1, 's3-bucket': 20, 'launch-template': 20 },
};

/** The database each strategy's scenario is built around (in-region: either, one of them). */
const DATABASE_KIND: Record<string, Kind | readonly Kind[]> = {
  'backup-restore': 'rds-instance',
  'pilot-light': 'rds-instance',
  'warm-standby': 'rds-instance',
  'multi-site': 'aurora-global-cluster',
  'in-region': ['aurora-cluster', 'rds-instance'],
};

/** One thing in a plan the sandbox cannot provision. */
export interface ScenarioPlanIssue {
  /** Field path in the plan, e.g. `resources.cache.kind`. */
  path: string;
  expected: string;
  found: string;
}

/** The plan cannot be built on the sandbox (exit code 2: bad input; nothing was run). */
export class ScenarioPlanError extends Error {
  override readonly name = 'ScenarioPlanError';
  readonly code = 'SANDBOX_CANNOT_PROVISION';
  readonly exitCode = 2;
  constructor(
    readonly file: string,
    readonly issues: readonly ScenarioPlanIssue[],
  ) {
    super(`${issues.map((i) => `${file}: ${i.path}: expected ${i.expected}, found ${i.found}`).join('\n')}\nThe sandbox cannot build this plan's resources; fix the plan, or run it with --target aws.`);
  }
}

/** Options of {@link buildScenarioForPlan}. */
export interface PlanScenarioOptions extends Omit<ScenarioOptions, 'regions' | 'app' | 'layout' | 'accounts'> {
  /** The plan file, named in errors. @default 'plan.yaml' */
  file?: string;
}

/**
 * The application name a plan's world uses: the plan's name without a strategy suffix (`tracking-app`,
 * `tracking-backup-restore` → `tracking`), so a plan written by `planForScenario` gets the scenario's own names.
 */
export function sandboxAppName(planName: string): string {
  return planName.replace(/-(app|multi-site|in-region|backup-restore|pilot-light|warm-standby)$/, '') || planName;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** A scheduled backup is usable in the recovery region once copied: the newest one counted fired this long ago. */
const COPY_MARGIN = 30 * 60_000;

const capacityOf = (c: { min: number; desired: number; max: number }): Capacity => [c.min, c.desired, c.max];

function rolesOf<K extends Kind>(plan: Plan, kind: K): [string, ResourceOf<K>][] {
  return Object.entries(plan.resources).flatMap(([role, r]) => (r.kind === kind ? [[role, r as ResourceOf<K>]] : []));
}

/** What in the plan the sandbox cannot build for its strategy. */
export function planProvisioningIssues(plan: Plan): ScenarioPlanIssue[] {
  const strategy = plan.strategy.name;
  const hosts = HOSTS[strategy];
  if (hosts === undefined) {
    return [{ path: 'strategy.name', expected: `a strategy the sandbox has a scenario for (${Object.keys(SANDBOX_SCENARIOS).join(', ')})`, found: `"${strategy}"` }];
  }
  const issues: ScenarioPlanIssue[] = [];
  const hosted = Object.keys(hosts).join(', ');
  const counts = new Map<Kind, number>();
  for (const [role, resource] of Object.entries(plan.resources)) {
    const max = hosts[resource.kind];
    const n = (counts.get(resource.kind) ?? 0) + 1;
    counts.set(resource.kind, n);
    if (max === undefined) issues.push({ path: `resources.${role}.kind`, expected: `a kind the sandbox's ${strategy} scenario provisions (${hosted})`, found: `"${resource.kind}"` });
    else if (n > max) issues.push({ path: `resources.${role}`, expected: `at most ${max} ${resource.kind} resource${max === 1 ? '' : 's'} in the sandbox's ${strategy} scenario`, found: `${n}` });
  }
  const databaseKinds = [DATABASE_KIND[strategy]!].flat();
  if (!databaseKinds.some((k) => counts.has(k))) {
    const found = Object.entries(plan.resources).map(([role, r]) => `${role} (${r.kind})`).join(', ') || 'none';
    issues.push({ path: 'resources', expected: `an ${databaseKinds.join(' or an ')} resource (the sandbox's ${strategy} scenario is built around it)`, found });
  }
  if (strategy === 'in-region') {
    // One database: an Aurora cluster, or a Multi-AZ instance (its standby is what fails over).
    if (counts.has('aurora-cluster') && counts.has('rds-instance')) {
      issues.push({ path: 'resources', expected: "one database in the sandbox's in-region scenario: an aurora-cluster or a Multi-AZ rds-instance", found: 'both' });
    }
    for (const [role, db] of rolesOf(plan, 'rds-instance')) {
      if (db.multiAz !== true) issues.push({ path: `resources.${role}.multiAz`, expected: "true (the sandbox's in-region scenario fails a Multi-AZ instance over to its standby)", found: `${db.multiAz ?? 'not set'}` });
    }
  }
  for (const [role, db] of rolesOf(plan, 'rds-instance')) {
    if (db.engine !== undefined && !['postgres', 'mysql', 'mariadb'].includes(db.engine)) {
      issues.push({ path: `resources.${role}.engine`, expected: 'postgres, mysql or mariadb (an Aurora database is an aurora-cluster or aurora-global-cluster resource)', found: `"${db.engine}"` });
    }
  }
  const routing = strategy === 'multi-site' ? 'weighted' : 'failover';
  for (const [role, dns] of rolesOf(plan, 'route53-record')) {
    if (dns.routing !== routing) issues.push({ path: `resources.${role}.routing`, expected: `"${routing}" (the sandbox's ${strategy} scenario builds ${routing} records)`, found: `"${dns.routing}"` });
  }
  const buckets = new Map<string, string>();
  for (const [role, b] of rolesOf(plan, 's3-bucket')) {
    for (const side of ['primary', 'recovery'] as const) {
      const seen = buckets.get(b[side].bucket);
      if (seen !== undefined) issues.push({ path: `resources.${role}.${side}.bucket`, expected: 'a bucket name not used elsewhere in the plan (S3 bucket names are global)', found: `"${b[side].bucket}", also ${seen}` });
      buckets.set(b[side].bucket, `resources.${role}.${side}.bucket`);
    }
  }
  if (strategy === 'backup-restore') {
    const seen = new Map<string, string>();
    for (const [role, r] of rolesOf(plan, 'ec2-instances')) {
      for (const id of r.primary.instanceIds ?? []) {
        if (seen.has(id)) issues.push({ path: `resources.${role}.primary.instanceIds`, expected: 'instance ids not used by another role', found: `"${id}", also in ${seen.get(id)}` });
        seen.set(id, `resources.${role}`);
      }
      if (r.recovery.amiName === undefined) issues.push({ path: `resources.${role}.recovery.amiName`, expected: 'the name of the AMI copied to the recovery region (the sandbox creates it there)', found: 'none' });
    }
  }
  return issues;
}

/**
 * The scenario options that build the world a plan describes: its regions, application and layout.
 * @throws ScenarioPlanError when the sandbox cannot build the plan's resources.
 */
export function scenarioOptionsFromPlan(plan: Plan, options: PlanScenarioOptions): ScenarioOptions {
  const file = options.file ?? 'plan.yaml';
  const issues = planProvisioningIssues(plan);
  if (issues.length > 0) throw new ScenarioPlanError(file, issues);
  const { file: _file, ...rest } = options;
  const strategy = plan.strategy.name;
  const now = options.clock.now();
  let regions: [string, string] = [plan.regions.primary, plan.regions.recovery];
  const [cluster] = rolesOf(plan, 'aurora-cluster');
  if (strategy === 'in-region' && cluster !== undefined) {
    const region = plan.regions[cluster[1].region];
    regions = [region, region];
  } else if (strategy === 'in-region') {
    // A Multi-AZ instance fails over inside regions.primary.
    regions = [plan.regions.primary, plan.regions.primary];
  }
  const accounts = [plan.accounts?.primary, plan.accounts?.recovery].flatMap((a) => [a?.accountId, a?.roleArn?.split(':')[4]]).filter((a): a is string => a !== undefined);
  return { ...rest, regions, app: sandboxAppName(plan.metadata.name), layout: layoutFromPlan(plan, now), accounts: [...new Set(accounts)] };
}

/**
 * The layout (names and shape) of a plan's resources, for its strategy's scenario builder. `now` dates the backup
 * history: snapshot copies and AMIs on the plan's schedules, reaching back its retention.
 */
export function layoutFromPlan(plan: Plan, now: number): ScenarioLayout {
  const strategy = plan.strategy.name;
  const layout: ScenarioLayout = { buckets: rolesOf(plan, 's3-bucket').map(([, b]): BucketLayout => ({ primary: b.primary.bucket, recovery: b.recovery.bucket, replication: b.replication })) };
  const parameters = plan.strategy.parameters as { parameterGroups?: { primary?: string; recovery?: string }; preferredWriter?: unknown; preferredZone?: unknown; restore?: string[] };
  const backups = rolesOf(plan, 'backups').flatMap(([, b]) => b.snapshots);
  const [dbRole, db] = rolesOf(plan, 'rds-instance')[0] ?? [];
  if (db !== undefined) {
    const schedule = backups.find((s) => s.source === dbRole && s.copyToRecovery);
    layout.database = {
      engine: (db.engine ?? 'postgres') as 'postgres',
      primary: db.primary.identifier,
      recovery: db.recovery.identifier,
      ...(db.recovery.instanceClass ? { instanceClass: db.recovery.instanceClass } : {}),
      ...(db.backup ? { retentionDays: db.backup.retentionDays } : {}),
      ...(parameters.parameterGroups ? { parameterGroups: parameters.parameterGroups } : {}),
      // Encrypted, as production databases are: with the plan's keys where it names them (a plan that names none
      // gets keys of the sandbox's own, and its cross-region copies are refused as AWS refuses them).
      ...(db.primary.kmsKeyId || db.recovery.kmsKeyId
        ? { kmsKeyIds: { ...(db.primary.kmsKeyId ? { primary: db.primary.kmsKeyId } : {}), ...(db.recovery.kmsKeyId ? { recovery: db.recovery.kmsKeyId } : {}) } }
        : {}),
      // An in-region Multi-AZ instance lives in its home AZ, where a failback returns it.
      ...(strategy === 'in-region' && typeof parameters.preferredZone === 'string' ? { availabilityZone: parameters.preferredZone } : {}),
      ...(strategy === 'backup-restore' && schedule
        ? {
            snapshotTimes: cronFirings(schedule.schedule, now - schedule.retentionDays * DAY, now - COPY_MARGIN),
            snapshotSchedule: { cron: schedule.schedule, retentionDays: schedule.retentionDays, coveredUntil: now - COPY_MARGIN },
          }
        : {}),
    };
  }
  const [, global] = rolesOf(plan, 'aurora-global-cluster')[0] ?? [];
  if (global !== undefined) {
    layout.database = { primary: global.primary.clusterIdentifier, recovery: global.recovery.clusterIdentifier, globalCluster: global.globalClusterIdentifier };
  }
  const [, cluster] = rolesOf(plan, 'aurora-cluster')[0] ?? [];
  if (cluster !== undefined) {
    const preferred = typeof parameters.preferredWriter === 'string' ? parameters.preferredWriter : undefined;
    const id = cluster.identifier;
    const writer = preferred ?? `${id}-1`;
    layout.database = { engine: cluster.engine, primary: id, members: [writer, writer === `${id}-2` ? `${id}-1` : `${id}-2`], ...(cluster.backup ? { retentionDays: cluster.backup.retentionDays } : {}) };
  }
  const [, group] = rolesOf(plan, 'auto-scaling-group')[0] ?? [];
  if (group !== undefined) {
    const standby = group.recovery.standbyCapacity
      ?? (strategy === 'pilot-light' || strategy === 'backup-restore' ? { min: 0, desired: 0, max: 0 } : strategy === 'warm-standby' ? { min: 1, desired: 1, max: group.recovery.capacity.max } : group.recovery.capacity);
    layout.compute = {
      primary: { name: group.primary.name, capacity: capacityOf(group.primary.capacity) },
      recovery: { name: group.recovery.name, capacity: capacityOf(standby), ...(group.recovery.launchTemplate ? { launchTemplate: group.recovery.launchTemplate } : {}) },
    };
  }
  if (strategy === 'backup-restore') layout.instances = instanceRoles(plan, now, backups);
  const [, dns] = rolesOf(plan, 'route53-record')[0] ?? [];
  if (dns === undefined) layout.dns = false;
  else {
    const record = dns.name.replace(/\.$/, '');
    const labels = record.split('.');
    const test = dns.type === 'A' ? ['198.51.100.10', '198.51.100.20'] : dns.type === 'AAAA' ? ['2001:db8::10', '2001:db8::20'] : undefined;
    layout.dns = {
      hostedZoneId: dns.hostedZoneId,
      zoneName: labels.length > 2 ? labels.slice(1).join('.') : record,
      recordName: record,
      type: dns.type,
      ...(dns.ttl !== undefined ? { ttl: dns.ttl } : {}),
      setIdentifiers: { primary: dns.primary.setIdentifier, recovery: dns.recovery.setIdentifier },
      healthCheckIds: { ...(dns.primary.healthCheckId ? { primary: dns.primary.healthCheckId } : {}), ...(dns.recovery.healthCheckId ? { recovery: dns.recovery.healthCheckId } : {}) },
      ...(dns.weights ? { weights: dns.weights } : {}),
    };
    const endpoints = { primary: dns.primary.value ?? test?.[0], recovery: dns.recovery.value ?? test?.[1] };
    layout.endpoints = Object.fromEntries(Object.entries(endpoints).filter(([, v]) => v !== undefined));
  }
  return layout;
}

/** Backup & restore's plain-instance roles, their AMIs dated by their backup schedule. */
function instanceRoles(plan: Plan, now: number, backups: ResourceOf<'backups'>['snapshots']): InstanceRoleLayout[] {
  const restore = (plan.strategy.parameters as { restore?: string[] }).restore;
  return rolesOf(plan, 'ec2-instances').map(([role, r]) => {
    const schedule = r.backup?.amiSchedule ?? backups.find((s) => s.source === role)?.schedule;
    const newest = schedule === undefined ? undefined : cronFirings(schedule, now - 400 * DAY, now - COPY_MARGIN, 1)[0];
    const ids = r.primary.instanceIds;
    return {
      role,
      primary: { tags: r.primary.tags ?? {}, ...(ids ? { instanceIds: ids } : {}), count: ids?.length ?? r.recovery.count ?? 2 },
      recovery: { amiName: r.recovery.amiName ?? `${role}-app`, ...(r.recovery.launchTemplate ? { launchTemplate: r.recovery.launchTemplate } : {}), instanceType: r.recovery.instanceType ?? 'm6i.large' },
      imageAt: newest ?? now - 6 * HOUR,
      ...(schedule !== undefined ? { amiSchedule: { cron: schedule, coveredUntil: now - COPY_MARGIN } } : {}),
      restored: restore === undefined || restore.includes(role),
    };
  });
}

/**
 * The sandbox world a plan describes, ready at the clock's time: its strategy's scenario built with the plan's
 * names, plus the launch templates it names on their own.
 *
 * @throws ScenarioPlanError (exit code 2) naming the file, the field, what was expected and found.
 * @example
 * const { sandbox } = await buildScenarioForPlan(plan, { clock: new VirtualClock(), file: 'orders.yaml' });
 */
export async function buildScenarioForPlan(plan: Plan, options: PlanScenarioOptions): Promise<Scenario> {
  const scenarioOptions = scenarioOptionsFromPlan(plan, options);
  const scenario = await SANDBOX_SCENARIOS[plan.strategy.name]!(scenarioOptions);
  const { sandbox } = scenario;
  for (const [, lt] of rolesOf(plan, 'launch-template')) {
    for (const [side, region] of [['primary', scenario.names.primaryRegion], ['recovery', scenario.names.recoveryRegion]] as const) {
      const ec2 = sandbox.world.ec2[region]!;
      if (Object.values(ec2.launchTemplates).some((t) => t.name === lt[side].name)) continue;
      const imageId = Object.keys(ec2.images)[0] ?? (await provisionImage(sandbox, region, `${scenario.names.app}-app`));
      await provision(sandbox, 'ec2', region, 'CreateLaunchTemplate', {
        LaunchTemplateName: lt[side].name, LaunchTemplateData: { ImageId: imageId, InstanceType: 'm6i.large', TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'app', Value: scenario.names.app }] }] },
      });
    }
  }
  return scenario;
}

/**
 * The sandbox application a plan describes: the one holding the plan's database, else the one whose endpoints its
 * DNS record names, else the only one. Whatever the plan is called.
 */
export function applicationOfPlan(sandbox: Sandbox, plan: Plan): string | undefined {
  const apps = Object.values(sandbox.world.applications);
  const keys = new Set<string>();
  for (const [, r] of rolesOf(plan, 'rds-instance')) {
    keys.add(nodeKey('instance', plan.regions.primary, r.primary.identifier));
    keys.add(nodeKey('instance', plan.regions.recovery, r.recovery.identifier));
  }
  for (const [, r] of rolesOf(plan, 'aurora-cluster')) keys.add(nodeKey('cluster', plan.regions[r.region], r.identifier));
  for (const [, r] of rolesOf(plan, 'aurora-global-cluster')) {
    keys.add(nodeKey('cluster', plan.regions.primary, r.primary.clusterIdentifier));
    keys.add(nodeKey('cluster', plan.regions.recovery, r.recovery.clusterIdentifier));
  }
  const byDatabase = apps.find((a) => a.databases.some((k) => keys.has(k)));
  if (byDatabase) return byDatabase.name;
  const values = new Set(rolesOf(plan, 'route53-record').flatMap(([, r]) => [r.primary.value, r.recovery.value]).filter((v): v is string => v !== undefined).map((v) => v.toLowerCase().replace(/\.$/, '')));
  const byEndpoint = apps.find((a) => Object.values(a.sites).some((s) => values.has(s.endpoint.toLowerCase().replace(/\.$/, ''))));
  if (byEndpoint) return byEndpoint.name;
  return apps.length === 1 ? apps[0]!.name : undefined;
}
