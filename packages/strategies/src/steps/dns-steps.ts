/**
 * DNS building blocks: move users between regions with Route 53 (failover pair: make one side PRIMARY;
 * weighted: shift the weights), through the hosted zone's change queue, and wait until the change is INSYNC.
 * Guardrail: never point DNS at a side whose Route 53 health check is not healthy — that would leave users
 * with no working target. When Route 53's control plane (us-east-1) is unreachable, a health-checked failover
 * pair moves users by itself: the steps journal that and leave the proof to the run's health probe
 * (route53-control-plane.ts); weighted records fail with what to do.
 */
import { GetChangeCommand, GetHealthCheckStatusCommand, type GetHealthCheckStatusCommandOutput } from '@aws-sdk/client-route-53';
import { type ActionStep, StepFailure, type StepContext, type WaitStep } from '@firedrill/core';
import { getHealthCheckStatus, listRecordSets, type RecordChangeOutcome, setRecordWeights, switchDnsFailover } from '../aws/route53.js';
import { waiters } from '../aws/waiters/waiter-registry.js';
import type { AwsEnvironment, Side } from '../aws-environment.js';
import type { DnsRecordResource } from '../strategies/plan-roles.js';
import { type AwsStepOptions, journaled, previewCall } from './aws-step-options.js';
import { type AwsWaitResult, awsWaitStep, waitPolicy } from './aws-wait-step.js';
import { dataPlaneCutoverNote, failsOverByItself, guardControlPlane, isControlPlaneUnreachable } from './route53-control-plane.js';

/** Options of the DNS steps: the plan's record pair and the side users should reach. */
export interface DnsStepOptions extends AwsStepOptions {
  record: DnsRecordResource;
  /** The side that must serve users after the step. */
  to: Side;
}

const other = (side: Side): Side => (side === 'primary' ? 'recovery' : 'primary');

/** What {@link switchDnsStep} returns: the change, or that the health-checked records do the cutover. */
export interface DnsSwitchResult extends RecordChangeOutcome {
  /** Route 53's control plane was unreachable; the failover records move users by themselves (data plane). */
  dataPlaneCutover?: boolean;
}

/**
 * Runs `call` against Route 53's control plane; when it is unreachable and the record pair fails over by
 * itself, journals why and answers `fallback` instead (any other record: the failure says what to do).
 */
async function orDataPlane<T>(aws: AwsEnvironment, options: DnsStepOptions, ctx: Pick<StepContext, 'log'>, call: () => Promise<T>, fallback: (note: string) => T): Promise<T> {
  try {
    return await guardControlPlane<T>(aws, options.record, options.to)(call);
  } catch (error) {
    if (!isControlPlaneUnreachable(error) || !failsOverByItself(options.record)) throw error;
    const note = dataPlaneCutoverNote(aws, options.record, options.to, error);
    ctx.log(note);
    return fallback(note);
  }
}

/** The health check guarding a side's record: the plan's, else the one on the record set in Route 53. */
export async function healthCheckOf(aws: AwsEnvironment, record: DnsRecordResource, side: Side, signal: AbortSignal): Promise<string | undefined> {
  const fromPlan = record[side].healthCheckId;
  if (fromPlan !== undefined) return fromPlan;
  const sets = await listRecordSets({ route53: aws.clients('primary').route53, hostedZoneId: record.hostedZoneId, name: record.name, type: record.type, signal });
  return sets.find((s) => s.SetIdentifier === record[side].setIdentifier)?.HealthCheckId;
}

async function sideHealthy(aws: AwsEnvironment, record: DnsRecordResource, side: Side, signal: AbortSignal): Promise<{ healthy: boolean; detail: string }> {
  const id = await healthCheckOf(aws, record, side, signal);
  if (id === undefined) return { healthy: true, detail: `no health check guards ${record[side].setIdentifier}` };
  const status = await getHealthCheckStatus({ route53: aws.clients('primary').route53, healthCheckId: id, signal });
  return { healthy: status.healthy, detail: `health check ${id}: ${status.healthyCheckers}/${status.checkers} checkers healthy` };
}

async function pointAt(aws: AwsEnvironment, options: DnsStepOptions, to: Side, ctx: Pick<StepContext, 'signal' | 'log'>, resubmit = false): Promise<RecordChangeOutcome> {
  const { record } = options;
  const common = { route53: aws.clients('primary').route53, queue: aws.route53Queue(record.hostedZoneId), hostedZoneId: record.hostedZoneId, name: record.name, type: record.type, signal: ctx.signal, comment: `firedrill: users to ${aws.region(to)}`, resubmit };
  if (record.routing === 'failover') return switchDnsFailover({ ...common, primarySetIdentifier: record[to].setIdentifier });
  // Weighted: the plan's normal weights when going back to the primary; all traffic to the target otherwise.
  const normal = to === 'primary' && record.weights !== undefined && record.weights.primary > 0;
  const weights = normal ? { [record.primary.setIdentifier]: record.weights!.primary, [record.recovery.setIdentifier]: record.weights!.recovery } : { [record[to].setIdentifier]: Math.max(record.weights?.[to] ?? 0, 100), [record[other(to)].setIdentifier]: 0 };
  // Both records every time, even one already at its weight: the change states the whole split, as the preview shows it.
  return setRecordWeights({ ...common, weights, resubmit: true });
}

/**
 * One side's record set as ListResourceRecordSets returns it, for the preview of a change that submits it again
 * with a new failover role or weight: what the plan says (the name as Route 53 lists it, with its final dot; the
 * type, set identifier, health check, TTL and value) and placeholders for what the step reads when it runs. The
 * step sends the record set as listed: an alias record goes with its AliasTarget in place of TTL and values.
 *
 * @example recordSetPreview(plan.resources.dns, 'recovery') // { Name: 'app.example.com.', Type: 'CNAME', SetIdentifier: 'app-us-west-2', … }
 */
export function recordSetPreview(record: DnsRecordResource, side: Side): Record<string, unknown> {
  const target = record[side];
  const name = record.name.replace(/^\*\./, '\\052.');
  const listed = (what: string): string => `<${what} of ${target.setIdentifier} as listed>`;
  return {
    Name: name.endsWith('.') ? name : `${name}.`,
    Type: record.type,
    SetIdentifier: target.setIdentifier,
    HealthCheckId: target.healthCheckId ?? listed('the health check, if any,'),
    TTL: record.ttl ?? listed('the TTL'),
    ResourceRecords: [{ Value: target.value ?? listed('the value') }],
  };
}

/**
 * The changes {@link pointAt} submits, as a preview: each record set as ListResourceRecordSets returns it (what the
 * plan does not say is read then) with its failover role or weight set.
 */
function pointAtChanges(record: DnsRecordResource, to: Side): Record<string, unknown>[] {
  // Placeholders stand where a value is not known yet, so these are not typed as the SDK's ResourceRecordSet.
  const upsert = (side: Side, set: Record<string, unknown>): Record<string, unknown> => ({ Action: 'UPSERT', ResourceRecordSet: { ...recordSetPreview(record, side), ...set } });
  if (record.routing === 'failover') return [upsert(to, { Failover: 'PRIMARY' }), upsert(other(to), { Failover: 'SECONDARY' })];
  const normal = to === 'primary' && record.weights !== undefined && record.weights.primary > 0;
  return normal
    ? [upsert('primary', { Weight: record.weights!.primary }), upsert('recovery', { Weight: record.weights!.recovery })]
    : [upsert(to, { Weight: Math.max(record.weights?.[to] ?? 0, 100) }), upsert(other(to), { Weight: 0 })];
}

async function isPointingAt(aws: AwsEnvironment, record: DnsRecordResource, to: Side, signal: AbortSignal): Promise<boolean> {
  const sets = await listRecordSets({ route53: aws.clients('primary').route53, hostedZoneId: record.hostedZoneId, name: record.name, type: record.type, signal });
  const target = sets.find((s) => s.SetIdentifier === record[to].setIdentifier);
  const away = sets.find((s) => s.SetIdentifier === record[other(to)].setIdentifier);
  if (record.routing === 'failover') return target?.Failover === 'PRIMARY';
  if (to === 'primary' && record.weights !== undefined && record.weights.primary > 0) return target?.Weight === record.weights.primary && away?.Weight === record.weights.recovery;
  return (target?.Weight ?? 0) > 0 && away?.Weight === 0;
}

/**
 * Points the plan's DNS record at `to` (failover pair: `to` becomes PRIMARY; weighted: `to` gets the traffic).
 * Guardrail: refuses (retryably) while `to`'s health check is unhealthy. Check-then-act: already pointing there
 * → no change. The compensation points DNS back only when the other side is healthy.
 *
 * @example
 * switchDnsStep({ aws, record: plan.resources.dns, to: 'recovery', dependsOn: ['wait-recovery-healthy'] });
 */
export function switchDnsStep(options: DnsStepOptions): ActionStep<DnsSwitchResult> {
  const { aws, record, to } = options;
  const region = aws.region(to);
  const deferred = (note: string): DnsSwitchResult => ({ changed: false, note, dataPlaneCutover: true });
  const step: ActionStep<DnsSwitchResult> = {
    id: options.id ?? `switch-dns-to-${to}`,
    kind: 'action',
    title: `Point ${record.name} at ${region} (${record[to].setIdentifier})`,
    why: `Users reach the application in ${region} from now on.`,
    ...(options.dependsOn ? { dependsOn: options.dependsOn } : {}),
    policy: options.policy ?? { retry: { maximumAttempts: 10, initialInterval: '5s', maximumInterval: '30s', nonRetryable: ['FailoverRecordNotFound', 'WeightedRecordNotFound', 'AllWeightsZero', 'AccessDenied'] } },
    preview: () => [
      previewCall('route53', region, 'GetHealthCheckStatus', { HealthCheckId: record[to].healthCheckId ?? `<health check of ${record[to].setIdentifier}>` }),
      previewCall('route53', region, 'ListResourceRecordSets', { HostedZoneId: record.hostedZoneId, StartRecordName: record.name, StartRecordType: record.type }),
      previewCall('route53', region, 'ChangeResourceRecordSets', {
        HostedZoneId: record.hostedZoneId,
        ChangeBatch: { Changes: pointAtChanges(record, to), Comment: `firedrill: users to ${region}` },
      }),
    ],
    verifyByHand: `dig ${record.name} answers the ${region} endpoint; the Route 53 console shows ${record[to].setIdentifier} as ${record.routing === 'failover' ? 'Primary' : 'weighted to take the traffic'}.`,
    undoByHand: `Point ${record.name} back at ${aws.region(other(to))} the same way — only if that endpoint is healthy.`,
    // In a us-east-1 outage the record pair cannot be read or changed: a health-checked failover pair moves
    // users by itself, and the run's health probe (through DNS) proves it did before the run can succeed.
    check: async (ctx) => {
      const answer = await orDataPlane<DnsSwitchResult | boolean>(aws, options, ctx, () => isPointingAt(aws, record, to, ctx.signal), deferred);
      if (typeof answer !== 'boolean') return { applied: true, result: answer };
      // Cut off by a crash, the change may be this step's own, submitted just before: its id (which the INSYNC
      // wait needs) died with the process, and Route 53 cannot list changes. Then act submits the same records
      // again, an unchanged UPSERT whose change is INSYNC only once the lost one is.
      if (answer && ctx.recheck) {
        ctx.log(`${record.name} already points at ${region}, maybe by this step before the crash: submitting the same records again for a change id to wait on`);
        return { applied: false };
      }
      return answer ? { applied: true, result: { changed: false, note: `${record.name} already points at ${region}` } } : { applied: false };
    },
    act: (ctx) => orDataPlane<DnsSwitchResult>(aws, options, ctx, async () => {
      const health = await sideHealthy(aws, record, to, ctx.signal);
      if (!health.healthy) {
        throw new StepFailure(`TargetUnhealthy: not pointing ${record.name} at ${region}: its endpoint is not healthy yet (${health.detail}). DNS stays where it is; the step retries.`, { code: 'TargetUnhealthy', retryable: true });
      }
      return journaled(ctx, await pointAt(aws, options, to, ctx, ctx.recheck === true));
    }, deferred),
  };
  step.compensate = async (ctx) => {
    const back = other(to);
    const health = await sideHealthy(aws, record, back, ctx.signal);
    if (!health.healthy) {
      ctx.log(`leaving ${record.name} on ${region}: ${aws.region(back)} is not healthy (${health.detail})`);
      return;
    }
    journaled(ctx, await pointAt(aws, options, back, ctx));
  };
  return step;
}

/**
 * Waits until Route 53's health check of `to` reports healthy: the guardrail before a DNS switch, and what the
 * health-checked failover records themselves act on.
 *
 * @example
 * waitDnsTargetHealthyStep({ aws, record: plan.resources.dns, to: 'recovery', dependsOn: ['wait-replica-promoted', 'wait-recovery-compute-in-service'] });
 */
export function waitDnsTargetHealthyStep(options: DnsStepOptions): WaitStep<AwsWaitResult> {
  const { aws, record, to } = options;
  const region = aws.region(to);
  let healthCheckId: string | undefined = record[to].healthCheckId;
  // One counter for the whole wait: two network failures in a row, across polls, mean "unreachable".
  const guarded = guardControlPlane<GetHealthCheckStatusCommandOutput>(aws, record, to, { failures: 0 });
  const step = awsWaitStep({
    aws, side: to, id: options.id ?? `wait-${to}-healthy`,
    title: `Wait until Route 53 sees the ${region} endpoint healthy`,
    why: 'DNS must never point at an endpoint that does not serve.',
    ...(options.dependsOn ? { dependsOn: options.dependsOn } : {}),
    policy: waitPolicy('20m', options.policy),
    definition: waiters.healthCheckHealthy,
    params: () => (healthCheckId === undefined ? undefined : { healthCheckId }),
    describe: (_ctx, signal, params) => guarded(() => aws.clients('primary').route53.send(new GetHealthCheckStatusCommand({ HealthCheckId: params.healthCheckId }), signal ? { abortSignal: signal } : {})),
    preview: () => [previewCall('route53', region, 'GetHealthCheckStatus', { HealthCheckId: record[to].healthCheckId ?? `<health check of ${record[to].setIdentifier}>` })],
    verifyByHand: `The Route 53 console shows the health check of ${record[to].setIdentifier} as Healthy.`,
  });
  const poll = step.poll;
  step.poll = async (ctx) => {
    healthCheckId ??= await healthCheckOf(aws, record, to, ctx.signal);
    if (healthCheckId === undefined) {
      ctx.log(`no health check guards ${record[to].setIdentifier}: nothing to wait for (add one: DNS failover depends on it)`);
      return { status: 'success', value: { polls: 0, elapsedMs: 0, progress: 'no health check' } };
    }
    const startedAt = ctx.clock.now();
    // Unreachable control plane: the health checkers still run (data plane) and the records act on them; the
    // run's health probe, resolving through DNS, stands in for GetHealthCheckStatus.
    return orDataPlane(aws, options, ctx, () => poll(ctx), () => ({
      status: 'success' as const,
      value: { polls: 0, elapsedMs: ctx.clock.now() - startedAt, progress: `Route 53 control plane unreachable: the run's health probe (through DNS) confirms ${region} serves` },
    }));
  };
  return step;
}

/**
 * Waits until the DNS change made by `switchStepId` is INSYNC on every Route 53 server. Succeeds at once when
 * that step changed nothing.
 *
 * @example
 * waitDnsInSyncStep({ aws, switchStepId: 'switch-dns-to-recovery', restoresService: true });
 */
export function waitDnsInSyncStep(options: AwsStepOptions & { switchStepId: string; restoresService?: boolean; id?: string }): WaitStep<AwsWaitResult> {
  const { aws, switchStepId } = options;
  const step = awsWaitStep({
    aws, side: 'primary', id: options.id ?? `wait-${switchStepId}-in-sync`,
    title: 'Wait until the DNS change is INSYNC on every Route 53 server',
    why: 'Until then some resolvers still get the old answer.',
    dependsOn: options.dependsOn ?? [switchStepId],
    ...(options.restoresService ? { restoresService: true } : {}),
    ...(options.policy ? { policy: options.policy } : {}),
    definition: waiters.changeInSync,
    params: (ctx) => {
      const changeId = ctx.resultOf<RecordChangeOutcome>(switchStepId)?.changeId;
      return changeId === undefined || changeId === '' ? undefined : { changeId };
    },
    describe: (_ctx, signal, params) => aws.clients('primary').route53.send(new GetChangeCommand({ Id: params.changeId }), signal ? { abortSignal: signal } : {}),
    preview: () => [previewCall('route53', aws.region('primary'), 'GetChange', { Id: `<change id from ${switchStepId}>` })],
  });
  const poll = step.poll;
  step.poll = async (ctx) => {
    if (ctx.resultOf<DnsSwitchResult>(switchStepId)?.dataPlaneCutover !== true) return poll(ctx);
    const note = 'skipped: no change was submitted (Route 53 control plane unreachable; the health-checked failover records do the cutover, and the run\'s health probe confirms it)';
    ctx.log(`INSYNC wait ${note}`);
    return { status: 'success', value: { polls: 0, elapsedMs: 0, progress: note } };
  };
  return step;
}
