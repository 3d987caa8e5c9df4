import type { FailoverMode, Operation } from '@firedrill/core';
import type { CommandOptions } from '../cli/command.js';
import { UsageError } from '../cli/usage-error.js';
import type { OperationChoice } from './operation-steps.js';

const OPERATIONS = ['failover', 'failback', 'drill'] as const;

/** Reads `--operation`, `--mode` and `--isolated`/`--live` into an {@link OperationChoice}, naming any bad flag. */
export function operationChoice(command: string, options: CommandOptions, fixed?: Exclude<Operation, 'check'>): OperationChoice {
  const operation = fixed ?? String(options['operation'] ?? '');
  if (!(OPERATIONS as readonly string[]).includes(operation)) {
    throw new UsageError(`firedrill ${command}: --operation: expected one of ${OPERATIONS.join(', ')}, got ${operation ? `"${operation}"` : 'nothing'}`);
  }
  const mode = String(options['mode'] ?? (operation === 'drill' ? 'ungraceful' : 'graceful'));
  if (mode !== 'graceful' && mode !== 'ungraceful') throw new UsageError(`firedrill ${command}: --mode: expected graceful or ungraceful, got "${mode}"`);
  if (options['isolated'] && options['live']) throw new UsageError(`firedrill ${command}: give --isolated or --live, not both`);
  const drill = operation === 'drill' ? (options['live'] ? 'live' : 'isolated') : undefined;
  return { operation: operation as OperationChoice['operation'], mode: mode as FailoverMode, ...(drill ? { drill } : {}) };
}
