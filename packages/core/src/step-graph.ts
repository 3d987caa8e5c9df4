import type { StepDefinition } from './step.js';

/** The graph was not a DAG of known steps. `problems` lists every problem found. */
export class StepGraphError extends Error {
  override readonly name = 'StepGraphError';
  readonly code = 'STEP_GRAPH_INVALID';
  readonly exitCode = 2;
  constructor(readonly problems: string[]) {
    super(`invalid step graph:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** A validated DAG of steps with the indexes the scheduler needs. */
export interface StepGraph {
  readonly steps: readonly StepDefinition[];
  readonly byId: ReadonlyMap<string, StepDefinition>;
  /** For each step, the steps that depend on it. */
  readonly dependants: ReadonlyMap<string, readonly string[]>;
  /** Step ids in a topological order (stable: plan order among independent steps). */
  readonly order: readonly string[];
}

const STEP_ID = /^[a-z0-9][a-z0-9-]*$/;

function findCycle(steps: readonly StepDefinition[], byId: Map<string, StepDefinition>): string[] | undefined {
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (id: string): string[] | undefined => {
    state.set(id, 'visiting');
    stack.push(id);
    for (const dep of byId.get(id)?.dependsOn ?? []) {
      if (!byId.has(dep)) continue;
      if (state.get(dep) === 'visiting') return [...stack.slice(stack.indexOf(dep)), dep];
      if (!state.has(dep)) {
        const cycle = visit(dep);
        if (cycle) return cycle;
      }
    }
    stack.pop();
    state.set(id, 'done');
    return undefined;
  };
  for (const step of steps) {
    if (state.has(step.id)) continue;
    const cycle = visit(step.id);
    if (cycle) return cycle;
  }
  return undefined;
}

/**
 * Validates steps into a {@link StepGraph}: ids unique and well-formed, every dependency known, no
 * cycles. Reports every problem at once.
 *
 * @throws StepGraphError naming the duplicate ids, the unknown dependencies and a cycle.
 * @example
 * buildStepGraph([{ id: 'a', kind: 'manual', title: 'A', instruction: '…' }, { id: 'b', kind: 'manual', title: 'B', instruction: '…', dependsOn: ['a'] }]);
 */
export function buildStepGraph(steps: readonly StepDefinition[]): StepGraph {
  const problems: string[] = [];
  const byId = new Map<string, StepDefinition>();
  for (const step of steps) {
    if (!STEP_ID.test(step.id)) problems.push(`step "${step.id}": id must be kebab-case (a-z, 0-9, -)`);
    if (byId.has(step.id)) problems.push(`step "${step.id}" is defined twice`);
    byId.set(step.id, step);
  }
  const dependants = new Map<string, string[]>(steps.map((s) => [s.id, []]));
  for (const step of steps) {
    for (const dep of new Set(step.dependsOn ?? [])) {
      if (!byId.has(dep)) problems.push(`step "${step.id}" depends on unknown step "${dep}"`);
      else dependants.get(dep)!.push(step.id);
    }
  }
  const cycle = findCycle(steps, byId);
  if (cycle) problems.push(`dependency cycle: ${cycle.join(' → ')}`);
  if (problems.length > 0) throw new StepGraphError(problems);

  // Kahn's algorithm, taking ready steps in plan order.
  const remaining = new Map(steps.map((s) => [s.id, new Set(s.dependsOn ?? []).size]));
  const order: string[] = [];
  const queue = steps.filter((s) => remaining.get(s.id) === 0).map((s) => s.id);
  for (let i = 0; i < queue.length; i++) {
    const id = queue[i]!;
    order.push(id);
    for (const next of dependants.get(id)!) {
      const left = remaining.get(next)! - 1;
      remaining.set(next, left);
      if (left === 0) queue.push(next);
    }
  }
  return { steps, byId, dependants, order };
}
