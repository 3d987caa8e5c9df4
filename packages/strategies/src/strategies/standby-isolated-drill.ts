/**
 * The isolated drill of the standby strategies: nothing on the production path changes. In the recovery region
 * it restores a snapshot of the replica as `<db>-drill-<run>` (read-only through its own parameter group, so no
 * client can write to it by mistake) and launches an instance from the recovery launch template, all tagged with
 * the run id; checks the copy serves from its own state; deletes everything; and proves by tag that nothing is
 * left. The cleanup is every drill's (`drill-cleanup-steps.ts`): the first step's compensation, which runs last,
 * sweeps everything tagged with the run id, so a drill that fails half way cleans up too; the cleanup step and that
 * compensation share one time budget.
 */
import { CreateDBParameterGroupCommand, DescribeDBInstancesCommand, DescribeDBParameterGroupsCommand, DescribeDBSnapshotsCommand, ModifyDBParameterGroupCommand, RestoreDBInstanceFromDBSnapshotCommand } from '@aws-sdk/client-rds';
import { DescribeInstancesCommand } from '@aws-sdk/client-ec2';
import type { ActionStep, CallPreview, StepDefinition } from '@firedrill/core';
import { callAws, sendOptions, toAwsTags } from '../aws/aws-call.js';
import { classifyAwsError } from '../aws/classify-error.js';
import { runInstancesFromAmi } from '../aws/ec2.js';
import { createDbSnapshot, describeDbSnapshot } from '../aws/rds-snapshots.js';
import { describeDbInstance, describeRawDbInstance } from '../aws/rds-instances.js';
import { waiters } from '../aws/waiters/waiter-registry.js';
import type { AwsEnvironment } from '../aws-environment.js';
import { previewCall } from '../steps/aws-step-options.js';
import { awsWaitStep } from '../steps/aws-wait-step.js';
import { cleanUpDrillStep, DrillCleanupBudget, DRILL_RUN_TAG, type DrillScope, drillScopeStep, verifyNothingLeftStep } from '../steps/drill-cleanup-steps.js';
import { confirmDrillHealthyStep, drillCopyProbe, drillCopyProbeSettings, type DrillCopyProbe, drillCopyReadyStep } from '../steps/drill-copy-steps.js';
import { waitDatabaseAvailableStep } from '../steps/database-steps.js';
import { declareDisasterStep } from '../steps/disaster-steps.js';
import { readOnlyParameter, readOnlyParameterPreview } from '../steps/fence-steps.js';
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

function step(aws: AwsEnvironment, s: Omit<ActionStep, 'kind'> & { calls: ([string, string, Record<string, unknown>] | CallPreview)[] }): ActionStep {
  const { calls, ...rest } = s;
  return { kind: 'action', ...rest, preview: () => calls.map((call) => (Array.isArray(call) ? previewCall(call[0] as 'rds' | 'cloudWatch', aws.region('recovery'), call[1], call[2]) : call)) };
}

function createSteps(ctx: StrategyContext, t: StandbyTopology, n: DrillNames): StepDefinition[] {
  const { aws } = ctx;
  const { rds, ec2 } = aws.clients('recovery');
  const replica = t.database.recovery.identifier;
  const template = t.compute.recovery.launchTemplate ?? `${ctx.plan.metadata.name}-${aws.region('recovery')}`;
  return [
    step(aws, {
      id: 'create-drill-parameter-group', title: `Create the read-only parameter group ${n.group} for the drill copy`, dependsOn: ['declare-drill'],
      why: 'The drill copy must refuse writes: no client may diverge onto it.',
      calls: [
        ['rds', 'DescribeDBInstances', { DBInstanceIdentifier: replica }],
        ['rds', 'CreateDBParameterGroup', { DBParameterGroupName: n.group, DBParameterGroupFamily: `<family of ${replica}'s engine and version, e.g. postgres16>`, Description: `Firedrill drill ${ctx.runId}`, Tags: toAwsTags(n.tags) }],
        ['rds', 'ModifyDBParameterGroup', { DBParameterGroupName: n.group, Parameters: [{ ParameterName: readOnlyParameterPreview(ctx.plan, replica), ParameterValue: '1', ApplyMethod: 'immediate' }] }],
      ],
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
        ['rds', 'RestoreDBInstanceFromDBSnapshot', {
          DBInstanceIdentifier: n.database, DBSnapshotIdentifier: n.snapshot, DBParameterGroupName: n.group, Tags: toAwsTags(n.tags),
          DBSubnetGroupName: `<subnet group of ${replica}>`, VpcSecurityGroupIds: [`<security groups of ${replica}>`],
        }],
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
    }),
    drillCopyReadyStep(waitDatabaseAvailableStep({ aws, side: 'recovery', identifier: n.database, id: 'wait-drill-database', dependsOn: ['restore-drill-database'] }), { aws, side: 'recovery', identifier: n.database }),
    step(aws, {
      id: 'launch-drill-instance', title: `Launch one instance from ${template} in ${aws.region('recovery')}, tagged with the run id`, dependsOn: ['declare-drill'],
      why: 'The drill proves the recovery launch template boots.',
      calls: [
        ['ec2', 'DescribeInstances', { Filters: [{ Name: 'client-token', Values: ['<run and step token>'] }] }],
        ['ec2', 'RunInstances', { ClientToken: '<run and step token>', MinCount: 1, MaxCount: 1, LaunchTemplate: { LaunchTemplateName: template, Version: '$Default' }, TagSpecifications: [{ ResourceType: 'instance', Tags: toAwsTags(n.tags) }] }],
      ],
      act: async (c) => {
        const out = await runInstancesFromAmi({ ec2, clientToken: c.idempotencyToken('drill-instance'), count: 1, launchTemplate: { name: template }, tags: n.tags, signal: c.signal });
        c.log(out.note);
        return { instanceIds: out.instanceIds };
      },
    }),
  ];
}

function verifyAndCleanupSteps(scope: DrillScope, probe: DrillCopyProbe): StepDefinition[] {
  return [
    confirmDrillHealthyStep(probe, ['wait-drill-database', 'launch-drill-instance']),
    cleanUpDrillStep({ id: 'delete-drill-resources', ...scope, dependsOn: ['confirm-drill-copy-healthy'] }),
    verifyNothingLeftStep({ id: 'verify-nothing-left', ...scope, dependsOn: ['delete-drill-resources'] }),
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
  // The copy's parameter group is found by its name (RDS lists no tags with parameter groups); the rest by the tag.
  // One budget for the cleanup step and the scope's compensation: a cleanup that ran out of time is not run again.
  const region = ctx.aws.region('recovery');
  const scope: DrillScope = {
    aws: ctx.aws, runId: ctx.runId, parameterGroups: [n.group], budget: new DrillCleanupBudget(),
    expected: [{ kind: 'rds-instance', id: n.database, region }, { kind: 'rds-snapshot', id: n.snapshot, region }, { kind: 'rds-parameter-group', id: n.group, region }],
  };
  const declare = declareDisasterStep({ id: 'declare-drill', title: `Isolated drill: bring up a copy of ${ctx.plan.metadata.name} in ${ctx.aws.region('recovery')}`, dependsOn: ['drill-scope'] });
  const probe = drillCopyProbe({ aws: ctx.aws, databaseIdentifier: n.database, instances: { runId: ctx.runId, count: 1 }, ...drillCopyProbeSettings(ctx.plan) });
  return { steps: [drillScopeStep({ id: 'drill-scope', ...scope }), declare, ...createSteps(ctx, t, n), ...verifyAndCleanupSteps(scope, probe)], probe };
}
