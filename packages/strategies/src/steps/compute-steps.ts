/**
 * Compute building blocks: set an Auto Scaling group's size (pilot light 0 → N, warm standby to production
 * size, failback to the standby size) and wait until the new capacity serves — InService against
 * DesiredCapacity, not MinSize as the SDK's waiter does.
 */
import { DescribeAutoScalingGroupsCommand } from '@aws-sdk/client-auto-scaling';
import type { ActionStep, WaitStep } from '@firedrill/core';
import type { ActionOutcome } from '../aws/aws-call.js';
import { describeAutoScalingGroup, scaleAutoScalingGroup } from '../aws/auto-scaling.js';
import { waiters } from '../aws/waiters/waiter-registry.js';
import type { AwsEnvironment, Side } from '../aws-environment.js';
import { type AwsStepOptions, compensateUnlessKept, journaled, previewCall, regionLabel } from './aws-step-options.js';
import { type AwsWaitResult, awsWaitStep, waitPolicy } from './aws-wait-step.js';

/** A group size. */
export interface GroupCapacity {
  min: number;
  desired: number;
  max: number;
}

/** Options naming one Auto Scaling group. */
export interface GroupStepOptions extends AwsStepOptions {
  side: Side;
  name: string;
}

/** What {@link scaleGroupStep} returns: the adapter's outcome and the size before, for the compensation. */
export interface ScaleResult extends ActionOutcome {
  previous?: GroupCapacity;
}

const describeGroup = (aws: AwsEnvironment, side: Side, name: string) => (signal: AbortSignal | undefined) =>
  aws.clients(side).autoScaling.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [name] }), signal ? { abortSignal: signal } : {});

/** A capacity as min/desired/max, for titles and notes. */
export const formatCapacity = (c: GroupCapacity): string => `${c.min}/${c.desired}/${c.max}`;
const fmt = formatCapacity;

/** Options of {@link scaleGroupStep}. */
export interface ScaleGroupStepOptions extends GroupStepOptions {
  capacity: GroupCapacity;
  title?: string;
  why?: string;
  /** Undo on rollback: put back the size found before. @default true */
  compensate?: boolean;
  /**
   * `capacity` is a floor: min, desired and max are each raised to it, never lowered. Use it for every scale-out
   * of a region about to carry traffic: a group an operator already runs larger keeps its size (its instances
   * serve users), where a plain set would terminate the extra ones.
   *
   * @default false
   */
  atLeast?: boolean;
}

/** Whether `group` is at `capacity` (or, `atLeast`, at or above it on each of min, desired and max). */
export const atLeastOrAt = (group: GroupCapacity, capacity: GroupCapacity, atLeast: boolean): boolean =>
  atLeast
    ? group.min >= capacity.min && group.desired >= capacity.desired && group.max >= capacity.max
    : group.min === capacity.min && group.desired === capacity.desired && group.max === capacity.max;

/**
 * Sets a group's min, desired and max together (with `atLeast`, raises them to at least those values).
 * Check-then-act: already at that size → no call. The compensation restores the size found before (a rolled-back
 * failover turns the recovery fleet back down).
 *
 * @example
 * scaleGroupStep({ aws, side: 'recovery', name: 'tracking-asg-us-west-2', capacity: { min: 4, desired: 4, max: 8 }, atLeast: true, dependsOn: ['declare-disaster'] });
 */
export function scaleGroupStep(options: ScaleGroupStepOptions): ActionStep<ScaleResult> {
  const { aws, side, name, capacity } = options;
  const atLeast = options.atLeast ?? false;
  const step: ActionStep<ScaleResult> = {
    id: options.id ?? `scale-${side}-compute`,
    kind: 'action',
    title: options.title ?? `Scale ${name} in ${regionLabel(aws, side)} to ${atLeast ? 'at least ' : ''}${fmt(capacity)} (min/desired/max)`,
    why: options.why ?? 'The region must have the capacity to serve production traffic.',
    ...(options.dependsOn ? { dependsOn: options.dependsOn } : {}),
    ...(options.policy ? { policy: options.policy } : {}),
    preview: () => [
      previewCall('autoScaling', aws.region(side), 'DescribeAutoScalingGroups', { AutoScalingGroupNames: [name] }),
      previewCall('autoScaling', aws.region(side), 'UpdateAutoScalingGroup', { AutoScalingGroupName: name, MinSize: capacity.min, DesiredCapacity: capacity.desired, MaxSize: capacity.max }),
    ],
    verifyByHand: `aws autoscaling describe-auto-scaling-groups --region ${aws.region(side)} --auto-scaling-group-names ${name}: MinSize ${atLeast ? 'at least ' : ''}${capacity.min}, DesiredCapacity ${atLeast ? 'at least ' : ''}${capacity.desired}, MaxSize ${atLeast ? 'at least ' : ''}${capacity.max}.`,
    undoByHand: `Set ${name} back to the size it had before (see this step's journal note).`,
    check: async (ctx) => {
      const group = await describeAutoScalingGroup({ autoScaling: aws.clients(side).autoScaling, name, signal: ctx.signal });
      return group !== undefined && atLeastOrAt(group, capacity, atLeast)
        ? { applied: true, result: { changed: false, note: `${name} is already ${fmt(group)}${atLeast ? ` (at least ${fmt(capacity)})` : ''}` } }
        : { applied: false };
    },
    act: async (ctx) => journaled(ctx, await scaleAutoScalingGroup({ autoScaling: aws.clients(side).autoScaling, name, ...capacity, atLeast, signal: ctx.signal })),
  };
  if (options.compensate ?? true) {
    step.compensate = async (ctx) => {
      const previous = ctx.resultOf<ScaleResult>(step.id)?.previous;
      if (previous === undefined) return;
      await compensateUnlessKept(options, ctx, `the scaling of ${name}`, async () => {
        journaled(ctx, await scaleAutoScalingGroup({ autoScaling: aws.clients(side).autoScaling, name, ...previous, signal: ctx.signal }));
      });
    };
  }
  return step;
}

/**
 * Waits until InService (and healthy) instances reach the group's DesiredCapacity.
 *
 * @example
 * waitGroupInServiceStep({ aws, side: 'recovery', name: 'tracking-asg-us-west-2', dependsOn: ['scale-recovery-compute'] });
 */
export function waitGroupInServiceStep(options: GroupStepOptions & { expectedMs?: number }): WaitStep<AwsWaitResult> {
  const { aws, side, name } = options;
  return awsWaitStep({
    aws, side, id: options.id ?? `wait-${side}-compute-in-service`,
    title: `Wait until ${name} in ${regionLabel(aws, side)} has its desired capacity InService`,
    why: 'Traffic may move only once enough instances serve it.',
    ...(options.dependsOn ? { dependsOn: options.dependsOn } : {}),
    policy: waitPolicy('20m', options.policy),
    definition: waiters.groupInService,
    params: { name },
    describe: (_ctx, signal) => describeGroup(aws, side, name)(signal),
    ...(options.expectedMs === undefined ? {} : { expectedMs: options.expectedMs }),
    preview: () => [previewCall('autoScaling', aws.region(side), 'DescribeAutoScalingGroups', { AutoScalingGroupNames: [name] })],
    verifyByHand: `The group's Instances list shows DesiredCapacity instances InService and Healthy.`,
  });
}

/**
 * Waits until a group runs no instance beyond its DesiredCapacity (after scaling in).
 *
 * @example
 * waitGroupScaledInStep({ aws, side: 'recovery', name: 'tracking-asg-us-west-2', dependsOn: ['scale-recovery-to-standby'] });
 */
export function waitGroupScaledInStep(options: GroupStepOptions): WaitStep<AwsWaitResult> {
  const { aws, side, name } = options;
  return awsWaitStep({
    aws, side, id: options.id ?? `wait-${side}-compute-scaled-in`,
    title: `Wait until ${name} in ${regionLabel(aws, side)} has scaled in`,
    ...(options.dependsOn ? { dependsOn: options.dependsOn } : {}),
    policy: waitPolicy('20m', options.policy),
    definition: waiters.groupScaledIn,
    params: { name },
    describe: (_ctx, signal) => describeGroup(aws, side, name)(signal),
    preview: () => [previewCall('autoScaling', aws.region(side), 'DescribeAutoScalingGroups', { AutoScalingGroupNames: [name] })],
  });
}
