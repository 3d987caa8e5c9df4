/**
 * Registers the strategies shipped with Firedrill. Each line is one strategy, so teams adding a strategy append
 * a line without touching the others.
 */
import { pilotLight } from './strategies/pilot-light.js';
import { warmStandby } from './strategies/warm-standby.js';
import { backupRestoreStrategy } from './strategies/backup-restore.js';
import { inRegionStrategy } from './strategies/in-region.js';
import { multiSiteStrategy } from './strategies/multi-site.js';
import { registerStrategy } from './strategy-registry.js';

/**
 * Makes the built-in strategies available to `getStrategy(name)`. Idempotent.
 *
 * @example
 * registerBuiltinStrategies();
 * getStrategy('warm-standby').build({ plan, operation: 'failover', mode: 'graceful', aws, runId });
 */
export function registerBuiltinStrategies(): void {
  registerStrategy(pilotLight);
  registerStrategy(warmStandby);
  registerStrategy(backupRestoreStrategy);
  registerStrategy(multiSiteStrategy);
  registerStrategy(inRegionStrategy);
}
