/**
 * Weighted DNS for active/active: drain one region (its weight to 0, with the survivor guardrail) and ramp a
 * region back in stages (10 % → 50 % → 100 % of its configured weight), each stage gated by the health of the
 * region being ramped. Every change goes through the hosted zone's queue and waits until INSYNC.
 *
 * Guardrails: `setRecordWeights` refuses all-zero weights; the drain refuses to take traffic off a region that
 * passes its health check when the region that would carry everything fails its own.
 */
import { GetChangeCommand, GetHealthCheckStatusCommand } from '@aws-sdk/client-route-53';
import { type ActionStep, type PlanResource, StepFailure, type StepContext, type WaitStep } from '@firedrill/core';
import { sendOptions } from '../aws/aws-call.js';
import { getHealthCheckStatus, listRecordSets, type RecordChangeOutcome, setRecordWeights } from '../aws/route53.js';
import { waitFor } from '../aws/waiters/wait-for.js';
import type { AwsEnvironment, Side } from '../aws-environment.js';
import { RUN_ID_PLACEHOLDER } from '../run-id-placeholder.js';
import { type AwsStepOptions, compensateUnlessKept, previewCall } from './aws-step-options.js';
import { recordSetPreview } from './dns-steps.js';
import { stepBoundWait } from './aws-wait-step.js';

/** A plan's weighted `route53-record` resource. */
export type WeightedRecord = Extract<PlanResource, { kind: 'route53-record' }>;

const other = (side: Side): Side => (side === 'primary' ? 'recovery' : 'primary');

/** The configured (normal) weight of a side. */
export function configuredWeight(record: WeightedRecord, side: Side): number {
  if (record.weights === undefined) throw new TypeError(`route53-record ${record.name}: routing weighted needs weights`);
  return record.weights[side];
}

function recordOptions(aws: AwsEnvironment, record: WeightedRecord, signal: AbortSignal): Parameters<typeof setRecordWeights>[0] {
  return {
    route53: aws.clients('primary').route53, queue: aws.route53Queue(record.hostedZoneId), hostedZoneId: record.hostedZoneId,
    name: record.name, type: record.type, weights: {}, signal,
  };
}

/** Current weights by side, read from Route 53. */
export async function readWeights(aws: AwsEnvironment, record: WeightedRecord, signal: AbortSignal): Promise<Record<Side, number | undefined>> {
  const sets = await listRecordSets({ route53: aws.clients('primary').route53, hostedZoneId: record.hostedZoneId, name: record.name, type: record.type, signal });
  const weightOf = (side: Side): number | undefined => sets.find((s) => s.SetIdentifier === record[side].setIdentifier)?.Weight;
  return { primary: weightOf('primary'), recovery: weightOf('recovery') };
}

async function healthOf(aws: AwsEnvironment, record: WeightedRecord, side: Side, signal: AbortSignal): Promise<{ healthy: boolean; detail: string }> {
  const id = record[side].healthCheckId;
  if (id === undefined) return { healthy: true, detail: `no health check on ${record[side].setIdentifier}` };
  const status = await getHealthCheckStatus({ route53: aws.clients('primary').route53, healthCheckId: id, signal });
  return { healthy: status.healthy, detail: `${status.healthyCheckers}/${status.checkers} checkers healthy` };
}

/** Options of {@link setWeightsStep}. */
interface SetWeightsOptions extends AwsStepOptions {
  id: string;
  title: string;
  why: string;
  record: WeightedRecord;
  weights: Partial<Record<Side, number>>;
  guard?: (ctx: StepContext) => Promise<void>;
  /** The health checks the guard reads whenever it runs, for the preview. */
  guardReads?: readonly string[];
  compensateTo?: Partial<Record<Side, number>>;
  beginsPhase?: string;
  declaresDisaster?: boolean;
}

/** The check-then-act weight change both the drain and the ramp use; the wait for INSYNC follows it. */
function setWeightsSteps(options: SetWeightsOptions): [ActionStep<RecordChangeOutcome>, WaitStep] {
  const { aws, record, id } = options;
  const bySetId = (weights: Partial<Record<Side, number>>): Record<string, number> =>
    Object.fromEntries((Object.entries(weights) as [Side, number][]).map(([side, w]) => [record[side].setIdentifier, w]));
  const wanted = bySetId(options.weights);
  const apply = async (ctx: StepContext, weights: Record<string, number>, resubmit = false): Promise<RecordChangeOutcome> => {
    const outcome = await setRecordWeights({ ...recordOptions(aws, record, ctx.signal), weights, resubmit, comment: `firedrill ${ctx.runId} ${ctx.stepId}` });
    ctx.log(outcome.note);
    return outcome;
  };
  const inPlace = async (ctx: StepContext): Promise<Record<Side, number | undefined> | undefined> => {
    const now = await readWeights(aws, record, ctx.signal);
    return (Object.entries(options.weights) as [Side, number][]).every(([side, w]) => now[side] === w) ? now : undefined;
  };
  const change: ActionStep<RecordChangeOutcome> = {
    id,
    kind: 'action',
    title: options.title,
    why: options.why,
    ...(options.dependsOn ? { dependsOn: options.dependsOn } : {}),
    ...(options.beginsPhase ? { beginsPhase: options.beginsPhase } : {}),
    ...(options.declaresDisaster ? { declaresDisaster: true } : {}),
    // Route 53's control plane (us-east-1) may be down with the lost region: keep trying for a while.
    policy: options.policy ?? { timeout: '1m', retry: { maximumAttempts: 12, initialInterval: '5s', maximumInterval: '1m', nonRetryable: ['AllWeightsZero', 'SurvivorUnhealthy', 'WeightedRecordNotFound'] } },
    preview: () => [
      previewCall('route53', aws.region('primary'), 'ListResourceRecordSets', { HostedZoneId: record.hostedZoneId, StartRecordName: record.name, StartRecordType: record.type }),
      ...(options.guardReads ?? []).map((id) => previewCall('route53', aws.region('primary'), 'GetHealthCheckStatus', { HealthCheckId: id })),
      previewCall('route53', aws.region('primary'), 'ChangeResourceRecordSets', {
        HostedZoneId: record.hostedZoneId,
        ChangeBatch: {
          Changes: (Object.entries(options.weights) as [Side, number][]).map(([side, w]) => ({ Action: 'UPSERT', ResourceRecordSet: { ...recordSetPreview(record, side), Weight: w } })),
          Comment: `firedrill ${RUN_ID_PLACEHOLDER} ${id}`,
        },
      }),
    ],
    verifyByHand: `aws route53 list-resource-record-sets --hosted-zone-id ${record.hostedZoneId} --query "ResourceRecordSets[?Name=='${record.name}']": weights ${Object.entries(wanted).map(([s, w]) => `${s}=${w}`).join(', ')}.`,
    undoByHand: `Set the weights back to ${record.weights ? `primary ${record.weights.primary}, recovery ${record.weights.recovery}` : 'the plan’s'} (never both 0).`,
    check: async (ctx) => {
      const now = await inPlace(ctx);
      if (now === undefined) return { applied: false };
      // Cut off by a crash, the change in place may be this step's own, submitted just before: its id (which the
      // INSYNC wait needs) died with the process. Then act submits the same weights again, an unchanged UPSERT
      // whose change is INSYNC only once the lost one is (as switchDnsStep does).
      if (ctx.recheck) {
        ctx.log(`${record.name} weights already ${JSON.stringify(now)}, maybe by this step before the crash: submitting them again for a change id to wait on`);
        return { applied: false };
      }
      return { applied: true, note: `${record.name} weights already ${JSON.stringify(now)}` };
    },
    act: async (ctx) => {
      // Re-checked with the weights in place: the same records again, and no guard — no traffic moves.
      const resubmit = ctx.recheck === true && (await inPlace(ctx)) !== undefined;
      if (!resubmit) await options.guard?.(ctx);
      // Every named record, even one already at its weight (the last stage's other side): the change states the
      // split the step promises, and is the call its preview shows.
      return apply(ctx, wanted, true);
    },
    ...(options.compensateTo
      ? { compensate: async (ctx: StepContext) => compensateUnlessKept(options, ctx, `the weight change of ${record.name}`, async () => void (await apply(ctx, bySetId(options.compensateTo!)))) }
      : {}),
  };
  const inSync: WaitStep = {
    id: `${id}-in-sync`,
    kind: 'wait',
    title: `Wait until the weight change of ${record.name} is INSYNC`,
    why: 'Resolvers see the new weights only once every Route 53 server has them.',
    dependsOn: [id],
    policy: { timeout: '5m' },
    preview: () => [previewCall('route53', aws.region('primary'), 'GetChange', { Id: '<the change id>' })],
    poll: async (ctx) => {
      const changeId = ctx.resultOf<RecordChangeOutcome>(id)?.changeId;
      if (changeId === undefined || changeId === '') return { status: 'success', value: { changeId: null } };
      const route53 = aws.clients('primary').route53;
      await waitFor('changeInSync', {
        describe: (signal) => route53.send(new GetChangeCommand({ Id: changeId }), sendOptions(signal)),
        params: { changeId }, clock: ctx.clock, region: aws.region('primary'), signal: ctx.signal, limiter: aws.limiter, ...stepBoundWait(ctx),
      });
      return { status: 'success', value: { changeId } };
    },
  };
  return [change, inSync];
}

/** Options of {@link drainRegionSteps}. */
export interface DrainRegionOptions extends AwsStepOptions {
  record: WeightedRecord;
  /** The region whose weight goes to 0. */
  side: Side;
  /**
   * When both regions fail their health checks: `refuse` (a drill: the survivor must serve), or `allow-ungraceful`
   * (a failover of a lost region: the survivor is expected to pass once the writer has moved; draining removes no
   * healthy target). A survivor that fails while the drained region passes is always refused.
   * @default 'refuse'
   */
  whenBothUnhealthy?: 'refuse' | 'allow-ungraceful';
  /** Put the drained weight back when the run rolls back (isolated drills, planned failovers), unless `keepWhen` says not to. @default false */
  restoreOnRollback?: boolean;
  declaresDisaster?: boolean;
}

/**
 * Sets one region's weight to 0 and waits until INSYNC: the other region takes all traffic. Guardrail before the
 * change: the survivor's health check must pass (see `whenBothUnhealthy`), and never all weights 0.
 *
 * @example
 * const [drain, inSync] = drainRegionSteps({ aws, record: plan.resources.dns, side: 'primary', whenBothUnhealthy: 'allow-ungraceful' });
 */
export function drainRegionSteps(options: DrainRegionOptions): [ActionStep<RecordChangeOutcome>, WaitStep] {
  const { aws, record, side } = options;
  const survivor = other(side);
  const guard = async (ctx: StepContext): Promise<void> => {
    const alive = await healthOf(aws, record, survivor, ctx.signal);
    if (alive.healthy) return;
    const drained = await healthOf(aws, record, side, ctx.signal);
    const bothDown = !drained.healthy;
    if (bothDown && options.whenBothUnhealthy === 'allow-ungraceful' && ctx.mode === 'ungraceful') {
      ctx.log(`both regions fail their health checks (${aws.region(side)}: ${drained.detail}; ${aws.region(survivor)}: ${alive.detail}); draining ${aws.region(side)} removes no healthy target`);
      return;
    }
    throw new StepFailure(
      `SurvivorUnhealthy: refusing to set the weight of ${record[side].setIdentifier} (${aws.region(side)}) to 0: ${aws.region(survivor)}, which would carry all traffic of ${record.name}, fails its health check ${record[survivor].healthCheckId ?? ''} (${alive.detail})${bothDown ? '' : ` while ${aws.region(side)} passes (${drained.detail})`}. Restore ${aws.region(survivor)} first (capacity, database writer), then retry this step.`,
      { code: 'SurvivorUnhealthy', retryable: false },
    );
  };
  // The survivor's health check; the drained region's is read only when the survivor fails its own.
  const guardReads = [record[survivor].healthCheckId].filter((id): id is string => id !== undefined);
  return setWeightsSteps({
    aws, record, guard, guardReads,
    id: options.id ?? `drain-${side}-weight`,
    title: `Take ${aws.region(side)} out of ${record.name}: weight of ${record[side].setIdentifier} to 0`,
    why: `${aws.region(survivor)} serves every user; a lost or drained region must not get traffic back before it is ready (health checks alone would let it flap back in).`,
    weights: { [side]: 0 },
    ...(options.dependsOn ? { dependsOn: options.dependsOn } : {}),
    ...(options.policy ? { policy: options.policy } : {}),
    ...(options.restoreOnRollback ? { compensateTo: { [side]: configuredWeight(record, side) } } : {}),
    ...(options.keepWhen ? { keepWhen: options.keepWhen } : {}),
    ...(options.declaresDisaster ? { declaresDisaster: true } : {}),
  });
}

/** Options of {@link weightedRampSteps}. */
export interface WeightedRampOptions extends AwsStepOptions {
  record: WeightedRecord;
  /** The region ramped back in. */
  side: Side;
  /** Fractions of the configured weight, ascending; the last stage is always the configured weight. @default [0.1, 0.5, 1] */
  stages?: readonly number[];
  /** How long each stage carries traffic before the next gate looks at health. @default 60000 */
  soakMs?: number;
  /** The first stage's gate starts a measured phase. */
  beginsPhase?: string;
}

function healthGate(options: WeightedRampOptions, id: string, pct: number, soakMs: number, dependsOn: readonly string[] | undefined): WaitStep {
  const { aws, record, side } = options;
  const checkId = record[side].healthCheckId;
  return {
    id,
    kind: 'wait',
    title: `Health gate before ${aws.region(side)} gets ${pct} % of its weight: its health check passes`,
    why: 'Each stage sends more users to the region; stop the ramp if the region does not serve the traffic it already has.',
    ...(dependsOn ? { dependsOn } : {}),
    policy: { timeout: '10m' },
    preview: () => (checkId ? [previewCall('route53', aws.region('primary'), 'GetHealthCheckStatus', { HealthCheckId: checkId })] : []),
    poll: async (ctx) => {
      if (soakMs > 0) await ctx.clock.sleep(soakMs, ctx.signal);
      if (checkId === undefined) return { status: 'success', value: { gate: 'no health check' } };
      const route53 = aws.clients('primary').route53;
      const result = await waitFor('healthCheckHealthy', {
        describe: (signal) => route53.send(new GetHealthCheckStatusCommand({ HealthCheckId: checkId }), sendOptions(signal)),
        params: { healthCheckId: checkId }, clock: ctx.clock, region: aws.region('primary'), signal: ctx.signal, limiter: aws.limiter, ...stepBoundWait(ctx),
      });
      return { status: 'success', value: { gate: result.progress ?? 'healthy' } };
    },
  };
}

/**
 * Ramps a region back into a weighted record in stages. Per stage: a health gate on the ramped region (after a
 * soak), the weight change, the wait for INSYNC. The last stage restores both configured weights exactly. On
 * rollback each stage drains the ramped region again (its compensation), so a failed ramp leaves it at 0.
 *
 * @example
 * const steps = weightedRampSteps({ aws, record: plan.resources.dns, side: 'primary', dependsOn: ['switch-writer-back-wait'] });
 * // ramp-primary-10-gate → ramp-primary-10 → ramp-primary-10-in-sync → ramp-primary-50-gate → … → ramp-primary-100-in-sync
 */
export function weightedRampSteps(options: WeightedRampOptions): (ActionStep | WaitStep)[] {
  const { aws, record, side } = options;
  const target = configuredWeight(record, side);
  const stages = [...(options.stages ?? [0.1, 0.5]).filter((f) => f > 0 && f < 1), 1].sort((a, b) => a - b);
  const steps: (ActionStep | WaitStep)[] = [];
  let previous = options.dependsOn;
  for (const [i, fraction] of stages.entries()) {
    const pct = Math.round(fraction * 100);
    const id = `ramp-${side}-${pct}`;
    const gate = healthGate(options, `${id}-gate`, pct, i === 0 ? 0 : (options.soakMs ?? 60_000), previous);
    if (i === 0 && options.beginsPhase) gate.beginsPhase = options.beginsPhase;
    const weight = fraction === 1 ? target : Math.max(1, Math.round(target * fraction));
    const weights: Partial<Record<Side, number>> = fraction === 1 ? { [side]: target, [other(side)]: configuredWeight(record, other(side)) } : { [side]: weight };
    const [change, inSync] = setWeightsSteps({
      aws, record, id, dependsOn: [gate.id], weights,
      // A failed ramp drains the region again; the final stage (the plan's topology) stays.
      ...(fraction === 1 ? {} : { compensateTo: { [side]: 0 } }),
      title: `Ramp ${aws.region(side)} to ${pct} % of its weight in ${record.name} (${record[side].setIdentifier} = ${weight})`,
      why: `Staged return of traffic: ${stages.map((f) => `${Math.round(f * 100)} %`).join(' → ')}, each stage gated by the health of ${aws.region(side)}.`,
    });
    steps.push(gate, change, inSync);
    previous = [inSync.id];
  }
  return steps;
}
