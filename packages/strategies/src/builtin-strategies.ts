/**
 * Registers the strategies shipped with Firedrill. Each line is one strategy, so teams adding a strategy append
 * a line without touching the others.
 */
import { pilotLight } from './strategies/pilot-light.js';
import { warmStandby } from './strategies/warm-standby.js';
import { backupRestoreStrategy } from './strategies/backup-restore.js';
import { inRegionStrategy } from './strategies/in-region.js';
import { multiSiteStrategy } from './strategies/multi-site.js';
import { registerStrategyIfAbsent } from './strategy-registry.js';

/**
 * Makes the built-in strategies available to `getStrategy(name)`. Idempotent, and it never replaces a strategy of
 * the same name registered before (say `registerStrategy(createBackupRestoreStrategy({ injectDisaster }))`): the
 * CLI and `startOperation` call it on every run.
 *
 * @example
 * registerBuiltinStrategies();
 * getStrategy('warm-standby').build({ plan, operation: 'failover', mode: 'graceful', aws, runId });
 */
export function registerBuiltinStrategies(): void {
  registerStrategyIfAbsent(pilotLight);
  registerStrategyIfAbsent(warmStandby);
  registerStrategyIfAbsent(backupRestoreStrategy);
  registerStrategyIfAbsent(multiSiteStrategy);
  registerStrategyIfAbsent(inRegionStrategy);
}
