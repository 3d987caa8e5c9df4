/**
 * A drill leaves every fleet at the size it found it: record a group's size before the drill changes it, and
 * return the group straight to that size afterwards. The plan's capacities say what a region needs; they are not
 * what it runs today (an operator may have scaled it for a peak), so a drill that ends at the plan's size can cut
 * instances that were serving users before it started.
 */
import { type ActionStep, StepFailure } from '@firedrill/core';
import type { ActionOutcome } from '../aws/aws-call.js';
import { describeAutoScalingGroup, scaleAutoScalingGroup } from '../aws/auto-scaling.js';
import { journaled, previewCall, regionLabel } from './aws-step-options.js';
import { atLeastOrAt, formatCapacity as fmt, type GroupCapacity, type GroupStepOptions } from './compute-steps.js';

/** What {@link recordGroupSizeStep} returns: the group's size as it was read, kept in the journal. */
export interface RecordedGroupSize extends ActionOutcome {
  capacity: GroupCapacity;
}

/**
 * Reads a group's min, desired and max and keeps them in the journal, for {@link restoreGroupSizeStep}. Changes
 * nothing. Run it before any step that changes the group: the result is journaled before they start, so a resumed
 * run returns the group to the size it had before the drill, not to the size the drill gave it.
 *
 * @example
 * recordGroupSizeStep({ aws, side: 'recovery', name: 'checkout-asg-us-east-1', id: 'drill-record-recovery-size' });
 */
export function recordGroupSizeStep(options: GroupStepOptions): ActionStep<RecordedGroupSize> {
  const { aws, side, name } = options;
  return {
    id: options.id ?? `record-${side}-compute-size`,
    kind: 'action',
    title: `Record the size of ${name} in ${regionLabel(aws, side)} before the drill changes it`,
    why: 'The drill returns the group to the size it runs now, which may differ from the plan\'s: never fewer instances than served before.',
    ...(options.dependsOn ? { dependsOn: options.dependsOn } : {}),
    ...(options.policy ? { policy: options.policy } : {}),
    preview: () => [previewCall('autoScaling', aws.region(side), 'DescribeAutoScalingGroups', { AutoScalingGroupNames: [name] })],
    verifyByHand: `Note MinSize, DesiredCapacity and MaxSize of ${name} (aws autoscaling describe-auto-scaling-groups --region ${aws.region(side)} --auto-scaling-group-names ${name}).`,
    act: async (ctx) => {
      const group = await describeAutoScalingGroup({ autoScaling: aws.clients(side).autoScaling, name, signal: ctx.signal });
      if (group === undefined) {
        throw new StepFailure(`AutoScalingGroupNotFound: no Auto Scaling group ${name} in ${aws.region(side)}. Check the plan's auto-scaling-group resource.`, { code: 'AutoScalingGroupNotFound', retryable: false });
      }
      const capacity = { min: group.min, desired: group.desired, max: group.max };
      return journaled(ctx, { changed: false, note: `${name} runs at ${fmt(capacity)} (min/desired/max), ${group.inService} InService`, capacity });
    },
  };
}

/** Options of {@link restoreGroupSizeStep}. */
export interface RestoreGroupSizeStepOptions extends GroupStepOptions {
  /** The id of the {@link recordGroupSizeStep} that read the size to return to. */
  recordedBy: string;
  why?: string;
}

/**
 * Returns a group straight to the size {@link recordGroupSizeStep} read — one call, so it never passes through a
 * smaller size (setting the plan's size first, then putting the old one back, terminates serving instances and
 * launches replacements). No compensation: it is itself the undo. Follow it with `waitGroupInServiceStep` (and
 * `waitGroupScaledInStep`): the drill is done only when that many instances serve again.
 *
 * @example
 * restoreGroupSizeStep({ aws, side: 'recovery', name: 'checkout-asg-us-east-1', recordedBy: 'drill-record-recovery-size', dependsOn: ['drill-restore-weights'] });
 */
export function restoreGroupSizeStep(options: RestoreGroupSizeStepOptions): ActionStep<ActionOutcome> {
  const { aws, side, name, recordedBy } = options;
  const recorded = (ctx: { resultOf<T>(id: string): T | undefined }): GroupCapacity => {
    const capacity = ctx.resultOf<RecordedGroupSize>(recordedBy)?.capacity;
    if (capacity === undefined) {
      throw new StepFailure(`RecordedSizeMissing: the journal holds no size of ${name} from step ${recordedBy}. Set ${name} in ${aws.region(side)} to the size it had before the drill by hand, then mark this step done.`, { code: 'RecordedSizeMissing', retryable: false });
    }
    return capacity;
  };
  return {
    id: options.id ?? `restore-${side}-compute-size`,
    kind: 'action',
    title: `Return ${name} in ${regionLabel(aws, side)} to the size it had before the drill`,
    why: options.why ?? 'The drill leaves the fleet as it found it, without cutting an instance that served before.',
    ...(options.dependsOn ? { dependsOn: options.dependsOn } : {}),
    ...(options.policy ? { policy: options.policy } : {}),
    preview: () => [
      previewCall('autoScaling', aws.region(side), 'DescribeAutoScalingGroups', { AutoScalingGroupNames: [name] }),
      previewCall('autoScaling', aws.region(side), 'UpdateAutoScalingGroup', { AutoScalingGroupName: name, MinSize: `<recorded by ${recordedBy}>`, DesiredCapacity: `<recorded by ${recordedBy}>`, MaxSize: `<recorded by ${recordedBy}>` }),
    ],
    verifyByHand: `${name}'s MinSize, DesiredCapacity and MaxSize are those step ${recordedBy} recorded (see its journal note).`,
    check: async (ctx) => {
      const capacity = recorded(ctx);
      const group = await describeAutoScalingGroup({ autoScaling: aws.clients(side).autoScaling, name, signal: ctx.signal });
      return group !== undefined && atLeastOrAt(group, capacity, false) ? { applied: true, result: { changed: false, note: `${name} is already at its size before the drill, ${fmt(capacity)}` } } : { applied: false };
    },
    act: async (ctx) => journaled(ctx, await scaleAutoScalingGroup({ autoScaling: aws.clients(side).autoScaling, name, ...recorded(ctx), signal: ctx.signal })),
  };
}
