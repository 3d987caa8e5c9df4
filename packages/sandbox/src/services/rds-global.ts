/** Aurora Global Database: describe, failover (AllowDataLoss) and switchover. */
import type { GlobalCluster } from '@aws-sdk/client-rds';
import { nodeKey, resolveNode, visibleWrites } from '../database-nodes.js';
import { badRequest, notFound } from '../errors.js';
import { isRegionDown } from '../faults.js';
import type { OperationContext } from '../operation-context.js';
import { str } from '../operation-context.js';
import type { DbClusterRecord, GlobalClusterRecord } from '../resources.js';
import { scheduleFrom, valueAt } from '../timeline.js';
import { parseRdsRef } from './rds-model.js';

type Input = Record<string, unknown>;

function findGlobal(ctx: OperationContext, id: string | undefined): GlobalClusterRecord {
  const global = id === undefined ? undefined : ctx.world.globalClusters[id];
  if (!global || valueAt(global.status, ctx.now) === 'deleted') throw notFound('GlobalClusterNotFoundFault', `Global cluster ${id ?? ''} not found.`);
  return global;
}

function memberClusters(ctx: OperationContext, global: GlobalClusterRecord): DbClusterRecord[] {
  return global.memberArns
    .map((arn) => parseRdsRef(arn, ctx.region))
    .map(({ region, id }) => ctx.world.rds[region]?.clusters[id])
    .filter((c): c is DbClusterRecord => c !== undefined);
}

function toGlobalCluster(ctx: OperationContext, global: GlobalClusterRecord): GlobalCluster {
  const members = memberClusters(ctx, global);
  const writer = members.find((c) => valueAt(c.role, ctx.now) === 'writer' && !valueAt(c.replication, ctx.now));
  const status = valueAt(global.status, ctx.now) ?? 'available';
  const out: GlobalCluster = {
    GlobalClusterIdentifier: global.id,
    GlobalClusterArn: global.arn,
    Status: status,
    Engine: global.engine,
    EngineVersion: global.engineVersion,
    StorageEncrypted: members.some((c) => c.kmsKeyId !== undefined),
    GlobalClusterMembers: members.map((c) => ({
      DBClusterArn: c.arn,
      IsWriter: c === writer,
      Readers: c === writer ? members.filter((m) => m !== c).map((m) => m.arn) : [],
      SynchronizationStatus: isRegionDown(ctx.world, c.region, ctx.now) ? 'pending-resync' : 'connected',
    })),
  };
  const pending = global.failover;
  if (pending && status !== 'available') {
    out.FailoverState = { Status: 'failing-over', FromDbClusterArn: pending.from, ToDbClusterArn: pending.to, IsDataLossAllowed: pending.allowDataLoss };
  }
  return out;
}

/**
 * Moves the writer of a global database to `TargetDbClusterIdentifier`. With AllowDataLoss (failover) the
 * target keeps what had replicated — writes in flight are lost — and the old primary rejoins as a
 * secondary. Without it (switchover) the old primary stops taking writes, the target catches up fully,
 * and no write is lost; it needs the old primary's region to be up.
 */
function moveGlobalWriter(ctx: OperationContext, input: Input, mode: 'failover' | 'switchover'): { GlobalCluster: GlobalCluster } {
  const global = findGlobal(ctx, str(input, 'GlobalClusterIdentifier'));
  if (valueAt(global.status, ctx.now) !== 'available') throw badRequest('InvalidGlobalClusterStateFault', `Global cluster ${global.id} is ${valueAt(global.status, ctx.now)}.`);
  const targetRef = str(input, 'TargetDbClusterIdentifier');
  const target = memberClusters(ctx, global).find((c) => c.arn === targetRef || c.id === targetRef);
  if (!target) throw badRequest('InvalidParameterValue', `TargetDbClusterIdentifier ${targetRef ?? ''} is not a secondary cluster of ${global.id}.`);
  const primary = memberClusters(ctx, global).find((c) => valueAt(c.role, ctx.now) === 'writer' && !valueAt(c.replication, ctx.now));
  if (!primary || primary === target) throw badRequest('InvalidGlobalClusterStateFault', `${target.id} is already the primary cluster of ${global.id}.`);
  const allowDataLoss = mode === 'failover' && input['AllowDataLoss'] === true;
  if (!allowDataLoss && isRegionDown(ctx.world, primary.region, ctx.now)) {
    throw badRequest('InvalidGlobalClusterStateFault', `The primary cluster ${primary.id} in ${primary.region} is unreachable: a switchover needs it; use FailoverGlobalCluster with AllowDataLoss.`);
  }
  const done = ctx.completesAt(mode === 'switchover' || !allowDataLoss ? 'rds.switchoverGlobalCluster' : 'rds.failoverGlobalCluster', global.id);
  const targetNode = resolveNode(ctx.world, nodeKey('cluster', target.region, target.id))!;
  const primaryNode = resolveNode(ctx.world, nodeKey('cluster', primary.region, primary.id))!;
  // Switchover: everything the primary acknowledged survives. Failover: only what had replicated.
  target.writes = visibleWrites(ctx.world, allowDataLoss ? targetNode : primaryNode, ctx.now).map((w) => ({ ...w }));
  scheduleFrom(target.replication, ctx.now, [{ at: ctx.now, value: null }]);
  const lag = ctx.latency('rds.globalReplicaLag');
  for (const other of memberClusters(ctx, global).filter((c) => c !== target)) {
    scheduleFrom(other.role, ctx.now, [{ at: ctx.now, value: 'replica' }]);
    scheduleFrom(other.replication, ctx.now, [{ at: ctx.now, value: { source: targetNode.key, lagMs: [{ at: ctx.now, value: lag }] } }]);
    if (other === primary) other.writes = [];
  }
  global.failover = { from: primary.arn, to: target.arn, allowDataLoss };
  scheduleFrom(global.status, ctx.now, [{ at: ctx.now, value: allowDataLoss ? 'failing-over' : 'switching-over' }, ...(done === undefined ? [] : [{ at: done, value: 'available' }])]);
  if (done !== undefined) scheduleFrom(target.role, ctx.now, [{ at: done, value: 'writer' as const }]);
  return { GlobalCluster: toGlobalCluster(ctx, global) };
}

function describeGlobalClusters(ctx: OperationContext, input: Input): { GlobalClusters: GlobalCluster[] } {
  const id = str(input, 'GlobalClusterIdentifier');
  const globals = id !== undefined ? [findGlobal(ctx, id)] : Object.values(ctx.world.globalClusters).filter((g) => valueAt(g.status, ctx.now) !== 'deleted');
  return { GlobalClusters: globals.map((g) => toGlobalCluster(ctx, g)) };
}

/** Global database handlers. */
export const rdsGlobalHandlers = {
  DescribeGlobalClusters: describeGlobalClusters,
  FailoverGlobalCluster: (ctx: OperationContext, input: Input) => moveGlobalWriter(ctx, input, 'failover'),
  SwitchoverGlobalCluster: (ctx: OperationContext, input: Input) => moveGlobalWriter(ctx, input, 'switchover'),
};
