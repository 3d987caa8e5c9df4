import { randomBytes } from 'node:crypto';
import type { Clock } from './clock.js';

/**
 * A run id that sorts by start time: `<plan>-<yyyymmddThhmmssZ>-<6 hex>`. Strategies name and tag drill
 * resources with it, so callers that build steps before starting the run create it first and pass it on.
 * @example newRunId('tracking-app', clock) // 'tracking-app-20261122T030000Z-5f5950'
 */
export function newRunId(plan: string, clock: Clock): string {
  const stamp = new Date(clock.now()).toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `${plan}-${stamp}-${randomBytes(3).toString('hex')}`;
}
