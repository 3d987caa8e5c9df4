/** EC2 instances: RunInstances (ClientToken-idempotent), start, stop, terminate, describe. */
import type { Filter, Instance } from '@aws-sdk/client-ec2';
import { badRequest } from '../errors.js';
import type { OperationContext } from '../operation-context.js';
import { str } from '../operation-context.js';
import type { TagRecord } from '../resources.js';
import type { Ec2InstanceRecord, LaunchTemplateRecord } from '../resources-compute.js';
import { scheduleFrom, valueAt } from '../timeline.js';
import { ec2Id, ec2Region, fingerprint, matchesFilters, mergeTags, STATE_CODES, tagsFromSpecifications } from './ec2-model.js';

type Input = Record<string, unknown>;

/** How long a terminated instance stays visible in DescribeInstances (about an hour in AWS). */
const TERMINATED_VISIBLE_MS = 60 * 60_000;

/** The launch template named in an input (`LaunchTemplateId` or `LaunchTemplateName`) and the version data. */
export function resolveLaunchTemplate(
  ctx: OperationContext,
  spec: { LaunchTemplateId?: string; LaunchTemplateName?: string; Version?: string } | undefined,
): { template: LaunchTemplateRecord; version: number } | undefined {
  if (!spec) return undefined;
  const templates = Object.values(ec2Region(ctx).launchTemplates);
  const template = spec.LaunchTemplateId ? templates.find((t) => t.id === spec.LaunchTemplateId) : templates.find((t) => t.name === spec.LaunchTemplateName);
  if (!template) {
    throw spec.LaunchTemplateId
      ? badRequest('InvalidLaunchTemplateId.NotFound', `The specified launch template, with template ID ${spec.LaunchTemplateId}, does not exist.`)
      : badRequest('InvalidLaunchTemplateName.NotFoundException', `The specified launch template, with template name ${spec.LaunchTemplateName ?? ''}, does not exist.`);
  }
  const v = spec.Version;
  const version = v === undefined || v === '$Default' ? template.defaultVersion : v === '$Latest' ? Math.max(...template.versions.map((x) => x.version)) : Number(v);
  if (!template.versions.some((x) => x.version === version)) {
    throw badRequest('InvalidLaunchTemplateId.VersionNotFound', `Could not find launch template version ${String(v)} for template ${template.id}.`);
  }
  return { template, version };
}

/** Checks that an AMI exists and is available in the caller's region (InvalidAMIID.*). */
export function requireAvailableImage(ctx: OperationContext, imageId: string | undefined): string {
  if (!imageId) throw badRequest('MissingParameter', 'The request must contain the parameter ImageId');
  if (!/^ami-[0-9a-f]{8,17}$/.test(imageId)) throw badRequest('InvalidAMIID.Malformed', `Invalid id: "${imageId}"`);
  const image = ec2Region(ctx).images[imageId];
  const state = image && valueAt(image.state, ctx.now);
  if (!image || state === 'deregistered') throw badRequest('InvalidAMIID.NotFound', `The image id '[${imageId}]' does not exist`);
  if (state !== 'available') throw badRequest('InvalidAMIID.Unavailable', `The image id '[${imageId}]' is not available (it is ${state ?? 'pending'})`);
  return imageId;
}

/** Launches `count` instances now; each is pending, then running after the launch latency. */
export function launchInstances(
  ctx: OperationContext,
  options: { imageId: string; instanceType: string; count: number; tags: TagRecord[]; launchTemplate?: { id: string; name: string; version: string }; subnetAz?: string },
): Ec2InstanceRecord[] {
  const region = ec2Region(ctx);
  const reservationId = ec2Id(ctx, 'r');
  const launched: Ec2InstanceRecord[] = [];
  for (let i = 0; i < options.count; i++) {
    const id = ec2Id(ctx, 'i');
    const n = ctx.world.counters['i'] ?? 0;
    const record: Ec2InstanceRecord = {
      id,
      region: ctx.region,
      imageId: options.imageId,
      instanceType: options.instanceType,
      availabilityZone: options.subnetAz ?? `${ctx.region}${'abc'[n % 3]}`,
      state: [{ at: ctx.now, value: 'pending' }],
      launchedAt: ctx.now,
      privateIp: `10.0.${(n >> 8) & 255}.${n & 255}`,
      rootVolumeId: ec2Id(ctx, 'vol'),
      reservationId,
      tags: options.tags.map((t) => ({ ...t })),
    };
    if (options.launchTemplate) record.launchTemplate = options.launchTemplate;
    const running = ctx.completesAt('ec2.runInstances', id);
    if (running !== undefined) record.state.push({ at: running, value: 'running' });
    region.instances[id] = record;
    launched.push(record);
  }
  return launched;
}

/** The Instance output shape. */
export function toInstance(ctx: OperationContext, r: Ec2InstanceRecord): Instance {
  const state = valueAt(r.state, ctx.now) ?? 'pending';
  const out: Instance = {
    InstanceId: r.id,
    ImageId: r.imageId,
    InstanceType: r.instanceType as Instance['InstanceType'],
    State: { Code: STATE_CODES[state] ?? 0, Name: state as never },
    LaunchTime: new Date(r.launchedAt),
    Placement: { AvailabilityZone: r.availabilityZone },
    PrivateIpAddress: state === 'terminated' ? undefined : r.privateIp,
    RootDeviceName: '/dev/xvda',
    BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { VolumeId: r.rootVolumeId, Status: 'attached', DeleteOnTermination: true } }],
    Tags: r.tags.map((t) => ({ ...t })),
  };
  if (r.launchTemplate) out.Tags = [...(out.Tags ?? []), { Key: 'aws:ec2launchtemplate:id', Value: r.launchTemplate.id }];
  return out;
}

function runInstances(ctx: OperationContext, input: Input): object {
  const token = str(input, 'ClientToken');
  const region = ec2Region(ctx);
  if (token !== undefined) {
    const previous = region.clientTokens[`RunInstances:${token}`];
    if (previous) {
      if (previous.fingerprint !== fingerprint(input)) throw badRequest('IdempotentParameterMismatch', 'The client token you have provided is associated with a resource that has different parameters.');
      const instances = previous.resultIds.map((id) => region.instances[id]!).filter(Boolean);
      return { ReservationId: previous.reservationId, OwnerId: ctx.world.accountId, Instances: instances.map((i) => toInstance(ctx, i)) };
    }
  }
  const min = Number(input['MinCount']);
  const max = Number(input['MaxCount']);
  if (!Number.isInteger(min) || !Number.isInteger(max) || min < 1 || max < min) {
    throw badRequest('InvalidParameterValue', 'MinCount and MaxCount must be integers with 1 ≤ MinCount ≤ MaxCount.');
  }
  const lt = resolveLaunchTemplate(ctx, input['LaunchTemplate'] as never);
  const data = lt?.template.versions.find((v) => v.version === lt.version)?.data ?? {};
  const imageId = requireAvailableImage(ctx, str(input, 'ImageId') ?? data.ImageId);
  const tags = [...(data.TagSpecifications ?? []).filter((s) => s.ResourceType === 'instance').flatMap((s) => s.Tags ?? [])];
  mergeTags(tags, tagsFromSpecifications(input, 'instance'));
  const launched = launchInstances(ctx, {
    imageId,
    instanceType: str(input, 'InstanceType') ?? data.InstanceType ?? 'm5.large',
    count: max,
    tags,
    ...(lt ? { launchTemplate: { id: lt.template.id, name: lt.template.name, version: String(lt.version) } } : {}),
  });
  const reservationId = launched[0]!.reservationId;
  if (token !== undefined) region.clientTokens[`RunInstances:${token}`] = { fingerprint: fingerprint(input), resultIds: launched.map((i) => i.id), reservationId };
  return { ReservationId: reservationId, OwnerId: ctx.world.accountId, Instances: launched.map((i) => toInstance(ctx, i)) };
}

function findInstances(ctx: OperationContext, ids: unknown): Ec2InstanceRecord[] {
  if (!Array.isArray(ids) || ids.length === 0) throw badRequest('MissingParameter', 'The request must contain the parameter InstanceIds');
  const region = ec2Region(ctx);
  const malformed = (ids as string[]).filter((id) => !/^i-[0-9a-f]{8,17}$/.test(id));
  if (malformed.length) throw badRequest('InvalidInstanceID.Malformed', `Invalid id: "${malformed[0]}"`);
  const missing = (ids as string[]).filter((id) => !visible(ctx, region.instances[id]));
  if (missing.length) throw badRequest('InvalidInstanceID.NotFound', `The instance ID${missing.length > 1 ? 's' : ''} '${missing.join(', ')}' do${missing.length > 1 ? '' : 'es'} not exist`);
  return (ids as string[]).map((id) => region.instances[id]!);
}

function visible(ctx: OperationContext, r: Ec2InstanceRecord | undefined): r is Ec2InstanceRecord {
  if (!r) return false;
  const last = r.state[r.state.length - 1]!;
  return !(last.value === 'terminated' && last.at + TERMINATED_VISIBLE_MS <= ctx.now);
}

type Transition = { from: string[]; via: string; to: string; latency: 'ec2.startInstances' | 'ec2.stopInstances' | 'ec2.terminateInstances' };

function changeState(ctx: OperationContext, input: Input, t: Transition): object {
  const instances = findInstances(ctx, input['InstanceIds']);
  for (const r of instances) {
    const state = valueAt(r.state, ctx.now) ?? 'pending';
    if (!t.from.includes(state) && state !== t.via && state !== t.to) {
      throw badRequest('IncorrectInstanceState', `The instance '${r.id}' is not in a state from which it can be ${t.to === 'running' ? 'started' : t.to}.`);
    }
  }
  return {
    [`${t.to === 'running' ? 'Starting' : t.to === 'stopped' ? 'Stopping' : 'Terminating'}Instances`]: instances.map((r) => {
      const previous = valueAt(r.state, ctx.now) ?? 'pending';
      if (previous !== t.via && previous !== t.to) {
        const done = ctx.completesAt(t.latency, r.id);
        scheduleFrom(r.state, ctx.now, [{ at: ctx.now, value: t.via }, ...(done === undefined ? [] : [{ at: done, value: t.to }])]);
      }
      const current = valueAt(r.state, ctx.now)!;
      return { InstanceId: r.id, PreviousState: { Code: STATE_CODES[previous], Name: previous }, CurrentState: { Code: STATE_CODES[current], Name: current } };
    }),
  };
}

function describeInstances(ctx: OperationContext, input: Input): object {
  const region = ec2Region(ctx);
  const ids = input['InstanceIds'];
  const candidates = Array.isArray(ids) && ids.length > 0 ? findInstances(ctx, ids) : Object.values(region.instances).filter((r) => visible(ctx, r));
  const filters = input['Filters'] as Filter[] | undefined;
  // EC2 supports the `client-token` filter; unknown filters match everything here, so without it a lookup by
  // token returned every instance in the region (an isolated drill then took a warm standby's instance for its own).
  const tokenOf = (id: string): string | undefined =>
    Object.entries(region.clientTokens).find(([key, t]) => key.startsWith('RunInstances:') && t.resultIds.includes(id))?.[0].slice('RunInstances:'.length);
  const matching = candidates.filter((r) =>
    matchesFilters(filters, r.tags, { 'instance-id': r.id, 'instance-state-name': valueAt(r.state, ctx.now), 'image-id': r.imageId, 'availability-zone': r.availabilityZone, 'instance-type': r.instanceType, 'client-token': tokenOf(r.id) }),
  );
  const reservations = new Map<string, Ec2InstanceRecord[]>();
  for (const r of matching) reservations.set(r.reservationId, [...(reservations.get(r.reservationId) ?? []), r]);
  return {
    Reservations: [...reservations].map(([ReservationId, list]) => ({ ReservationId, OwnerId: ctx.world.accountId, Instances: list.map((r) => toInstance(ctx, r)) })),
  };
}

/** EC2 instance handlers. */
export const ec2InstanceHandlers = {
  RunInstances: runInstances,
  StartInstances: (ctx: OperationContext, input: Input) => changeState(ctx, input, { from: ['stopped'], via: 'pending', to: 'running', latency: 'ec2.startInstances' }),
  StopInstances: (ctx: OperationContext, input: Input) => changeState(ctx, input, { from: ['running', 'pending'], via: 'stopping', to: 'stopped', latency: 'ec2.stopInstances' }),
  TerminateInstances: (ctx: OperationContext, input: Input) =>
    changeState(ctx, input, { from: ['running', 'pending', 'stopped', 'stopping'], via: 'shutting-down', to: 'terminated', latency: 'ec2.terminateInstances' }),
  DescribeInstances: describeInstances,
};
