/**
 * Readiness (`check`) of every strategy on the sandbox world its example plan describes, with that world broken the
 * way real accounts break: a parameter group, a launch template, an AMI or a health check deleted, records swapped,
 * replication off, a read denied. Each test asserts the finding a person acts on (status, resource, region, what to
 * do) and that `check` changed nothing (no mutating call in the sandbox's call log).
 */
import { DeleteAutoScalingGroupCommand, AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { DeleteLaunchTemplateCommand, DeregisterImageCommand, DescribeImagesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { CreateDBParameterGroupCommand, DeleteDBParameterGroupCommand, ModifyDBInstanceCommand, RDSClient } from '@aws-sdk/client-rds';
import { ChangeResourceRecordSetsCommand, DeleteHealthCheckCommand, ListResourceRecordSetsCommand, type ResourceRecordSet, Route53Client } from '@aws-sdk/client-route-53';
import { PutBucketReplicationCommand, S3Client } from '@aws-sdk/client-s3';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadPlanText, type Plan, VirtualClock } from '@firedrill/core';
import { describe, expect, it } from 'vitest';
import { buildScenarioForPlan, type Sandbox } from '../../sandbox/src/index.js';
import { AwsEnvironment } from '../src/aws-environment.js';
import type { AwsPluggable } from '../src/aws/aws-pluggable.js';
import { backupRestoreStrategy } from '../src/strategies/backup-restore.js';
import { inRegionStrategy } from '../src/strategies/in-region.js';
import { multiSiteStrategy } from '../src/strategies/multi-site.js';
import { pilotLight } from '../src/strategies/pilot-light.js';
import { warmStandby } from '../src/strategies/warm-standby.js';
import type { Finding, Strategy } from '../src/strategy.js';
import { denyCommand } from './support/deny-command.js';
import { allowAllBut } from './support/deny-policy.js';

const examples = join(import.meta.dirname, '../../runbooks/examples');
const STRATEGIES: Record<string, Strategy> = { 'backup-restore': backupRestoreStrategy, 'pilot-light': pilotLight, 'warm-standby': warmStandby, 'multi-site': multiSiteStrategy, 'in-region': inRegionStrategy };
// SimulatePrincipalPolicy only evaluates policies (the permissions finding).
const READ = /^(Describe|List|Get|Head|SimulatePrincipalPolicy)/;

type Edit = (yaml: string) => string;

/**
 * An example plan's world on the sandbox, and `check` on it that proves it changed nothing. `edit` changes the plan
 * (and the world built from it); `misname` changes only the plan checked (a name the world does not have).
 */
async function exampleWorld(file: string, options: { edit?: Edit; misname?: Edit } = {}) {
  const text = (options.edit ?? ((y) => y))(readFileSync(join(examples, file), 'utf8'));
  const clock = new VirtualClock({ start: '2026-11-22T03:00:00Z' });
  const { sandbox, names } = await buildScenarioForPlan(loadPlanText(text, file), { clock, seed: 3, file });
  const plan: Plan = loadPlanText((options.misname ?? ((y) => y))(text), file);
  const primary = names.primaryRegion;
  const recovery = names.recoveryRegion;
  return {
    clock, sandbox, names, plan, primary, recovery,
    /** Runs the strategy's check (optionally denying one read) and asserts it made no mutating call. */
    async check(options: { deny?: string } = {}): Promise<Finding[]> {
      const from = sandbox.calls().length;
      const plugins = [...(options.deny ? [denyCommand(options.deny)] : []), (target: { region: string }) => sandbox.plugin(target.region) as unknown as AwsPluggable];
      const aws = new AwsEnvironment({ plan, clock, plugins });
      const findings = await STRATEGIES[plan.strategy.name]!.check({ plan, aws });
      expect(sandbox.calls().slice(from).filter((c) => !READ.test(c.command)).map((c) => `${c.service}:${c.command}`)).toEqual([]);
      return findings;
    },
  };
}

/** Replaces record sets of a zone (found by set identifier) with `change(set)`, in one change, and waits until INSYNC. */
async function editRecords(w: { sandbox: Sandbox; clock: VirtualClock; primary: string }, zone: string, changes: Record<string, (set: ResourceRecordSet) => ResourceRecordSet>): Promise<void> {
  const route53 = w.sandbox.client(Route53Client, w.primary);
  const sets = (await route53.send(new ListResourceRecordSetsCommand({ HostedZoneId: zone }))).ResourceRecordSets ?? [];
  const edited = Object.entries(changes).map(([id, change]) => ({ Action: 'UPSERT' as const, ResourceRecordSet: change(sets.find((s) => s.SetIdentifier === id)!) }));
  await route53.send(new ChangeResourceRecordSetsCommand({ HostedZoneId: zone, ChangeBatch: { Changes: edited } }));
  await w.clock.sleep(60_000);
}

/** A record set without its health check. */
const unguarded = ({ HealthCheckId: _, ...set }: ResourceRecordSet): ResourceRecordSet => set;

const problem = (findings: Finding[], check: string): Finding | undefined => findings.find((f) => f.check === check && f.status !== 'pass');

describe('backup & restore readiness: the DB parameter groups the restores name', () => {
  it('fails when the recovery group is deleted: the failover restore would get DBParameterGroupNotFound', async () => {
    const w = await exampleWorld('backup-restore.yaml');
    await w.sandbox.client(RDSClient, w.recovery).send(new DeleteDBParameterGroupCommand({ DBParameterGroupName: 'tracking-pg-dr' }));
    const findings = await w.check();
    expect(problem(findings, 'parameter-group')).toEqual({
      status: 'fail', check: 'parameter-group', resource: 'rds-parameter-group:tracking-pg-dr', region: 'us-west-2',
      message: expect.stringMatching(/tracking-pg-dr \(strategy\.parameters\.parameterGroups\.recovery\) does not exist in us-west-2: the failover's restore of tracking-db-restored would fail with DBParameterGroupNotFound/),
      action: expect.stringContaining('aws rds create-db-parameter-group --region us-west-2 --db-parameter-group-name tracking-pg-dr --db-parameter-group-family postgres16'),
    });
    // The rest of the check still ran: the primary group is there.
    expect(findings).toContainEqual(expect.objectContaining({ status: 'pass', check: 'parameter-group', resource: 'rds-parameter-group:tracking-pg', region: 'us-east-1' }));
  });

  it('fails a recovery group of another family than the snapshot the failover restores', async () => {
    const w = await exampleWorld('backup-restore.yaml');
    const rds = w.sandbox.client(RDSClient, w.recovery);
    await rds.send(new DeleteDBParameterGroupCommand({ DBParameterGroupName: 'tracking-pg-dr' }));
    await rds.send(new CreateDBParameterGroupCommand({ DBParameterGroupName: 'tracking-pg-dr', DBParameterGroupFamily: 'postgres15', Description: 'made for the old version' }));
    expect(problem(await w.check(), 'parameter-group')).toMatchObject({
      status: 'fail', resource: 'rds-parameter-group:tracking-pg-dr', region: 'us-west-2',
      message: expect.stringMatching(/family postgres15; the failover's restore of tracking-db-restored needs postgres16: RDS would refuse it/),
      action: expect.stringContaining('create a postgres16 group in us-west-2'),
    });
  });

  it('fails a primary group the plan misnames (the failback restores with it)', async () => {
    const w = await exampleWorld('backup-restore.yaml', { misname: (y) => y.replace('primary: tracking-pg,', 'primary: tracking-pg-typo,') });
    expect(problem(await w.check(), 'parameter-group')).toMatchObject({
      status: 'fail', resource: 'rds-parameter-group:tracking-pg-typo', region: 'us-east-1',
      message: expect.stringContaining("the failback's restore of tracking-db"),
      action: expect.stringContaining('(or fix strategy.parameters.parameterGroups.primary)'),
    });
  });
});

describe('backup & restore readiness: what the checks share is read once', () => {
  it('lists the snapshots once per (region, instance) and describes the primary once, for all the checks that use them', async () => {
    const w = await exampleWorld('backup-restore.yaml');
    const from = w.sandbox.calls().length;
    const findings = await w.check();
    const calls = w.sandbox.calls().slice(from).map((c) => ({ ...c, input: c.input as Record<string, unknown> }));
    // Three checks read the snapshot copies (newest copy, schedule, recovery parameter group); two the primary.
    for (const check of ['newest-db-snapshot', 'snapshot-retention', 'parameter-group', 'rds-backup-retention']) {
      expect(findings).toContainEqual(expect.objectContaining({ status: 'pass', check }));
    }
    const snapshotLists = calls.filter((c) => c.command === 'DescribeDBSnapshots' && c.input['Marker'] === undefined).map((c) => `${c.region}:${String(c.input['DBInstanceIdentifier'])}`);
    expect(snapshotLists).toEqual(['us-west-2:tracking-db']);
    expect(calls.filter((c) => c.command === 'DescribeDBInstances' && c.region === 'us-east-1' && c.input['DBInstanceIdentifier'] === 'tracking-db')).toHaveLength(1);
  });

  it('a shared read that fails is still one failure per check that needed it', async () => {
    const w = await exampleWorld('backup-restore.yaml');
    const findings = await w.check({ deny: 'DescribeDBSnapshots' });
    for (const check of ['newest-db-snapshot', 'snapshot-schedule', 'parameter-group']) {
      expect(findings).toContainEqual(expect.objectContaining({ status: 'fail', check, message: expect.stringContaining('rds:DescribeDBSnapshots') }));
    }
    expect(findings).toContainEqual(expect.objectContaining({ status: 'pass', check: 'rds-backup-retention' }));
  });
});

describe('backup & restore readiness: DNS and backed-up AMIs', () => {
  it('fails a deleted health check and warns when a record carries none or the pair is swapped', async () => {
    const w = await exampleWorld('backup-restore.yaml');
    const dns = w.plan.resources['dns'] as Extract<Plan['resources'][string], { kind: 'route53-record' }>;
    const [primaryCheck, recoveryCheck] = [dns.primary.healthCheckId!, dns.recovery.healthCheckId!];
    // Someone removes the recovery side's health check (Route 53 first needs it off the record)…
    await editRecords(w, dns.hostedZoneId, { [dns.recovery.setIdentifier]: unguarded });
    await w.sandbox.client(Route53Client, w.primary).send(new DeleteHealthCheckCommand({ HealthCheckId: recoveryCheck }));
    // …and a failover was never failed back: the recovery record is PRIMARY, and the primary lost its health check.
    await editRecords(w, dns.hostedZoneId, {
      [dns.primary.setIdentifier]: (set) => ({ ...unguarded(set), Failover: 'SECONDARY' }),
      [dns.recovery.setIdentifier]: (set) => ({ ...set, Failover: 'PRIMARY' }),
    });
    const findings = (await w.check()).filter((f) => f.check.startsWith('dns-'));
    expect(findings).toEqual(expect.arrayContaining([
      expect.objectContaining({ status: 'warn', check: 'dns-record', resource: 'route53:app.tracking.example.com/tracking-us-east-1', region: 'us-east-1', message: expect.stringContaining('is SECONDARY, not PRIMARY'), action: expect.stringContaining('run failback') }),
      expect.objectContaining({ status: 'warn', check: 'dns-health-check', resource: `route53-health-check:${primaryCheck}`, region: 'us-east-1', message: expect.stringContaining(`guarded by no health check, not by ${primaryCheck}`) }),
      expect.objectContaining({ status: 'warn', check: 'dns-record', resource: 'route53:app.tracking.example.com/tracking-us-west-2', region: 'us-west-2', message: expect.stringContaining('is PRIMARY, not SECONDARY') }),
      expect.objectContaining({ status: 'fail', check: 'dns-health-check', resource: `route53-health-check:${recoveryCheck}`, region: 'us-west-2', message: expect.stringContaining('does not exist'), action: expect.stringContaining('resources.dns.recovery.healthCheckId') }),
    ]));
    expect(findings).toHaveLength(4);
  });

  it('fails when the AMI copy of a backed-up role that failover does not restore (staging) is gone', async () => {
    const w = await exampleWorld('two-environments-postgres.yaml');
    const ec2 = w.sandbox.client(EC2Client, w.recovery);
    const staging = (await ec2.send(new DescribeImagesCommand({ Owners: ['self'], Filters: [{ Name: 'name', Values: ['shop-staging*'] }] }))).Images ?? [];
    expect(staging.length).toBeGreaterThan(0);
    for (const image of staging) await ec2.send(new DeregisterImageCommand({ ImageId: image.ImageId! }));
    const findings = await w.check();
    expect(problem(findings, 'ami-in-recovery-region')).toMatchObject({
      status: 'fail', resource: 'ami:shop-staging', region: 'eu-central-1', message: expect.stringContaining('resources.staging is backed up there, and nothing is'),
      action: expect.stringContaining('aws ec2 copy-image --region eu-central-1 --source-region eu-west-1'),
    });
    // Production, which failover restores, is still fine.
    expect(findings).toContainEqual(expect.objectContaining({ status: 'pass', check: 'ami-in-recovery-region', message: expect.stringContaining('shop-production AMI') }));
  });
});

describe('pilot light / warm standby readiness', () => {
  it('warns when the replica uses a default parameter group: failback could not fence the recovery writer', async () => {
    const w = await exampleWorld('pilot-light.yaml');
    await w.sandbox.client(RDSClient, w.recovery).send(new ModifyDBInstanceCommand({ DBInstanceIdentifier: 'tracking-db-replica', DBParameterGroupName: 'default.postgres16', ApplyImmediately: true }));
    expect(problem(await w.check(), 'fence-possible')).toMatchObject({
      status: 'warn', resource: 'rds:tracking-db-replica', region: 'us-west-2',
      message: expect.stringContaining('default parameter group default.postgres16, which cannot be changed: a failback cannot fence it'),
      action: expect.stringContaining('aws rds modify-db-instance --region us-west-2 --db-instance-identifier tracking-db-replica --db-parameter-group-name'),
    });
  });

  it('fails a deleted recovery launch template and a deleted primary Auto Scaling group', async () => {
    const w = await exampleWorld('pilot-light.yaml');
    await w.sandbox.client(EC2Client, w.recovery).send(new DeleteLaunchTemplateCommand({ LaunchTemplateName: 'tracking-us-west-2' }));
    await w.sandbox.client(AutoScalingClient, w.primary).send(new DeleteAutoScalingGroupCommand({ AutoScalingGroupName: 'tracking-asg-us-east-1', ForceDelete: true }));
    await w.clock.sleep(10 * 60_000);
    const findings = await w.check();
    expect(problem(findings, 'launch-template')).toMatchObject({
      status: 'fail', resource: 'launch-template:tracking-us-west-2', region: 'us-west-2',
      message: expect.stringContaining('does not exist in us-west-2 (Auto Scaling group tracking-asg-us-west-2 launches from it)'),
      action: 'create tracking-us-west-2 in us-west-2 with the AMI copied there',
    });
    expect(problem(findings, 'primary-compute')).toMatchObject({ status: 'fail', resource: 'autoscaling:tracking-asg-us-east-1', region: 'us-east-1', action: expect.stringContaining('resources.compute.primary.name') });
  });

  it('reports a launch template the plan names and its group launches from once, in the group\'s words', async () => {
    const template = 'resources:\n  template:\n    kind: launch-template\n    primary: { name: tracking-us-east-1 }\n    recovery: { name: tracking-us-west-2 }\n';
    const w = await exampleWorld('warm-standby.yaml', { edit: (y) => y.replace('resources:\n', template) });
    const onTemplate = (findings: Finding[], name: string) => findings.filter((f) => f.resource === `launch-template:${name}`);
    expect(onTemplate(await w.check(), 'tracking-us-west-2').map((f) => f.status)).toEqual(['pass']);
    await w.sandbox.client(EC2Client, w.recovery).send(new DeleteLaunchTemplateCommand({ LaunchTemplateName: 'tracking-us-west-2' }));
    const findings = await w.check();
    expect(onTemplate(findings, 'tracking-us-west-2')).toEqual([expect.objectContaining({
      status: 'fail', check: 'launch-template', region: 'us-west-2', message: expect.stringContaining('(Auto Scaling group tracking-asg-us-west-2 launches from it)'),
    })]);
    // The primary's template no group of the check reads is still checked, as a plan resource.
    expect(onTemplate(findings, 'tracking-us-east-1').map((f) => `${f.status} ${f.region}`)).toEqual(['pass us-east-1']);
  });

  it('fails a deleted health check without hiding the other DNS findings', async () => {
    const w = await exampleWorld('pilot-light.yaml');
    const dns = w.plan.resources['dns'] as Extract<Plan['resources'][string], { kind: 'route53-record' }>;
    await editRecords(w, dns.hostedZoneId, { [dns.recovery.setIdentifier]: unguarded });
    await w.sandbox.client(Route53Client, w.primary).send(new DeleteHealthCheckCommand({ HealthCheckId: dns.recovery.healthCheckId! }));
    const findings = (await w.check()).filter((f) => f.check.startsWith('dns-'));
    expect(findings.map((f) => `${f.status} ${f.check} ${f.region}`)).toEqual([
      'pass dns-record us-east-1', 'pass dns-health-check us-east-1', 'pass dns-record us-west-2', 'fail dns-health-check us-west-2',
    ]);
  });

  it('fails a disabled bucket replication rule in a standby plan that names a bucket', async () => {
    const bucket = 'resources:\n  data:\n    kind: s3-bucket\n    primary: { bucket: tracking-data-us-east-1 }\n    recovery: { bucket: tracking-data-us-west-2 }\n';
    const w = await exampleWorld('warm-standby.yaml', { edit: (y) => y.replace('resources:\n', bucket) });
    const s3 = w.sandbox.client(S3Client, w.primary);
    await s3.send(new PutBucketReplicationCommand({
      Bucket: 'tracking-data-us-east-1',
      ReplicationConfiguration: { Role: 'arn:aws:iam::111111111111:role/replication', Rules: [{ ID: 'dr', Status: 'Disabled', Priority: 1, Filter: {}, DeleteMarkerReplication: { Status: 'Disabled' }, Destination: { Bucket: 'arn:aws:s3:::tracking-data-us-west-2' } }] },
    }));
    expect(problem(await w.check(), 'bucket-replication')).toMatchObject({
      status: 'fail', resource: 's3:tracking-data-us-east-1', region: 'us-east-1', message: 'the replication rule dr to tracking-data-us-west-2 is disabled',
      action: 'enable a replication rule from tracking-data-us-east-1 to arn:aws:s3:::tracking-data-us-west-2',
    });
  });

  it('warns when the recovery group launches from another template than the plan names', async () => {
    const w = await exampleWorld('warm-standby.yaml', { misname: (y) => y.replace('launchTemplate: tracking-us-west-2', 'launchTemplate: tracking-us-west-2-v2') });
    expect(problem(await w.check(), 'launch-template')).toMatchObject({
      status: 'warn', resource: 'autoscaling:tracking-asg-us-west-2', region: 'us-west-2', message: 'tracking-asg-us-west-2 launches from tracking-us-west-2, not tracking-us-west-2-v2 as the plan says',
    });
  });

  it('fails a launch template the plan names that does not exist, though the group launches from another (an isolated drill launches the plan\'s)', async () => {
    const w = await exampleWorld('warm-standby.yaml', { misname: (y) => y.replace('launchTemplate: tracking-us-west-2', 'launchTemplate: tracking-us-west-9') });
    const findings = await w.check();
    expect(findings).toContainEqual(expect.objectContaining({
      status: 'fail', check: 'launch-template', resource: 'launch-template:tracking-us-west-9', region: 'us-west-2',
      message: expect.stringContaining("does not exist in us-west-2 (the plan's recovery.launchTemplate (isolated drills) launches from it)"),
    }));
    expect(findings).toContainEqual(expect.objectContaining({ status: 'warn', resource: 'autoscaling:tracking-asg-us-west-2', action: expect.stringMatching(/^fix recovery.launchTemplate in the plan \(tracking-us-west-9 does not exist/) }));
  });

  it('in a primary-region outage, the recovery compute is judged on its own: the unreadable primary group is the primary side\'s finding', async () => {
    const w = await exampleWorld('warm-standby.yaml');
    w.sandbox.faults.regionOutage(w.primary, { failure: 'refused' });
    const findings = await w.check();
    expect(findings.filter((f) => f.check === 'capacity' || f.check === 'launch-template')).toContainEqual(expect.objectContaining({ status: 'pass', check: 'capacity', resource: 'autoscaling:tracking-asg-us-west-2', region: 'us-west-2' }));
    expect(findings.filter((f) => f.region === 'us-west-2' && f.status === 'fail' && /us-east-1/.test(f.message)).map((f) => f.message)).toEqual([]);
    expect(findings).toContainEqual(expect.objectContaining({ status: 'fail', check: 'primary-compute', resource: 'autoscaling:tracking-asg-us-east-1', region: 'us-east-1' }));
  });

  it('fails automated backups of the primary kept shorter than the plan says', async () => {
    const w = await exampleWorld('warm-standby.yaml', { misname: (y) => y.replace('    engine: postgres\n', '    engine: postgres\n    backup: { retentionDays: 14 }\n') });
    expect(problem(await w.check(), 'rds-backup-retention')).toMatchObject({
      status: 'fail', resource: 'rds:tracking-db', region: 'us-east-1', message: 'automated backups are kept 7 day(s); the plan requires 14',
      action: 'aws rds modify-db-instance --region us-east-1 --db-instance-identifier tracking-db --backup-retention-period 14 --apply-immediately',
    });
  });

  it('reports what it cannot read in a primary-region outage as failures, not a crash', async () => {
    const w = await exampleWorld('pilot-light.yaml');
    w.sandbox.faults.regionOutage(w.primary, { failure: 'refused' });
    const findings = await w.check();
    expect(findings).toContainEqual(expect.objectContaining({ status: 'fail', check: 'replica-replicating', region: 'us-west-2', message: expect.stringContaining('replication has stopped') }));
    expect(findings).toContainEqual(expect.objectContaining({ status: 'fail', check: 'primary-database', resource: 'rds:tracking-db', region: 'us-east-1', message: expect.stringMatching(/^ECONNREFUSED|could not reach/) }));
  });
});

describe('multi-site readiness', () => {
  it('fails a deleted health check and an AMI missing in the recovery region, instead of throwing', async () => {
    const w = await exampleWorld('multi-site.yaml');
    const dns = w.plan.resources['dns'] as Extract<Plan['resources'][string], { kind: 'route53-record' }>;
    await editRecords(w, dns.hostedZoneId, { [dns.recovery.setIdentifier]: unguarded });
    await w.sandbox.client(Route53Client, w.recovery).send(new DeleteHealthCheckCommand({ HealthCheckId: dns.recovery.healthCheckId! }));
    const templates = w.sandbox.world.ec2[w.recovery]!.launchTemplates;
    const templateImage = Object.values(templates).find((t) => t.name === 'checkout-us-east-1')!.versions[0]!.data.ImageId!;
    await w.sandbox.client(EC2Client, w.recovery).send(new DeregisterImageCommand({ ImageId: templateImage }));
    const findings = await w.check();
    expect(findings).toContainEqual(expect.objectContaining({ status: 'fail', check: 'dns-health-check', resource: `route53-health-check:${dns.recovery.healthCheckId}`, region: 'us-east-1', message: expect.stringContaining('does not exist') }));
    expect(problem(findings, 'ami-in-recovery-region')).toMatchObject({
      status: 'fail', resource: 'launch-template:checkout-us-east-1', region: 'us-east-1', message: expect.stringContaining(`launches ${templateImage}, which is not available in us-east-1`),
      action: expect.stringContaining('copy the AMI to us-east-1'),
    });
  });

  it('a read the role may not make is one failure naming the action; the rest of the check still runs', async () => {
    const w = await exampleWorld('multi-site.yaml');
    const findings = await w.check({ deny: 'DescribeGlobalClusters' });
    expect(findings).toContainEqual(expect.objectContaining({
      status: 'fail', check: 'global-database', resource: 'rds:checkout-global', region: 'us-east-1',
      message: expect.stringContaining('AccessDenied: rds:DescribeGlobalClusters on checkout-global in us-east-1 was denied'), action: expect.stringContaining('grant the read permissions'),
    }));
    expect(findings.filter((f) => f.check === 'capacity' && f.status === 'pass')).toHaveLength(2);
    expect(findings.find((f) => f.check === 'permissions')).toMatchObject({ status: 'pass' });
  });
});

describe('in-region readiness', () => {
  it('an Aurora plan lists its IAM actions, and a denied read is a failure rather than a crash', async () => {
    const w = await exampleWorld('aurora-mysql-in-region.yaml');
    w.sandbox.restrictPermissions(w.sandbox.defaultPrincipal, allowAllBut('rds:FailoverDBCluster'));
    expect((await w.check()).find((f) => f.check === 'permissions')).toMatchObject({ status: 'fail', message: expect.stringContaining('rds:FailoverDBCluster in us-east-1 (graceful failover, ungraceful failover, failback, live drill; refused by an explicit Deny)') });
    w.sandbox.restrictPermissions(w.sandbox.defaultPrincipal, allowAllBut());
    expect(await w.check({ deny: 'DescribeDBClusters' })).toContainEqual(expect.objectContaining({
      status: 'fail', check: 'cluster-exists', resource: 'rds:ledger-cluster', region: 'us-east-1', message: expect.stringContaining('AccessDenied'),
    }));
  });
});
