/**
 * A read-only DB parameter group for an isolated drill's database copy. A copy restored from production's snapshot
 * is a standalone writer of production's data: if anything wrote to it, two databases would accept the
 * application's writes. Restored into this group, the copy refuses writes from its first moment; the drill's sweep
 * deletes the group once the copy is gone.
 */
import { CreateDBParameterGroupCommand, DescribeDBSnapshotsCommand, ModifyDBParameterGroupCommand } from '@aws-sdk/client-rds';
import type { ActionStep, StepFailure } from '@firedrill/core';
import { callAws, sendOptions, toAwsTags } from '../aws/aws-call.js';
import type { AwsEnvironment, Side } from '../aws-environment.js';
import { previewCall } from './aws-step-options.js';
import { readOnlyParameter, readOnlyParameterPreview } from './fence-steps.js';
import { parameterGroupFamily } from './parameter-group-family.js';

const DESCRIPTION = 'Firedrill isolated drill copy (read-only)';

/** Options of {@link readOnlyDrillParameterGroupStep}. */
export interface DrillParameterGroupOptions {
  id: string;
  aws: AwsEnvironment;
  side: Side;
  /** The group's name (a drill name, so the sweep and the proof find it). */
  name: string;
  /** Tags: the run id, so a person can tell whose group it is. */
  tags: Readonly<Record<string, string>>;
  /** The step that picked the snapshot the copy is restored from (its engine sets the family). */
  snapshotFrom: string;
  /** The plan's database the snapshot is of: its engine, when the plan names it, is the preview's. */
  database: string;
  dependsOn: readonly string[];
}

/**
 * Creates `name` with the engine's read-only parameter on, for the drill copy restored from the snapshot
 * `snapshotFrom` picked. Check-then-act: an existing group of that name is set read-only again, not created twice.
 *
 * @example
 * readOnlyDrillParameterGroupStep({ id: 'create-drill-parameter-group', aws, side: 'recovery', name, tags, snapshotFrom: 'pick-snapshot', database: 'tracking-db', dependsOn: ['pick-snapshot'] })
 */
export function readOnlyDrillParameterGroupStep(options: DrillParameterGroupOptions): ActionStep<{ group: string; family: string }> {
  const { aws, side, name } = options;
  const region = aws.region(side);
  return {
    id: options.id,
    kind: 'action',
    title: `Create the read-only parameter group ${name} for the drill copy in ${region}`,
    why: 'The drill copy holds production data and must refuse writes: no client may write to a second copy of it.',
    dependsOn: options.dependsOn,
    preview: () => [
      previewCall('rds', region, 'DescribeDBSnapshots', { DBSnapshotIdentifier: `<snapshot ${options.snapshotFrom} picked>` }),
      previewCall('rds', region, 'CreateDBParameterGroup', {
        DBParameterGroupName: name, DBParameterGroupFamily: `<family of that snapshot's engine and version, e.g. postgres16>`, Description: DESCRIPTION, Tags: toAwsTags(options.tags),
      }),
      previewCall('rds', region, 'ModifyDBParameterGroup', {
        DBParameterGroupName: name, Parameters: [{ ParameterName: readOnlyParameterPreview(aws.plan, options.database), ParameterValue: '1', ApplyMethod: 'immediate' }],
      }),
    ],
    undoByHand: `aws rds delete-db-parameter-group --region ${region} --db-parameter-group-name ${name} (once the drill copy is deleted)`,
    act: async (ctx) => {
      const { rds } = aws.clients(side);
      const picked = ctx.resultOf<{ snapshotIdentifier: string }>(options.snapshotFrom);
      const snapshotId = picked?.snapshotIdentifier ?? '';
      const snapshot = (await callAws({ service: 'rds', client: rds, command: 'DescribeDBSnapshots', resource: snapshotId }, ctx.signal, () =>
        rds.send(new DescribeDBSnapshotsCommand({ DBSnapshotIdentifier: snapshotId }), sendOptions(ctx.signal)))).DBSnapshots?.[0];
      const engine = snapshot?.Engine ?? 'postgres';
      const version = snapshot?.EngineVersion ?? '';
      // An engine the family table does not know keeps the old guess (engine + major version).
      const family = parameterGroupFamily(engine, version) ?? `${engine}${version.split('.')[0] ?? ''}`;
      await callAws({ service: 'rds', client: rds, command: 'CreateDBParameterGroup', resource: name }, ctx.signal, () =>
        rds.send(new CreateDBParameterGroupCommand({ DBParameterGroupName: name, DBParameterGroupFamily: family, Description: DESCRIPTION, Tags: toAwsTags(options.tags) }), sendOptions(ctx.signal)),
      ).catch((error: unknown) => {
        if ((error as StepFailure).code !== 'DBParameterGroupAlreadyExists') throw error;
      });
      const parameter = readOnlyParameter(engine);
      await callAws({ service: 'rds', client: rds, command: 'ModifyDBParameterGroup', resource: name }, ctx.signal, () =>
        rds.send(new ModifyDBParameterGroupCommand({ DBParameterGroupName: name, Parameters: [{ ParameterName: parameter, ParameterValue: '1', ApplyMethod: 'immediate' }] }), sendOptions(ctx.signal)));
      ctx.log(`${name} (${family}): ${parameter}=1`);
      return { group: name, family };
    },
  };
}
