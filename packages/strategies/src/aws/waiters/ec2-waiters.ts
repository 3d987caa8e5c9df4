import type { Image, Instance, Reservation, Snapshot } from '@aws-sdk/client-ec2';
import { type AcceptorResult, allAndAny, countStates, defineWaiter } from './acceptor.js';

/** The part of a DescribeInstances response the acceptors read. */
export interface Ec2InstancesOutput {
  Reservations?: Reservation[];
}
/** The part of a DescribeImages response the acceptors read. */
export interface Ec2ImagesOutput {
  Images?: Image[];
}
/** The part of a DescribeSnapshots response the acceptors read. */
export interface Ec2SnapshotsOutput {
  Snapshots?: Snapshot[];
}

/** The instances being waited for. */
export interface Ec2InstancesParams {
  instanceIds: readonly string[];
}
/** One AMI. */
export interface Ec2ImageParams {
  imageId: string;
}
/** EBS snapshots. */
export interface Ec2SnapshotsParams {
  snapshotIds: readonly string[];
}

function instancesOf(output: Ec2InstancesOutput, ids: readonly string[]): Instance[] {
  const all = (output.Reservations ?? []).flatMap((r) => r.Instances ?? []);
  return all.filter((i) => i.InstanceId !== undefined && ids.includes(i.InstanceId));
}

/**
 * Judges instances against a target state. Fewer instances than asked for is RETRY, not success: EC2 is eventually
 * consistent and a just-launched instance may not be listed yet (the SDK waiter never succeeds on an empty list,
 * but spins on `InvalidInstanceID.NotFound` until its deadline; the runner bounds that with `notFoundGraceMs`).
 */
function instancesIn(output: Ec2InstancesOutput, params: Ec2InstancesParams, target: string, fatal: ReadonlySet<string>): AcceptorResult {
  const instances = instancesOf(output, params.instanceIds);
  const states = instances.map((i) => i.State?.Name);
  const progress = instances.length === 0 ? 'not listed yet' : countStates(states);
  const dead = instances.find((i) => fatal.has(i.State?.Name ?? ''));
  if (dead !== undefined) {
    const why = dead.StateReason?.Message ?? dead.StateTransitionReason ?? '';
    return { state: 'FAILURE', progress, reason: `${dead.InstanceId} is ${dead.State?.Name}${why ? ` (${why})` : ''}` };
  }
  const complete = instances.length >= params.instanceIds.length && allAndAny(states, (s) => s === target);
  return complete ? { state: 'SUCCESS', progress } : { state: 'RETRY', progress };
}

const RUNNING_FATAL = new Set(['shutting-down', 'terminated']);
const STOPPED_FATAL = new Set(['terminated']);

/** Acceptor: every instance is `running`. Terminated or shutting down is a failure; `stopped` may precede `pending`. */
export function instancesRunning(output: Ec2InstancesOutput, params: Ec2InstancesParams): AcceptorResult {
  return instancesIn(output, params, 'running', RUNNING_FATAL);
}

/** Acceptor: every instance is `stopped`. */
export function instancesStopped(output: Ec2InstancesOutput, params: Ec2InstancesParams): AcceptorResult {
  return instancesIn(output, params, 'stopped', STOPPED_FATAL);
}

/** Acceptor: every instance is `terminated` or no longer listed. */
export function instancesTerminated(output: Ec2InstancesOutput, params: Ec2InstancesParams): AcceptorResult {
  const instances = instancesOf(output, params.instanceIds);
  const alive = instances.filter((i) => i.State?.Name !== 'terminated');
  const progress = instances.length === 0 ? 'none listed' : countStates(instances.map((i) => i.State?.Name));
  return alive.length === 0 ? { state: 'SUCCESS', progress } : { state: 'RETRY', progress };
}

const IMAGE_FATAL = new Set(['failed', 'deregistered', 'error', 'invalid', 'disabled']);

/** Acceptor: the AMI (or its cross-region copy) is `available`. */
export function imageAvailable(output: Ec2ImagesOutput, params: Ec2ImageParams): AcceptorResult {
  const image = output.Images?.find((i) => i.ImageId === params.imageId) ?? output.Images?.[0];
  if (image === undefined) return { state: 'RETRY', progress: 'not listed yet' };
  const state = image.State ?? 'unknown';
  if (IMAGE_FATAL.has(state)) return { state: 'FAILURE', progress: state, reason: `image is ${state}${image.StateReason?.Message ? ` (${image.StateReason.Message})` : ''}` };
  return state === 'available' ? { state: 'SUCCESS', progress: state } : { state: 'RETRY', progress: state };
}

/** Acceptor: every EBS snapshot is `completed`. */
export function snapshotsCompleted(output: Ec2SnapshotsOutput, params: Ec2SnapshotsParams): AcceptorResult {
  const snapshots = (output.Snapshots ?? []).filter((s) => s.SnapshotId !== undefined && params.snapshotIds.includes(s.SnapshotId));
  const failed = snapshots.find((s) => s.State === 'error' || s.State === 'recoverable');
  const progress = snapshots.length === 0 ? 'not listed yet' : snapshots.map((s) => `${s.State ?? 'unknown'} ${s.Progress ?? ''}`.trim()).join(', ');
  if (failed !== undefined) return { state: 'FAILURE', progress, reason: `${failed.SnapshotId} is ${failed.State}${failed.StateMessage ? ` (${failed.StateMessage})` : ''}` };
  const done = snapshots.length >= params.snapshotIds.length && allAndAny(snapshots, (s) => s.State === 'completed');
  return done ? { state: 'SUCCESS', progress } : { state: 'RETRY', progress };
}

const instancesResource = (p: Ec2InstancesParams): string => p.instanceIds.join(', ');
const instanceNotFound = (code: string): boolean => code === 'InvalidInstanceID.NotFound';

/*
 * Expected durations, from aws-facts.md: EC2 RunInstances → running has no AWS figure, measured ~5–17 s pending →
 * running (10 s). Stopping and terminating are of the same order. AMI and EBS snapshot copies scale with size.
 */

/** Instances running: expected ~10 s. */
export const instancesRunningWaiter = defineWaiter({
  service: 'ec2',
  command: 'DescribeInstances',
  what: (p: Ec2InstancesParams) => `instances ${instancesResource(p)} running`,
  resource: instancesResource,
  acceptor: instancesRunning,
  expectedMs: 10_000,
});

/** Instances stopped: expected ~30 s. */
export const instancesStoppedWaiter = defineWaiter({
  service: 'ec2',
  command: 'DescribeInstances',
  what: (p: Ec2InstancesParams) => `instances ${instancesResource(p)} stopped`,
  resource: instancesResource,
  acceptor: instancesStopped,
  expectedMs: 30_000,
});

/** Instances terminated; `InvalidInstanceID.NotFound` counts as terminated. */
export const instancesTerminatedWaiter = defineWaiter({
  service: 'ec2',
  command: 'DescribeInstances',
  what: (p: Ec2InstancesParams) => `instances ${instancesResource(p)} terminated`,
  resource: instancesResource,
  acceptor: instancesTerminated,
  acceptError: (error) => (instanceNotFound(error.code) ? { state: 'SUCCESS', progress: 'not found' } : undefined),
  expectedMs: 30_000,
});

/** AMI available. No expected duration (copies scale with size). */
export const imageAvailableWaiter = defineWaiter({
  service: 'ec2',
  command: 'DescribeImages',
  what: (p: Ec2ImageParams) => `image ${p.imageId} available`,
  resource: (p: Ec2ImageParams) => p.imageId,
  acceptor: imageAvailable,
});

/** EBS snapshots completed. No expected duration. */
export const snapshotsCompletedWaiter = defineWaiter({
  service: 'ec2',
  command: 'DescribeSnapshots',
  what: (p: Ec2SnapshotsParams) => `EBS snapshots ${p.snapshotIds.join(', ')} completed`,
  resource: (p: Ec2SnapshotsParams) => p.snapshotIds.join(', '),
  acceptor: snapshotsCompleted,
});
