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
 * call names (status, role, replication, writer flags; instance lifecycles; a Route 53 change's INSYNC).
 */
import type { CallLogEntry } from '../packages/sandbox/src/index.js';
import type { DrillSetup } from './drill-scenarios.js';

export interface ChainOperation {
  stepId: string;
  command: string;
  calledAt: number;
  settledAt: number;
  latencyMs: number;
}

type Change = { at: number; value: unknown };
const isTimeline = (v: unknown): v is Change[] => Array.isArray(v) && v.length > 0 && v.every((c) => typeof c === 'object' && c !== null && 'at' in c && 'value' in c);

/** Every timeline change inside `record`, two levels deep (members, instances). */
function changeTimes(record: unknown, depth = 0): number[] {
  if (record === null || typeof record !== 'object' || depth > 3) return [];
  if (isTimeline(record)) return record.map((c) => c.at);
  return Object.values(record as Record<string, unknown>).flatMap((v) => changeTimes(v, depth + 1));
}

/** The world records a call acts on. */
function recordsOf(s: DrillSetup, call: CallLogEntry): unknown[] {
  const w = s.sandbox.world as unknown as Record<string, Record<string, Record<string, Record<string, unknown>>>>;
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
    case 'autoScaling': {
      const group = w['autoScaling']![call.region]![String(input['AutoScalingGroupName'])] as { instances: { lifecycle: unknown }[] } | undefined;
      return group ? group.instances.map((i) => i.lifecycle) : [];
    }
    case 'ec2':
      return Object.values(w['ec2']![call.region]!['instances'] ?? {}).filter((i) => changeTimes(i).some((t) => t >= call.at));
    default:
      return [];
  }
}

function settledAt(s: DrillSetup, call: CallLogEntry, until: number): number {
  if (call.command === 'ChangeResourceRecordSets') {
    const change = Object.values(s.sandbox.world.route53.changes).find((c) => Math.abs(c.submittedAt - call.at) < 1);
    return change?.inSyncAt ?? call.at;
  }
  const times = recordsOf(s, call).flatMap((r) => changeTimes(r)).filter((t) => t > call.at && t <= until);
  return Math.max(call.at, ...times);
}

/** The bound (ms) and the operations it sums, for the steps of `path` (in order) with their times. */
export function criticalPathBound(
  s: DrillSetup,
  path: readonly string[],
  steps: Record<string, { startedAt: number; endedAt: number }>,
  health: { intervalMs: number; consecutive: number },
): { boundMs: number; chain: ChainOperation[] } {
  const calls = s.sandbox.calls().filter((c) => c.outcome === 'ok' && !/^(Describe|List|Get)/.test(c.command));
  const chain: ChainOperation[] = [];
  path.forEach((stepId, i) => {
    const step = steps[stepId];
    if (!step) return;
    // The operation settles before the chain's next step (its wait) ends; the last step bounds itself.
    const until = steps[path[i + 1] ?? stepId]?.endedAt ?? step.endedAt;
    // Steps run alongside each other: a call belongs to the narrowest step window that contains it.
    const owner = (c: CallLogEntry): string | undefined => Object.entries(steps)
      .filter(([, t]) => c.at >= t.startedAt && c.at <= t.endedAt)
      .sort(([, a], [, b]) => a.endedAt - a.startedAt - (b.endedAt - b.startedAt))[0]?.[0];
    const call = calls.find((c) => c.at >= step.startedAt && c.at <= step.endedAt && owner(c) === stepId);
    if (call === undefined) return;
    const settled = settledAt(s, call, until);
    chain.push({ stepId, command: call.command, calledAt: call.at, settledAt: settled, latencyMs: settled - call.at });
  });
  const probeMs = (health.consecutive - 1) * health.intervalMs;
  return { boundMs: chain.reduce((sum, op) => sum + op.latencyMs, 0) + probeMs, chain };
}
