import { describe, expect, it } from 'vitest';
import {
  buildBackupRestoreScenario,
  buildInRegionAuroraScenario,
  buildMultiSiteScenario,
  buildPilotLightScenario,
  buildWarmStandbyScenario,
  type Scenario,
} from '../src/index.js';
import { VirtualClock } from '@firedrill/core';

const builders: [string, (o: { clock: VirtualClock }) => Promise<Scenario>][] = [
  ['backup & restore', buildBackupRestoreScenario],
  ['pilot light', buildPilotLightScenario],
  ['warm standby', buildWarmStandbyScenario],
  ['multi-site', buildMultiSiteScenario],
  ['in-region Aurora', buildInRegionAuroraScenario],
];

describe('scenarios', () => {
  it.each(builders)('%s builds ready, with a healthy primary endpoint and an empty call log', async (_name, build) => {
    const clock = new VirtualClock({ start: '2026-11-22T03:00:00Z' });
    const { sandbox, names } = await build({ clock });
    expect(sandbox.dataPlane.endpointHealth(names.primaryRegion)).toEqual({ healthy: true, reasons: [] });
    expect(sandbox.calls()).toEqual([]);
    expect(sandbox.truth.splitBrainDetected).toBe(false);
    sandbox.dataPlane.writeHeartbeat(names.app, { seq: 1 });
    expect(sandbox.dataPlane.readNewestHeartbeat(names.app)?.seq).toBe(1);
  });

  it('pilot light has compute off in recovery; warm standby has it warm; multi-site serves both regions', async () => {
    const clock = new VirtualClock();
    const pilot = await buildPilotLightScenario({ clock });
    expect(pilot.sandbox.dataPlane.endpointHealth(pilot.names.recoveryRegion).healthy).toBe(false);
    const warm = await buildWarmStandbyScenario({ clock });
    expect(warm.sandbox.dataPlane.endpointHealth(warm.names.recoveryRegion).healthy).toBe(true);
    expect(warm.sandbox.truth.dnsTarget(warm.names.dns!.recordName).regions).toEqual([warm.names.primaryRegion]);
    const multi = await buildMultiSiteScenario({ clock });
    expect(multi.sandbox.truth.dnsTarget(multi.names.dns!.recordName).regions.sort()).toEqual(['us-east-1', 'us-west-2']);
  });

  it('backup & restore has twice-daily snapshot copies in the recovery region, created in the past', async () => {
    const clock = new VirtualClock({ start: '2026-11-22T03:00:00Z' });
    const { names } = await buildBackupRestoreScenario({ clock });
    expect(names.database.recoverySnapshots).toHaveLength(6);
  });
});
