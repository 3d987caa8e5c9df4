import {
  CopyImageCommand,
  CopySnapshotCommand,
  CreateTagsCommand,
  DescribeImagesCommand,
  DescribeInstancesCommand,
  DescribeLaunchTemplateVersionsCommand,
  DescribeSnapshotsCommand,
  type EC2Client,
  type Filter,
  type Instance,
  RunInstancesCommand,
  type RunInstancesCommandInput,
  StartInstancesCommand,
  StopInstancesCommand,
  TerminateInstancesCommand,
} from '@aws-sdk/client-ec2';
import { type ActionOutcome, type AdapterCallOptions, adapterFailure, callAws, callAwsOrNotFound, sendOptions, toAwsTags } from './aws-call.js';

const site = (ec2: EC2Client, command: string, resource: string) => ({ service: 'ec2' as const, client: ec2, command, resource });

/** Tag that carries an idempotency token on resources whose API has no ClientToken (EBS snapshot copies). */
export const IDEMPOTENCY_TAG = 'firedrill:idempotency-token';

/** An EC2 instance, as the strategies need it. */
export interface Ec2InstanceSummary {
  instanceId: string;
  state: string;
  imageId: string | undefined;
  privateIp: string | undefined;
  publicIp: string | undefined;
  tags: Record<string, string>;
}

function summarize(i: Instance): Ec2InstanceSummary {
  return {
    instanceId: i.InstanceId ?? '',
    state: i.State?.Name ?? 'unknown',
    imageId: i.ImageId,
    privateIp: i.PrivateIpAddress,
    publicIp: i.PublicIpAddress,
    tags: Object.fromEntries((i.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? ''])),
  };
}

function validateClientToken(where: string, token: string): void {
  // EC2 idempotency tokens: at most 64 ASCII characters (EC2 API Reference, "Ensuring idempotency").
  if (token.length === 0 || token.length > 64 || !/^[\x20-\x7e]+$/.test(token)) {
    throw new TypeError(`${where}: clientToken: expected 1–64 printable ASCII characters, got ${JSON.stringify(token)}`);
  }
}

/** Describes instances by id or by filter, following pages. */
export async function describeInstances(options: AdapterCallOptions & { ec2: EC2Client; instanceIds?: readonly string[]; filters?: Filter[] }): Promise<Ec2InstanceSummary[]> {
  const { ec2, signal } = options;
  const found: Ec2InstanceSummary[] = [];
  let token: string | undefined;
  do {
    const out = await callAws(site(ec2, 'DescribeInstances', options.instanceIds?.join(', ') ?? 'filtered instances'), signal, () =>
      ec2.send(new DescribeInstancesCommand({
        ...(options.instanceIds ? { InstanceIds: [...options.instanceIds] } : {}),
        ...(options.filters ? { Filters: options.filters } : {}),
        ...(token ? { NextToken: token } : {}),
      }), sendOptions(signal)));
    for (const r of out.Reservations ?? []) for (const i of r.Instances ?? []) found.push(summarize(i));
    token = out.NextToken;
  } while (token);
  return found;
}

/** Options of {@link runInstancesFromAmi}. */
export interface RunInstancesOptions extends AdapterCallOptions {
  ec2: EC2Client;
  /** Derived from the run id and step id (core's `idempotencyToken`): a resumed run never launches twice. */
  clientToken: string;
  count: number;
  imageId?: string;
  instanceType?: RunInstancesCommandInput['InstanceType'];
  launchTemplate?: { name?: string; id?: string; version?: string };
  subnetId?: string;
  securityGroupIds?: readonly string[];
  tags?: Readonly<Record<string, string>>;
}

/**
 * Launches instances from an AMI or a launch template, idempotently: first looks for instances launched with this
 * `clientToken` (DescribeInstances `client-token` filter), then calls RunInstances with the same `ClientToken`, so
 * even a check that misses (eventual consistency) cannot launch twice.
 */
export async function runInstancesFromAmi(options: RunInstancesOptions): Promise<ActionOutcome & { instanceIds: string[] }> {
  const { ec2, clientToken, count, signal } = options;
  validateClientToken('runInstancesFromAmi', clientToken);
  if (!Number.isInteger(count) || count < 1) throw new TypeError(`runInstancesFromAmi: count: expected a whole number ≥ 1, got ${count}`);
  if (options.imageId === undefined && options.launchTemplate === undefined) throw new TypeError('runInstancesFromAmi: give imageId or launchTemplate');
  const existing = await describeInstances({ ec2, filters: [{ Name: 'client-token', Values: [clientToken] }], ...(signal ? { signal } : {}) });
  if (existing.length > 0) {
    return { changed: false, note: `already launched with this token: ${existing.map((i) => `${i.instanceId} (${i.state})`).join(', ')}`, instanceIds: existing.map((i) => i.instanceId) };
  }
  const tags = toAwsTags(options.tags);
  const out = await callAws(site(ec2, 'RunInstances', options.imageId ?? options.launchTemplate?.name ?? 'launch template'), signal, () =>
    ec2.send(new RunInstancesCommand({
      ClientToken: clientToken,
      MinCount: count,
      MaxCount: count,
      ...(options.imageId ? { ImageId: options.imageId } : {}),
      ...(options.instanceType ? { InstanceType: options.instanceType } : {}),
      ...(options.launchTemplate
        ? { LaunchTemplate: { ...(options.launchTemplate.id ? { LaunchTemplateId: options.launchTemplate.id } : {}), ...(options.launchTemplate.name ? { LaunchTemplateName: options.launchTemplate.name } : {}), Version: options.launchTemplate.version ?? '$Default' } }
        : {}),
      ...(options.subnetId ? { SubnetId: options.subnetId } : {}),
      ...(options.securityGroupIds ? { SecurityGroupIds: [...options.securityGroupIds] } : {}),
      ...(tags.length > 0 ? { TagSpecifications: [{ ResourceType: 'instance', Tags: tags }] } : {}),
    }), sendOptions(signal)));
  const instanceIds = (out.Instances ?? []).flatMap((i) => (i.InstanceId ? [i.InstanceId] : []));
  return { changed: true, note: `launched ${instanceIds.join(', ')}`, instanceIds };
}

type InstanceTransition = 'StartInstances' | 'StopInstances' | 'TerminateInstances';

const DONE_STATES: Record<InstanceTransition, ReadonlySet<string>> = {
  StartInstances: new Set(['pending', 'running']),
  StopInstances: new Set(['stopping', 'stopped', 'shutting-down', 'terminated']),
  TerminateInstances: new Set(['shutting-down', 'terminated']),
};

async function transitionInstances(command: InstanceTransition, options: AdapterCallOptions & { ec2: EC2Client; instanceIds: readonly string[] }): Promise<ActionOutcome> {
  const { ec2, instanceIds, signal } = options;
  if (instanceIds.length === 0) throw new TypeError(`${command}: instanceIds: expected at least one id`);
  const described = await callAwsOrNotFound(site(ec2, 'DescribeInstances', instanceIds.join(', ')), signal, () =>
    describeInstances({ ec2, instanceIds, ...(signal ? { signal } : {}) }));
  if (described === undefined && command !== 'TerminateInstances') {
    throw adapterFailure(`InvalidInstanceID.NotFound: ${instanceIds.join(', ')} not all found in ${await ec2.config.region()}. Check the plan.`, 'InvalidInstanceID.NotFound');
  }
  const todo = (described ?? []).filter((i) => !DONE_STATES[command].has(i.state)).map((i) => i.instanceId);
  if (todo.length === 0) return { changed: false, note: `${instanceIds.join(', ')} already ${command === 'StartInstances' ? 'started' : command === 'StopInstances' ? 'stopped' : 'terminated'}` };
  const input = { InstanceIds: todo };
  await callAws(site(ec2, command, todo.join(', ')), signal, () => {
    if (command === 'StartInstances') return ec2.send(new StartInstancesCommand(input), sendOptions(signal));
    if (command === 'StopInstances') return ec2.send(new StopInstancesCommand(input), sendOptions(signal));
    return ec2.send(new TerminateInstancesCommand(input), sendOptions(signal));
  });
  return { changed: true, note: `${command} ${todo.join(', ')}` };
}

/** Starts stopped instances (pilot light). Check-then-act: only those not already pending/running. */
export function startInstances(options: AdapterCallOptions & { ec2: EC2Client; instanceIds: readonly string[] }): Promise<ActionOutcome> {
  return transitionInstances('StartInstances', options);
}

/** Stops instances (failback of a pilot light). Check-then-act: only those not already stopping/stopped. */
export function stopInstances(options: AdapterCallOptions & { ec2: EC2Client; instanceIds: readonly string[] }): Promise<ActionOutcome> {
  return transitionInstances('StopInstances', options);
}

/** Terminates instances (isolated drill cleanup). Check-then-act: gone or terminating → no call. */
export function terminateInstances(options: AdapterCallOptions & { ec2: EC2Client; instanceIds: readonly string[] }): Promise<ActionOutcome> {
  return transitionInstances('TerminateInstances', options);
}

/** An AMI. */
export interface ImageSummary {
  imageId: string;
  name: string | undefined;
  state: string;
  createdAt: Date | undefined;
}

/** The newest `available` AMI owned by the account whose name starts with `namePrefix` (or matching tags). */
export async function describeNewestImage(options: AdapterCallOptions & { ec2: EC2Client; namePrefix?: string; tags?: Readonly<Record<string, string>> }): Promise<ImageSummary | undefined> {
  const { ec2, signal } = options;
  const filters: Filter[] = [
    { Name: 'state', Values: ['available'] },
    ...(options.namePrefix ? [{ Name: 'name', Values: [`${options.namePrefix}*`] }] : []),
    ...Object.entries(options.tags ?? {}).map(([k, v]) => ({ Name: `tag:${k}`, Values: [v] })),
  ];
  const out = await callAws(site(ec2, 'DescribeImages', options.namePrefix ?? 'tagged images'), signal, () =>
    ec2.send(new DescribeImagesCommand({ Owners: ['self'], Filters: filters }), sendOptions(signal)));
  const images = (out.Images ?? []).map((i) => ({ imageId: i.ImageId ?? '', name: i.Name, state: i.State ?? 'unknown', createdAt: i.CreationDate ? new Date(i.CreationDate) : undefined }));
  images.sort((a, b) => (b.createdAt?.getTime() ?? 0) - (a.createdAt?.getTime() ?? 0));
  return images[0];
}

/** Options of {@link copyImage}. `ec2` is a client in the destination region. */
export interface CopyImageOptions extends AdapterCallOptions {
  ec2: EC2Client;
  sourceImageId: string;
  sourceRegion: string;
  name: string;
  clientToken: string;
  encrypted?: boolean;
  kmsKeyId?: string;
  /** @default true */
  copyImageTags?: boolean;
}

/**
 * Copies an AMI into this region. Check-then-act: an own AMI with this name is taken as the copy; the call carries
 * `ClientToken` so a repeated request returns the same image.
 */
export async function copyImage(options: CopyImageOptions): Promise<ActionOutcome & { imageId: string }> {
  const { ec2, name, clientToken, signal } = options;
  validateClientToken('copyImage', clientToken);
  const existing = await callAws(site(ec2, 'DescribeImages', name), signal, () =>
    ec2.send(new DescribeImagesCommand({ Owners: ['self'], Filters: [{ Name: 'name', Values: [name] }] }), sendOptions(signal)));
  const found = existing.Images?.find((i) => i.State !== 'deregistered' && i.State !== 'failed');
  if (found?.ImageId) return { changed: false, note: `image ${name} already exists (${found.ImageId}, ${found.State})`, imageId: found.ImageId };
  const out = await callAws(site(ec2, 'CopyImage', options.sourceImageId), signal, () =>
    ec2.send(new CopyImageCommand({
      SourceImageId: options.sourceImageId,
      SourceRegion: options.sourceRegion,
      Name: name,
      ClientToken: clientToken,
      CopyImageTags: options.copyImageTags ?? true,
      ...(options.encrypted === undefined ? {} : { Encrypted: options.encrypted }),
      ...(options.kmsKeyId ? { KmsKeyId: options.kmsKeyId } : {}),
    }), sendOptions(signal)));
  return { changed: true, note: `copying ${options.sourceImageId} from ${options.sourceRegion} as ${out.ImageId}`, imageId: out.ImageId ?? '' };
}

/** Options of {@link copyEbsSnapshot}. `ec2` is a client in the destination region. */
export interface CopyEbsSnapshotOptions extends AdapterCallOptions {
  ec2: EC2Client;
  sourceSnapshotId: string;
  sourceRegion: string;
  /** CopySnapshot has no ClientToken: the token is stored as a tag and looked up first. */
  clientToken: string;
  description?: string;
  encrypted?: boolean;
  kmsKeyId?: string;
  tags?: Readonly<Record<string, string>>;
}

/** Copies an EBS snapshot into this region, idempotently through a token tag. */
export async function copyEbsSnapshot(options: CopyEbsSnapshotOptions): Promise<ActionOutcome & { snapshotId: string }> {
  const { ec2, clientToken, signal } = options;
  validateClientToken('copyEbsSnapshot', clientToken);
  const existing = await callAws(site(ec2, 'DescribeSnapshots', options.sourceSnapshotId), signal, () =>
    ec2.send(new DescribeSnapshotsCommand({ OwnerIds: ['self'], Filters: [{ Name: `tag:${IDEMPOTENCY_TAG}`, Values: [clientToken] }] }), sendOptions(signal)));
  const found = existing.Snapshots?.find((s) => s.State !== 'error');
  if (found?.SnapshotId) return { changed: false, note: `copy already exists (${found.SnapshotId}, ${found.State})`, snapshotId: found.SnapshotId };
  const tags = toAwsTags({ ...options.tags, [IDEMPOTENCY_TAG]: clientToken });
  const out = await callAws(site(ec2, 'CopySnapshot', options.sourceSnapshotId), signal, () =>
    ec2.send(new CopySnapshotCommand({
      SourceSnapshotId: options.sourceSnapshotId,
      SourceRegion: options.sourceRegion,
      TagSpecifications: [{ ResourceType: 'snapshot', Tags: tags }],
      ...(options.description ? { Description: options.description } : {}),
      ...(options.encrypted === undefined ? {} : { Encrypted: options.encrypted }),
      ...(options.kmsKeyId ? { KmsKeyId: options.kmsKeyId } : {}),
    }), sendOptions(signal)));
  return { changed: true, note: `copying ${options.sourceSnapshotId} from ${options.sourceRegion} as ${out.SnapshotId}`, snapshotId: out.SnapshotId ?? '' };
}

/** Tags resources (drill resources carry the run id). Idempotent by nature. */
export async function createTags(options: AdapterCallOptions & { ec2: EC2Client; resourceIds: readonly string[]; tags: Readonly<Record<string, string>> }): Promise<ActionOutcome> {
  const { ec2, resourceIds, signal } = options;
  await callAws(site(ec2, 'CreateTags', resourceIds.join(', ')), signal, () =>
    ec2.send(new CreateTagsCommand({ Resources: [...resourceIds], Tags: toAwsTags(options.tags) }), sendOptions(signal)));
  return { changed: true, note: `tagged ${resourceIds.join(', ')}` };
}

/** A launch template version's AMI, for readiness: does the template launch an image that exists in this region? */
export async function describeLaunchTemplateImage(options: AdapterCallOptions & { ec2: EC2Client; name: string; version?: string }): Promise<{ version: number | undefined; imageId: string | undefined } | undefined> {
  const { ec2, name, signal } = options;
  const out = await callAwsOrNotFound(site(ec2, 'DescribeLaunchTemplateVersions', name), signal, () =>
    ec2.send(new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateName: name, Versions: [options.version ?? '$Default'] }), sendOptions(signal)));
  const version = out?.LaunchTemplateVersions?.[0];
  return version === undefined ? undefined : { version: version.VersionNumber, imageId: version.LaunchTemplateData?.ImageId };
}
