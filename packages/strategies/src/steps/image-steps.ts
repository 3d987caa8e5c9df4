/**
 * Steps on AMIs and the instances launched from them: find the copied AMI in a region, launch instances from it
 * (ClientToken-idempotent), wait until they run, and terminate the instances a run launched.
 */
import { DescribeInstancesCommand, type RunInstancesCommandInput } from '@aws-sdk/client-ec2';
import { type ActionStep, type CallPreview, type StepContext, StepFailure, type WaitStep } from '@firedrill/core';
import type { AwsEnvironment, Side } from '../aws-environment.js';
import { describeInstances, describeNewestImage, runInstancesFromAmi, terminateInstances } from '../aws/ec2.js';
import { sendOptions, toAwsTags } from '../aws/aws-call.js';
import type { Ec2InstancesParams } from '../aws/waiters/ec2-waiters.js';
import { waiters } from '../aws/waiters/waiter-registry.js';
import { previewCall } from './aws-step-options.js';
import { type AwsWaitResult, awsWaitStep } from './aws-wait-step.js';

/** The AMI {@link findImageStep} found. */
export interface FoundImage {
  imageId: string;
  name: string;
  createdAt: number | undefined;
  region: string;
}

/** The instances {@link launchInstancesStep} launched. */
export interface LaunchedInstances {
  instanceIds: string[];
  imageId: string;
  region: string;
}

const ec2Action = (region: string, command: string, input: Record<string, unknown>): CallPreview => previewCall('ec2', region, command, input);

/**
 * Finds the newest available AMI named `amiName…` in a region (the copy made by the backup schedule). Fails,
 * not retried, when there is none.
 *
 * @example
 * findImageStep({ id: 'find-image', aws, side: 'recovery', amiName: 'tracking-app' })
 */
export function findImageStep(options: { id: string; aws: AwsEnvironment; side: Side; amiName: string; dependsOn?: readonly string[] }): ActionStep<FoundImage> {
  const { aws, side, amiName } = options;
  const region = aws.region(side);
  return {
    id: options.id,
    kind: 'action',
    title: `Find the AMI ${amiName} in ${region}`,
    why: 'Compute in the recovery region launches from the AMI copied there by the backup schedule.',
    ...(options.dependsOn ? { dependsOn: options.dependsOn } : {}),
    policy: { retry: { nonRetryable: ['ImageNotFound', 'AccessDenied', 'UnauthorizedOperation'] } },
    preview: () => [ec2Action(region, 'DescribeImages', { Owners: ['self'], Filters: [{ Name: 'state', Values: ['available'] }, { Name: 'name', Values: [`${amiName}*`] }] })],
    verifyByHand: `aws ec2 describe-images --region ${region} --owners self --filters Name=name,Values='${amiName}*'`,
    act: async (ctx) => {
      const image = await describeNewestImage({ ec2: aws.clients(side).ec2, namePrefix: amiName, signal: ctx.signal });
      if (image === undefined) {
        throw new StepFailure(
          `ImageNotFound: no available AMI named ${amiName}* in ${region}, so there is nothing to launch. Copy it there (aws ec2 copy-image --region ${region} --source-region ${aws.region(side === 'recovery' ? 'primary' : 'recovery')} …) and retry this step.`,
          { code: 'ImageNotFound', retryable: false },
        );
      }
      return { imageId: image.imageId, name: image.name ?? amiName, createdAt: image.createdAt?.getTime(), region };
    },
  };
}

/** Options of {@link launchInstancesStep}. */
export interface LaunchInstancesOptions {
  id: string;
  aws: AwsEnvironment;
  side: Side;
  /** The step whose result ({@link FoundImage}) names the AMI. */
  imageFrom: string;
  count: number;
  instanceType?: RunInstancesCommandInput['InstanceType'];
  /** Launch through this template (network, profile, the application's tags); the AMI overrides its image. */
  launchTemplate?: string;
  tags: Readonly<Record<string, string>>;
  dependsOn?: readonly string[];
  /** Terminate the instances when the run rolls back (drill copies). */
  terminateOnRollback?: boolean;
}

/**
 * Launches instances from the AMI an earlier step found, with the step's idempotency token as `ClientToken`:
 * retries and a resume in another process never launch twice.
 *
 * @example
 * launchInstancesStep({ id: 'launch-compute', aws, side: 'recovery', imageFrom: 'find-image', count: 4, launchTemplate: 'tracking-us-west-2', tags: { 'firedrill:plan': 'tracking' } })
 */
export function launchInstancesStep(options: LaunchInstancesOptions): ActionStep<LaunchedInstances> {
  const { aws, side } = options;
  const region = aws.region(side);
  const launched = async (ctx: StepContext): Promise<string[]> =>
    (await describeInstances({ ec2: aws.clients(side).ec2, filters: [{ Name: 'client-token', Values: [ctx.idempotencyToken()] }], signal: ctx.signal }))
      .filter((i) => i.state !== 'terminated' && i.state !== 'shutting-down')
      .map((i) => i.instanceId);
  return {
    id: options.id,
    kind: 'action',
    title: `Launch ${options.count} instance(s) in ${region} from the copied AMI`,
    why: 'The application needs compute in the recovery region; nothing runs there in backup & restore.',
    dependsOn: options.dependsOn ?? [options.imageFrom],
    policy: { retry: { nonRetryable: ['InvalidAMIID.NotFound', 'InvalidAMIID.Unavailable', 'IdempotentParameterMismatch', 'UnauthorizedOperation'] } },
    preview: () => [
      ec2Action(region, 'DescribeInstances', { Filters: [{ Name: 'client-token', Values: ['<run and step token>'] }] }),
      ec2Action(region, 'RunInstances', {
        ClientToken: '<run and step token>', MinCount: options.count, MaxCount: options.count, ImageId: `<AMI found by ${options.imageFrom}>`,
        ...(options.instanceType ? { InstanceType: options.instanceType } : {}),
        ...(options.launchTemplate ? { LaunchTemplate: { LaunchTemplateName: options.launchTemplate, Version: '$Default' } } : {}),
        ...(Object.keys(options.tags).length > 0 ? { TagSpecifications: [{ ResourceType: 'instance', Tags: toAwsTags(options.tags) }] } : {}),
      }),
    ],
    verifyByHand: `aws ec2 describe-instances --region ${region} --filters ${Object.entries(options.tags).map(([k, v]) => `Name=tag:${k},Values=${v}`).join(' ')}`,
    undoByHand: `aws ec2 terminate-instances --region ${region} --instance-ids <the ids launched>`,
    check: async (ctx) => {
      const image = ctx.resultOf<FoundImage>(options.imageFrom);
      const ids = await launched(ctx);
      return ids.length === 0 || image === undefined ? { applied: false } : { applied: true, result: { instanceIds: ids, imageId: image.imageId, region } };
    },
    act: async (ctx) => {
      const image = ctx.resultOf<FoundImage>(options.imageFrom);
      if (image === undefined) throw new StepFailure(`no AMI: step ${options.imageFrom} has no result`, { code: 'MissingInput', retryable: false });
      const outcome = await runInstancesFromAmi({
        ec2: aws.clients(side).ec2, clientToken: ctx.idempotencyToken(), count: options.count, imageId: image.imageId, tags: options.tags, signal: ctx.signal,
        ...(options.instanceType ? { instanceType: options.instanceType } : {}),
        ...(options.launchTemplate ? { launchTemplate: { name: options.launchTemplate } } : {}),
      });
      ctx.log(outcome.note);
      return { instanceIds: outcome.instanceIds, imageId: image.imageId, region };
    },
    ...(options.terminateOnRollback
      ? {
          compensate: async (ctx: StepContext): Promise<void> => {
            const ids = await launched(ctx);
            if (ids.length > 0) ctx.log((await terminateInstances({ ec2: aws.clients(side).ec2, instanceIds: ids, signal: ctx.signal })).note);
          },
        }
      : {}),
  };
}

/** Waits until the instances a launch step started are `running`. */
export function waitInstancesRunningStep(options: { id: string; aws: AwsEnvironment; side: Side; launchedBy: string; dependsOn?: readonly string[] }): WaitStep<AwsWaitResult> {
  const { aws, side } = options;
  const region = aws.region(side);
  return awsWaitStep({
    id: options.id, aws, side, dependsOn: options.dependsOn ?? [options.launchedBy], definition: waiters.instancesRunning,
    title: `Wait until the launched instances run in ${region}`,
    params: (ctx: StepContext): Ec2InstancesParams | undefined => {
      const ids = ctx.resultOf<LaunchedInstances>(options.launchedBy)?.instanceIds ?? [];
      return ids.length === 0 ? undefined : { instanceIds: ids };
    },
    describe: (_ctx: StepContext, signal: AbortSignal | undefined, params: Ec2InstancesParams) => aws.clients(side).ec2.send(new DescribeInstancesCommand({ InstanceIds: [...params.instanceIds] }), sendOptions(signal)),
    notFoundGraceMs: 30_000,
    preview: () => [ec2Action(region, 'DescribeInstances', { InstanceIds: [`<ids launched by ${options.launchedBy}>`] })],
    verifyByHand: `aws ec2 wait instance-running --region ${region} --instance-ids <ids>`,
  });
}

/** Options of {@link terminateTaggedInstancesStep}. */
export interface TerminateTaggedInstancesOptions {
  id: string;
  aws: AwsEnvironment;
  side: Side;
  /** Every instance carrying all these tags is terminated: only tags Firedrill itself set. */
  tags: Readonly<Record<string, string>>;
  what: string;
  dependsOn?: readonly string[];
}

/**
 * Terminates the instances that carry Firedrill's tags (the compute a failover launched), and waits until they
 * are gone. Check-then-act: none left running → nothing to do.
 */
export function terminateTaggedInstancesStep(options: TerminateTaggedInstancesOptions): ActionStep<{ terminated: string[] }> {
  const { aws, side, tags } = options;
  const region = aws.region(side);
  const filters = Object.entries(tags).map(([k, v]) => ({ Name: `tag:${k}`, Values: [v] }));
  const alive = async (ctx: StepContext): Promise<string[]> =>
    (await describeInstances({ ec2: aws.clients(side).ec2, filters, signal: ctx.signal })).filter((i) => i.state !== 'terminated').map((i) => i.instanceId);
  return {
    id: options.id,
    kind: 'action',
    title: `Terminate ${options.what} in ${region}`,
    ...(options.dependsOn ? { dependsOn: options.dependsOn } : {}),
    preview: () => [ec2Action(region, 'DescribeInstances', { Filters: filters }), ec2Action(region, 'TerminateInstances', { InstanceIds: ['<ids found>'] })],
    verifyByHand: `aws ec2 describe-instances --region ${region} --filters ${filters.map((f) => `Name=${f.Name},Values=${f.Values[0]}`).join(' ')} (all terminated)`,
    check: async (ctx) => ((await alive(ctx)).length === 0 ? { applied: true, result: { terminated: [] } } : { applied: false }),
    act: async (ctx) => {
      const ids = await alive(ctx);
      if (ids.length > 0) ctx.log((await terminateInstances({ ec2: aws.clients(side).ec2, instanceIds: ids, signal: ctx.signal })).note);
      return { terminated: ids };
    },
  };
}
