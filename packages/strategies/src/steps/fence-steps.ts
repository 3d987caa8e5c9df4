/**
 * Fencing: making a database refuse writes through its DB parameter group's read-only parameter
 * (`default_transaction_read_only` for PostgreSQL, `read_only` for MySQL and MariaDB). Both are dynamic on RDS,
 * so ApplyMethod `immediate` takes effect without a reboot. A graceful failover fences the primary before it
 * promotes the replica — never two writers — and a failback fences the recovery-region writer the same way.
 */
import { type DBInstance, DescribeDBInstancesCommand, DescribeDBParametersCommand, ModifyDBParameterGroupCommand, type RDSClient } from '@aws-sdk/client-rds';
import { type ActionStep, type Plan, StepFailure, type StepContext } from '@firedrill/core';
import { callAws, sendOptions } from '../aws/aws-call.js';
import { describeDbInstance } from '../aws/rds-instances.js';
import type { AwsEnvironment, Side } from '../aws-environment.js';
import { type AwsStepOptions, compensateUnlessKept, journaled, previewCall, regionLabel } from './aws-step-options.js';

/** Options of {@link fenceWritersStep} and {@link unfenceWritersStep}. */
export interface FenceWritersOptions extends AwsStepOptions {
  side: Side;
  /** The DB instance whose parameter group is changed (every instance using that group is affected). */
  identifier: string;
  /** Run only in these modes; a graceful failover's fence is `['graceful']`. @default both */
  modes?: readonly ('graceful' | 'ungraceful')[];
  /** Undo the fence when the run rolls back. @default true for a fence, false for an unfence */
  compensate?: boolean;
  /** A missing instance counts as fenced (a stale writer already retired by an earlier run). @default false */
  missingIsFine?: boolean;
}

/** What a fence or unfence step returns. */
export interface FenceResult {
  parameterGroup: string;
  parameter: string;
  value: '0' | '1';
  changed: boolean;
  note: string;
}

interface FenceTarget {
  rds: RDSClient;
  region: string;
  parameterGroup: string;
  parameter: string;
}

/** The read-only parameter of an engine. */
export function readOnlyParameter(engine: string | undefined): string {
  return /mysql|mariadb/.test(engine ?? '') ? 'read_only' : 'default_transaction_read_only';
}

/**
 * The read-only parameter a step will set on `identifier`'s parameter group, for its preview: the engine's own when
 * the plan names the engine of that database; otherwise the step reads the engine (DescribeDBInstances) when it
 * runs, and the preview says so — an SRE pasting the call must send one parameter name, not a choice of two.
 *
 * @example readOnlyParameterPreview(plan, 'tracking-db') // 'default_transaction_read_only' (engine: postgres)
 */
export function readOnlyParameterPreview(plan: Plan, identifier: string): string {
  const engine = Object.values(plan.resources).find((r) => r.kind === 'rds-instance' && (r.primary.identifier === identifier || r.recovery.identifier === identifier));
  if (engine?.kind === 'rds-instance' && engine.engine !== undefined) return readOnlyParameter(engine.engine);
  return `<default_transaction_read_only (PostgreSQL) or read_only (MySQL, MariaDB): the engine of ${identifier}, read when the step runs>`;
}

async function fenceTarget(aws: AwsEnvironment, side: Side, identifier: string, signal: AbortSignal): Promise<FenceTarget> {
  const { rds } = aws.clients(side);
  const out = await callAws({ service: 'rds', client: rds, command: 'DescribeDBInstances', resource: identifier }, signal, () =>
    rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: identifier }), sendOptions(signal)));
  return fenceTargetOf(aws, side, identifier, out.DBInstances?.[0]);
}

/** The parameter group and read-only parameter that fence `db`, as DescribeDBInstances returned it. */
function fenceTargetOf(aws: AwsEnvironment, side: Side, identifier: string, db: DBInstance | undefined): FenceTarget {
  const { rds } = aws.clients(side);
  const region = aws.region(side);
  const parameterGroup = db?.DBParameterGroups?.[0]?.DBParameterGroupName;
  if (db === undefined || parameterGroup === undefined) {
    throw new StepFailure(`DBInstanceNotFound: no DB instance ${identifier} (or no parameter group on it) in ${region}. Check the plan's database identifiers.`, { code: 'DBInstanceNotFound', retryable: false });
  }
  if (parameterGroup.startsWith('default.')) {
    throw new StepFailure(
      `DefaultParameterGroup: ${identifier} in ${region} uses the default parameter group ${parameterGroup}, which cannot be modified, so its writers cannot be fenced. Attach a custom parameter group to ${identifier} (a copy of ${parameterGroup}) before failing over, or fence writers by hand and mark this step done.`,
      { code: 'DefaultParameterGroup', retryable: false },
    );
  }
  return { rds, region, parameterGroup, parameter: readOnlyParameter(db.Engine) };
}

/**
 * The read-only parameter's value in the group: '1' when a user set it on (a fence), else '0'. Only parameters the
 * user set can fence, so only those are listed (`Source: user`) — and every page of them is read: RDS answers at
 * most 100 parameters at a time, and a parameter past the first page is not "unset".
 */
async function currentValue(target: FenceTarget, signal: AbortSignal): Promise<string> {
  const { rds, parameterGroup, parameter } = target;
  let marker: string | undefined;
  do {
    const out = await callAws({ service: 'rds', client: rds, command: 'DescribeDBParameters', resource: parameterGroup }, signal, () =>
      rds.send(new DescribeDBParametersCommand({ DBParameterGroupName: parameterGroup, Source: 'user', ...(marker ? { Marker: marker } : {}) }), sendOptions(signal)));
    const found = out.Parameters?.find((p) => p.ParameterName === parameter);
    if (found !== undefined) return ['1', 'on', 'true'].includes((found.ParameterValue ?? '0').toLowerCase()) ? '1' : '0';
    marker = out.Marker;
  } while (marker);
  return '0';
}

/**
 * Whether the writers of `db` (as DescribeDBInstances returned it, on `side`) are fenced: its parameter group's
 * read-only parameter is on. A database on a default parameter group cannot be fenced, so it is not.
 */
export async function writersFenced(aws: AwsEnvironment, side: Side, db: DBInstance, signal: AbortSignal): Promise<boolean> {
  let target: FenceTarget;
  try {
    target = fenceTargetOf(aws, side, db.DBInstanceIdentifier ?? '', db);
  } catch (error) {
    if ((error as { code?: unknown }).code === 'DefaultParameterGroup') return false;
    throw error;
  }
  return (await currentValue(target, signal)) === '1';
}

async function setReadOnly(aws: AwsEnvironment, side: Side, identifier: string, value: '0' | '1', ctx: Pick<StepContext, 'signal' | 'log'>): Promise<FenceResult> {
  const target = await fenceTarget(aws, side, identifier, ctx.signal);
  const what = value === '1' ? 'fenced (read-only)' : 'accepting writes';
  if ((await currentValue(target, ctx.signal)) === value) {
    return { parameterGroup: target.parameterGroup, parameter: target.parameter, value, changed: false, note: `${identifier} (group ${target.parameterGroup}) is already ${what}` };
  }
  const { rds, parameterGroup, parameter } = target;
  await callAws({ service: 'rds', client: rds, command: 'ModifyDBParameterGroup', resource: parameterGroup }, ctx.signal, () =>
    rds.send(new ModifyDBParameterGroupCommand({
      DBParameterGroupName: parameterGroup,
      Parameters: [{ ParameterName: parameter, ParameterValue: value, ApplyMethod: 'immediate' }],
    }), sendOptions(ctx.signal)));
  return journaled(ctx as StepContext, { parameterGroup, parameter, value, changed: true, note: `${identifier} (group ${parameterGroup}, ${parameter}=${value}) is now ${what}` });
}

function fenceStep(options: FenceWritersOptions, value: '0' | '1'): ActionStep<FenceResult> {
  const { aws, side, identifier } = options;
  const where = regionLabel(aws, side);
  const fence = value === '1';
  const undo = options.compensate ?? fence;
  const parameter = readOnlyParameterPreview(aws.plan, identifier);
  const step: ActionStep<FenceResult> = {
    id: options.id ?? (fence ? `fence-${side}-writers` : `unfence-${side}-writers`),
    kind: 'action',
    title: fence ? `Fence writers of ${identifier} in ${where} (read-only parameter group)` : `Let ${identifier} in ${where} accept writes again`,
    why: fence
      ? 'Writes stop before the replica is promoted, so nothing is lost and there are never two writers.'
      : 'The database that is now the writer must accept the application\'s writes.',
    ...(options.dependsOn ? { dependsOn: options.dependsOn } : {}),
    ...(options.modes ? { modes: options.modes } : {}),
    ...(options.policy ? { policy: options.policy } : {}),
    preview: () => [
      previewCall('rds', aws.region(side), 'DescribeDBInstances', { DBInstanceIdentifier: identifier }),
      previewCall('rds', aws.region(side), 'DescribeDBParameters', { DBParameterGroupName: `<parameter group of ${identifier}>`, Source: 'user' }),
      previewCall('rds', aws.region(side), 'ModifyDBParameterGroup', {
        DBParameterGroupName: `<parameter group of ${identifier}>`,
        Parameters: [{ ParameterName: parameter, ParameterValue: value, ApplyMethod: 'immediate' }],
      }),
    ],
    verifyByHand: `In ${aws.region(side)}: aws rds describe-db-parameters --db-parameter-group-name <group of ${identifier}> --source user shows ${parameter.startsWith('<') ? 'the read-only parameter' : parameter} = ${value}; a test write ${fence ? 'fails with "read-only transaction"' : 'succeeds'}.`,
    undoByHand: `Set the read-only parameter of ${identifier}'s parameter group back to ${fence ? '0' : '1'} (apply immediately).`,
    check: async (ctx) => {
      if (options.missingIsFine && (await describeDbInstance({ rds: aws.clients(side).rds, identifier, signal: ctx.signal })) === undefined) {
        return { applied: true, result: { parameterGroup: '', parameter: '', value, changed: false, note: `${identifier} does not exist in ${aws.region(side)}: nothing to ${fence ? 'fence' : 'unfence'}` } };
      }
      const target = await fenceTarget(aws, side, identifier, ctx.signal);
      return (await currentValue(target, ctx.signal)) === value
        ? { applied: true, result: { parameterGroup: target.parameterGroup, parameter: target.parameter, value, changed: false, note: `${identifier} is already ${fence ? 'fenced' : 'unfenced'}` } }
        : { applied: false };
    },
    act: (ctx) => setReadOnly(aws, side, identifier, value, ctx),
  };
  if (undo) {
    step.compensate = (ctx) => compensateUnlessKept(options, ctx, `the ${fence ? 'fence' : 'unfence'} of ${identifier}`, async () => void (await setReadOnly(aws, side, identifier, fence ? '0' : '1', ctx)));
  }
  return step;
}

/**
 * Fences a database's writers: its parameter group's read-only parameter is set to 1, immediately. Every
 * instance using the group refuses writes from then on. Check-then-act; compensation unfences.
 *
 * @example
 * const step = fenceWritersStep({ aws, side: 'primary', identifier: 'tracking-db', modes: ['graceful'] });
 */
export function fenceWritersStep(options: FenceWritersOptions): ActionStep<FenceResult> {
  return fenceStep(options, '1');
}

/**
 * Lifts a fence: the read-only parameter back to 0 (after a failback, or when a promoted copy inherited a
 * fenced group). Check-then-act; no compensation unless asked for.
 *
 * @example
 * const step = unfenceWritersStep({ aws, side: 'primary', identifier: 'tracking-db', dependsOn: ['wait-primary-promoted'] });
 */
export function unfenceWritersStep(options: FenceWritersOptions): ActionStep<FenceResult> {
  return fenceStep(options, '0');
}
