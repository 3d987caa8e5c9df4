/**
 * Aurora Global Database building blocks: move the writer to another region (failover with AllowDataLoss when the
 * primary region is lost, switchover when it is reachable), wait until it has moved, and wait until a former
 * primary has rejoined as a healthy secondary (for failback).
 *
 * Replication lag: DescribeGlobalClusters exposes members, writer and `SynchronizationStatus`, not lag. On real
 * Aurora PostgreSQL, `aurora_global_db_status()` returns `rpo_lag_in_msec` per region (and CloudWatch has
 * `AuroraGlobalDBReplicationLag`); the data probe's heartbeat is what measures the RPO of a run.
 */
import { DescribeDBClustersCommand, DescribeGlobalClustersCommand, type GlobalCluster } from '@aws-sdk/client-rds';
import type { ActionStep, StepContext, WaitStep } from '@firedrill/core';
import { callAws, sendOptions } from '../aws/aws-call.js';
import { describeDbCluster, describeGlobalCluster, failoverGlobalCluster, type GlobalClusterSummary, switchoverGlobalCluster } from '../aws/rds-clusters.js';
import { defineWaiter } from '../aws/waiters/acceptor.js';
import { waitFor, waitForDefinition } from '../aws/waiters/wait-for.js';
import type { AwsEnvironment, Side } from '../aws-environment.js';
import { type AwsStepOptions, journaled, previewCall, regionLabel } from './aws-step-options.js';
import { stepBoundWait } from './aws-wait-step.js';

/** The global database a block works on, as a plan's `aurora-global-cluster` resource names it. */
export interface GlobalDatabaseNames {
  globalClusterIdentifier: string;
  primary: { clusterIdentifier: string };
  recovery: { clusterIdentifier: string };
}

/** Options of {@link moveGlobalWriterSteps}. */
export interface MoveGlobalWriterOptions extends AwsStepOptions {
  database: GlobalDatabaseNames;
  /** The side whose cluster becomes the writer. */
  to: Side;
  /**
   * `by-run-mode` (default): FailoverGlobalCluster with AllowDataLoss in ungraceful mode, SwitchoverGlobalCluster in
   * graceful mode — decided when the step runs, so an operator's switch to ungraceful is honoured.
   */
  how?: 'by-run-mode' | 'switchover' | 'failover';
  /** Id of the wait step. @default `${id}-wait` */
  waitId?: string;
  /** The wait ends the restoration of service (RTO with no health probe). */
  restoresService?: boolean;
}

/** What the move step returns. */
export interface GlobalWriterMove {
  targetClusterArn: string;
  how: 'switchover' | 'failover';
  changed: boolean;
  note: string;
}

const other = (side: Side): Side => (side === 'primary' ? 'recovery' : 'primary');

async function clusterArn(aws: AwsEnvironment, side: Side, identifier: string, signal: AbortSignal): Promise<string> {
  const cluster = await describeDbCluster({ rds: aws.clients(side).rds, identifier, signal });
  if (cluster?.arn === undefined) {
    throw new TypeError(`DBClusterNotFound: no DB cluster ${identifier} in ${aws.region(side)}. Check resources.database in the plan.`);
  }
  return cluster.arn;
}

/**
 * Whether the writer of a global database is `targetClusterArn`, or a failover or switchover (not being
 * cancelled) is under way: past that point the move must not be started again, nor undone as if it had not begun.
 */
export function writerMovedOrMoving(global: GlobalClusterSummary | undefined, targetClusterArn: string | undefined): boolean {
  if (global === undefined) return false;
  return global.writerArn === targetClusterArn || globalMoveUnderWay(global);
}

/** A failover or switchover of `global` is under way (`pending`, `failing-over`), not being cancelled. */
export function globalMoveUnderWay(global: GlobalClusterSummary | undefined): boolean {
  return global?.failoverStatus !== undefined && global.failoverStatus !== 'cancelling';
}

function moveKind(how: MoveGlobalWriterOptions['how'], ctx: StepContext): 'switchover' | 'failover' {
  if (how === 'switchover' || how === 'failover') return how;
  return ctx.mode === 'ungraceful' ? 'failover' : 'switchover';
}

/**
 * Moves the writer of an Aurora global database to `to`'s cluster, then waits (tuned `waitFor`) until that cluster
 * is the writer and no failover is pending. The calls go to `to`'s region, which survives the outage. Switchover
 * fences the old writer itself (Aurora stops its writes before the target takes over): RPO 0, never two writers.
 *
 * @example
 * const [move, wait] = moveGlobalWriterSteps({ aws, database: plan.resources.database, to: 'recovery', id: 'move-writer' });
 */
export function moveGlobalWriterSteps(options: MoveGlobalWriterOptions): [ActionStep<GlobalWriterMove>, WaitStep] {
  const { aws, database, to } = options;
  const id = options.id ?? `move-writer-to-${to}`;
  const globalId = database.globalClusterIdentifier;
  const target = database[to].clusterIdentifier;
  const region = aws.region(to);
  const allowDataLoss = options.how === 'failover' || (options.how ?? 'by-run-mode') === 'by-run-mode';
  const move: ActionStep<GlobalWriterMove> = {
    id,
    kind: 'action',
    title: `Move the writer of global database ${globalId} to ${target} in ${regionLabel(aws, to)}`,
    why: 'Only one region writes; the survivor must take writes for the application to serve. Ungraceful: FailoverGlobalCluster with AllowDataLoss (what had not replicated is lost). Graceful: SwitchoverGlobalCluster (no data loss).',
    promotesData: true,
    ...(options.dependsOn ? { dependsOn: options.dependsOn } : {}),
    policy: options.policy ?? { timeout: '2m', retry: { maximumAttempts: 6, initialInterval: '2s', maximumInterval: '20s' } },
    preview: () => [
      previewCall('rds', region, 'DescribeDBClusters', { DBClusterIdentifier: target }),
      previewCall('rds', region, 'DescribeGlobalClusters', { GlobalClusterIdentifier: globalId }),
      ...(options.how !== 'switchover' ? [previewCall('rds', region, 'FailoverGlobalCluster', { GlobalClusterIdentifier: globalId, TargetDbClusterIdentifier: `<arn of ${target}>`, AllowDataLoss: allowDataLoss })] : []),
      ...(options.how !== 'failover' ? [previewCall('rds', region, 'SwitchoverGlobalCluster', { GlobalClusterIdentifier: globalId, TargetDbClusterIdentifier: `<arn of ${target}>` })] : []),
    ],
    verifyByHand: `aws rds describe-global-clusters --global-cluster-identifier ${globalId} --region ${region}: the member ${target} has IsWriter true and FailoverState is empty.`,
    undoByHand: `Fail back: aws rds switchover-global-cluster --global-cluster-identifier ${globalId} --target-db-cluster-identifier <arn of ${database[other(to)].clusterIdentifier}> once it is a connected secondary again.`,
    check: async (ctx) => {
      const global = await describeGlobalCluster({ rds: aws.clients(to).rds, identifier: globalId, signal: ctx.signal });
      const arn = await clusterArn(aws, to, target, ctx.signal);
      if (!writerMovedOrMoving(global, arn)) return { applied: false };
      const note = global?.writerArn === arn ? `${target} is already the writer of ${globalId}` : `a move of ${globalId} is already ${global?.failoverStatus}`;
      return { applied: true, result: { targetClusterArn: arn, how: moveKind(options.how, ctx), changed: false, note }, note };
    },
    act: async (ctx) => {
      const rds = aws.clients(to).rds;
      const targetClusterArn = await clusterArn(aws, to, target, ctx.signal);
      const how = moveKind(options.how, ctx);
      const outcome = how === 'failover'
        ? await failoverGlobalCluster({ rds, identifier: globalId, targetClusterArn, allowDataLoss: true, signal: ctx.signal })
        : await switchoverGlobalCluster({ rds, identifier: globalId, targetClusterArn, signal: ctx.signal });
      return journaled(ctx, { targetClusterArn, how, ...outcome });
    },
  };
  const wait: WaitStep = {
    id: options.waitId ?? `${id}-wait`,
    kind: 'wait',
    title: `Wait until ${target} writes for ${globalId} in ${region}`,
    why: 'The move is asynchronous; the application writes again only once the new writer is available.',
    dependsOn: [id],
    ...(options.restoresService ? { restoresService: true } : {}),
    policy: { timeout: '20m' },
    preview: () => [previewCall('rds', region, 'DescribeGlobalClusters', { GlobalClusterIdentifier: globalId })],
    poll: async (ctx) => {
      const moved = ctx.resultOf<GlobalWriterMove>(id);
      const targetClusterArn = moved?.targetClusterArn ?? (await clusterArn(aws, to, target, ctx.signal));
      const rds = aws.clients(to).rds;
      const result = await waitFor('globalClusterWriterMoved', {
        describe: (signal) => rds.send(new DescribeGlobalClustersCommand({ GlobalClusterIdentifier: globalId }), sendOptions(signal)),
        params: { identifier: globalId, targetClusterArn },
        clock: ctx.clock, region, signal: ctx.signal, limiter: aws.limiter, ...stepBoundWait(ctx),
      });
      ctx.log(`${globalId}: ${result.progress ?? 'writer moved'} after ${Math.round(result.elapsedMs / 1000)}s`);
      return { status: 'success', value: { progress: result.progress ?? null, polls: result.polls } };
    },
  };
  return [move, wait];
}

/** What the rejoin wait judges: the global database seen from the writer's region, and the former primary itself. */
export interface SecondaryRejoinOutput {
  global: GlobalCluster | undefined;
  /** Status of the rejoining cluster, read in its own region (`undefined` while that region is unreachable). */
  memberStatus: string | undefined;
  memberArn: string | undefined;
}

/** Parameters of {@link secondaryRejoined}. */
export interface SecondaryRejoinParams {
  globalClusterIdentifier: string;
  clusterIdentifier: string;
}

/**
 * Acceptor: the cluster is a member of the global database, not its writer, `connected` (replicating), the global
 * database is `available` with no failover pending, and the cluster itself is `available` in its region.
 */
export function secondaryRejoined(output: SecondaryRejoinOutput, params: SecondaryRejoinParams): { state: 'SUCCESS' | 'RETRY' | 'FAILURE'; progress: string; reason?: string } {
  const { global, memberStatus, memberArn } = output;
  if (global === undefined) return { state: 'FAILURE', progress: 'not found', reason: `global cluster ${params.globalClusterIdentifier} not found` };
  if (memberStatus === undefined || memberArn === undefined) return { state: 'RETRY', progress: `${params.clusterIdentifier} unreachable` };
  const member = global.GlobalClusterMembers?.find((m) => m.DBClusterArn === memberArn);
  if (member === undefined) return { state: 'RETRY', progress: `${params.clusterIdentifier} is not a member of ${params.globalClusterIdentifier} (yet)` };
  if (member.IsWriter === true) return { state: 'SUCCESS', progress: `${params.clusterIdentifier} is the writer` };
  const sync = member.SynchronizationStatus ?? 'connected';
  const progress = `${params.clusterIdentifier} ${memberStatus}, ${sync}; global ${global.Status ?? 'unknown'}${global.FailoverState?.Status ? `, ${global.FailoverState.Status}` : ''}`;
  const settled = global.Status === 'available' && global.FailoverState?.Status === undefined;
  return settled && sync === 'connected' && memberStatus === 'available' ? { state: 'SUCCESS', progress } : { state: 'RETRY', progress };
}

const secondaryRejoinedWaiter = defineWaiter({
  service: 'rds',
  command: 'DescribeGlobalClusters',
  what: (p: SecondaryRejoinParams) => `${p.clusterIdentifier} rejoined ${p.globalClusterIdentifier} as a connected secondary`,
  resource: (p: SecondaryRejoinParams) => p.clusterIdentifier,
  acceptor: secondaryRejoined,
  expectedMs: 5 * 60_000,
});

/** Options of {@link waitForSecondaryRejoinStep}. */
export interface SecondaryRejoinOptions extends AwsStepOptions {
  database: GlobalDatabaseNames;
  /** The side whose cluster must be a healthy secondary again (the region that was lost). */
  side: Side;
  /** How long to wait for the lost region to come back. @default '2h' */
  timeout?: string;
  beginsPhase?: string;
}

/**
 * Waits until a former primary is a connected, available secondary of the global database again — the moment a
 * failback switchover becomes possible. Aurora rejoins a failed-over primary by itself once its region is back
 * (it is demoted to a secondary during FailoverGlobalCluster); this step only watches.
 *
 * @example
 * const rejoined = waitForSecondaryRejoinStep({ aws, database, side: 'primary', dependsOn: ['scale-primary-back'] });
 */
export function waitForSecondaryRejoinStep(options: SecondaryRejoinOptions): WaitStep {
  const { aws, database, side } = options;
  const cluster = database[side].clusterIdentifier;
  const globalId = database.globalClusterIdentifier;
  const writerSide = other(side);
  return {
    id: options.id ?? `wait-${side}-secondary-rejoined`,
    kind: 'wait',
    title: `Wait until ${cluster} in ${regionLabel(aws, side)} replicates again as a secondary of ${globalId}`,
    why: 'A switchover back needs the former primary caught up and connected; switching over earlier would fail or lose data.',
    ...(options.dependsOn ? { dependsOn: options.dependsOn } : {}),
    ...(options.beginsPhase ? { beginsPhase: options.beginsPhase } : {}),
    policy: options.policy ?? { timeout: options.timeout ?? '2h' },
    preview: () => [
      previewCall('rds', aws.region(writerSide), 'DescribeGlobalClusters', { GlobalClusterIdentifier: globalId }),
      previewCall('rds', aws.region(side), 'DescribeDBClusters', { DBClusterIdentifier: cluster }),
    ],
    verifyByHand: `aws rds describe-global-clusters --global-cluster-identifier ${globalId}: ${cluster} is listed with IsWriter false and SynchronizationStatus connected.`,
    poll: async (ctx) => {
      const describe = async (signal: AbortSignal | undefined): Promise<SecondaryRejoinOutput> => {
        const writerRds = aws.clients(writerSide).rds;
        const out = await callAws({ service: 'rds', client: writerRds, command: 'DescribeGlobalClusters', resource: globalId }, signal, () =>
          writerRds.send(new DescribeGlobalClustersCommand({ GlobalClusterIdentifier: globalId }), sendOptions(signal)));
        const memberRds = aws.clients(side).rds;
        // The rejoining region may still be unreachable: that is "not yet", not a failure.
        const member = await memberRds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: cluster }), sendOptions(signal)).catch(() => undefined);
        const record = member?.DBClusters?.[0];
        return { global: out.GlobalClusters?.[0], memberStatus: record?.Status, memberArn: record?.DBClusterArn };
      };
      const result = await waitForDefinition('secondaryRejoined', secondaryRejoinedWaiter, {
        describe, params: { globalClusterIdentifier: globalId, clusterIdentifier: cluster },
        clock: ctx.clock, region: aws.region(side), signal: ctx.signal, limiter: aws.limiter, ...stepBoundWait(ctx), maxIntervalMs: 30_000,
      });
      ctx.log(result.progress ?? `${cluster} rejoined`);
      return { status: 'success', value: { progress: result.progress ?? null } };
    },
  };
}
