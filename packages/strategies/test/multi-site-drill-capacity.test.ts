import { AutoScalingClient, UpdateAutoScalingGroupCommand } from '@aws-sdk/client-auto-scaling';
import { describe, expect, it } from 'vitest';
import { valueAt } from '../../sandbox/src/timeline.js';
import { multiSiteStrategy } from '../src/strategies/multi-site.js';
import { multiSiteFixture, type MultiSiteFixture } from './support/multi-site-scenario.js';
import { at, runStrategy } from './support/strategy-on-sandbox.js';

const groupName = (f: MultiSiteFixture, region: string): string =>
  (region === f.primary ? f.names.compute.primary! : f.names.compute.recovery!).autoScalingGroupName;

/** Both regions run `min/desired/max` — not the plan's 4/4/8 (recovery full size 8/8/16) — and every instance serves. */
async function offPlanFleets(f: MultiSiteFixture, [min, desired, max]: [number, number, number]): Promise<void> {
  for (const region of [f.primary, f.recovery]) {
    await f.sandbox.client(AutoScalingClient, region).send(new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: groupName(f, region), MinSize: min, DesiredCapacity: desired, MaxSize: max }));
  }
  await f.clock.sleep(10 * 60_000);
}

/** The fewest InService instances `region`'s group had at any moment in [from, to], and how many at `to`. */
function inServiceBetween(f: MultiSiteFixture, region: string, from: number, to: number): { fewest: number; atEnd: number } {
  const group = f.sandbox.world.autoScaling[region]![groupName(f, region)]!;
  const count = (t: number): number => group.instances.filter((i) => valueAt(i.lifecycle, t) === 'InService').length;
  const moments = [from, to, ...group.instances.flatMap((i) => i.lifecycle.map((c) => c.at)).filter((t) => t > from && t < to)];
  return { fewest: Math.min(...moments.map(count)), atEnd: count(to) };
}

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
    const survivor = inServiceBetween(f, f.recovery, at(report.startedAt), at(report.endedAt));
    expect(survivor.fewest).toBeGreaterThanOrEqual(6);
    expect(survivor.atEnd).toBe(6);
    expect(inServiceBetween(f, f.primary, at(report.startedAt), at(report.endedAt)).fewest).toBe(6);
    expect(await f.weights()).toEqual({ [f.primary]: 50, [f.recovery]: 50 });
  });

  it('never scales in a survivor that already runs more than the plan\'s full capacity', async () => {
    const f = await multiSiteFixture(22);
    await offPlanFleets(f, [10, 12, 20]);
    const { report } = await runStrategy({ strategy: multiSiteStrategy, plan: f.plan, sandbox: f.sandbox, clock: f.clock, app: f.names.app, operation: 'drill', drill: 'isolated', rollback: 'always', health: { recordName: f.names.dns!.recordName } });
    expect(report.status).toBe('succeeded');
    expect(await f.capacity(f.recovery)).toBe('10/12/20');
    expect(inServiceBetween(f, f.recovery, at(report.startedAt), at(report.endedAt)).fewest).toBe(12);
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
    const from = at(report.startedAt);
    const to = at(report.endedAt);
    expect(inServiceBetween(f, f.recovery, from, to)).toEqual({ fewest: 6, atEnd: 6 });
    // The primary takes its users back after the failback's scale-out: that step must not shrink it to the plan's 4.
    expect(inServiceBetween(f, f.primary, from, to)).toEqual({ fewest: 6, atEnd: 6 });
    expect(await f.weights()).toEqual({ [f.primary]: 50, [f.recovery]: 50 });
    expect(await f.writerRegion()).toBe(f.primary);
  });
});
