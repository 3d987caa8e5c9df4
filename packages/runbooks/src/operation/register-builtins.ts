import { registerBuiltinStrategies } from '@firedrill/strategies';

let registered = false;

/** Registers Firedrill's own strategies once per process, before a plan names one. */
export function registerBuiltins(): void {
  if (registered) return;
  registerBuiltinStrategies();
  registered = true;
}
