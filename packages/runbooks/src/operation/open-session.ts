import type { PlanSource, RunProbes } from '@firedrill/core';
import type { CommandOptions } from '../cli/command.js';
import { UsageError } from '../cli/usage-error.js';
import { openAwsSession } from './aws-session.js';
import { openSandboxSession } from './sandbox-session.js';
import type { TargetSession } from './target-session.js';

/** `--target` or the plan's `target`. */
export function targetOf(command: string, source: PlanSource, options: CommandOptions): 'aws' | 'sandbox' {
  const target = String(options['target'] ?? source.plan.target);
  if (target !== 'aws' && target !== 'sandbox') throw new UsageError(`firedrill ${command}: --target: expected aws or sandbox, got "${target}"`);
  return target;
}

/** Opens the session of the chosen target. Real-AWS probes come from the plan's probe section. */
export async function openSession(target: 'aws' | 'sandbox', source: PlanSource, stateDir: string): Promise<TargetSession> {
  if (target === 'sandbox') return openSandboxSession(source, stateDir);
  const probes = async (): Promise<(s: PlanSource) => RunProbes> => {
    try {
      const module = (await import('@firedrill/strategies')) as { probesFromPlan?: (plan: PlanSource['plan']) => RunProbes };
      if (module.probesFromPlan) return (s) => module.probesFromPlan!(s.plan);
    } catch {
      // Fall through: no real probes available.
    }
    return () => ({});
  };
  return openAwsSession(source, await probes());
}
