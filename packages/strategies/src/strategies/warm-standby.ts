/** Warm standby: a scaled-down full copy always running in the recovery region. */
import type { Strategy } from '../strategy.js';
import { standbyStrategy } from './standby-strategy.js';

/**
 * Warm standby (AWS: RTO/RPO in minutes). As pilot light, but the recovery region already runs a small fleet
 * (`standbyCapacity`): failover scales it to production size (min, desired, max) while the replica is promoted,
 * then shifts DNS; failback scales it back to its standby size.
 *
 * @example
 * const { steps } = getStrategy('warm-standby').build({ plan, operation: 'drill', drill: 'live', mode: 'graceful', aws, runId });
 */
export const warmStandby: Strategy = standbyStrategy(
  'warm-standby',
  'A scaled-down fleet runs in the recovery region: promote the replica, scale the fleet to production size, move DNS.',
);
