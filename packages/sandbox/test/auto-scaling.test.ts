import { AutoScalingClient, DescribeAutoScalingGroupsCommand, SetDesiredCapacityCommand, UpdateAutoScalingGroupCommand } from '@aws-sdk/client-auto-scaling';
import { describe, expect, it } from 'vitest';
import { buildPilotLightScenario } from '../src/index.js';
import { VirtualClock } from '@firedrill/core';

describe('Auto Scaling', () => {
  it('reaches InService ≥ desired only after launch + boot + grace, and the endpoint turns healthy', async () => {
    const clock = new VirtualClock();
    const { sandbox, names } = await buildPilotLightScenario({ clock });
    const asg = sandbox.client(AutoScalingClient, names.recoveryRegion);
    const group = names.compute.recovery!.autoScalingGroupName;
    const start = clock.now();
    await asg.send(new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: group, MinSize: 4, DesiredCapacity: 4, MaxSize: 8 }));
    let inServiceAt = 0;
    for (;;) {
      const g = (await asg.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [group] }))).AutoScalingGroups![0]!;
      const inService = g.Instances!.filter((i) => i.LifecycleState === 'InService').length;
      if (inService >= g.DesiredCapacity!) {
        inServiceAt = clock.now() - start;
        break;
      }
      expect(g.Instances).toHaveLength(4);
      await clock.sleep(5_000);
    }
    expect(inServiceAt).toBeGreaterThanOrEqual(90_000);
    expect(inServiceAt).toBeLessThanOrEqual(190_000);
  });

  it('validates Min ≤ Desired ≤ Max with ValidationError', async () => {
    const clock = new VirtualClock();
    const { sandbox, names } = await buildPilotLightScenario({ clock });
    const asg = sandbox.client(AutoScalingClient, names.primaryRegion);
    const error = await asg.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: names.compute.primary!.autoScalingGroupName, DesiredCapacity: 9 })).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'ValidationError', $fault: 'client', $metadata: { httpStatusCode: 400 } });
  });

  it('scale-in marks instances Terminating, then removes them', async () => {
    const clock = new VirtualClock();
    const { sandbox, names } = await buildPilotLightScenario({ clock });
    const asg = sandbox.client(AutoScalingClient, names.primaryRegion);
    const group = names.compute.primary!.autoScalingGroupName;
    await asg.send(new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: group, MinSize: 1, DesiredCapacity: 1 }));
    const g = (await asg.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [group] }))).AutoScalingGroups![0]!;
    expect(g.Instances!.filter((i) => i.LifecycleState === 'Terminating')).toHaveLength(3);
    await clock.sleep(120_000);
    const after = (await asg.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [group] }))).AutoScalingGroups![0]!;
    expect(after.Instances).toHaveLength(1);
  });
});
