import { type AutoScalingClient, DescribeAutoScalingGroupsCommand, UpdateAutoScalingGroupCommand } from '@aws-sdk/client-auto-scaling';
import { type ActionOutcome, type AdapterCallOptions, adapterFailure, callAws, sendOptions } from './aws-call.js';

/** An Auto Scaling group, as the strategies need it. */
export interface AutoScalingGroupSummary {
  name: string;
  min: number;
  desired: number;
  max: number;
  inService: number;
  instanceIds: string[];
  launchTemplate: { id: string | undefined; name: string | undefined; version: string | undefined } | undefined;
  status: string | undefined;
}

/** Options naming one group. */
export interface AutoScalingGroupOptions extends AdapterCallOptions {
  autoScaling: AutoScalingClient;
  name: string;
}

const site = (autoScaling: AutoScalingClient, command: string, resource: string) => ({ service: 'autoScaling' as const, client: autoScaling, command, resource });

/** Describes one group; `undefined` when it does not exist (Auto Scaling answers with an empty list, not an error). */
export async function describeAutoScalingGroup(options: AutoScalingGroupOptions): Promise<AutoScalingGroupSummary | undefined> {
  const { autoScaling, name, signal } = options;
  const out = await callAws(site(autoScaling, 'DescribeAutoScalingGroups', name), signal, () =>
    autoScaling.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [name] }), sendOptions(signal)));
  const group = out.AutoScalingGroups?.find((g) => g.AutoScalingGroupName === name);
  if (group === undefined) return undefined;
  const template = group.LaunchTemplate ?? group.MixedInstancesPolicy?.LaunchTemplate?.LaunchTemplateSpecification;
  return {
    name,
    min: group.MinSize ?? 0,
    desired: group.DesiredCapacity ?? 0,
    max: group.MaxSize ?? 0,
    inService: (group.Instances ?? []).filter((i) => i.LifecycleState === 'InService').length,
    instanceIds: (group.Instances ?? []).flatMap((i) => (i.InstanceId ? [i.InstanceId] : [])),
    launchTemplate: template === undefined ? undefined : { id: template.LaunchTemplateId, name: template.LaunchTemplateName, version: template.Version },
    status: group.Status,
  };
}

/** Options of {@link scaleAutoScalingGroup}. */
export interface ScaleAutoScalingGroupOptions extends AutoScalingGroupOptions {
  min: number;
  desired: number;
  max: number;
  /**
   * Treat min, desired and max as floors: each is raised to the value given, never lowered. A group that already
   * runs more than asked (an operator scaled it up for a peak) keeps its size, because its instances serve users.
   *
   * @default false
   */
  atLeast?: boolean;
}

/** The size a group is given: `wanted`, or with `atLeast` each field the larger of `wanted` and `current`. */
function targetSize(current: { min: number; desired: number; max: number }, wanted: { min: number; desired: number; max: number }, atLeast: boolean): { min: number; desired: number; max: number } {
  if (!atLeast) return wanted;
  // Both sizes satisfy min ≤ desired ≤ max, so their field-wise maximum does too.
  return { min: Math.max(current.min, wanted.min), desired: Math.max(current.desired, wanted.desired), max: Math.max(current.max, wanted.max) };
}

/**
 * Sets a group's min, desired and max together (pilot light 0 → N, warm standby to production size, failback to
 * the warm size). Check-then-act: already at those values → no call. Wait with `groupInService` (compares with
 * DesiredCapacity) or `groupScaledIn`. With `atLeast` it only ever grows the group.
 *
 * @example
 * await scaleAutoScalingGroup({ autoScaling, name: 'tracking-web-dr', min: 4, desired: 6, max: 12, signal });
 * await scaleAutoScalingGroup({ autoScaling, name: 'tracking-web-dr', min: 8, desired: 8, max: 16, atLeast: true, signal });
 */
export async function scaleAutoScalingGroup(options: ScaleAutoScalingGroupOptions): Promise<ActionOutcome & { previous?: { min: number; desired: number; max: number } }> {
  const { autoScaling, name, signal } = options;
  for (const [field, value] of Object.entries({ min: options.min, desired: options.desired, max: options.max })) {
    if (!Number.isInteger(value) || value < 0) throw new TypeError(`scaleAutoScalingGroup: ${field}: expected a whole number ≥ 0, got ${value}`);
  }
  if (!(options.min <= options.desired && options.desired <= options.max)) throw new TypeError(`scaleAutoScalingGroup: expected min ≤ desired ≤ max, got ${options.min} / ${options.desired} / ${options.max}`);
  const group = await describeAutoScalingGroup(options);
  if (group === undefined) {
    throw adapterFailure(`AutoScalingGroupNotFound: no Auto Scaling group ${name} in ${await autoScaling.config.region()}. Check the plan.`, 'AutoScalingGroupNotFound');
  }
  const previous = { min: group.min, desired: group.desired, max: group.max };
  const { min, desired, max } = targetSize(previous, options, options.atLeast ?? false);
  if (group.min === min && group.desired === desired && group.max === max) {
    return { changed: false, note: `${name} is already at min ${min}, desired ${desired}, max ${max}`, previous };
  }
  await callAws(site(autoScaling, 'UpdateAutoScalingGroup', name), signal, () =>
    autoScaling.send(new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: name, MinSize: min, DesiredCapacity: desired, MaxSize: max }), sendOptions(signal)));
  return { changed: true, note: `${name}: min ${group.min}→${min}, desired ${group.desired}→${desired}, max ${group.max}→${max}`, previous };
}
