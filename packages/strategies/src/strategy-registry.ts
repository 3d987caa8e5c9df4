import type { Strategy } from './strategy.js';

/** A plan names a strategy nobody registered. */
export class UnknownStrategyError extends Error {
  override readonly name = 'UnknownStrategyError';
  readonly code = 'UNKNOWN_STRATEGY';
  readonly exitCode = 2;
  constructor(readonly strategy: string, file: string, known: readonly string[]) {
    super(known.length === 0
      ? `${file}: strategy.name: no strategy is registered, so "${strategy}" is unknown. Call registerBuiltinStrategies() (backup-restore, pilot-light, warm-standby, multi-site, in-region), or registerStrategy() for your own, before running the plan.`
      : `${file}: strategy.name: expected one of ${known.join(', ')}, got "${strategy}". Register a custom strategy with registerStrategy() before running the plan.`);
  }
}

const registry = new Map<string, Strategy>();

/** Makes a strategy available by name (replacing one of the same name). */
export function registerStrategy(strategy: Strategy): void {
  registry.set(strategy.name, strategy);
}

/** Registers `strategy` unless one of its name is registered already (yours stays: the built-ins are defaults). */
export function registerStrategyIfAbsent(strategy: Strategy): void {
  if (!registry.has(strategy.name)) registry.set(strategy.name, strategy);
}

/** The registered strategy of that name. @throws UnknownStrategyError naming the known ones. */
export function getStrategy(name: string, file = '<plan>'): Strategy {
  const strategy = registry.get(name);
  if (!strategy) throw new UnknownStrategyError(name, file, [...registry.keys()].sort());
  return strategy;
}

/** Names of every registered strategy. */
export function listStrategies(): string[] {
  return [...registry.keys()].sort();
}
