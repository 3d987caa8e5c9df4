/**
 * The critical-path bound of a failover phase: the pure latencies of the AWS operations on Firedrill's critical path
 * (for each mutating call a critical-path step made: the moment the sandbox's world says the operation truly settled
 * minus the moment the call was made — no polling lag), plus the health probe's confirmation time.
 *
 *   bound = Σ_{op on the chain} (settledAt(op) − calledAt(op)) + (consecutive − 1) × interval
 *
 * The probe term: restoration is stamped at the first success of the streak, yet the run can only know it after the
 * streak's last probe, (consecutive − 1) intervals later; the figure keeps that term so a bound is never unreachable.
 * `settledAt` is the last change, in (calledAt, end of the chain's next step], of any timeline of the resource the
 * call names (status, role, replication, writer flags; instance lifecycles; a Route 53 change's INSYNC) — for an
 * asynchronous operation (promotion, scale-out to InService, restore) that is its true start → done in the world.
 *
 * When users reach the service through DNS and no Route 53 change on the chain moved them (in a us-east-1 outage the
 * control plane refuses changes and the health-checked failover records move users; the record set is not switched),
 * the chain ends with Route 53's data-plane failover: from the moment the service region's endpoint became healthy to
 * the moment DNS answered only healthy endpoints (the health checks' RequestInterval × FailureThreshold).
 *
 * Pass the world as it was when the failover phase ended: a failback that deletes and recreates a resource under the
 * same name takes its history with it.
 */
import { endpointHealthAt, findApplication } from '../packages/sandbox/src/application-health.js';
import type { CallLogEntry, World } from '../packages/sandbox/src/index.js';
import type { DrillSetup } from './drill-scenarios.js';
import { dnsHistory, servingChangeTimes } from './drill-truth.js';

export interface ChainOperation {
  stepId: string;
  command: string;
  calledAt: number;
  settledAt: number;
  latencyMs: number;
}

type Change = { at: number; value: unknown };

/** A step that makes a call ends this soon after the service handled it (the answer's way back, the engine's journal). */
const CALL_RETURNS_WITHIN_MS = 2_000;
const isTimeline = (v: unknown): v is Change[] => Array.isArray(v) && v.length > 0 && v.every((c) => typeof c === 'object' && c !== null && 'at' in c && 'value' in c);

/** Every timeline change inside `record`, two levels deep (members, instances). */
function changeTimes(record: unknown, depth = 0): number[] {
  if (record === null || typeof record !== 'object' || depth > 3) return [];
  if (isTimeline(record)) return record.map((c) => c.at);
  return Object.values(record as Record<string, unknown>).flatMap((v) => changeTimes(v, depth + 1));
}

/** The world records a call acts on. */
function recordsOf(world: World, call: CallLogEntry): unknown[] {
  const w = world as unknown as Record<string, Record<string, Record<string, Record<string, unknown>>>>;
  const input = (call.input ?? {}) as Record<string, unknown>;
  const id = (input['DBInstanceIdentifier'] ?? input['DBClusterIdentifier']) as string | undefined;
  switch (call.service as string) {
    case 'rds': {
      const rds = w['rds']![call.region] as unknown as { instances: Record<string, unknown>; clusters?: Record<string, unknown>; globalClusters?: Record<string, unknown> };
      if (call.command === 'SwitchoverGlobalCluster' || call.command === 'FailoverGlobalCluster') {
        const target = String(input['TargetDbClusterIdentifier']).split(':').at(-1)!;
        return Object.values(w['rds']!).flatMap((r) => {
          const regional = r as unknown as { clusters?: Record<string, unknown>; globalClusters?: Record<string, unknown> };
          return [regional.clusters?.[target], ...Object.values(regional.globalClusters ?? {})].filter(Boolean);
        });
      }
      return [rds.instances[id ?? ''], rds.clusters?.[id ?? '']].filter(Boolean);
    }
    case 'autoscaling': {
      // A scale-out settles when its last instance is InService (the call log names the service 'autoscaling'; the
      // world keeps its groups under autoScaling).
      const group = w['autoScaling']![call.region]![String(input['AutoScalingGroupName'])] as { instances: { lifecycle: unknown }[] } | undefined;
      return group ? group.instances.map((i) => i.lifecycle) : [];
    }
    case 'ec2':
      return Object.values(w['ec2']![call.region]!['instances'] ?? {}).filter((i) => changeTimes(i).some((t) => t >= call.at));
    default:
      return [];
  }
}

function settledAt(world: World, call: CallLogEntry, until: number): number {
  if (call.command === 'ChangeResourceRecordSets') {
    const change = Object.values(world.route53.changes).find((c) => Math.abs(c.submittedAt - call.at) < 1);
    return change?.inSyncAt ?? call.at;
  }
  const times = recordsOf(world, call).flatMap((r) => changeTimes(r)).filter((t) => t > call.at && t <= until);
  return Math.max(call.at, ...times);
}

/**
 * The start of the service region endpoint's last healthy stretch that reaches `restoredAt` (after `after`), or
 * undefined when it was not healthy then.
 */
function healthySince(s: DrillSetup, world: World, after: number, restoredAt: number): number | undefined {
  const application = findApplication(world, s.names.app);
  const times = [...new Set([after, ...servingChangeTimes(world, s.names.app)])].filter((t) => t >= after && t <= restoredAt).sort((a, b) => a - b);
  // The endpoint's health depends on the traffic DNS sends it (the sandbox's load rule): judge it with the zones as they were.
  const dnsAt = dnsHistory(world, s.dnsBaseline);
  let since: number | undefined;
  for (const t of times) {
    if (!endpointHealthAt(dnsAt(t), application, s.serviceRegion, t).healthy) since = undefined;
    else since ??= t;
  }
  return since;
}

/** The bound (ms) and the operations it sums, for the steps of `path` (in order) with their times. */
export function criticalPathBound(
  s: DrillSetup,
  path: readonly string[],
  steps: Record<string, { startedAt: number; endedAt: number }>,
  health: { intervalMs: number; consecutive: number },
  truth: { world: World; disasterAt: number; restoredAt: number | undefined },
): { boundMs: number; chain: ChainOperation[] } {
  const { world } = truth;
  const calls = world.callLog.filter((c) => c.outcome === 'ok' && !/^(Describe|List|Get)/.test(c.command));
  const chain: ChainOperation[] = [];
  path.forEach((stepId, i) => {
    const step = steps[stepId];
    if (!step) return;
    // The operation settles before the chain's next step (its wait) ends; the last step bounds itself.
    const until = steps[path[i + 1] ?? stepId]?.endedAt ?? step.endedAt;
    // Steps run alongside each other, so a window can hold other steps' calls: a long wait's window holds the calls
    // of steps that started with it, and two steps that start together each hold both calls. A step's own call is
    // the one it ended on (a step returns as soon as its call answers); of those, the chain waits on the operation
    // that settles last, the critical one.
    const candidates = calls
      .filter((c) => c.at >= step.startedAt && c.at <= step.endedAt && step.endedAt - c.at <= CALL_RETURNS_WITHIN_MS)
      .map((c) => ({ call: c, settled: settledAt(world, c, until) }))
      .sort((a, b) => b.settled - a.settled);
    if (candidates[0] === undefined) return;
    const { call, settled } = candidates[0];
    chain.push({ stepId, command: call.command, calledAt: call.at, settledAt: settled, latencyMs: settled - call.at });
  });
  const { restoredAt } = truth;
  // A Route 53 change moved users when its INSYNC is the moment they were served again.
  const dnsMoved = chain.some((op) => op.command === 'ChangeResourceRecordSets' && restoredAt !== undefined && Math.abs(op.settledAt - restoredAt) < 1);
  if (s.recordName !== undefined && restoredAt !== undefined && !dnsMoved) {
    const since = healthySince(s, world, truth.disasterAt, restoredAt);
    if (since !== undefined && restoredAt > since) {
      const stepId = path.find((id) => /dns/.test(id)) ?? path.at(-1) ?? 'dns';
      chain.push({ stepId, command: 'Route53HealthCheckedFailover', calledAt: since, settledAt: restoredAt, latencyMs: restoredAt - since });
    }
  }
  const probeMs = (health.consecutive - 1) * health.intervalMs;
  return { boundMs: chain.reduce((sum, op) => sum + op.latencyMs, 0) + probeMs, chain };
}
