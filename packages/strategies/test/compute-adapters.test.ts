import { AutoScalingClient, DescribeAutoScalingGroupsCommand, UpdateAutoScalingGroupCommand } from '@aws-sdk/client-auto-scaling';
import {
  CopyImageCommand,
  DescribeImagesCommand,
  DescribeInstancesCommand,
  EC2Client,
  RunInstancesCommand,
  StartInstancesCommand,
  TerminateInstancesCommand,
} from '@aws-sdk/client-ec2';
import { idempotencyToken } from '@firedrill/core';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { scaleAutoScalingGroup } from '../src/aws/auto-scaling.js';
import { copyImage, runInstancesFromAmi, startInstances, terminateInstances } from '../src/aws/ec2.js';

const credentials = { accessKeyId: 'a', secretAccessKey: 'b' };
const autoScaling = new AutoScalingClient({ region: 'us-west-2', credentials });
const ec2 = new EC2Client({ region: 'us-west-2', credentials });
const asgMock = mockClient(autoScaling);
const ec2Mock = mockClient(ec2);
beforeEach(() => {
  asgMock.reset();
  ec2Mock.reset();
});

const group = (min: number, desired: number, max: number) => ({
  AutoScalingGroups: [{ AutoScalingGroupName: 'web', MinSize: min, DesiredCapacity: desired, MaxSize: max, DefaultCooldown: 300, AvailabilityZones: [], HealthCheckType: 'EC2', CreatedTime: new Date(0), Instances: [] }],
});

describe('scaleAutoScalingGroup', () => {
  it('sets min, desired and max together', async () => {
    asgMock.on(DescribeAutoScalingGroupsCommand).resolves(group(0, 0, 0));
    asgMock.on(UpdateAutoScalingGroupCommand).resolves({});
    const outcome = await scaleAutoScalingGroup({ autoScaling, name: 'web', min: 2, desired: 4, max: 8 });
    expect(outcome).toMatchObject({ changed: true, previous: { min: 0, desired: 0, max: 0 } });
    expect(asgMock.commandCalls(UpdateAutoScalingGroupCommand)[0]?.args[0].input).toEqual({ AutoScalingGroupName: 'web', MinSize: 2, DesiredCapacity: 4, MaxSize: 8 });
  });

  it('makes no call when the group is already at those values', async () => {
    asgMock.on(DescribeAutoScalingGroupsCommand).resolves(group(2, 4, 8));
    expect(await scaleAutoScalingGroup({ autoScaling, name: 'web', min: 2, desired: 4, max: 8 })).toMatchObject({ changed: false });
    expect(asgMock.commandCalls(UpdateAutoScalingGroupCommand)).toHaveLength(0);
  });

  it('rejects inconsistent sizes before calling AWS, and a missing group with its name', async () => {
    await expect(scaleAutoScalingGroup({ autoScaling, name: 'web', min: 4, desired: 2, max: 8 })).rejects.toThrow(/min ≤ desired ≤ max/);
    asgMock.on(DescribeAutoScalingGroupsCommand).resolves({ AutoScalingGroups: [] });
    await expect(scaleAutoScalingGroup({ autoScaling, name: 'web', min: 1, desired: 1, max: 1 })).rejects.toMatchObject({ code: 'AutoScalingGroupNotFound' });
  });
});

describe('runInstancesFromAmi', () => {
  const token = idempotencyToken('run-42', 'launch-app');

  it('launches with a stable ClientToken derived from run and step', async () => {
    ec2Mock.on(DescribeInstancesCommand).resolves({ Reservations: [] });
    ec2Mock.on(RunInstancesCommand).resolves({ Instances: [{ InstanceId: 'i-1' }, { InstanceId: 'i-2' }] });
    const outcome = await runInstancesFromAmi({ ec2, clientToken: token, count: 2, imageId: 'ami-1', instanceType: 't3.micro', tags: { 'firedrill:run': 'run-42' } });
    expect(outcome).toMatchObject({ changed: true, instanceIds: ['i-1', 'i-2'] });
    expect(ec2Mock.commandCalls(DescribeInstancesCommand)[0]?.args[0].input).toEqual({ Filters: [{ Name: 'client-token', Values: [token] }] });
    expect(ec2Mock.commandCalls(RunInstancesCommand)[0]?.args[0].input).toEqual({
      ClientToken: token, MinCount: 2, MaxCount: 2, ImageId: 'ami-1', InstanceType: 't3.micro',
      TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'firedrill:run', Value: 'run-42' }] }],
    });
    expect(idempotencyToken('run-42', 'launch-app')).toBe(token);
  });

  it('never launches twice: instances with the token already exist', async () => {
    ec2Mock.on(DescribeInstancesCommand).resolves({ Reservations: [{ Instances: [{ InstanceId: 'i-1', State: { Name: 'pending' } }] }] });
    expect(await runInstancesFromAmi({ ec2, clientToken: token, count: 1, imageId: 'ami-1' })).toMatchObject({ changed: false, instanceIds: ['i-1'] });
    expect(ec2Mock.commandCalls(RunInstancesCommand)).toHaveLength(0);
  });

  it('rejects a token EC2 would refuse', async () => {
    await expect(runInstancesFromAmi({ ec2, clientToken: 'x'.repeat(65), count: 1, imageId: 'ami-1' })).rejects.toThrow(/clientToken/);
  });
});

describe('instance transitions and AMI copies', () => {
  it('starts only the instances that are not already starting or running', async () => {
    ec2Mock.on(DescribeInstancesCommand).resolves({ Reservations: [{ Instances: [
      { InstanceId: 'i-1', State: { Name: 'running' } }, { InstanceId: 'i-2', State: { Name: 'stopped' } },
    ] }] });
    ec2Mock.on(StartInstancesCommand).resolves({});
    await startInstances({ ec2, instanceIds: ['i-1', 'i-2'] });
    expect(ec2Mock.commandCalls(StartInstancesCommand)[0]?.args[0].input).toEqual({ InstanceIds: ['i-2'] });
  });

  it('treats instances that no longer exist as terminated', async () => {
    ec2Mock.on(DescribeInstancesCommand).rejects(Object.assign(new Error('not found'), { name: 'InvalidInstanceID.NotFound', $fault: 'client', $metadata: { httpStatusCode: 400 } }));
    expect(await terminateInstances({ ec2, instanceIds: ['i-gone'] })).toMatchObject({ changed: false });
    expect(ec2Mock.commandCalls(TerminateInstancesCommand)).toHaveLength(0);
  });

  it('copies an AMI with its ClientToken, and reuses a copy of the same name', async () => {
    ec2Mock.on(DescribeImagesCommand).resolves({ Images: [] });
    ec2Mock.on(CopyImageCommand).resolves({ ImageId: 'ami-copy' });
    await copyImage({ ec2, sourceImageId: 'ami-src', sourceRegion: 'us-east-1', name: 'app-2026-01-01', clientToken: 'tok-1' });
    expect(ec2Mock.commandCalls(CopyImageCommand)[0]?.args[0].input).toEqual({
      SourceImageId: 'ami-src', SourceRegion: 'us-east-1', Name: 'app-2026-01-01', ClientToken: 'tok-1', CopyImageTags: true,
    });
    ec2Mock.reset();
    ec2Mock.on(DescribeImagesCommand).resolves({ Images: [{ ImageId: 'ami-copy', State: 'pending', Name: 'app-2026-01-01' }] });
    expect(await copyImage({ ec2, sourceImageId: 'ami-src', sourceRegion: 'us-east-1', name: 'app-2026-01-01', clientToken: 'tok-1' })).toMatchObject({ changed: false, imageId: 'ami-copy' });
    expect(ec2Mock.commandCalls(CopyImageCommand)).toHaveLength(0);
  });
});
