/**
 * Compute readiness: an Auto Scaling group exists where the plan says, and the launch template it launches from
 * exists with an AMI that is available in that region — a template whose AMI was never copied (or was
 * deregistered) starts nothing, and the failover would only find out while users wait. Reads only.
 */
import { DescribeImagesCommand } from '@aws-sdk/client-ec2';
import { callAwsOrNotFound, sendOptions } from '../aws/aws-call.js';
import { type AutoScalingGroupSummary, describeAutoScalingGroup } from '../aws/auto-scaling.js';
import { describeLaunchTemplateImage } from '../aws/ec2.js';
import type { AwsEnvironment, Side } from '../aws-environment.js';
import type { Plan } from '@firedrill/core';
import type { Finding } from '../strategy.js';
import { rolesOfKind } from './plan-roles.js';

/** True when the AMI exists in the side's region and is `available`. */
export async function imageAvailable(aws: AwsEnvironment, side: Side, imageId: string): Promise<boolean> {
  const { ec2 } = aws.clients(side);
  // EC2 answers an unknown (or deregistered) image id with InvalidAMIID.NotFound, or with no image at all.
  const out = await callAwsOrNotFound({ service: 'ec2', client: ec2, command: 'DescribeImages', resource: imageId }, undefined, () =>
    ec2.send(new DescribeImagesCommand({ ImageIds: [imageId] }), sendOptions(undefined)));
  return (out?.Images ?? []).some((i) => i.State === 'available');
}

/** Options of {@link launchTemplateFindings}. */
export interface LaunchTemplateCheck {
  side: Side;
  name: string;
  /** The version launched (`$Default`, `$Latest` or a number). @default '$Default' */
  version?: string;
  /** Who launches from it, for the messages (`Auto Scaling group tracking-asg-us-west-2`). */
  usedBy?: string;
  /** A template without an AMI is fine when the AMI is given at launch (backup & restore's RunInstances). */
  amiGivenAtLaunch?: boolean;
}

/**
 * The template exists in the side's region and the AMI it launches is available there.
 *
 * @example
 * await launchTemplateFindings(aws, { side: 'recovery', name: 'tracking-us-west-2', usedBy: 'Auto Scaling group tracking-asg-us-west-2' });
 */
export async function launchTemplateFindings(aws: AwsEnvironment, t: LaunchTemplateCheck): Promise<Finding[]> {
  const region = aws.region(t.side);
  const resource = `launch-template:${t.name}`;
  const amiCheck = t.side === 'recovery' ? 'ami-in-recovery-region' : 'ami-in-primary-region';
  const by = t.usedBy ? ` (${t.usedBy} launches from it)` : '';
  const version = await describeLaunchTemplateImage({ ec2: aws.clients(t.side).ec2, name: t.name, ...(t.version ? { version: t.version } : {}) });
  if (version === undefined) {
    return [{ status: 'fail', check: 'launch-template', resource, region, message: `launch template ${t.name}${t.version ? ` version ${t.version}` : ''} does not exist in ${region}${by}: compute cannot start there`, action: `create ${t.name} in ${region} with the AMI copied there` }];
  }
  const label = `launch template ${t.name} (version ${version.version ?? '?'})`;
  if (version.imageId === undefined) {
    return [t.amiGivenAtLaunch
      ? { status: 'pass', check: 'launch-template', resource, region, message: `${label} exists; the AMI is given at launch` }
      : { status: 'fail', check: amiCheck, resource, region, message: `${label} names no AMI${by}: instances cannot start from it`, action: `create a new version of ${t.name} with the AMI copied to ${region}` }];
  }
  return [(await imageAvailable(aws, t.side, version.imageId))
    ? { status: 'pass', check: 'launch-template', resource, region, message: `${label} launches ${version.imageId}, available in ${region}` }
    : { status: 'fail', check: amiCheck, resource, region, message: `${label} launches ${version.imageId}, which is not available in ${region}${by}: compute cannot start`, action: `copy the AMI to ${region} and point the launch template at the copy (a new version of ${t.name})` }];
}

/** Options of {@link groupLaunchFindings}. */
export interface GroupLaunchCheck {
  side: Side;
  group: AutoScalingGroupSummary;
  /** The template the plan names for the group, if any. */
  plannedTemplate?: string;
}

/**
 * What a group launches from: the template its configuration names (a different template than the plan's is a
 * warning — scaling launches the group's, not the plan's), which must exist with an available AMI.
 */
export async function groupLaunchFindings(aws: AwsEnvironment, g: GroupLaunchCheck): Promise<Finding[]> {
  const region = aws.region(g.side);
  const used = g.group.launchTemplate;
  const name = used?.name ?? g.plannedTemplate;
  const resource = `autoscaling:${g.group.name}`;
  if (name === undefined) {
    return [{ status: 'warn', check: 'launch-template', resource, region, message: `${g.group.name} has no launch template Firedrill can read (a launch configuration, or a template by id only)`, action: 'use a launch template, and name it in the plan (recovery.launchTemplate)' }];
  }
  const findings: Finding[] = [];
  if (used?.name !== undefined && g.plannedTemplate !== undefined && used.name !== g.plannedTemplate) {
    // Scaling launches the group's template, but an isolated drill launches the plan's: that one must exist too, and
    // the advice cannot be to point the group at a template that is not there.
    const planned = await launchTemplateFindings(aws, { side: g.side, name: g.plannedTemplate, usedBy: `the plan's ${g.side}.launchTemplate (isolated drills)` });
    const plannedMissing = planned.some((f) => f.status === 'fail');
    findings.push({
      status: 'warn', check: 'launch-template', resource, region, message: `${g.group.name} launches from ${used.name}, not ${g.plannedTemplate} as the plan says`,
      action: plannedMissing ? `fix ${g.side}.launchTemplate in the plan (${g.plannedTemplate} does not exist in ${region}; the group launches from ${used.name})` : `point ${g.group.name} at ${g.plannedTemplate}, or fix ${g.side}.launchTemplate in the plan`,
    });
    findings.push(...planned.filter((f) => f.status !== 'pass'));
  }
  findings.push(...(await launchTemplateFindings(aws, { side: g.side, name, ...(used?.version ? { version: used.version } : {}), usedBy: `Auto Scaling group ${g.group.name}` })));
  return findings;
}

/** A group the plan names; `undefined` with a `fail` finding when it does not exist. */
export async function describePlannedGroup(aws: AwsEnvironment, side: Side, name: string, role: string): Promise<{ group?: AutoScalingGroupSummary; missing?: Finding }> {
  const group = await describeAutoScalingGroup({ autoScaling: aws.clients(side).autoScaling, name });
  if (group !== undefined) return { group };
  const region = aws.region(side);
  return { missing: { status: 'fail', check: side === 'recovery' ? 'recovery-compute' : 'primary-compute', resource: `autoscaling:${name}`, region, message: `no Auto Scaling group ${name} in ${region}`, action: `create ${name} in ${region} with a launch template, or fix resources.${role}.${side}.name` } };
}

/**
 * The plan's `launch-template` resources: each side's template exists in its region with an available AMI.
 *
 * @example
 * findings.push(...(await plannedLaunchTemplateFindings(aws, plan)));
 */
export async function plannedLaunchTemplateFindings(aws: AwsEnvironment, plan: Plan): Promise<Finding[]> {
  const findings: Finding[] = [];
  for (const { resource } of rolesOfKind(plan, 'launch-template')) {
    for (const side of ['primary', 'recovery'] as const) findings.push(...(await launchTemplateFindings(aws, { side, name: resource[side].name })));
  }
  return findings;
}
