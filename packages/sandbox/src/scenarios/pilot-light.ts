/** Pilot light: data replicated and live, compute configured but off. */
import { buildReplicatedScenario } from './warm-standby.js';
import type { Scenario, ScenarioOptions } from './scenario.js';

/**
 * Pilot light: as warm standby, but the recovery Auto Scaling group is 0/0/0 (its launch template's AMI
 * exists in the recovery region), so the recovery endpoint is unhealthy until compute is started.
 *
 * @example
 * const { sandbox, names } = await buildPilotLightScenario({ clock: new VirtualClock() });
 */
export function buildPilotLightScenario(options: ScenarioOptions): Promise<Scenario> {
  return buildReplicatedScenario(options, 'pilot-light');
}
