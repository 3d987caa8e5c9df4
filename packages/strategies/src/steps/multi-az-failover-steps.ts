/**
 * In-region high availability for an RDS Multi-AZ DB instance (not Aurora): RebootDBInstance with ForceFailover
 * makes the synchronous standby in the other Availability Zone the primary, and the instance endpoint's DNS follows
 * it — 60–120 s in which the endpoint refuses connections (RDS User Guide, Multi-AZ failover). Three steps, like
 * the Aurora writer failover: the instance's current AZ is journaled first, so a re-check after a crash sees
 * whether the failover already happened (the AZ moved) or is under way (rebooting) and never reboots twice.
 */
import { type DBInstance, DescribeDBInstancesCommand } from '@aws-sdk/client-rds';
import { type ActionStep, type StepContext, StepFailure, type WaitStep } from '@firedrill/core';
import { adapterFailure, sendOptions } from '../aws/aws-call.js';
import { describeRawDbInstance, failoverMultiAzInstance } from '../aws/rds-instances.js';
import { type AcceptorResult, defineWaiter } from '../aws/waiters/acceptor.js';
import { waitForDefinition } from '../aws/waiters/wait-for.js';
import type { AwsEnvironment, Side } from '../aws-environment.js';
import { type AwsStepOptions, journaled, previewCall, regionLabel } from './aws-step-options.js';
import { stepBoundWait } from './aws-wait-step.js';

/** Options of {@link multiAzFailoverSteps}. */
export interface MultiAzFailoverOptions extends AwsStepOptions {
  /** The side (region) of the instance. @default 'primary' */
  side?: Side;
  instanceIdentifier: string;
  /**
   * The Availability Zone the instance must end up in (failback: its home AZ). Already there: nothing moves.
   * Without it: the standby's AZ, whichever that is.
   */
  targetZone?: string;
  /**
   * Takes the target AZ from an earlier choice step's journaled result: the AZ the instance was in before that
   * failover (a live drill's way back when no home AZ is named).
   */
  targetZoneFrom?: string;
  /** Ids of the three steps. @default `choose-${id}-zone`, `failover-${id}`, `wait-${id}-failover` */
  ids?: { choose?: string; failover?: string; wait?: string };
  /** The failover step starts a new measured phase (a live drill's failback). */
  beginsPhase?: string;
  /** The failover step declares the disaster (a drill's t_disaster). */
  declaresDisaster?: boolean;
  /** The wait restores service (RTO when no health probe is configured). @default true */
  restoresService?: boolean;
}

/** The choice journaled before the failover: where the instance is, and where it goes. */
export interface MultiAzFailoverChoice {
  instanceIdentifier: string;
  /** The instance's AZ when the choice was made (the primary's, before the failover). */
  fromZone: string;
  /** The AZ it fails over to: the standby's, when RDS reports it. */
  toZone: string | undefined;
  /** True when the instance is already in the target AZ: the failover is skipped. */
  noop: boolean;
  note: string;
}

/** What Firedrill reads of a Multi-AZ instance. */
export interface MultiAzInstanceState {
  status: string;
  multiAz: boolean;
  zone: string | undefined;
  secondaryZone: string | undefined;
  backupRetentionPeriod: number;
}

/** Reads the instance's status, Multi-AZ flag and zones; `undefined` when it does not exist. */
export function multiAzState(db: DBInstance): MultiAzInstanceState {
  return {
    status: db.DBInstanceStatus ?? 'unknown',
    multiAz: db.MultiAZ === true,
    zone: db.AvailabilityZone,
    secondaryZone: db.SecondaryAvailabilityZone,
    backupRetentionPeriod: db.BackupRetentionPeriod ?? 0,
  };
}

/** DescribeDBInstances for one instance; `undefined` when it does not exist. */
export async function describeMultiAzInstance(aws: AwsEnvironment, side: Side, identifier: string, signal?: AbortSignal): Promise<MultiAzInstanceState | undefined> {
  const db = await describeRawDbInstance({ rds: aws.clients(side).rds, identifier, ...(signal ? { signal } : {}) });
  return db === undefined ? undefined : multiAzState(db);
}

/** Parameters of the {@link multiAzFailoverComplete} acceptor. */
export interface MultiAzFailoverParams {
  identifier: string;
  /** The AZ before the failover: the instance must have left it. */
  fromZone: string;
  /** The AZ it must be in, when known. */
  toZone?: string;
  /** Nothing had to move. */
  noop?: boolean;
}

const INSTANCE_TERMINAL = new Set(['deleted', 'deleting', 'failed', 'incompatible-parameters', 'incompatible-network', 'inaccessible-encryption-credentials', 'storage-full']);

/** Acceptor: the instance is `available` in another AZ than before (the expected one, when known). */
export function multiAzFailoverComplete(output: { DBInstances?: DBInstance[] }, params: MultiAzFailoverParams): AcceptorResult {
  const db = output.DBInstances?.[0];
  if (db === undefined) return { state: 'FAILURE', reason: `DB instance ${params.identifier} not found`, progress: 'not found' };
  const { status, zone } = multiAzState(db);
  const progress = `${status}, ${zone ?? 'AZ unknown'}`;
  if (INSTANCE_TERMINAL.has(status)) return { state: 'FAILURE', progress, reason: `status is ${status}` };
  const moved = params.noop === true || (params.toZone !== undefined ? zone === params.toZone : zone !== undefined && zone !== params.fromZone);
  return moved && status === 'available' ? { state: 'SUCCESS', progress } : { state: 'RETRY', progress };
}

/**
 * The Multi-AZ failover waiter: expected 90 s, the middle of aws-facts.md's "RDS Multi-AZ instance failover
 * 60–120 s" (RDS User Guide, Multi-AZ failover), so polls are dense (every ~2 s) from about 72 s on.
 */
export const multiAzFailoverCompleteWaiter = defineWaiter({
  service: 'rds',
  command: 'DescribeDBInstances',
  what: (p: MultiAzFailoverParams) => `DB instance ${p.identifier} failed over to ${p.toZone ?? 'its standby'}`,
  resource: (p: MultiAzFailoverParams) => p.identifier,
  acceptor: multiAzFailoverComplete,
  expectedMs: 90_000,
});

type Ids = Required<NonNullable<MultiAzFailoverOptions['ids']>>;

function chooseStep(options: MultiAzFailoverOptions, ids: Ids): ActionStep<MultiAzFailoverChoice> {
  const { aws, instanceIdentifier: id } = options;
  const side = options.side ?? 'primary';
  return {
    id: ids.choose,
    kind: 'action',
    title: `Record the Availability Zone of ${id} in ${regionLabel(aws, side)} and where it fails over to`,
    why: 'Journaled before the failover, so a retried or resumed run sees whether the instance already moved and never fails it over twice (a second failover would move it back).',
    ...(options.dependsOn ? { dependsOn: options.dependsOn } : {}),
    policy: { timeout: '1m', retry: { maximumAttempts: 5, initialInterval: '1s' } },
    preview: () => [previewCall('rds', aws.region(side), 'DescribeDBInstances', { DBInstanceIdentifier: id })],
    act: async (ctx) => {
      const db = await describeMultiAzInstance(aws, side, id, ctx.signal);
      if (db === undefined) throw adapterFailure(`DBInstanceNotFound: no DB instance ${id} in ${aws.region(side)}. Check resources.<role>.primary.identifier in the plan.`, 'DBInstanceNotFound');
      if (!db.multiAz) {
        throw adapterFailure(`NotMultiAZ: ${id} in ${aws.region(side)} is not Multi-AZ, so it has no standby to fail over to. Enable it: aws rds modify-db-instance --db-instance-identifier ${id} --multi-az --apply-immediately`, 'NotMultiAZ');
      }
      if (db.zone === undefined) throw adapterFailure(`NoAvailabilityZone: DescribeDBInstances did not report the Availability Zone of ${id}.`, 'NoAvailabilityZone');
      const target = options.targetZone ?? (options.targetZoneFrom ? ctx.resultOf<MultiAzFailoverChoice>(options.targetZoneFrom)?.fromZone : undefined);
      if (target !== undefined && db.zone === target) {
        const note = `${id} is already in ${target}: nothing to fail over`;
        ctx.log(note);
        return { instanceIdentifier: id, fromZone: db.zone, toZone: target, noop: true, note };
      }
      if (target !== undefined && db.secondaryZone !== undefined && db.secondaryZone !== target) {
        throw adapterFailure(`StandbyNotInTargetZone: ${id}'s standby is in ${db.secondaryZone}, not ${target}: a failover cannot bring it to ${target}. Check strategy.parameters.preferredZone.`, 'StandbyNotInTargetZone');
      }
      const toZone = target ?? db.secondaryZone;
      const note = `${id} is in ${db.zone} (${db.status}); its standby${toZone ? ` in ${toZone}` : ''} takes over`;
      ctx.log(note);
      return { instanceIdentifier: id, fromZone: db.zone, toZone, noop: false, note };
    },
  };
}

function failoverStep(options: MultiAzFailoverOptions, ids: Ids): ActionStep {
  const { aws, instanceIdentifier: id } = options;
  const side = options.side ?? 'primary';
  const chosen = (ctx: StepContext): MultiAzFailoverChoice => {
    const choice = ctx.resultOf<MultiAzFailoverChoice>(ids.choose);
    if (choice === undefined) throw adapterFailure(`NoFailoverChoice: step ${ids.choose} has no result; run it first.`, 'NoFailoverChoice');
    return choice;
  };
  return {
    id: ids.failover,
    kind: 'action',
    title: `Fail ${id} over to its Multi-AZ standby in ${regionLabel(aws, side)}`,
    why: 'RebootDBInstance with ForceFailover promotes the synchronous standby in the other AZ; the endpoint\'s DNS follows it, typically in 60–120 s (RDS User Guide). No acknowledged write is lost: replication to the standby is synchronous.',
    dependsOn: [ids.choose],
    promotesData: true,
    ...(options.beginsPhase ? { beginsPhase: options.beginsPhase } : {}),
    ...(options.declaresDisaster ? { declaresDisaster: true } : {}),
    policy: options.policy ?? { timeout: '1m', retry: { maximumAttempts: 6, initialInterval: '2s', maximumInterval: '15s' } },
    preview: () => [
      previewCall('rds', aws.region(side), 'DescribeDBInstances', { DBInstanceIdentifier: id }),
      previewCall('rds', aws.region(side), 'RebootDBInstance', { DBInstanceIdentifier: id, ForceFailover: true }),
    ],
    verifyByHand: `aws rds describe-db-instances --db-instance-identifier ${id} --region ${aws.region(side)}: DBInstanceStatus available and AvailabilityZone the former SecondaryAvailabilityZone.`,
    undoByHand: `aws rds reboot-db-instance --db-instance-identifier ${id} --force-failover --region ${aws.region(side)} (fails over back to the other AZ)`,
    check: async (ctx) => {
      const choice = chosen(ctx);
      if (choice.noop) return { applied: true, note: choice.note };
      const db = await describeMultiAzInstance(aws, side, id, ctx.signal);
      // The AZ moved: the failover happened (perhaps before a crash). A second one would move it back.
      if (db?.zone !== undefined && db.zone !== choice.fromZone) return { applied: true, note: `${id} is in ${db.zone}, no longer in ${choice.fromZone}` };
      // A failover started before a crash, still rebooting: do not start another.
      if (db?.status === 'rebooting') return { applied: true, note: `${id} is already rebooting (a failover under way)` };
      return { applied: false };
    },
    act: async (ctx) => {
      chosen(ctx);
      const db = await describeMultiAzInstance(aws, side, id, ctx.signal);
      if (db !== undefined && db.status !== 'available') {
        // RebootDBInstance needs `available`; a modification or backup in progress ends by itself: retry later.
        throw new StepFailure(`InvalidDBInstanceState: ${id} is ${db.status}; RebootDBInstance needs it available. Retrying.`, { code: 'InvalidDBInstanceState', retryable: true });
      }
      const outcome = await failoverMultiAzInstance({ rds: aws.clients(side).rds, identifier: id, signal: ctx.signal });
      return journaled(ctx, outcome);
    },
  };
}

/**
 * RDS Multi-AZ instance failover inside a region: record the AZ (journaled), RebootDBInstance with ForceFailover
 * (only if Multi-AZ, available, and not already moved or rebooting), wait with a tuned waiter until the instance
 * is available in the other AZ.
 *
 * @example
 * const steps = multiAzFailoverSteps({ aws, instanceIdentifier: 'orders-db' });
 * // choose-orders-db-zone → failover-orders-db → wait-orders-db-failover
 */
export function multiAzFailoverSteps(options: MultiAzFailoverOptions): [ActionStep<MultiAzFailoverChoice>, ActionStep, WaitStep] {
  const { aws, instanceIdentifier: id } = options;
  const side = options.side ?? 'primary';
  const ids: Ids = {
    choose: options.ids?.choose ?? `choose-${id}-zone`,
    failover: options.ids?.failover ?? `failover-${id}`,
    wait: options.ids?.wait ?? `wait-${id}-failover`,
  };
  const wait: WaitStep = {
    id: ids.wait,
    kind: 'wait',
    title: `Wait until ${id} is available in its new Availability Zone in ${regionLabel(aws, side)}`,
    why: 'RebootDBInstance returns at once; the application connects again only once the standby is the primary and the endpoint\'s DNS points at it.',
    dependsOn: [ids.failover],
    ...((options.restoresService ?? true) ? { restoresService: true } : {}),
    policy: { timeout: '10m' },
    preview: () => [previewCall('rds', aws.region(side), 'DescribeDBInstances', { DBInstanceIdentifier: id })],
    poll: async (ctx) => {
      const choice = ctx.resultOf<MultiAzFailoverChoice>(ids.choose);
      if (choice === undefined) throw adapterFailure(`NoFailoverChoice: step ${ids.choose} has no result; run it first.`, 'NoFailoverChoice');
      const { rds } = aws.clients(side);
      const result = await waitForDefinition('multiAzFailoverComplete', multiAzFailoverCompleteWaiter, {
        describe: (signal) => rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: id }), sendOptions(signal)),
        params: { identifier: id, fromZone: choice.fromZone, ...(choice.toZone ? { toZone: choice.toZone } : {}), noop: choice.noop },
        clock: ctx.clock, region: aws.region(side), signal: ctx.signal, limiter: aws.limiter, ...stepBoundWait(ctx),
      });
      ctx.log(`${id}: ${result.progress ?? 'failed over'}`);
      const zone = result.output?.DBInstances?.[0]?.AvailabilityZone ?? null;
      return { status: 'success', value: { zone, progress: result.progress ?? null } };
    },
  };
  return [chooseStep(options, ids), failoverStep(options, ids), wait];
}
