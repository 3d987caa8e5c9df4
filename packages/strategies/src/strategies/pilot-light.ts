/** Pilot light: data replicated and live in the recovery region, compute configured but off. */
import type { Strategy } from '../strategy.js';
import { standbyStrategy } from './standby-strategy.js';

/**
 * Pilot light (AWS: RTO/RPO in tens of minutes). check: the cross-region read replica replicates with lag under
 * the RPO objective; the recovery Auto Scaling group is at 0 with a launch template whose AMI exists there; DNS
 * record pair and health checks exist. failover: (graceful: fence the primary's writers through its parameter
 * group and wait for lag 0) promote the replica, scale compute 0 → production in parallel, wait until Route 53
 * sees the recovery endpoint healthy, switch DNS and wait INSYNC. failback: reverse replication, fence the
 * recovery writer, promote the primary-region copy, re-point DNS, scale the recovery fleet back to 0,
 * re-protect. Drills: `live` (failover then failback, both measured) or `isolated` (copies tagged with the run
 * id, cleaned up and proven gone).
 *
 * @example
 * registerStrategy(pilotLight); // done by registerBuiltinStrategies()
 * const { steps } = getStrategy('pilot-light').build({ plan, operation: 'failover', mode: 'graceful', aws, runId });
 */
export const pilotLight: Strategy = standbyStrategy(
  'pilot-light',
  'Replicated data, compute off in the recovery region: promote the replica, start compute, move DNS.',
);
