import type { PhaseState, RunState, StepState } from './run-state.js';

/** One link of the critical path. */
export interface CriticalPathEntry {
  stepId: string;
  seconds: number;
}

/** RTO as measured, with where the restoration moment came from. */
export interface RtoMeasurement {
  seconds: number | null;
  source: 'health-probe' | 'step' | 'none';
}

const seconds = (ms: number): number => Math.round(ms) / 1000;

/**
 * RTO = t_restored − t_disaster. `t_restored` is the first success of the first unbroken streak of
 * health probes after the disaster, or — with no health probe — the end of the last step that restores
 * service. `null` when either moment is missing (a `check`, or a run that never restored service).
 */
export function measureRto(state: RunState, phase: PhaseState | undefined = state.phases[0]): RtoMeasurement {
  if (phase === undefined || phase.restoredAt === undefined || phase.restoredSource === undefined) {
    return { seconds: null, source: phase?.restoredSource ?? 'none' };
  }
  return { seconds: seconds(Math.max(0, phase.restoredAt - phase.startedAt)), source: phase.restoredSource };
}

/**
 * The step whose end coincides with the restoration: among steps that started before it, the one that ended
 * closest to it. A waiter notices "available" a poll after the health probe may already see service, so the
 * step that set the RTO can end shortly after `restoredAt`; one that ended long before it did not hold it up.
 */
function stepAtRestoration(state: RunState, restoredAt: number): StepState | undefined {
  let best: StepState | undefined;
  let bestDistance = Infinity;
  const probes = new Set(state.meta.steps.filter((s) => s.kind === 'probe').map((s) => s.id));
  for (const step of Object.values(state.steps)) {
    if (step.endedAt === undefined || step.startedAt === undefined || step.startedAt >= restoredAt) continue;
    if (step.status !== 'succeeded' && step.status !== 'compensated') continue;
    if (probes.has(step.id)) continue;
    const distance = Math.abs(step.endedAt - restoredAt);
    if (distance < bestDistance || (distance === bestDistance && step.endedAt <= restoredAt)) {
      best = step;
      bestDistance = distance;
    }
  }
  return best;
}

function lastEnded(state: RunState): StepState | undefined {
  let best: StepState | undefined;
  for (const step of Object.values(state.steps)) {
    if (step.endedAt !== undefined && step.startedAt !== undefined && (!best || step.endedAt > best.endedAt!)) best = step;
  }
  return best;
}

/**
 * The chain of dependent steps that set the RTO: start from the step whose end restored service (or the
 * step whose end coincides with the health probe seeing service back) and walk back, at each step, to the
 * dependency that finished last — the one that held it up — until the disaster. Without a restoration, the
 * chain that ends the run.
 */
export function criticalPath(state: RunState, phase: PhaseState | undefined = state.phases[0]): CriticalPathEntry[] {
  const deps = new Map(state.meta.steps.map((s) => [s.id, s.dependsOn]));
  let current: StepState | undefined =
    phase?.restoredByStep !== undefined
      ? state.steps[phase.restoredByStep]
      : phase?.restoredAt !== undefined
        ? stepAtRestoration(state, phase.restoredAt)
        : lastEnded(state);
  const chain: CriticalPathEntry[] = [];
  const seen = new Set<string>();
  // Steps that started before the disaster (steady state, the previous phase) take no part in its RTO.
  const from = phase?.startedAt ?? -Infinity;
  while (current && !seen.has(current.id) && (current.startedAt ?? -Infinity) >= from) {
    seen.add(current.id);
    if (current.startedAt !== undefined && current.endedAt !== undefined) {
      chain.push({ stepId: current.id, seconds: seconds(current.endedAt - current.startedAt) });
    }
    let gate: StepState | undefined;
    for (const id of deps.get(current.id) ?? []) {
      const dep = state.steps[id];
      if (dep?.endedAt !== undefined && (!gate || dep.endedAt > gate.endedAt!)) gate = dep;
    }
    current = gate;
  }
  return chain.reverse();
}
