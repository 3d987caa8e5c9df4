/**
 * In-region high availability: fail an Aurora (or Multi-AZ DB) cluster's writer over to a reader, preferably in
 * another Availability Zone, and wait until the expected member writes. Three steps, so that the chosen target is
 * journaled before anything moves: a resumed run fails over to the same member and never back again.
 */
import { DescribeDBClustersCommand, DescribeDBInstancesCommand } from '@aws-sdk/client-rds';
import type { ActionStep, StepContext, WaitStep } from '@firedrill/core';
import { adapterFailure, callAws, sendOptions } from '../aws/aws-call.js';
import { describeDbCluster, failoverDbCluster } from '../aws/rds-clusters.js';
import { waitFor } from '../aws/waiters/wait-for.js';
import type { AwsEnvironment, Side } from '../aws-environment.js';
import { type AwsStepOptions, journaled, previewCall, regionLabel } from './aws-step-options.js';
import { stepBoundWait } from './aws-wait-step.js';

/** Options of {@link clusterWriterFailoverSteps}. */
export interface ClusterWriterFailoverOptions extends AwsStepOptions {
  /** The side (region) of the cluster. @default 'primary' */
  side?: Side;
  clusterIdentifier: string;
  /**
   * The member that must become the writer. Without it: a reader in another Availability Zone than the current
   * writer (the first such reader by promotion tier), else any reader.
   */
  targetInstance?: string;
  /** Ids of the three steps. @default `choose-${cluster}-writer`, `failover-${cluster}`, `wait-${cluster}-writer` */
  ids?: { choose?: string; failover?: string; wait?: string };
  /** The failover step starts a new measured phase (a live drill's failback). */
  beginsPhase?: string;
  /** The failover step declares the disaster (a drill's t_disaster). */
  declaresDisaster?: boolean;
  /** The wait restores service (RTO when no health probe is configured). @default true */
  restoresService?: boolean;
}

/** The choice journaled before the failover: who writes now, and who will. */
export interface ClusterFailoverTarget {
  clusterIdentifier: string;
  previousWriter: string | undefined;
  target: string;
  /** Availability Zones by member, as DescribeDBInstances reported them. */
  zones: Record<string, string>;
  note: string;
}

/** The Availability Zone of each member of an Aurora cluster (one DescribeDBInstances filtered by cluster). */
export async function memberZones(aws: AwsEnvironment, side: Side, cluster: string, signal?: AbortSignal): Promise<Record<string, string>> {
  const { rds } = aws.clients(side);
  const out = await callAws({ service: 'rds', client: rds, command: 'DescribeDBInstances', resource: cluster }, signal, () =>
    rds.send(new DescribeDBInstancesCommand({ Filters: [{ Name: 'db-cluster-id', Values: [cluster] }] }), sendOptions(signal)));
  return Object.fromEntries((out.DBInstances ?? []).flatMap((db) => (db.DBInstanceIdentifier ? [[db.DBInstanceIdentifier, db.AvailabilityZone ?? 'unknown']] : [])));
}

/**
 * Picks the failover target: the named one, else a reader in another AZ than the writer, else any reader.
 * Exported for readiness checks (is there a reader in another AZ?).
 */
export function pickFailoverTarget(writer: string | undefined, readers: readonly string[], zones: Readonly<Record<string, string>>, preferred?: string): { target: string | undefined; note: string } {
  if (preferred !== undefined) {
    if (preferred === writer) return { target: preferred, note: `${preferred} is already the writer` };
    return readers.includes(preferred) ? { target: preferred, note: `${preferred} (${zones[preferred] ?? 'AZ unknown'}) as named` } : { target: undefined, note: `${preferred} is not a reader of the cluster (readers: ${readers.join(', ') || 'none'})` };
  }
  const writerZone = writer === undefined ? undefined : zones[writer];
  const elsewhere = readers.find((r) => zones[r] !== undefined && zones[r] !== writerZone);
  if (elsewhere !== undefined) return { target: elsewhere, note: `${elsewhere} in ${zones[elsewhere]}, another AZ than the writer's ${writerZone ?? 'unknown'}` };
  const any = readers[0];
  if (any === undefined) return { target: undefined, note: 'the cluster has no reader to fail over to' };
  return { target: any, note: `${any}: no reader in another AZ than the writer's ${writerZone ?? 'unknown'}, so the failover stays in that AZ` };
}

function chooseStep(options: ClusterWriterFailoverOptions, ids: Required<NonNullable<ClusterWriterFailoverOptions['ids']>>): ActionStep<ClusterFailoverTarget> {
  const { aws, clusterIdentifier: cluster } = options;
  const side = options.side ?? 'primary';
  return {
    id: ids.choose,
    kind: 'action',
    title: `Choose the reader of ${cluster} in ${regionLabel(aws, side)} that becomes the writer`,
    why: 'The choice is journaled before the failover, so a retried or resumed run fails over to the same member, and the wait knows whom to wait for.',
    ...(options.dependsOn ? { dependsOn: options.dependsOn } : {}),
    policy: { timeout: '1m', retry: { maximumAttempts: 5, initialInterval: '1s' } },
    preview: () => [
      previewCall('rds', aws.region(side), 'DescribeDBClusters', { DBClusterIdentifier: cluster }),
      previewCall('rds', aws.region(side), 'DescribeDBInstances', { Filters: [{ Name: 'db-cluster-id', Values: [cluster] }] }),
    ],
    act: async (ctx) => {
      const summary = await describeDbCluster({ rds: aws.clients(side).rds, identifier: cluster, signal: ctx.signal });
      if (summary === undefined) throw adapterFailure(`DBClusterNotFound: no DB cluster ${cluster} in ${aws.region(side)}. Check the plan.`, 'DBClusterNotFound');
      const zones = await memberZones(aws, side, cluster, ctx.signal);
      const { target, note } = pickFailoverTarget(summary.writer, summary.readers, zones, options.targetInstance);
      if (target === undefined) throw adapterFailure(`NoFailoverTarget: ${cluster} in ${aws.region(side)}: ${note}. Add a reader in another Availability Zone.`, 'NoFailoverTarget');
      ctx.log(`writer ${summary.writer ?? 'none'} → ${note}`);
      return { clusterIdentifier: cluster, previousWriter: summary.writer, target, zones, note };
    },
  };
}

function failoverStep(options: ClusterWriterFailoverOptions, ids: Required<NonNullable<ClusterWriterFailoverOptions['ids']>>): ActionStep {
  const { aws, clusterIdentifier: cluster } = options;
  const side = options.side ?? 'primary';
  const chosen = (ctx: StepContext): ClusterFailoverTarget => {
    const choice = ctx.resultOf<ClusterFailoverTarget>(ids.choose);
    if (choice === undefined) throw adapterFailure(`NoFailoverTarget: step ${ids.choose} has no result; run it first.`, 'NoFailoverTarget');
    return choice;
  };
  return {
    id: ids.failover,
    kind: 'action',
    title: `Fail ${cluster} over to its reader in ${regionLabel(aws, side)}`,
    why: 'FailoverDBCluster promotes the reader in place: the cluster endpoint follows the new writer, typically in under 30 s (Aurora User Guide).',
    dependsOn: [ids.choose],
    promotesData: true,
    ...(options.beginsPhase ? { beginsPhase: options.beginsPhase } : {}),
    ...(options.declaresDisaster ? { declaresDisaster: true } : {}),
    policy: options.policy ?? { timeout: '1m', retry: { maximumAttempts: 6, initialInterval: '2s', maximumInterval: '15s' } },
    preview: () => [
      previewCall('rds', aws.region(side), 'DescribeDBClusters', { DBClusterIdentifier: cluster }),
      previewCall('rds', aws.region(side), 'FailoverDBCluster', { DBClusterIdentifier: cluster, TargetDBInstanceIdentifier: options.targetInstance ?? '<the chosen reader>' }),
    ],
    verifyByHand: `aws rds describe-db-clusters --db-cluster-identifier ${cluster} --region ${aws.region(side)}: Status available and the chosen member has IsClusterWriter true.`,
    undoByHand: `aws rds failover-db-cluster --db-cluster-identifier ${cluster} --target-db-instance-identifier <the previous writer> --region ${aws.region(side)}`,
    check: async (ctx) => {
      const { target } = chosen(ctx);
      const summary = await describeDbCluster({ rds: aws.clients(side).rds, identifier: cluster, signal: ctx.signal });
      if (summary?.writer === target) return { applied: true, note: `${target} is already the writer of ${cluster}` };
      // A failover started before a crash: do not start a second one (it would fail over back).
      if (summary?.status === 'failing-over') return { applied: true, note: `${cluster} is already failing over` };
      return { applied: false };
    },
    act: async (ctx) => {
      const { target } = chosen(ctx);
      const outcome = await failoverDbCluster({ rds: aws.clients(side).rds, identifier: cluster, targetInstance: target, signal: ctx.signal });
      return journaled(ctx, outcome);
    },
  };
}

/**
 * Aurora cluster writer failover inside a region: choose the target (journaled), FailoverDBCluster, wait with the
 * tuned `dbClusterFailoverComplete` waiter until the target is the writer and the cluster is available.
 *
 * @example
 * const steps = clusterWriterFailoverSteps({ aws, clusterIdentifier: 'ledger-cluster' });
 * // choose-ledger-cluster-writer → failover-ledger-cluster → wait-ledger-cluster-writer
 */
export function clusterWriterFailoverSteps(options: ClusterWriterFailoverOptions): [ActionStep<ClusterFailoverTarget>, ActionStep, WaitStep] {
  const { aws, clusterIdentifier: cluster } = options;
  const side = options.side ?? 'primary';
  const ids = {
    choose: options.ids?.choose ?? `choose-${cluster}-writer`,
    failover: options.ids?.failover ?? `failover-${cluster}`,
    wait: options.ids?.wait ?? `wait-${cluster}-writer`,
  };
  const wait: WaitStep = {
    id: ids.wait,
    kind: 'wait',
    title: `Wait until the chosen member writes for ${cluster} in ${regionLabel(aws, side)}`,
    why: 'FailoverDBCluster returns at once; the application writes again only once the new writer is available.',
    dependsOn: [ids.failover],
    ...((options.restoresService ?? true) ? { restoresService: true } : {}),
    policy: { timeout: '10m' },
    preview: () => [previewCall('rds', aws.region(side), 'DescribeDBClusters', { DBClusterIdentifier: cluster })],
    poll: async (ctx) => {
      const choice = ctx.resultOf<ClusterFailoverTarget>(ids.choose);
      const { rds } = aws.clients(side);
      const result = await waitFor('dbClusterFailoverComplete', {
        describe: (signal) => rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: cluster }), sendOptions(signal)),
        params: { identifier: cluster, ...(choice ? { expectedWriter: choice.target } : {}) },
        clock: ctx.clock, region: aws.region(side), signal: ctx.signal, limiter: aws.limiter, ...stepBoundWait(ctx),
      });
      ctx.log(`${cluster}: ${result.progress ?? 'failed over'}`);
      return { status: 'success', value: { writer: choice?.target ?? null, progress: result.progress ?? null } };
    },
  };
  return [chooseStep(options, ids), failoverStep(options, ids), wait];
}
