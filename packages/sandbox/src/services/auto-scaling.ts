/**
 * The simulated Auto Scaling API. Groups reconcile to their desired capacity when it changes: new
 * instances are Pending until launch + boot + health-check grace has passed, then InService; removed
 * instances are Terminating, then gone.
 */
import type { AutoScalingGroup } from '@aws-sdk/client-auto-scaling';
import { AwsApiError, badRequest } from '../errors.js';
import type { OperationContext, ServiceHandlers } from '../operation-context.js';
import { str } from '../operation-context.js';
import type { TagRecord } from '../resources.js';
import type { AutoScalingGroupRecord } from '../resources-compute.js';
import { scheduleFrom, valueAt } from '../timeline.js';
import { ec2Region } from './ec2-model.js';
import { launchInstances, requireAvailableImage, resolveLaunchTemplate } from './ec2-instances.js';

type Input = Record<string, unknown>;

const validation = (message: string): AwsApiError => badRequest('ValidationError', message);
const ACTIVE = new Set(['Pending', 'InService']);

function groups(ctx: OperationContext): Record<string, AutoScalingGroupRecord> {
  const g = ctx.world.autoScaling[ctx.region];
  if (!g) throw validation(`Region ${ctx.region} is not simulated`);
  return g;
}

function findGroup(ctx: OperationContext, name: string | undefined): AutoScalingGroupRecord {
  const group = name === undefined ? undefined : groups(ctx)[name];
  if (!group || group.deletedAt !== undefined) throw validation(`AutoScalingGroup name not found - AutoScalingGroup ${name ?? ''} not found`);
  return group;
}

function checkSizes(min: number, desired: number, max: number): void {
  for (const [k, v] of Object.entries({ MinSize: min, DesiredCapacity: desired, MaxSize: max })) {
    if (!Number.isInteger(v) || v < 0) throw validation(`${k} must be a non-negative integer, got ${v}`);
  }
  if (min > max) throw validation(`The minimum size ${min} must be less than or equal to the maximum size ${max}.`);
  if (desired < min || desired > max) throw validation(`Desired capacity:${desired} must be between the specified min size:${min} and max size:${max}`);
}

/** Launches or terminates instances so that Pending + InService equals the desired capacity. */
export function reconcile(ctx: OperationContext, group: AutoScalingGroupRecord): void {
  const active = group.instances.filter((i) => ACTIVE.has(valueAt(i.lifecycle, ctx.now) ?? ''));
  if (active.length < group.desiredCapacity) scaleOut(ctx, group, group.desiredCapacity - active.length);
  if (active.length > group.desiredCapacity) {
    const byAge = [...active].sort((a, b) => Number(valueAt(b.lifecycle, ctx.now) === 'Pending') - Number(valueAt(a.lifecycle, ctx.now) === 'Pending') || b.lifecycle[0]!.at - a.lifecycle[0]!.at);
    for (const instance of byAge.slice(0, active.length - group.desiredCapacity)) {
      const done = ctx.completesAt('autoscaling.instanceTerminated', instance.instanceId);
      scheduleFrom(instance.lifecycle, ctx.now, [{ at: ctx.now, value: 'Terminating' }, ...(done === undefined ? [] : [{ at: done, value: 'Terminated' }])]);
      const ec2 = ec2Region(ctx).instances[instance.instanceId];
      if (ec2) scheduleFrom(ec2.state, ctx.now, [{ at: ctx.now, value: 'shutting-down' }, ...(done === undefined ? [] : [{ at: done, value: 'terminated' }])]);
    }
  }
}

function scaleOut(ctx: OperationContext, group: AutoScalingGroupRecord, count: number): void {
  try {
    const lt = resolveLaunchTemplate(ctx, group.launchTemplate ? { LaunchTemplateId: group.launchTemplate.id, Version: group.launchTemplate.version } : undefined);
    if (!lt) throw validation('The group has no launch template.');
    const data = lt.template.versions.find((v) => v.version === lt.version)!.data;
    const imageId = requireAvailableImage(ctx, data.ImageId);
    const tags: TagRecord[] = [{ Key: 'aws:autoscaling:groupName', Value: group.name }, ...group.tags.map((t) => ({ Key: t.Key, Value: t.Value }))];
    const launched = launchInstances(ctx, {
      imageId, instanceType: data.InstanceType ?? 'm5.large', count, tags,
      launchTemplate: { id: lt.template.id, name: lt.template.name, version: String(lt.version) },
    });
    for (const [i, instance] of launched.entries()) {
      const az = group.availabilityZones[i % Math.max(1, group.availabilityZones.length)] ?? instance.availabilityZone;
      instance.availabilityZone = az;
      const inService = ctx.completesAt('autoscaling.instanceInService', instance.id);
      const running = instance.state[1]?.at;
      const lifecycle = [{ at: ctx.now, value: 'Pending' }];
      if (inService !== undefined && running !== undefined) lifecycle.push({ at: Math.max(inService, running), value: 'InService' });
      group.instances.push({ instanceId: instance.id, availabilityZone: az, lifecycle });
    }
    delete group.lastActivityError;
  } catch (error) {
    // Auto Scaling accepts the request; the launch activity fails and no instance appears (as in AWS).
    group.lastActivityError = error instanceof Error ? error.message : String(error);
  }
}

function toGroup(ctx: OperationContext, g: AutoScalingGroupRecord): AutoScalingGroup {
  const visible = g.instances.filter((i) => valueAt(i.lifecycle, ctx.now) !== 'Terminated');
  const out: AutoScalingGroup = {
    AutoScalingGroupName: g.name,
    AutoScalingGroupARN: g.arn,
    MinSize: g.minSize,
    MaxSize: g.maxSize,
    DesiredCapacity: g.desiredCapacity,
    DefaultCooldown: 300,
    AvailabilityZones: [...g.availabilityZones],
    HealthCheckType: g.healthCheckType,
    HealthCheckGracePeriod: g.healthCheckGracePeriod,
    CreatedTime: new Date(g.createdAt),
    Instances: visible.map((i) => ({
      InstanceId: i.instanceId,
      AvailabilityZone: i.availabilityZone,
      LifecycleState: valueAt(i.lifecycle, ctx.now) as never,
      HealthStatus: 'Healthy',
      ProtectedFromScaleIn: false,
      ...(g.launchTemplate ? { LaunchTemplate: { LaunchTemplateId: g.launchTemplate.id, LaunchTemplateName: g.launchTemplate.name, Version: g.launchTemplate.version } } : {}),
    })),
    Tags: g.tags.map((t) => ({ Key: t.Key, Value: t.Value, ResourceId: g.name, ResourceType: 'auto-scaling-group', PropagateAtLaunch: true })),
  };
  if (g.launchTemplate) out.LaunchTemplate = { LaunchTemplateId: g.launchTemplate.id, LaunchTemplateName: g.launchTemplate.name, Version: g.launchTemplate.version };
  if (g.vpcZoneIdentifier) out.VPCZoneIdentifier = g.vpcZoneIdentifier;
  if (g.status) out.Status = g.status;
  return out;
}

function createAutoScalingGroup(ctx: OperationContext, input: Input): object {
  const name = str(input, 'AutoScalingGroupName');
  if (!name) throw validation('1 validation error detected: Value null at \'autoScalingGroupName\' failed to satisfy constraint: Member must not be null');
  const existing = groups(ctx)[name];
  if (existing && existing.deletedAt === undefined) throw badRequest('AlreadyExists', `AutoScalingGroup by this name already exists - A group with the name ${name} already exists`);
  const min = Number(input['MinSize']);
  const max = Number(input['MaxSize']);
  const desired = input['DesiredCapacity'] === undefined ? min : Number(input['DesiredCapacity']);
  checkSizes(min, desired, max);
  const spec = input['LaunchTemplate'] as { LaunchTemplateId?: string; LaunchTemplateName?: string; Version?: string } | undefined;
  if (!spec) throw validation('Valid requests must contain either LaunchTemplate, LaunchConfigurationName, InstanceId or MixedInstancesPolicy parameter.');
  const lt = resolveLaunchTemplate(ctx, spec)!;
  const zones = Array.isArray(input['AvailabilityZones']) ? (input['AvailabilityZones'] as string[]) : [`${ctx.region}a`, `${ctx.region}b`];
  const group: AutoScalingGroupRecord = {
    name, region: ctx.region,
    arn: `arn:aws:autoscaling:${ctx.region}:${ctx.world.accountId}:autoScalingGroup:${ctx.random.hex(8)}-${ctx.random.hex(4)}:autoScalingGroupName/${name}`,
    minSize: min, maxSize: max, desiredCapacity: desired,
    launchTemplate: { id: lt.template.id, name: lt.template.name, version: spec.Version ?? '$Default' },
    availabilityZones: zones, healthCheckGracePeriod: Number(input['HealthCheckGracePeriod'] ?? 300), healthCheckType: str(input, 'HealthCheckType') ?? 'EC2',
    createdAt: ctx.now, instances: [],
    tags: (Array.isArray(input['Tags']) ? (input['Tags'] as TagRecord[]) : []).map((t) => ({ Key: String(t.Key), Value: String(t.Value ?? '') })),
  };
  const vpc = str(input, 'VPCZoneIdentifier');
  if (vpc) group.vpcZoneIdentifier = vpc;
  groups(ctx)[name] = group;
  reconcile(ctx, group);
  return {};
}

function updateAutoScalingGroup(ctx: OperationContext, input: Input): object {
  const group = findGroup(ctx, str(input, 'AutoScalingGroupName'));
  const min = input['MinSize'] === undefined ? group.minSize : Number(input['MinSize']);
  const max = input['MaxSize'] === undefined ? group.maxSize : Number(input['MaxSize']);
  let desired = input['DesiredCapacity'] === undefined ? group.desiredCapacity : Number(input['DesiredCapacity']);
  // AWS: a new MinSize above (or MaxSize below) the current size moves the desired capacity with it.
  if (input['DesiredCapacity'] === undefined) desired = Math.min(Math.max(desired, min), max);
  checkSizes(min, desired, max);
  const spec = input['LaunchTemplate'] as { LaunchTemplateId?: string; LaunchTemplateName?: string; Version?: string } | undefined;
  if (spec) {
    const lt = resolveLaunchTemplate(ctx, spec)!;
    group.launchTemplate = { id: lt.template.id, name: lt.template.name, version: spec.Version ?? '$Default' };
  }
  Object.assign(group, { minSize: min, maxSize: max, desiredCapacity: desired });
  reconcile(ctx, group);
  return {};
}

function setDesiredCapacity(ctx: OperationContext, input: Input): object {
  const group = findGroup(ctx, str(input, 'AutoScalingGroupName'));
  const desired = Number(input['DesiredCapacity']);
  if (!Number.isInteger(desired) || desired < 0) throw validation(`DesiredCapacity must be a non-negative integer`);
  if (desired > group.maxSize) throw validation(`New SetDesiredCapacity value ${desired} is above max value ${group.maxSize} for the AutoScalingGroup.`);
  if (desired < group.minSize) throw validation(`New SetDesiredCapacity value ${desired} is below min value ${group.minSize} for the AutoScalingGroup.`);
  group.desiredCapacity = desired;
  reconcile(ctx, group);
  return {};
}

function deleteAutoScalingGroup(ctx: OperationContext, input: Input): object {
  const group = findGroup(ctx, str(input, 'AutoScalingGroupName'));
  const active = group.instances.filter((i) => ACTIVE.has(valueAt(i.lifecycle, ctx.now) ?? ''));
  if (active.length > 0 && input['ForceDelete'] !== true) {
    throw badRequest('ResourceInUse', 'You cannot delete an AutoScalingGroup while there are instances or pending Spot instance request(s) still in the group.');
  }
  Object.assign(group, { minSize: 0, maxSize: 0, desiredCapacity: 0, status: 'Delete in progress' });
  reconcile(ctx, group);
  const last = Math.max(ctx.now, ...group.instances.map((i) => i.lifecycle[i.lifecycle.length - 1]!.at));
  group.deletedAt = last;
  return {};
}

function describeAutoScalingGroups(ctx: OperationContext, input: Input): object {
  const names = Array.isArray(input['AutoScalingGroupNames']) ? (input['AutoScalingGroupNames'] as string[]) : [];
  const list = Object.values(groups(ctx)).filter((g) => (g.deletedAt === undefined || g.deletedAt > ctx.now) && (names.length === 0 || names.includes(g.name)));
  return { AutoScalingGroups: list.map((g) => toGroup(ctx, g)) };
}

/** Every Auto Scaling operation the sandbox simulates. */
export const autoScalingHandlers: ServiceHandlers = {
  CreateAutoScalingGroup: createAutoScalingGroup,
  UpdateAutoScalingGroup: updateAutoScalingGroup,
  SetDesiredCapacity: setDesiredCapacity,
  DeleteAutoScalingGroup: deleteAutoScalingGroup,
  DescribeAutoScalingGroups: describeAutoScalingGroups,
};
