import { DeleteLaunchTemplateCommand, DescribeInstancesCommand, DescribeLaunchTemplateVersionsCommand, EC2Client, RunInstancesCommand } from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import { buildWarmStandbyScenario } from '../src/index.js';
import { VirtualClock } from '@firedrill/core';

describe('EC2', () => {
  it('launches once for a ClientToken used twice, and goes pending → running', async () => {
    const clock = new VirtualClock();
    const { sandbox, names } = await buildWarmStandbyScenario({ clock });
    const ec2 = sandbox.client(EC2Client, names.recoveryRegion);
    const input = { ImageId: names.compute.recovery!.imageId, MinCount: 2, MaxCount: 2, ClientToken: 'drill-42', TagSpecifications: [{ ResourceType: 'instance' as const, Tags: [{ Key: 'Name', Value: 'drill' }] }] };
    const first = await ec2.send(new RunInstancesCommand(input));
    const second = await ec2.send(new RunInstancesCommand(input));
    expect(second.Instances!.map((i) => i.InstanceId)).toEqual(first.Instances!.map((i) => i.InstanceId));
    expect(first.Instances![0]!.State?.Name).toBe('pending');
    const runs = sandbox.calls({ command: 'RunInstances', outcome: 'ok' });
    expect(runs).toHaveLength(2);
    const tagged = await ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: 'tag:Name', Values: ['drill'] }] }));
    expect(tagged.Reservations!.flatMap((r) => r.Instances!)).toHaveLength(2);
    await clock.sleep(17_000);
    const running = await ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: 'tag:Name', Values: ['drill'] }, { Name: 'instance-state-name', Values: ['running'] }] }));
    expect(running.Reservations!.flatMap((r) => r.Instances!)).toHaveLength(2);
  });

  it('rejects an AMI that does not exist in the region (InvalidAMIID.NotFound) and unknown instances', async () => {
    const clock = new VirtualClock();
    const { sandbox, names } = await buildWarmStandbyScenario({ clock });
    const ec2 = sandbox.client(EC2Client, names.recoveryRegion);
    const bad = await ec2.send(new RunInstancesCommand({ ImageId: names.compute.primary!.imageId === names.compute.recovery!.imageId ? 'ami-00000000000ffffff' : 'ami-00000000000ffffff', MinCount: 1, MaxCount: 1 })).catch((e: unknown) => e);
    expect(bad).toMatchObject({ name: 'InvalidAMIID.NotFound', $fault: 'client', $metadata: { httpStatusCode: 400 } });
    const missing = await ec2.send(new DescribeInstancesCommand({ InstanceIds: ['i-0123456789abcdef0'] })).catch((e: unknown) => e);
    expect(missing).toMatchObject({ name: 'InvalidInstanceID.NotFound', Code: 'InvalidInstanceID.NotFound' });
  });

  it('deletes a launch template an Auto Scaling group launches from (EC2 allows it); it is then not found', async () => {
    const clock = new VirtualClock();
    const { sandbox, names } = await buildWarmStandbyScenario({ clock });
    const ec2 = sandbox.client(EC2Client, names.recoveryRegion);
    const name = names.compute.recovery!.launchTemplateName;
    const deleted = await ec2.send(new DeleteLaunchTemplateCommand({ LaunchTemplateName: name }));
    expect(deleted.LaunchTemplate?.LaunchTemplateName).toBe(name);
    const gone = await ec2.send(new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateName: name, Versions: ['$Default'] })).catch((e: unknown) => e);
    expect(gone).toMatchObject({ name: 'InvalidLaunchTemplateName.NotFoundException', $fault: 'client' });
    const again = await ec2.send(new DeleteLaunchTemplateCommand({ LaunchTemplateName: name })).catch((e: unknown) => e);
    expect(again).toMatchObject({ name: 'InvalidLaunchTemplateName.NotFoundException' });
  });
});
