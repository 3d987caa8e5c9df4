import { isPlanValidationError, type PlanIssue } from '@firedrill/core';
import { EXIT } from '../cli-io.js';
import type { CommandRun } from '../command.js';
import { planPath } from '../plan-path.js';
import { loadRunnablePlan } from '../../operation/load-runnable-plan.js';

/** `firedrill validate <plan>`: every problem at once — the schema's and the strategy's — exit 2 when there is any. */
export const run: CommandRun = async ({ positionals, options, io }) => {
  const file = positionals[0]!;
  try {
    const { plan } = await loadRunnablePlan(planPath(io, file));
    if (options['json']) io.stdout.write(`${JSON.stringify({ valid: true, plan: plan.metadata.name, issues: [] })}\n`);
    else io.stdout.write(`${file}: valid plan "${plan.metadata.name}" (${plan.strategy.name}, ${plan.regions.primary} → ${plan.regions.recovery})\n`);
    return EXIT.ok;
  } catch (error) {
    if (!isPlanValidationError(error)) throw error;
    const issues: readonly PlanIssue[] = error.issues;
    if (options['json']) io.stdout.write(`${JSON.stringify({ valid: false, issues })}\n`);
    else io.stderr.write(`${(error as Error).message}\n`);
    return EXIT.usage;
  }
};
