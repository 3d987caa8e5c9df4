/**
 * How many instances of an Auto Scaling group served over a stretch of time, from the sandbox's timelines (not
 * sampled): the fewest InService at any moment, and how many at the end. A drill must never run a serving fleet on
 * fewer instances than it had, and must end with them serving.
 */
import { AutoScalingClient, UpdateAutoScalingGroupCommand } from '@aws-sdk/client-auto-scaling';
import type { Clock } from '@firedrill/core';
import type { Sandbox } from '../../../sandbox/src/index.js';
import { valueAt } from '../../../sandbox/src/timeline.js';

/** The fewest instances of `group` InService at any moment in [from, to], and how many at `to`. */
export function inServiceBetween(sandbox: Sandbox, region: string, group: string, from: number, to: number): { fewest: number; atEnd: number } {
  const record = sandbox.world.autoScaling[region]![group]!;
  const count = (t: number): number => record.instances.filter((i) => valueAt(i.lifecycle, t) === 'InService').length;
  const moments = [from, to, ...record.instances.flatMap((i) => i.lifecycle.map((c) => c.at)).filter((t) => t > from && t < to)];
  return { fewest: Math.min(...moments.map(count)), atEnd: count(to) };
}

/** Sets a group to `[min, desired, max]` through the SDK — as an operator would, off the plan's size — and waits 10 minutes for it to serve. */
export async function resizeFleet(sandbox: Sandbox, clock: Clock, region: string, group: string, [min, desired, max]: readonly [number, number, number]): Promise<void> {
  await sandbox.client(AutoScalingClient, region).send(new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: group, MinSize: min, DesiredCapacity: desired, MaxSize: max }));
  await clock.sleep(10 * 60_000);
}
