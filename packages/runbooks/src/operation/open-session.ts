import type { PlanSource } from '@firedrill/core';
import type { CommandOptions } from '../cli/command.js';
import { UsageError } from '../cli/usage-error.js';
import { openAwsSession } from './aws-session.js';
import { openSandboxSession } from './sandbox-session.js';
import type { TargetSession } from './target-session.js';

/**
 * `--target` or the plan's `target`. Real AWS cannot run the sandbox's simulated probes: a run of a plan that names
 * them is refused here, before any AWS call, naming the file and the field.
 */
export function targetOf(command: string, source: PlanSource, options: CommandOptions): 'aws' | 'sandbox' {
  const target = String(options['target'] ?? source.plan.target);
  if (target !== 'aws' && target !== 'sandbox') throw new UsageError(`firedrill ${command}: --target: expected aws or sandbox, got "${target}"`);
  // `check` only reads AWS: the probes play no part in it.
  if (target === 'aws' && command !== 'check') {
    const simulated = (['health', 'heartbeat'] as const).filter((name) => source.plan.probes?.[name]?.kind === 'sandbox');
    if (simulated.length > 0) {
      const fields = simulated.map((name) => `probes.${name}`).join(' and ');
      throw new UsageError(
        `${source.file}: ${fields}: kind "sandbox" probes the simulated AWS only, so ${options['target'] === undefined ? 'this plan' : '--target aws'} cannot run with it. ` +
          'Expected, for real AWS: probes.health of kind http (the public URL users reach) and probes.heartbeat of kind postgres or mysql (README "Real probes"); ' +
          'or run on the sandbox with --target sandbox.',
      );
    }
  }
  return target;
}

/** Opens the session of the chosen target. */
export async function openSession(target: 'aws' | 'sandbox', source: PlanSource, stateDir: string, options: { start?: number } = {}): Promise<TargetSession> {
  return target === 'sandbox' ? openSandboxSession(source, stateDir, options) : openAwsSession(source);
}
