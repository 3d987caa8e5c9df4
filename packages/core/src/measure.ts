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
/**
 * Steps that lead to service being restored: the steps that declare `restoresService` and everything they
 * depend on. Work that merely follows restoration (a failback's preparation, clean-up) is not among them.
 * Without any such declaration, every step may be.
 */
function restorationSteps(state: RunState, from: number, before: number): Set<string> | undefined {
  const deps = new Map(state.meta.steps.map((s) => [s.id, s.dependsOn]));
  // The phase's own restoring steps: a live drill's failback restores service too, after its own phase began.
  const inPhase = (id: string): boolean => {
    const started = state.steps[id]?.startedAt;
    return started !== undefined && started >= from && started < before;
  };
  const stack = state.meta.steps.filter((s) => s.restoresService && inPhase(s.id)).map((s) => s.id);
  if (stack.length === 0) return undefined;
  const seen = new Set<string>();
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (seen.has(id)) continue;
    seen.add(id);
    stack.push(...(deps.get(id) ?? []));
  }
  return seen;
}

function stepAtRestoration(state: RunState, restoredAt: number, from = -Infinity, before = Infinity): StepState | undefined {
  let best: StepState | undefined;
  let bestDistance = Infinity;
  const probes = new Set(state.meta.steps.filter((s) => s.kind === 'probe').map((s) => s.id));
  const leadsToService = restorationSteps(state, from, before);
  for (const step of Object.values(state.steps)) {
    if (leadsToService && !leadsToService.has(step.id)) continue;
    if (step.endedAt === undefined || step.startedAt === undefined || step.startedAt >= Math.min(restoredAt, before)) continue;
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

/** When the phase after `phase` began: its steps set that phase's RTO, not this one's. */
function nextPhaseStart(state: RunState, phase: PhaseState): number {
  const i = state.phases.indexOf(phase);
  return state.phases[i + 1]?.startedAt ?? Infinity;
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
        ? stepAtRestoration(state, phase.restoredAt, phase.startedAt, nextPhaseStart(state, phase))
        : lastEnded(state);
  const chain: CriticalPathEntry[] = [];
  const seen = new Set<string>();
  // Steps that started before the disaster (steady state, the previous phase) take no part in its RTO.
  const from = phase?.startedAt ?? -Infinity;
  // A step skipped without running (the other mode's, one already done) held nothing up: the walk passes through it.
  while (current && !seen.has(current.id) && (current.startedAt ?? current.endedAt ?? -Infinity) >= from) {
    seen.add(current.id);
    if (current.startedAt !== undefined && current.endedAt !== undefined) {
      chain.push({ stepId: current.id, seconds: seconds(current.endedAt - current.startedAt) });
    }
    // The dependency that ran and finished last held this step up; one that never ran only when none ran.
    let gate: StepState | undefined;
    for (const id of deps.get(current.id) ?? []) {
      const dep = state.steps[id];
      if (dep?.endedAt === undefined) continue;
      const ran = dep.startedAt !== undefined;
      const gateRan = gate?.startedAt !== undefined;
      if (!gate || (ran && !gateRan) || (ran === gateRan && dep.endedAt > gate.endedAt!)) gate = dep;
    }
    current = gate;
  }
  return chain.reverse();
}
