/**
 * The step graphs of the multi-site (active/active) strategy: failover (the primary region lost, or drained in a
 * planned move), failback (the primary rejoins and is ramped back in) and the isolated drain drill.
 */
import { GetHealthCheckStatusCommand } from '@aws-sdk/client-route-53';
import { parseDuration, StepFailure, type StepContext, type StepDefinition, type WaitStep } from '@firedrill/core';
import { sendOptions } from '../aws/aws-call.js';
import { describeDbCluster, describeGlobalCluster } from '../aws/rds-clusters.js';
import { waitFor } from '../aws/waiters/wait-for.js';
import type { AwsEnvironment, Side } from '../aws-environment.js';
import { previewCall, regionLabel } from '../steps/aws-step-options.js';
import { scaleGroupStep, waitGroupInServiceStep, waitGroupScaledInStep } from '../steps/compute-steps.js';
import { recordGroupSizeStep, restoreGroupSizeStep } from '../steps/group-size-steps.js';
import { soakStep } from '../steps/soak-steps.js';
import { globalMoveUnderWay, type GlobalDatabaseNames, moveGlobalWriterSteps, waitForSecondaryRejoinStep, writerMovedOrMoving } from '../steps/global-database-steps.js';
import { configuredWeight, drainRegionSteps, readWeights, type WeightedRecord, weightedRampSteps } from '../steps/weighted-ramp-steps.js';
import type { StrategyContext } from '../strategy.js';
import { durationParameter, fullCapacity, type MultiSiteResources, normalCapacity, rampStages } from './multi-site-resources.js';
import { stepBoundWait } from '../steps/aws-wait-step.js';

const other = (side: Side): Side => (side === 'primary' ? 'recovery' : 'primary');

/**
 * Waits until `side` serves alone through DNS: its health check passes and the record gives it every share
 * (the other side's weight is 0). The run's health probe measures the RTO; this step proves the end state.
 */
export function verifyServingAloneStep(aws: AwsEnvironment, record: WeightedRecord, side: Side, id: string, dependsOn: readonly string[]): WaitStep {
  const checkId = record[side].healthCheckId;
  return {
    id,
    kind: 'wait',
    title: `Verify ${aws.region(side)} alone serves ${record.name}: its health check passes and ${aws.region(other(side))} has weight 0`,
    why: 'The failover is done only when users reach a healthy region through DNS.',
    dependsOn,
    restoresService: true,
    policy: { timeout: '15m' },
    preview: () => [
      previewCall('route53', aws.region('primary'), 'ListResourceRecordSets', { HostedZoneId: record.hostedZoneId, StartRecordName: record.name, StartRecordType: record.type }),
      ...(checkId ? [previewCall('route53', aws.region('primary'), 'GetHealthCheckStatus', { HealthCheckId: checkId })] : []),
    ],
    verifyByHand: `dig ${record.name}: only ${aws.region(side)}'s endpoint answers; the Route 53 console shows its health check healthy.`,
    poll: async (ctx) => {
      const weights = await readWeights(aws, record, ctx.signal);
      if (weights[other(side)] !== 0 || !(weights[side]! > 0)) {
        throw new StepFailure(`WeightsNotMoved: ${record.name} weights are ${JSON.stringify(weights)}; expected ${other(side)} 0 and ${side} above 0.`, { code: 'WeightsNotMoved', retryable: false });
      }
      if (checkId !== undefined) {
        const route53 = aws.clients('primary').route53;
        await waitFor('healthCheckHealthy', {
          describe: (signal) => route53.send(new GetHealthCheckStatusCommand({ HealthCheckId: checkId }), sendOptions(signal)),
          params: { healthCheckId: checkId }, clock: ctx.clock, region: aws.region('primary'), signal: ctx.signal, limiter: aws.limiter, ...stepBoundWait(ctx),
        });
      }
      return { status: 'success', value: { weights } };
    },
  };
}

/**
 * A planned failover's compensations undo the drain and the scale-out, except past its point of no return: once the
 * writer has moved (or is moving) to the recovery region, or once the operator declared the primary region lost
 * (switched the run to ungraceful), the recovery region must keep carrying every user.
 */
function keepFailoverWhen(aws: AwsEnvironment, database: GlobalDatabaseNames): (ctx: StepContext) => Promise<string | undefined> {
  return async (ctx) => {
    if (ctx.mode === 'ungraceful') return `the run was switched to ungraceful: ${aws.region('primary')} is lost, ${aws.region('recovery')} keeps every user`;
    const rds = aws.clients('recovery').rds;
    const global = await describeGlobalCluster({ rds, identifier: database.globalClusterIdentifier, signal: ctx.signal });
    const target = await describeDbCluster({ rds, identifier: database.recovery.clusterIdentifier, signal: ctx.signal });
    return global !== undefined && writerMovedOrMoving(global, target?.arn)
      ? `the writer of ${database.globalClusterIdentifier} has moved to ${database.recovery.clusterIdentifier} in ${aws.region('recovery')}${globalMoveUnderWay(global) ? ` (${global.failoverStatus})` : ''}: that region holds the data of record`
      : undefined;
  };
}

/**
 * Graceful only: a switchover needs the current writer. Waits until the primary cluster answers in its region, so
 * an outage that hits a planned failover holds the run here, where the operator switches it to ungraceful (this
 * step is then skipped and the move fails over with AllowDataLoss), instead of failing the switchover and the run.
 */
function waitPrimaryWriterReachableStep(aws: AwsEnvironment, database: GlobalDatabaseNames, dependsOn: readonly string[]): WaitStep<{ status: string }> {
  const cluster = database.primary.clusterIdentifier;
  const region = aws.region('primary');
  return {
    id: 'wait-primary-writer-reachable',
    kind: 'wait',
    modes: ['graceful'],
    title: `Confirm ${cluster} answers in ${regionLabel(aws, 'primary')}: a switchover needs the current writer`,
    why: `If ${region} is lost, a switchover cannot run: the operator switches the run to ungraceful to fail over with data loss.`,
    dependsOn,
    policy: { timeout: '30m', poll: { initialInterval: '5s', maximumInterval: '15s' } },
    preview: () => [previewCall('rds', region, 'DescribeDBClusters', { DBClusterIdentifier: cluster })],
    poll: async (ctx) => {
      const found = await describeDbCluster({ rds: aws.clients('primary').rds, identifier: cluster, signal: ctx.signal }).catch((error: unknown) => {
        if (error instanceof StepFailure && error.retryable) return error;
        throw error;
      });
      if (found === undefined) {
        throw new StepFailure(`DBClusterNotFound: no DB cluster ${cluster} in ${region}. Check the primary cluster of the aurora-global-cluster resource in the plan.`, { code: 'DBClusterNotFound', retryable: false });
      }
      if (!(found instanceof StepFailure) && found.status === 'available') return { status: 'success', value: { status: found.status } };
      const why = found instanceof StepFailure ? found.message : found.status;
      return { status: 'retry', progress: `${cluster} in ${region}: ${why}. If ${region} is lost, switch this run to ungraceful (FailoverGlobalCluster with AllowDataLoss).` };
    },
  };
}

/** The id of the step that records a recovery group's size before a drill changes it. */
const recordId = (name: string): string => `drill-record-recovery-${name}-size`;

/**
 * Returns each recovery group to the size its record step read, then waits until that many instances serve and the
 * drill's extra ones are gone: the drill is done only when the fleet serves as it did before.
 */
function returnRecoveryGroupsSteps(aws: AwsEnvironment, groups: MultiSiteResources['groups'], prefix: string, dependsOn: readonly string[]): StepDefinition[] {
  return groups.flatMap((g) => {
    const name = g.recovery.name;
    const back = restoreGroupSizeStep({ aws, side: 'recovery', name, recordedBy: recordId(name), id: `${prefix}scale-recovery-${name}-back`, dependsOn });
    return [
      back,
      waitGroupScaledInStep({ aws, side: 'recovery', name, id: `${prefix}wait-recovery-${name}-scaled-in`, dependsOn: [back.id] }),
      waitGroupInServiceStep({ aws, side: 'recovery', name, id: `${prefix}wait-recovery-${name}-back-in-service`, dependsOn: [back.id] }),
    ];
  });
}

/** Steps that record each recovery group's size before a drill scales it (see {@link recordGroupSizeStep}). */
function recordRecoveryGroupsSteps(aws: AwsEnvironment, groups: MultiSiteResources['groups']): StepDefinition[] {
  return groups.map((g) => recordGroupSizeStep({ aws, side: 'recovery', name: g.recovery.name, id: recordId(g.recovery.name) }));
}

const failoverScaleId = (name: string): string => `scale-recovery-${name}`;

/**
 * A live drill's failover, with a step per recovery group that records its size for the failback: each runs beside
 * the disaster (it changes nothing, so the disaster still starts the run) and the failover's scale-out of that group
 * waits for it, so what it reads is the size before the drill.
 */
export function withRecordedRecoverySizes(aws: AwsEnvironment, groups: MultiSiteResources['groups'], failover: StepDefinition[]): StepDefinition[] {
  const recordOf = new Map(groups.map((g) => [failoverScaleId(g.recovery.name), recordId(g.recovery.name)]));
  return [
    ...recordRecoveryGroupsSteps(aws, groups),
    ...failover.map((step) => {
      const record = recordOf.get(step.id);
      return record === undefined ? step : { ...step, dependsOn: [...(step.dependsOn ?? []), record] };
    }),
  ];
}

/**
 * Failover to the recovery region. Ungraceful (the primary region is lost): drain its weight, move the writer with
 * AllowDataLoss and scale the survivor, all at once, then verify. Graceful: capacity first, then drain traffic,
 * then — once the primary's writer answers — switch the writer over (no data loss), then verify; a rollback before
 * the switchover puts the weights and capacity back.
 */
export function failoverSteps(ctx: StrategyContext, resources: MultiSiteResources): StepDefinition[] {
  const { aws, mode } = ctx;
  const { database, dns, groups } = resources;
  const graceful = mode === 'graceful';
  const keep = graceful ? { keepWhen: keepFailoverWhen(aws, database) } : {};
  const scale = groups.flatMap((g) => {
    const up = scaleGroupStep({ aws, side: 'recovery', name: g.recovery.name, capacity: fullCapacity(g), atLeast: true, id: failoverScaleId(g.recovery.name), compensate: graceful, ...keep,
      why: 'The survivor carries every user now: scale it to full production capacity.' });
    return [up, waitGroupInServiceStep({ aws, side: 'recovery', name: g.recovery.name, id: `wait-recovery-${g.recovery.name}-in-service`, dependsOn: [up.id] })];
  });
  const scaled = scale.filter((s) => s.kind === 'wait').map((s) => s.id);
  const [drain, drainInSync] = drainRegionSteps({ aws, record: dns, side: 'primary', whenBothUnhealthy: 'allow-ungraceful', ...(graceful ? { dependsOn: scaled, restoreOnRollback: true, ...keep } : {}) });
  const reachable = waitPrimaryWriterReachableStep(aws, database, [drainInSync.id]);
  const [move, moved] = moveGlobalWriterSteps({ aws, database, to: 'recovery', id: 'move-writer-to-recovery', ...(graceful ? { dependsOn: [drainInSync.id, reachable.id] } : {}) });
  // Planned: users are affected only from the switchover (writes pause until the new writer is up), so the RTO
  // measures that pause. Lost region: the disaster is the start of the run.
  if (graceful) move.declaresDisaster = true;
  const verify = verifyServingAloneStep(aws, dns, 'recovery', 'verify-recovery-serving', [drainInSync.id, moved.id, ...scaled]);
  return [...scale, drain, drainInSync, ...(graceful ? [reachable] : []), move, moved, verify];
}

/** Options of {@link failbackSteps}. */
export interface FailbackStepsOptions {
  /** Steps the failback waits for (a live drill's soak). */
  dependsOn?: readonly string[];
  /** A live drill measures the failback as its own phase, from the switchover back. */
  phase?: string;
  /**
   * A live drill whose failover came from {@link withRecordedRecoverySizes}: return each recovery group to the size
   * recorded before the drill, instead of the plan's normal capacity.
   */
  restoreRecordedSizes?: boolean;
}

/**
 * Failback to the primary region: wait until its cluster is a connected secondary again, scale it back (to at least
 * its normal capacity), switch the writer over (no data loss), ramp its weight back in stages gated by its health,
 * then return the recovery region to its normal capacity — the topology of the plan (writer region, weights,
 * capacities). In a live drill the recovery region returns to the size it had before the drill instead.
 */
export function failbackSteps(ctx: StrategyContext, resources: MultiSiteResources, options: FailbackStepsOptions = {}): StepDefinition[] {
  const { aws, plan } = ctx;
  const { database, dns, groups } = resources;
  // The rejoin wait comes first: it also waits for the lost region's APIs to answer again.
  const rejoined = waitForSecondaryRejoinStep({ aws, database, side: 'primary', ...(options.dependsOn ? { dependsOn: options.dependsOn } : {}) });
  const scaleUp = groups.flatMap((g) => {
    // At least: a primary group already running more than the plan's size keeps it (it takes its users back next).
    const up = scaleGroupStep({ aws, side: 'primary', name: g.primary.name, capacity: normalCapacity(g, 'primary'), atLeast: true, id: `scale-primary-${g.primary.name}`, compensate: false, dependsOn: [rejoined.id],
      why: 'The recovered region must have its capacity in service before it takes traffic again.' });
    return [up, waitGroupInServiceStep({ aws, side: 'primary', name: g.primary.name, id: `wait-primary-${g.primary.name}-in-service`, dependsOn: [up.id] })];
  });
  const ready = [rejoined.id, ...scaleUp.filter((s) => s.kind === 'wait').map((s) => s.id)];
  const [move, moved] = moveGlobalWriterSteps({ aws, database, to: 'primary', how: 'switchover', id: 'switch-writer-to-primary', dependsOn: ready });
  // The switchover is the moment users are affected: a failback's RTO and RPO are measured from it.
  if (options.phase) move.beginsPhase = options.phase;
  else move.declaresDisaster = true;
  const ramp = weightedRampSteps({ aws, record: dns, side: 'primary', dependsOn: [moved.id], stages: rampStages(plan), soakMs: parseDuration(durationParameter(plan, 'rampSoak', '1m')) });
  const rampDone = ramp.at(-1)!.id;
  ramp.at(-1)!.restoresService = true;
  const scaleDown = options.restoreRecordedSizes ? returnRecoveryGroupsSteps(aws, groups, '', [rampDone]) : groups.flatMap((g) => {
    const down = scaleGroupStep({ aws, side: 'recovery', name: g.recovery.name, capacity: normalCapacity(g, 'recovery'), id: `scale-recovery-${g.recovery.name}-to-normal`, compensate: false, dependsOn: [rampDone],
      why: 'Both regions serve again: the recovery region returns to its normal share of capacity.' });
    return [down, waitGroupScaledInStep({ aws, side: 'recovery', name: g.recovery.name, id: `wait-recovery-${g.recovery.name}-scaled-in`, dependsOn: [down.id] })];
  });
  return [rejoined, ...scaleUp, move, moved, ...ramp, ...scaleDown];
}


/**
 * Isolated drill for active/active — a drain test that changes no data path: record the recovery region's size,
 * scale it to at least full capacity, drain the primary's weight to 0 while both regions stay up (the guardrail
 * refuses if the recovery region fails its health check), hold while the health probe watches the service through
 * DNS, then restore the weights and return the recovery region straight to the size it had before the drill (not
 * the plan's: an operator may run it larger, and those instances serve half the users) and wait until it serves at
 * that size. Every change has a compensation, so a failure mid-drill leaves nothing behind either.
 */
export function drainDrillSteps(ctx: StrategyContext, resources: MultiSiteResources): StepDefinition[] {
  const { aws, plan } = ctx;
  const { dns, groups } = resources;
  const records = recordRecoveryGroupsSteps(aws, groups);
  const scale = groups.flatMap((g) => {
    const up = scaleGroupStep({ aws, side: 'recovery', name: g.recovery.name, capacity: fullCapacity(g), atLeast: true, id: `drill-scale-recovery-${g.recovery.name}`, compensate: true, dependsOn: [recordId(g.recovery.name)] });
    return [up, waitGroupInServiceStep({ aws, side: 'recovery', name: g.recovery.name, id: `drill-wait-recovery-${g.recovery.name}-in-service`, dependsOn: [up.id] })];
  });
  const [drain, drainInSync] = drainRegionSteps({ aws, record: dns, side: 'primary', whenBothUnhealthy: 'refuse', restoreOnRollback: true, declaresDisaster: true, id: 'drill-drain-primary-weight', dependsOn: scale.filter((s) => s.kind === 'wait').map((s) => s.id) });
  const verify = verifyServingAloneStep(aws, dns, 'recovery', 'drill-verify-recovery-alone', [drainInSync.id]);
  const hold = soakStep({ id: 'drill-hold-drained', dependsOn: [verify.id], duration: durationParameter(plan, 'soak', '2m'), what: `${aws.region('primary')} drained while the health probe watches ${dns.name}` });
  const restore = weightedRampSteps({ aws, record: dns, side: 'primary', dependsOn: [hold.id], stages: [], soakMs: 0 });
  const scaleBack = returnRecoveryGroupsSteps(aws, groups, 'drill-', [restore.at(-1)!.id]);
  return [...records, ...scale, drain, drainInSync, verify, hold, ...restore, ...scaleBack];
}

/** The configured weights, for messages. */
export function describeWeights(record: WeightedRecord): string {
  return `${record.primary.setIdentifier}=${configuredWeight(record, 'primary')}, ${record.recovery.setIdentifier}=${configuredWeight(record, 'recovery')}`;
}
