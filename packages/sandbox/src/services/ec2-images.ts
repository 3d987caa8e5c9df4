/** AMIs, EBS snapshots, launch templates and tags. */
import type { Filter } from '@aws-sdk/client-ec2';
import { badRequest } from '../errors.js';
import { isRegionDown } from '../faults.js';
import type { OperationContext } from '../operation-context.js';
import { str } from '../operation-context.js';
import type { TagRecord } from '../resources.js';
import type { EbsSnapshotRecord, ImageRecord, LaunchTemplateRecord } from '../resources-compute.js';
import { scheduleFrom, valueAt } from '../timeline.js';
import { ec2Id, ec2Region, fingerprint, matchesFilters, mergeTags, tagsFromSpecifications } from './ec2-model.js';

type Input = Record<string, unknown>;

const toImage = (ctx: OperationContext, i: ImageRecord): object => ({
  ImageId: i.id,
  Name: i.name,
  Description: i.description,
  State: valueAt(i.state, ctx.now) ?? 'pending',
  CreationDate: new Date(i.createdAt).toISOString(),
  OwnerId: ctx.world.accountId,
  Public: false,
  Architecture: 'x86_64',
  ImageType: 'machine',
  RootDeviceName: '/dev/xvda',
  RootDeviceType: 'ebs',
  VirtualizationType: 'hvm',
  BlockDeviceMappings: i.snapshotIds.map((s) => ({ DeviceName: '/dev/xvda', Ebs: { SnapshotId: s, VolumeSize: 8, DeleteOnTermination: true } })),
  Tags: i.tags.map((t) => ({ ...t })),
});

function describeImages(ctx: OperationContext, input: Input): object {
  const region = ec2Region(ctx);
  const ids = Array.isArray(input['ImageIds']) ? (input['ImageIds'] as string[]) : [];
  const missing = ids.filter((id) => !region.images[id] || valueAt(region.images[id]!.state, ctx.now) === 'deregistered');
  if (missing.length) throw badRequest('InvalidAMIID.NotFound', `The image id '[${missing.join(', ')}]' does not exist`);
  const pool = ids.length ? ids.map((id) => region.images[id]!) : Object.values(region.images).filter((i) => valueAt(i.state, ctx.now) !== 'deregistered');
  const images = pool.filter((i) => matchesFilters(input['Filters'] as Filter[], i.tags, { name: i.name, state: valueAt(i.state, ctx.now), 'image-id': i.id }));
  return { Images: images.map((i) => toImage(ctx, i)) };
}

/** A ClientToken already used for `operation`: the same result, or IdempotentParameterMismatch. */
function replayToken(ctx: OperationContext, operation: string, input: Input): string | undefined {
  const token = str(input, 'ClientToken');
  const previous = token === undefined ? undefined : ec2Region(ctx).clientTokens[`${operation}:${token}`];
  if (!previous) return undefined;
  if (previous.fingerprint !== fingerprint(input)) throw badRequest('IdempotentParameterMismatch', 'The client token you have provided is associated with a resource that has different parameters.');
  return previous.resultIds[0];
}

function rememberToken(ctx: OperationContext, operation: string, input: Input, id: string): void {
  const token = str(input, 'ClientToken');
  if (token !== undefined) ec2Region(ctx).clientTokens[`${operation}:${token}`] = { fingerprint: fingerprint(input), resultIds: [id] };
}

/** Copies an AMI from SourceRegion into the caller's region; pending until the copy latency has passed. */
function copyImage(ctx: OperationContext, input: Input): object {
  const replayed = replayToken(ctx, 'CopyImage', input);
  if (replayed) return { ImageId: replayed };
  const sourceRegion = str(input, 'SourceRegion');
  const sourceId = str(input, 'SourceImageId');
  const name = str(input, 'Name');
  if (!sourceRegion || !sourceId || !name) throw badRequest('MissingParameter', 'SourceRegion, SourceImageId and Name are required.');
  if (!ctx.world.ec2[sourceRegion]) throw badRequest('InvalidParameterValue', `Invalid source region: ${sourceRegion}`);
  if (isRegionDown(ctx.world, sourceRegion, ctx.now)) throw badRequest('InvalidRequest', `The source region ${sourceRegion} is unreachable.`);
  const source = ctx.world.ec2[sourceRegion]!.images[sourceId];
  if (!source || valueAt(source.state, ctx.now) !== 'available') throw badRequest('InvalidAMIID.NotFound', `The image id '[${sourceId}]' does not exist`);
  const id = ec2Id(ctx, 'ami');
  const image: ImageRecord = {
    id, region: ctx.region, name, state: [{ at: ctx.now, value: 'pending' }], createdAt: ctx.now,
    snapshotIds: [ec2Id(ctx, 'snap')], sourceImageId: sourceId, sourceRegion, tags: input['CopyImageTags'] === true ? source.tags.map((t) => ({ ...t })) : [],
  };
  const description = str(input, 'Description') ?? source.description;
  if (description) image.description = description;
  mergeTags(image.tags, tagsFromSpecifications(input, 'image'));
  const done = ctx.completesAt('ec2.copyImage', id);
  if (done !== undefined) image.state.push({ at: done, value: 'available' });
  ec2Region(ctx).images[id] = image;
  rememberToken(ctx, 'CopyImage', input, id);
  return { ImageId: id };
}

function deregisterImage(ctx: OperationContext, input: Input): object {
  const id = str(input, 'ImageId') ?? '';
  const image = ec2Region(ctx).images[id];
  if (!image || valueAt(image.state, ctx.now) === 'deregistered') throw badRequest('InvalidAMIID.NotFound', `The image id '[${id}]' does not exist`);
  scheduleFrom(image.state, ctx.now, [{ at: ctx.now, value: 'deregistered' }]);
  return { Return: true };
}

const toSnapshot = (ctx: OperationContext, s: EbsSnapshotRecord): object => {
  const state = valueAt(s.state, ctx.now) ?? 'pending';
  return {
    SnapshotId: s.id, VolumeId: s.volumeId, VolumeSize: s.volumeSize, Description: s.description, State: state,
    StartTime: new Date(s.startedAt), Progress: state === 'completed' ? '100%' : '0%', OwnerId: ctx.world.accountId, Encrypted: true,
    Tags: s.tags.map((t) => ({ ...t })),
  };
};

function createSnapshot(ctx: OperationContext, input: Input): object {
  const volumeId = str(input, 'VolumeId') ?? '';
  const instance = Object.values(ec2Region(ctx).instances).find((i) => i.rootVolumeId === volumeId && valueAt(i.state, ctx.now) !== 'terminated');
  if (!instance) throw badRequest('InvalidVolume.NotFound', `The volume '${volumeId}' does not exist.`);
  return toSnapshot(ctx, newSnapshot(ctx, volumeId, input, 'ec2.createSnapshot'));
}

function newSnapshot(ctx: OperationContext, volumeId: string, input: Input, latency: 'ec2.createSnapshot' | 'ec2.copySnapshot', sourceId?: string): EbsSnapshotRecord {
  const id = ec2Id(ctx, 'snap');
  const snapshot: EbsSnapshotRecord = { id, region: ctx.region, volumeId, volumeSize: 8, state: [{ at: ctx.now, value: 'pending' }], startedAt: ctx.now, tags: tagsFromSpecifications(input, 'snapshot') };
  const description = str(input, 'Description');
  if (description) snapshot.description = description;
  if (sourceId) snapshot.sourceSnapshotId = sourceId;
  const done = ctx.completesAt(latency, id);
  if (done !== undefined) snapshot.state.push({ at: done, value: 'completed' });
  ec2Region(ctx).snapshots[id] = snapshot;
  return snapshot;
}

function copySnapshot(ctx: OperationContext, input: Input): object {
  const sourceRegion = str(input, 'SourceRegion') ?? ctx.region;
  const sourceId = str(input, 'SourceSnapshotId') ?? '';
  if (!ctx.world.ec2[sourceRegion]) throw badRequest('InvalidParameterValue', `Invalid source region: ${sourceRegion}`);
  const source = ctx.world.ec2[sourceRegion]!.snapshots[sourceId];
  if (!source || valueAt(source.state, ctx.now) === 'deleted') throw badRequest('InvalidSnapshot.NotFound', `The snapshot '${sourceId}' does not exist.`);
  if (valueAt(source.state, ctx.now) !== 'completed') throw badRequest('IncorrectState', `Snapshot ${sourceId} is not completed.`);
  return { SnapshotId: newSnapshot(ctx, source.volumeId, input, 'ec2.copySnapshot', sourceId).id };
}

function findSnapshot(ctx: OperationContext, id: string): EbsSnapshotRecord {
  const s = ec2Region(ctx).snapshots[id];
  if (!s || valueAt(s.state, ctx.now) === 'deleted') throw badRequest('InvalidSnapshot.NotFound', `The snapshot '${id}' does not exist.`);
  return s;
}

function describeSnapshots(ctx: OperationContext, input: Input): object {
  const ids = Array.isArray(input['SnapshotIds']) ? (input['SnapshotIds'] as string[]) : [];
  const pool = ids.length ? ids.map((id) => findSnapshot(ctx, id)) : Object.values(ec2Region(ctx).snapshots).filter((s) => valueAt(s.state, ctx.now) !== 'deleted');
  const list = pool.filter((s) => matchesFilters(input['Filters'] as Filter[], s.tags, { 'snapshot-id': s.id, 'volume-id': s.volumeId, status: valueAt(s.state, ctx.now) }));
  return { Snapshots: list.map((s) => toSnapshot(ctx, s)) };
}

const toTemplate = (t: LaunchTemplateRecord): object => ({
  LaunchTemplateId: t.id, LaunchTemplateName: t.name, CreateTime: new Date(t.createdAt), CreatedBy: 'arn:aws:iam::000000000000:user/firedrill',
  DefaultVersionNumber: t.defaultVersion, LatestVersionNumber: Math.max(...t.versions.map((v) => v.version)), Tags: t.tags.map((x) => ({ ...x })),
});

function createLaunchTemplate(ctx: OperationContext, input: Input): object {
  const name = str(input, 'LaunchTemplateName');
  if (!name || !/^[a-zA-Z0-9().\-/_]{3,128}$/.test(name)) throw badRequest('InvalidLaunchTemplateName.MalformedException', `Launch template name ${name ?? ''} is malformed.`);
  if (Object.values(ec2Region(ctx).launchTemplates).some((t) => t.name === name)) {
    throw badRequest('InvalidLaunchTemplateName.AlreadyExistsException', `Launch template name already in use.`);
  }
  const data = (input['LaunchTemplateData'] ?? {}) as LaunchTemplateRecord['versions'][number]['data'];
  const id = `lt-${ec2Id(ctx, 'lt').slice(3)}`;
  const template: LaunchTemplateRecord = { id, name, region: ctx.region, createdAt: ctx.now, defaultVersion: 1, versions: [{ version: 1, createdAt: ctx.now, data: structuredClone(data) }], tags: tagsFromSpecifications(input, 'launch-template') };
  ec2Region(ctx).launchTemplates[id] = template;
  return { LaunchTemplate: toTemplate(template) };
}

/**
 * Deletes a template and all its versions. EC2 does not refuse a template an Auto Scaling group launches from: the
 * group keeps naming it and fails to launch when it next scales out (EC2 User Guide, "Delete a launch template").
 */
function deleteLaunchTemplate(ctx: OperationContext, input: Input): object {
  const id = str(input, 'LaunchTemplateId');
  const name = str(input, 'LaunchTemplateName');
  if ((id === undefined) === (name === undefined)) throw badRequest('InvalidParameterCombination', 'Specify either the launch template ID or the launch template name, but not both.');
  const template = Object.values(ec2Region(ctx).launchTemplates).find((t) => (id !== undefined ? t.id === id : t.name === name));
  if (!template) throw badRequest(id ? 'InvalidLaunchTemplateId.NotFound' : 'InvalidLaunchTemplateName.NotFoundException', `The specified launch template, with template ${id ? `ID ${id}` : `name ${name}`}, does not exist.`);
  delete ec2Region(ctx).launchTemplates[template.id];
  return { LaunchTemplate: toTemplate(template) };
}

function describeLaunchTemplateVersions(ctx: OperationContext, input: Input): object {
  const templates = Object.values(ec2Region(ctx).launchTemplates);
  const id = str(input, 'LaunchTemplateId');
  const name = str(input, 'LaunchTemplateName');
  const template = templates.find((t) => (id !== undefined ? t.id === id : t.name === name));
  if (!template) throw badRequest(id ? 'InvalidLaunchTemplateId.NotFound' : 'InvalidLaunchTemplateName.NotFoundException', `The specified launch template does not exist.`);
  const wanted = Array.isArray(input['Versions']) ? (input['Versions'] as string[]) : [];
  const latest = Math.max(...template.versions.map((v) => v.version));
  const numbers = wanted.map((v) => (v === '$Latest' ? latest : v === '$Default' ? template.defaultVersion : Number(v)));
  const versions = numbers.length ? template.versions.filter((v) => numbers.includes(v.version)) : template.versions;
  return {
    LaunchTemplateVersions: versions.map((v) => ({
      LaunchTemplateId: template.id, LaunchTemplateName: template.name, VersionNumber: v.version, CreateTime: new Date(v.createdAt),
      DefaultVersion: v.version === template.defaultVersion, LaunchTemplateData: structuredClone(v.data),
    })),
  };
}

/** Every taggable EC2 resource by id in the caller's region. */
function taggables(ctx: OperationContext): Map<string, { tags: TagRecord[]; type: string }> {
  const r = ec2Region(ctx);
  const map = new Map<string, { tags: TagRecord[]; type: string }>();
  for (const i of Object.values(r.instances)) map.set(i.id, { tags: i.tags, type: 'instance' });
  for (const i of Object.values(r.images)) map.set(i.id, { tags: i.tags, type: 'image' });
  for (const s of Object.values(r.snapshots)) map.set(s.id, { tags: s.tags, type: 'snapshot' });
  for (const t of Object.values(r.launchTemplates)) map.set(t.id, { tags: t.tags, type: 'launch-template' });
  return map;
}

function createTags(ctx: OperationContext, input: Input): object {
  const resources = Array.isArray(input['Resources']) ? (input['Resources'] as string[]) : [];
  const tags = (Array.isArray(input['Tags']) ? (input['Tags'] as TagRecord[]) : []).map((t) => ({ Key: String(t.Key), Value: String(t.Value ?? '') }));
  const all = taggables(ctx);
  for (const id of resources) {
    const target = all.get(id);
    if (!target) throw badRequest(id.startsWith('i-') ? 'InvalidInstanceID.NotFound' : id.startsWith('ami-') ? 'InvalidAMIID.NotFound' : 'InvalidID', `The ID '${id}' does not exist`);
    mergeTags(target.tags, tags);
  }
  return {};
}

function describeTags(ctx: OperationContext, input: Input): object {
  const filters = input['Filters'] as Filter[] | undefined;
  const out: object[] = [];
  for (const [id, { tags, type }] of taggables(ctx)) {
    for (const tag of tags) {
      if (matchesFilters(filters, [], { 'resource-id': id, 'resource-type': type, key: tag.Key, value: tag.Value })) out.push({ ResourceId: id, ResourceType: type, Key: tag.Key, Value: tag.Value });
    }
  }
  return { Tags: out };
}

/** AMI, snapshot, launch template and tag handlers. */
export const ec2ImageHandlers = {
  DescribeImages: describeImages,
  CopyImage: copyImage,
  DeregisterImage: deregisterImage,
  CreateSnapshot: createSnapshot,
  CopySnapshot: copySnapshot,
  DescribeSnapshots: describeSnapshots,
  DeleteSnapshot: (ctx: OperationContext, input: Input) => {
    const s = findSnapshot(ctx, str(input, 'SnapshotId') ?? '');
    scheduleFrom(s.state, ctx.now, [{ at: ctx.now, value: 'deleted' }]);
    return {};
  },
  CreateLaunchTemplate: createLaunchTemplate,
  DescribeLaunchTemplates: (ctx: OperationContext, input: Input) => {
    const names = Array.isArray(input['LaunchTemplateNames']) ? (input['LaunchTemplateNames'] as string[]) : [];
    const ids = Array.isArray(input['LaunchTemplateIds']) ? (input['LaunchTemplateIds'] as string[]) : [];
    const all = Object.values(ec2Region(ctx).launchTemplates);
    const list = all.filter((t) => (names.length === 0 || names.includes(t.name)) && (ids.length === 0 || ids.includes(t.id)));
    if ((names.length || ids.length) && list.length === 0) throw badRequest('InvalidLaunchTemplateName.NotFoundException', 'At least one of the launch templates specified in the request does not exist.');
    return { LaunchTemplates: list.map(toTemplate) };
  },
  DescribeLaunchTemplateVersions: describeLaunchTemplateVersions,
  DeleteLaunchTemplate: deleteLaunchTemplate,
  CreateTags: createTags,
  DescribeTags: describeTags,
};
