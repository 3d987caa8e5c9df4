import { describe, expect, it } from 'vitest';
import { multiSiteStrategy } from '../src/strategies/multi-site.js';
import { inServiceBetween, resizeFleet } from './support/fleet-history.js';
import { multiSiteFixture, type MultiSiteFixture } from './support/multi-site-scenario.js';
import { at, runStrategy } from './support/strategy-on-sandbox.js';

const groupName = (f: MultiSiteFixture, region: string): string =>
  (region === f.primary ? f.names.compute.primary! : f.names.compute.recovery!).autoScalingGroupName;

/** Both regions run `size` — not the plan's 4/4/8 (the recovery's full size is 8/8/16) — and every instance serves. */
async function offPlanFleets(f: MultiSiteFixture, size: [number, number, number]): Promise<void> {
  for (const region of [f.primary, f.recovery]) await resizeFleet(f.sandbox, f.clock, region, groupName(f, region), size);
}

const served = (f: MultiSiteFixture, region: string, report: { startedAt: string; endedAt: string | null }) =>
  inServiceBetween(f.sandbox, region, groupName(f, region), at(report.startedAt), at(report.endedAt));

describe('multi-site isolated drill on fleets sized off the plan', () => {
  it('returns the survivor straight to its pre-drill size, never below it, and ends only once it serves at that size', async () => {
    const f = await multiSiteFixture(21);
    await offPlanFleets(f, [5, 6, 12]);
    const { report } = await runStrategy({ strategy: multiSiteStrategy, plan: f.plan, sandbox: f.sandbox, clock: f.clock, app: f.names.app, operation: 'drill', drill: 'isolated', rollback: 'always', health: { recordName: f.names.dns!.recordName } });
    expect(report.status).toBe('succeeded');
    expect(await f.capacity(f.recovery)).toBe('5/6/12');
    expect(await f.capacity(f.primary)).toBe('5/6/12');
    // The survivor carried half the users before the drill and all of them during it: it never ran on fewer than
    // the 6 instances it served with, and the drill ended with 6 InService.
    const survivor = served(f, f.recovery, report);
    expect(survivor.fewest).toBeGreaterThanOrEqual(6);
    expect(survivor.atEnd).toBe(6);
    expect(served(f, f.primary, report).fewest).toBe(6);
    expect(await f.weights()).toEqual({ [f.primary]: 50, [f.recovery]: 50 });
  });

  it('never scales in a survivor that already runs more than the plan\'s full capacity', async () => {
    const f = await multiSiteFixture(22);
    await offPlanFleets(f, [10, 12, 20]);
    const { report } = await runStrategy({ strategy: multiSiteStrategy, plan: f.plan, sandbox: f.sandbox, clock: f.clock, app: f.names.app, operation: 'drill', drill: 'isolated', rollback: 'always', health: { recordName: f.names.dns!.recordName } });
    expect(report.status).toBe('succeeded');
    expect(await f.capacity(f.recovery)).toBe('10/12/20');
    expect(served(f, f.recovery, report)).toEqual({ fewest: 12, atEnd: 12 });
    expect(f.sandbox.calls({ command: 'UpdateAutoScalingGroup', outcome: 'ok' }).filter((c) => c.at >= at(report.startedAt))).toEqual([]);
  });
});

describe('multi-site live drill on fleets sized off the plan', () => {
  it('fails back to the pre-drill sizes of both regions, never cutting an instance that served, and ends once they serve', async () => {
    const f = await multiSiteFixture(23);
    await offPlanFleets(f, [5, 6, 12]);
    const { report } = await runStrategy({
      strategy: multiSiteStrategy, plan: f.plan, sandbox: f.sandbox, clock: f.clock, app: f.names.app, operation: 'drill', drill: 'live', mode: 'graceful',
      health: { recordName: f.names.dns!.recordName },
    });
    expect(report.status).toBe('succeeded');
    expect(await f.capacity(f.recovery)).toBe('5/6/12');
    expect(await f.capacity(f.primary)).toBe('5/6/12');
    expect(served(f, f.recovery, report)).toEqual({ fewest: 6, atEnd: 6 });
    // The primary takes its users back after the failback's scale-out: that step must not shrink it to the plan's 4.
    expect(served(f, f.primary, report)).toEqual({ fewest: 6, atEnd: 6 });
    expect(await f.weights()).toEqual({ [f.primary]: 50, [f.recovery]: 50 });
    expect(await f.writerRegion()).toBe(f.primary);
  });
});
