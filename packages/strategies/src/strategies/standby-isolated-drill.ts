/**
 * The isolated drill of the standby strategies: nothing on the production path changes. In the recovery region
 * it restores a snapshot of the replica as `<db>-drill-<run>` (read-only through its own parameter group, so no
 * client can write to it by mistake) and launches an instance from the recovery launch template, all tagged with
 * the run id; checks the copy serves from its own state; deletes everything; and proves by tag that nothing is
 * left. Every create step has a compensation and the plan runs with rollback `always`, so a drill that fails
 * half way cleans up too; the first step's compensation, which runs last, does the final proof.
 */
import { CreateDBParameterGroupCommand, DeleteDBParameterGroupCommand, DeleteDBSnapshotCommand, DescribeDBInstancesCommand, DescribeDBParameterGroupsCommand, DescribeDBSnapshotsCommand, ModifyDBParameterGroupCommand, RestoreDBInstanceFromDBSnapshotCommand } from '@aws-sdk/client-rds';
import { DescribeInstancesCommand } from '@aws-sdk/client-ec2';
import { type ActionStep, type CallPreview, type StepContext, type StepDefinition, StepFailure } from '@firedrill/core';
import { callAws, sendOptions, toAwsTags } from '../aws/aws-call.js';
import { classifyAwsError } from '../aws/classify-error.js';
import { describeInstances, runInstancesFromAmi, terminateInstances } from '../aws/ec2.js';
import { createDbSnapshot, describeDbSnapshot } from '../aws/rds-snapshots.js';
import { deleteDbInstance, describeDbInstance, describeRawDbInstance } from '../aws/rds-instances.js';
import { waiters } from '../aws/waiters/waiter-registry.js';
import { waitFor } from '../aws/waiters/wait-for.js';
import type { AwsEnvironment } from '../aws-environment.js';
import { previewCall } from '../steps/aws-step-options.js';
import { awsWaitStep } from '../steps/aws-wait-step.js';
import { DRILL_RUN_TAG } from '../steps/drill-cleanup-steps.js';
import { confirmDrillHealthyStep, drillCopyProbe, drillCopyProbeSettings, type DrillCopyProbe, drillCopyReadyStep } from '../steps/drill-copy-steps.js';
import { waitDatabaseAvailableStep, waitDatabaseDeletedStep } from '../steps/database-steps.js';
import { declareDisasterStep } from '../steps/disaster-steps.js';
import { readOnlyParameter } from '../steps/fence-steps.js';
import { parameterGroupFamily } from '../steps/parameter-group-family.js';
import { lagMetricPreview, replicaLagEvidence } from '../steps/replica-lag-evidence.js';
import { replicationStateOf } from '../steps/replication-lag.js';
import type { StrategyContext } from '../strategy.js';
import { runSuffix } from './standby-failback.js';
import type { StandbyTopology } from './standby-family.js';

/** The tag every drill resource carries: `firedrill:run-id = <run id>` (the same as every drill's, `DRILL_RUN_TAG`). */
export const DRILL_TAG = DRILL_RUN_TAG;

interface DrillNames { group: string; snapshot: string; database: string; tags: Record<string, string> }

const ignoreNotFound = async (run: () => Promise<unknown>): Promise<void> => {
  try {
    await run();
  } catch (error) {
    if (classifyAwsError(error).reason !== 'not-found') throw error;
  }
};

/** What is still there, tagged with the run id (or named for it), in the recovery region. */
export async function drillLeftovers(aws: AwsEnvironment, names: DrillNames, runId: string, signal?: AbortSignal): Promise<string[]> {
  const { rds, ec2 } = aws.clients('recovery');
  const tagged = (tags: { Key?: string; Value?: string }[] | undefined): boolean => (tags ?? []).some((t) => t.Key === DRILL_TAG && t.Value === runId);
  const dbs = (await rds.send(new DescribeDBInstancesCommand({}), sendOptions(signal))).DBInstances ?? [];
  const snapshots = (await rds.send(new DescribeDBSnapshotsCommand({ SnapshotType: 'manual' }), sendOptions(signal))).DBSnapshots ?? [];
  const instances = (await ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: `tag:${DRILL_TAG}`, Values: [runId] }] }), sendOptions(signal))).Reservations?.flatMap((r) => r.Instances ?? []) ?? [];
  const groups = await rds.send(new DescribeDBParameterGroupsCommand({ DBParameterGroupName: names.group }), sendOptions(signal)).then((o) => o.DBParameterGroups ?? [], (e: unknown) => {
    if (classifyAwsError(e).reason === 'not-found') return [];
    throw e;
  });
  return [
    ...dbs.filter((d) => tagged(d.TagList) || d.DBInstanceIdentifier === names.database).map((d) => `DB instance ${d.DBInstanceIdentifier} (${d.DBInstanceStatus})`),
    ...snapshots.filter((s) => tagged(s.TagList) || s.DBSnapshotIdentifier === names.snapshot).map((s) => `DB snapshot ${s.DBSnapshotIdentifier}`),
    ...instances.filter((i) => i.State?.Name !== 'terminated').map((i) => `EC2 instance ${i.InstanceId} (${i.State?.Name})`),
    ...groups.map((g) => `DB parameter group ${g.DBParameterGroupName}`),
  ];
}

/**
 * Deletes the drill snapshot. RDS deletes a snapshot only once it is `available` ("The DB snapshot must be in
 * the available state to be deleted"): a drill that fails while the snapshot is still being created used to
 * leave it behind, because the compensation's DeleteDBSnapshot was refused. So wait for it first.
 */
async function deleteSnapshotWhenAvailable(aws: AwsEnvironment, snapshot: string, c: StepContext): Promise<void> {
  const { rds } = aws.clients('recovery');
  const exists = await describeDbSnapshot({ rds, identifier: snapshot, signal: c.signal });
  if (exists === undefined) return;
  await waitFor('dbSnapshotAvailable', {
    describe: (signal) => rds.send(new DescribeDBSnapshotsCommand({ DBSnapshotIdentifier: snapshot }), sendOptions(signal)),
    params: { identifier: snapshot }, clock: c.clock, region: aws.region('recovery'), signal: c.signal, limiter: aws.limiter, timeoutMs: 60 * 60_000,
  });
  await ignoreNotFound(() => rds.send(new DeleteDBSnapshotCommand({ DBSnapshotIdentifier: snapshot }), sendOptions(c.signal)));
  c.log(`deleted drill snapshot ${snapshot}`);
}

function step(aws: AwsEnvironment, s: Omit<ActionStep, 'kind'> & { calls: ([string, string, Record<string, unknown>] | CallPreview)[] }): ActionStep {
  const { calls, ...rest } = s;
  return { kind: 'action', ...rest, preview: () => calls.map((call) => (Array.isArray(call) ? previewCall(call[0] as 'rds' | 'cloudWatch', aws.region('recovery'), call[1], call[2]) : call)) };
}

function createSteps(ctx: StrategyContext, t: StandbyTopology, n: DrillNames): StepDefinition[] {
  const { aws } = ctx;
  const { rds, ec2 } = aws.clients('recovery');
  const replica = t.database.recovery.identifier;
  const template = t.compute.recovery.launchTemplate ?? `${ctx.plan.metadata.name}-${aws.region('recovery')}`;
  const deleteGroup = async (c: StepContext): Promise<void> => {
    // RDS refuses to delete a group an instance (even a deleting one) still uses: wait for the copy to go.
    await waitFor('dbInstanceDeleted', {
      describe: (signal) => rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: n.database }), sendOptions(signal)),
      params: { identifier: n.database }, clock: c.clock, region: aws.region('recovery'), signal: c.signal, limiter: aws.limiter, timeoutMs: 60 * 60_000,
    });
    await ignoreNotFound(() => rds.send(new DeleteDBParameterGroupCommand({ DBParameterGroupName: n.group }), sendOptions(c.signal)));
  };
  return [
    step(aws, {
      id: 'create-drill-parameter-group', title: `Create the read-only parameter group ${n.group} for the drill copy`, dependsOn: ['declare-drill'],
      why: 'The drill copy must refuse writes: no client may diverge onto it.',
      calls: [['rds', 'CreateDBParameterGroup', { DBParameterGroupName: n.group }], ['rds', 'ModifyDBParameterGroup', { DBParameterGroupName: n.group }]],
      act: async (c) => {
        const db = await describeDbInstance({ rds, identifier: replica, signal: c.signal });
        const engine = db?.engine ?? 'postgres';
        // An engine the family table does not know keeps the old guess (engine + major version).
        const family = parameterGroupFamily(engine, db?.engineVersion) ?? `${engine}${db?.engineVersion?.split('.')[0] ?? ''}`;
        await ignoreNotFound(async () => {
          try {
            await rds.send(new CreateDBParameterGroupCommand({ DBParameterGroupName: n.group, DBParameterGroupFamily: family, Description: `Firedrill drill ${ctx.runId}`, Tags: toAwsTags(n.tags) }), sendOptions(c.signal));
          } catch (error) {
            if (classifyAwsError(error).code !== 'DBParameterGroupAlreadyExists') throw error;
          }
        });
        await rds.send(new ModifyDBParameterGroupCommand({ DBParameterGroupName: n.group, Parameters: [{ ParameterName: readOnlyParameter(db?.engine), ParameterValue: '1', ApplyMethod: 'immediate' }] }), sendOptions(c.signal));
        return { group: n.group };
      },
      compensate: deleteGroup,
    }),
    step(aws, {
      id: 'snapshot-replica', title: `Snapshot ${replica} in ${aws.region('recovery')} as ${n.snapshot}`, dependsOn: ['declare-drill'],
      why: 'The copy is restored from what the replica holds now: its lag is the data a real failover would lose.',
      calls: [['rds', 'DescribeDBInstances', { DBInstanceIdentifier: replica }], lagMetricPreview(aws, 'recovery', replica), ['rds', 'CreateDBSnapshot', { DBInstanceIdentifier: replica, DBSnapshotIdentifier: n.snapshot, Tags: toAwsTags(n.tags) }]],
      check: async (c) => ((await describeDbSnapshot({ rds, identifier: n.snapshot, signal: c.signal })) ? { applied: true } : { applied: false }),
      act: async (c) => {
        const db = await describeRawDbInstance({ rds, identifier: replica, signal: c.signal });
        const replicating = db !== undefined && replicationStateOf(db).state === 'replicating';
        const lag = replicating ? await replicaLagEvidence({ aws, side: 'recovery', identifier: replica, ctx: c, before: 'snapshot' }) : undefined;
        const outcome = await createDbSnapshot({ rds, instanceIdentifier: replica, snapshotIdentifier: n.snapshot, tags: n.tags, signal: c.signal });
        c.log(outcome.note);
        if (lag !== undefined) c.log(lag.log);
        return lag?.evidence === undefined ? outcome : { ...outcome, rpoEvidence: lag.evidence };
      },
      compensate: (c) => deleteSnapshotWhenAvailable(aws, n.snapshot, c),
    }),
    awsWaitStep({
      aws, side: 'recovery', id: 'wait-drill-snapshot', title: `Wait until snapshot ${n.snapshot} is available`, dependsOn: ['snapshot-replica'],
      waiter: 'dbSnapshotAvailable', definition: waiters.dbSnapshotAvailable, params: { identifier: n.snapshot }, notFoundGraceMs: 60_000,
      describe: (_c, signal) => rds.send(new DescribeDBSnapshotsCommand({ DBSnapshotIdentifier: n.snapshot }), sendOptions(signal)),
      preview: () => [previewCall('rds', aws.region('recovery'), 'DescribeDBSnapshots', { DBSnapshotIdentifier: n.snapshot })],
    }),
    step(aws, {
      id: 'restore-drill-database', title: `Restore ${n.snapshot} as ${n.database} (read-only) in ${aws.region('recovery')}`, dependsOn: ['wait-drill-snapshot', 'create-drill-parameter-group'],
      why: 'The drill proves the data can be brought up in the recovery region, in the network the replica (and so a failover) serves from.',
      calls: [
        ['rds', 'DescribeDBInstances', { DBInstanceIdentifier: replica }],
        ['rds', 'RestoreDBInstanceFromDBSnapshot', { DBInstanceIdentifier: n.database, DBSnapshotIdentifier: n.snapshot, DBParameterGroupName: n.group, DBSubnetGroupName: '<the replica\'s>', VpcSecurityGroupIds: ['<the replica\'s>'], Tags: toAwsTags(n.tags) }],
      ],
      check: async (c) => ((await describeDbInstance({ rds, identifier: n.database, signal: c.signal })) ? { applied: true } : { applied: false }),
      act: async (c) => {
        // The replica's subnet group and security groups: the copy is reachable where a promoted replica would be
        // (RDS's defaults would put it in the default VPC, out of the application's and the probes' reach).
        const source = await describeRawDbInstance({ rds, identifier: replica, signal: c.signal });
        const subnetGroup = source?.DBSubnetGroup?.DBSubnetGroupName;
        const securityGroups = (source?.VpcSecurityGroups ?? []).flatMap((g) => (g.VpcSecurityGroupId ? [g.VpcSecurityGroupId] : []));
        await callAws({ service: 'rds', client: rds, command: 'RestoreDBInstanceFromDBSnapshot', resource: n.database }, c.signal, () =>
          rds.send(new RestoreDBInstanceFromDBSnapshotCommand({
            DBInstanceIdentifier: n.database, DBSnapshotIdentifier: n.snapshot, DBParameterGroupName: n.group, Tags: toAwsTags(n.tags),
            ...(subnetGroup ? { DBSubnetGroupName: subnetGroup } : {}), ...(securityGroups.length > 0 ? { VpcSecurityGroupIds: securityGroups } : {}),
          }), sendOptions(c.signal)));
        return { database: n.database, ...(subnetGroup ? { subnetGroup } : {}), securityGroups };
      },
      compensate: async (c) => {
        const db = await describeDbInstance({ rds, identifier: n.database, signal: c.signal });
        if (db !== undefined && db.status !== 'deleting') c.log((await deleteDbInstance({ rds, identifier: n.database, signal: c.signal })).note);
      },
    }),
    drillCopyReadyStep(waitDatabaseAvailableStep({ aws, side: 'recovery', identifier: n.database, id: 'wait-drill-database', dependsOn: ['restore-drill-database'] }), { aws, side: 'recovery', identifier: n.database }),
    step(aws, {
      id: 'launch-drill-instance', title: `Launch one instance from ${template} in ${aws.region('recovery')}, tagged with the run id`, dependsOn: ['declare-drill'],
      why: 'The drill proves the recovery launch template boots.',
      calls: [['ec2', 'RunInstances', { LaunchTemplate: { LaunchTemplateName: template }, MinCount: 1, MaxCount: 1, TagSpecifications: [{ ResourceType: 'instance', Tags: toAwsTags(n.tags) }] }]],
      act: async (c) => {
        const out = await runInstancesFromAmi({ ec2, clientToken: c.idempotencyToken('drill-instance'), count: 1, launchTemplate: { name: template }, tags: n.tags, signal: c.signal });
        c.log(out.note);
        return { instanceIds: out.instanceIds };
      },
      compensate: async (c) => {
        const found = await describeInstances({ ec2, filters: [{ Name: `tag:${DRILL_TAG}`, Values: [ctx.runId] }], signal: c.signal });
        const ids = found.filter((i) => i.state !== 'terminated').map((i) => i.instanceId);
        if (ids.length === 0) return;
        c.log((await terminateInstances({ ec2, instanceIds: ids, signal: c.signal })).note);
        // The final proof counts a `shutting-down` instance as left behind (it is, until it is gone): wait for it.
        await waitFor('instancesTerminated', {
          describe: (signal) => ec2.send(new DescribeInstancesCommand({ InstanceIds: ids }), sendOptions(signal)),
          params: { instanceIds: ids }, clock: c.clock, region: aws.region('recovery'), signal: c.signal, limiter: aws.limiter, timeoutMs: 30 * 60_000,
        });
      },
    }),
  ];
}

function verifyAndCleanupSteps(ctx: StrategyContext, n: DrillNames, probe: DrillCopyProbe): StepDefinition[] {
  const { aws } = ctx;
  const { rds, ec2 } = aws.clients('recovery');
  const instanceIds = (c: StepContext): string[] => c.resultOf<{ instanceIds: string[] }>('launch-drill-instance')?.instanceIds ?? [];
  return [
    confirmDrillHealthyStep(probe, ['wait-drill-database', 'launch-drill-instance']),
    step(aws, {
      id: 'delete-drill-resources', title: `Delete the drill copy ${n.database}, its instance and snapshot ${n.snapshot}`, dependsOn: ['confirm-drill-copy-healthy'],
      why: 'An isolated drill leaves nothing behind.',
      calls: [['rds', 'DeleteDBInstance', { DBInstanceIdentifier: n.database, SkipFinalSnapshot: true }], ['ec2', 'TerminateInstances', { InstanceIds: ['<drill instance>'] }], ['rds', 'DeleteDBSnapshot', { DBSnapshotIdentifier: n.snapshot }]],
      act: async (c) => {
        const db = await describeDbInstance({ rds, identifier: n.database, signal: c.signal });
        if (db !== undefined && db.status !== 'deleting') c.log((await deleteDbInstance({ rds, identifier: n.database, signal: c.signal })).note);
        if (instanceIds(c).length > 0) c.log((await terminateInstances({ ec2, instanceIds: instanceIds(c), signal: c.signal })).note);
        await ignoreNotFound(() => rds.send(new DeleteDBSnapshotCommand({ DBSnapshotIdentifier: n.snapshot }), sendOptions(c.signal)));
        return { deleted: [n.database, n.snapshot, ...instanceIds(c)] };
      },
    }),
    waitDatabaseDeletedStep({ aws, side: 'recovery', identifier: n.database, id: 'wait-drill-database-deleted', dependsOn: ['delete-drill-resources'] }),
    step(aws, {
      id: 'delete-drill-parameter-group', title: `Delete the drill parameter group ${n.group}`, dependsOn: ['wait-drill-database-deleted'],
      calls: [['rds', 'DeleteDBParameterGroup', { DBParameterGroupName: n.group }]],
      act: async (c) => void (await ignoreNotFound(() => rds.send(new DeleteDBParameterGroupCommand({ DBParameterGroupName: n.group }), sendOptions(c.signal)))),
    }),
    step(aws, {
      id: 'verify-nothing-left', title: `Prove nothing tagged ${DRILL_TAG}=${ctx.runId} is left in ${aws.region('recovery')}`, dependsOn: ['delete-drill-parameter-group'],
      calls: [
        ['rds', 'DescribeDBInstances', {}], ['rds', 'DescribeDBSnapshots', { SnapshotType: 'manual' }],
        ['ec2', 'DescribeInstances', { Filters: [{ Name: `tag:${DRILL_TAG}`, Values: [ctx.runId] }] }], ['rds', 'DescribeDBParameterGroups', { DBParameterGroupName: n.group }],
      ],
      act: async (c) => {
        const left = await drillLeftovers(aws, n, ctx.runId, c.signal);
        if (left.length > 0) throw new StepFailure(`DrillResourcesLeft: still in ${aws.region('recovery')}: ${left.join(', ')}. Delete them by hand (they carry the tag ${DRILL_TAG}=${ctx.runId}).`, { code: 'DrillResourcesLeft', retryable: true });
        return { left: [] };
      },
    }),
  ];
}

/**
 * The isolated drill graph (run it with rollback `always`) and its health probe: the drill copy itself, probed
 * directly, which sets the drill's RTO (production keeps serving, so its own probe would read 0).
 */
export function isolatedDrill(ctx: StrategyContext, t: StandbyTopology): { steps: StepDefinition[]; probe: DrillCopyProbe } {
  const sfx = runSuffix(ctx.runId);
  const n: DrillNames = {
    group: `${t.database.recovery.identifier}-drill-${sfx}`.slice(0, 255),
    snapshot: `${t.database.recovery.identifier}-drill-${sfx}`,
    database: `${t.database.primary.identifier}-drill-${sfx}`.slice(0, 63).replace(/-+$/, ''),
    tags: { [DRILL_TAG]: ctx.runId, 'firedrill:drill': 'isolated' },
  };
  const declare = declareDisasterStep({ id: 'declare-drill', title: `Isolated drill: bring up a copy of ${ctx.plan.metadata.name} in ${ctx.aws.region('recovery')}` });
  // Compensations run in reverse order of completion, so this one runs last: the proof after a failed drill.
  declare.compensate = async (c) => {
    const left = await drillLeftovers(ctx.aws, n, ctx.runId, c.signal);
    if (left.length > 0) throw new StepFailure(`DrillResourcesLeft: after cleanup, still in ${ctx.aws.region('recovery')}: ${left.join(', ')}.`, { code: 'DrillResourcesLeft', retryable: true });
  };
  const probe = drillCopyProbe({ aws: ctx.aws, databaseIdentifier: n.database, instances: { runId: ctx.runId, count: 1 }, ...drillCopyProbeSettings(ctx.plan) });
  return { steps: [declare, ...createSteps(ctx, t, n), ...verifyAndCleanupSteps(ctx, n, probe)], probe };
}
