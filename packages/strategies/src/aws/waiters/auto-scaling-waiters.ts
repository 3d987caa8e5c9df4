import type { AutoScalingGroup } from '@aws-sdk/client-auto-scaling';
import { type AcceptorResult, defineWaiter } from './acceptor.js';

/** The part of a DescribeAutoScalingGroups response the acceptors read. */
export interface AutoScalingGroupsOutput {
  AutoScalingGroups?: AutoScalingGroup[];
}

/** One Auto Scaling group. */
export interface AutoScalingGroupParams {
  name: string;
  /** Require at least this many InService instances instead of the group's DesiredCapacity. */
  minInService?: number;
}

function groupOf(output: AutoScalingGroupsOutput, name: string): AutoScalingGroup | undefined {
  return output.AutoScalingGroups?.find((g) => g.AutoScalingGroupName === name) ?? output.AutoScalingGroups?.[0];
}

/** Auto Scaling reports a missing group as an empty list, not an error: that is a failure, never "done". */
function missing(name: string): AcceptorResult {
  return { state: 'FAILURE', progress: 'not found', reason: `Auto Scaling group ${name} not found` };
}

function deleting(group: AutoScalingGroup): AcceptorResult | undefined {
  return group.Status === 'Delete in progress' ? { state: 'FAILURE', progress: 'deleting', reason: 'the group is being deleted' } : undefined;
}

/**
 * Acceptor: InService and healthy instances ≥ the group's **DesiredCapacity** (or `minInService`).
 * The SDK's `waitUntilGroupInService` compares with MinSize: after raising only the desired capacity it succeeds
 * before the new capacity serves (aws-facts.md, "SDK v3 waiters").
 */
export function groupInService(output: AutoScalingGroupsOutput, params: AutoScalingGroupParams): AcceptorResult {
  const group = groupOf(output, params.name);
  if (group === undefined) return missing(params.name);
  const failure = deleting(group);
  if (failure !== undefined) return failure;
  const wanted = params.minInService ?? group.DesiredCapacity ?? 0;
  const inService = (group.Instances ?? []).filter((i) => i.LifecycleState === 'InService' && i.HealthStatus !== 'Unhealthy').length;
  const progress = `${inService}/${wanted} InService`;
  return inService >= wanted ? { state: 'SUCCESS', progress } : { state: 'RETRY', progress };
}

/** Acceptor: the group runs no instance beyond its DesiredCapacity (terminating ones still count: they still run). */
export function groupScaledIn(output: AutoScalingGroupsOutput, params: AutoScalingGroupParams): AcceptorResult {
  const group = groupOf(output, params.name);
  if (group === undefined) return missing(params.name);
  const failure = deleting(group);
  if (failure !== undefined) return failure;
  const wanted = group.DesiredCapacity ?? 0;
  const running = (group.Instances ?? []).filter((i) => i.LifecycleState !== 'Terminated').length;
  const progress = `${running} instances, desired ${wanted}`;
  return running <= wanted ? { state: 'SUCCESS', progress } : { state: 'RETRY', progress };
}

/*
 * Expected duration: no AWS figure (aws-facts.md: launch + boot + lifecycle hooks + health-check grace). 90 s
 * assumes a ~20 s boot plus an application warm-up; plans with long hooks should pass their own expectedMs.
 */

/** Group InService ≥ DesiredCapacity: expected ~90 s. */
export const groupInServiceWaiter = defineWaiter({
  service: 'autoScaling',
  command: 'DescribeAutoScalingGroups',
  what: (p: AutoScalingGroupParams) => `Auto Scaling group ${p.name} in service`,
  resource: (p: AutoScalingGroupParams) => p.name,
  acceptor: groupInService,
  expectedMs: 90_000,
});

/** Group scaled in to DesiredCapacity: expected ~60 s (deregistration delay and termination). */
export const groupScaledInWaiter = defineWaiter({
  service: 'autoScaling',
  command: 'DescribeAutoScalingGroups',
  what: (p: AutoScalingGroupParams) => `Auto Scaling group ${p.name} scaled in`,
  resource: (p: AutoScalingGroupParams) => p.name,
  acceptor: groupScaledIn,
  expectedMs: 60_000,
});
