import type { ApprovalGate } from './plan/index.js';
import type { ApprovalStep, StepDefinition } from './step.js';

/** Id of the approval step that gates `target` (`run` gates everything). */
export function approvalStepId(target: string): string {
  return target === 'run' ? 'approve-run' : `approve-${target}`;
}

/**
 * Inserts the plan's approval gates into a step graph. A gate `before: <step id>` becomes an approval step
 * that waits for the same dependencies as the step and that the step then waits for, so the approval is
 * asked for exactly when the step could start. `before: run` gates every step that has no dependencies.
 *
 * A gate applies to the operations that have its step: a gate before the failover's `promote-replica` is not a
 * gate of the failback, which has no such step. (A gate that names a step of no operation of the plan's strategy
 * is a plan error, found by `firedrill validate` and every command that reads the plan.)
 *
 * @example
 * const steps = withApprovalGates(strategySteps, plan.approvals);
 */
export function withApprovalGates(steps: readonly StepDefinition[], allGates: readonly ApprovalGate[]): StepDefinition[] {
  const ids = new Set(steps.map((s) => s.id));
  const gates = allGates.filter((gate) => gate.before === 'run' || ids.has(gate.before));
  const gated = new Map<string, string[]>();
  const approvals: ApprovalStep[] = [];
  for (const gate of gates) {
    const id = approvalStepId(gate.before);
    const target = steps.find((s) => s.id === gate.before);
    approvals.push({
      id,
      kind: 'approval',
      title: gate.before === 'run' ? 'Approve the run' : `Approve: ${target!.title}`,
      why: gate.description ?? (gate.before === 'run' ? 'A human approves before anything changes.' : `A human approves before "${target!.title}".`),
      dependsOn: target ? [...(target.dependsOn ?? [])] : [],
      ...(gate.approvers ? { approvers: gate.approvers } : {}),
      ...(gate.timeout !== undefined ? { expiresAfterMs: gate.timeout } : {}),
    });
    if (gate.before === 'run') {
      for (const step of steps) if ((step.dependsOn ?? []).length === 0) gated.set(step.id, [...(gated.get(step.id) ?? []), id]);
    } else gated.set(gate.before, [...(gated.get(gate.before) ?? []), id]);
  }
  const runGate = gates.some((g) => g.before === 'run') ? approvalStepId('run') : undefined;
  for (const approval of approvals) {
    // Step gates wait for the run gate too, so nobody is asked twice before the run is approved.
    if (runGate && approval.id !== runGate && (approval.dependsOn ?? []).length === 0) approval.dependsOn = [runGate];
  }
  return [
    ...approvals,
    ...steps.map((step) => {
      const extra = gated.get(step.id);
      return extra ? { ...step, dependsOn: [...(step.dependsOn ?? []), ...extra] } : step;
    }),
  ];
}
