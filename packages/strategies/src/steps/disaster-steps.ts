/**
 * The step that declares the disaster: its start is t_disaster, from which RTO and RPO are measured. Every
 * operation starts with it, so the failover's independent branches (database, compute) hang off one root.
 */
import type { ActionStep, StepContext } from '@firedrill/core';

/** Options of {@link declareDisasterStep}. */
export interface DeclareDisasterOptions {
  /** @default 'declare-disaster' */
  id?: string;
  /** What is declared, for the runbook: "Declare the loss of us-east-1". */
  title: string;
  dependsOn?: readonly string[];
  /**
   * Injects the outage (ungraceful live drills on the sandbox). Not check-then-act by nature: a resumed run
   * does not repeat it, since the step is journaled as finished.
   */
  injectDisaster?: (signal: AbortSignal) => Promise<void>;
}

/**
 * The disaster step (`declaresDisaster`): a no-op for real failovers and graceful drills, or the outage
 * injection of an ungraceful live drill.
 *
 * @example
 * declareDisasterStep({ title: 'Declare the loss of us-east-1', injectDisaster: async () => void sandbox.faults.regionOutage('us-east-1') });
 */
export function declareDisasterStep(options: DeclareDisasterOptions): ActionStep<{ injected: boolean }> {
  return {
    id: options.id ?? 'declare-disaster',
    kind: 'action',
    title: options.title,
    why: 'RTO and RPO are measured from this moment.',
    declaresDisaster: true,
    ...(options.dependsOn ? { dependsOn: options.dependsOn } : {}),
    preview: () => [],
    verifyByHand: 'Note the time: it is t_disaster in the report.',
    act: async (ctx: StepContext) => {
      if (options.injectDisaster === undefined) return { injected: false };
      await options.injectDisaster(ctx.signal);
      ctx.log('outage injected');
      return { injected: true };
    },
  };
}
