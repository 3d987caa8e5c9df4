import type { PlanSource } from '@firedrill/core';
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

/** Opens the session of the chosen target. */
export async function openSession(target: 'aws' | 'sandbox', source: PlanSource, stateDir: string, options: { start?: number } = {}): Promise<TargetSession> {
  return target === 'sandbox' ? openSandboxSession(source, stateDir, options) : openAwsSession(source);
}
