/**
 * The interception point: an `initialize`-step middleware at high priority, the outermost layer of the
 * SDK client's stack. It answers the command from the simulated world and returns `{ output, response }`
 * as the deserializer would, so nothing below it (serialisation, endpoint resolution, signing, credential
 * and config loading, HTTP) ever runs: no network and no file I/O per call.
 */
import type { Clock } from '@firedrill/core';
import type { AbsoluteLocation, InitializeHandlerOptions, MiddlewareStack, Pluggable } from '@smithy/types';
import { runBackupSchedules } from './backup-schedules.js';
import { type CallLogEntry, toLoggableInput } from './call-log.js';
import { AwsApiError, networkError, type OutageFailure, type ServiceName, toSdkError } from './errors.js';
import { outageAt, throttleRate, transientRate } from './faults.js';
import { authorizeCall } from './iam-authorization.js';
import { sampleLatency } from './latency.js';
import { type CallerIdentity, createOperationContext, defaultIdentity, type ServiceHandlers } from './operation-context.js';
import { SeededRandom } from './random.js';
import { bucketFor, takeToken, THROTTLING_ERROR } from './rate-buckets.js';
import type { World } from './world.js';

/** Thrown by a service when the resource it needs lives in a region that is down (e.g. an S3 bucket). */
export class RegionUnreachable extends Error {
  override readonly name = 'RegionUnreachable';
  constructor(readonly region: string) {
    super(`region ${region} is unreachable`);
  }
}

/** What the middleware needs from the sandbox. */
export interface SandboxRuntime {
  readonly clock: Clock;
  world(): World;
  readonly handlers: Readonly<Record<ServiceName, ServiceHandlers>>;
}

/** How a plugin finds out where and as whom a call is made. */
export interface PluginBinding {
  region: string | (() => Promise<string> | string);
  identity?: () => Promise<CallerIdentity | undefined> | CallerIdentity | undefined;
}

const SERVICE_BY_CLIENT: Record<string, ServiceName> = {
  RDSClient: 'rds',
  EC2Client: 'ec2',
  AutoScalingClient: 'autoscaling',
  Route53Client: 'route53',
  S3Client: 's3',
  STSClient: 'sts',
  CloudWatchClient: 'cloudwatch',
  IAMClient: 'iam',
};

const HOST_PREFIX: Record<ServiceName, string> = {
  rds: 'rds', ec2: 'ec2', autoscaling: 'autoscaling', route53: 'route53', s3: 's3', sts: 'sts', cloudwatch: 'monitoring', iam: 'iam',
};

/** Route 53's control plane lives in us-east-1 (aws-facts.md); so does IAM's, a global service. */
export const ROUTE53_CONTROL_PLANE_REGION = 'us-east-1';

const MIDDLEWARE_OPTIONS: InitializeHandlerOptions & AbsoluteLocation & { name: string; override: boolean } = {
  step: 'initialize',
  priority: 'high',
  name: 'firedrillSandboxMiddleware',
  override: true,
};

/** The Pluggable that routes a client's commands into the sandbox. */
export function createSandboxPlugin(runtime: SandboxRuntime, binding: PluginBinding): Pluggable<object, object> {
  return {
    applyToStack(stack: MiddlewareStack<object, object>): void {
      stack.add(
        (_next, context) => async (args) => {
          const service = SERVICE_BY_CLIENT[context.clientName ?? ''];
          if (service === undefined) {
            throw new TypeError(`The Firedrill sandbox does not simulate ${context.clientName ?? 'this client'}; it simulates ${Object.keys(SERVICE_BY_CLIENT).join(', ')}.`);
          }
          const region = typeof binding.region === 'string' ? binding.region : await binding.region();
          const identity = await binding.identity?.();
          const command = (context.commandName ?? '').replace(/Command$/, '');
          const output = await handleCall(runtime, { service, region, command, input: args.input as Record<string, unknown>, identity });
          return { output: output as never, response: { statusCode: 200, headers: {} } };
        },
        MIDDLEWARE_OPTIONS,
      );
    },
  };
}

interface Call {
  service: ServiceName;
  region: string;
  command: string;
  input: Record<string, unknown>;
  identity: CallerIdentity | undefined;
}

/**
 * Handles one call: half the API latency on the way in, the checks a real endpoint makes (reachability,
 * rate limits, injected faults), the simulated operation, the call log, the other half on the way out.
 */
export async function handleCall(runtime: SandboxRuntime, call: Call): Promise<object> {
  const { clock } = runtime;
  const world = runtime.world();
  const latency = sampleLatency('api.call', world.latencies, new SeededRandom(world.random));
  const inbound = Math.floor(latency / 2);
  if (inbound > 0) await clock.sleep(inbound);
  const at = clock.now();
  // The world's own backup jobs run as time passes; whoever calls sees what they took by now.
  runBackupSchedules(world, at);
  const servedBy = call.service === 'route53' || call.service === 'iam' ? ROUTE53_CONTROL_PLANE_REGION : call.region;
  const random = new SeededRandom(world.random);
  const requestId = random.requestId();
  let result: object;
  try {
    const unreachable = unreachableFailure(world, servedBy, at);
    if (unreachable !== undefined) throw new RegionUnreachable(servedBy);
    checkRateAndFaults(world, call, servedBy, at, random);
    authorizeCall(world, call.service, call.command, (call.identity ?? defaultIdentity(world)).arn);
    const handler = runtime.handlers[call.service][call.command];
    if (handler === undefined) {
      throw new AwsApiError('InvalidAction', `The Firedrill sandbox does not simulate ${call.service} ${call.command}.`, 400);
    }
    result = await handler(createOperationContext(world, servedBy, at, call.identity), call.input ?? {});
  } catch (error) {
    throw await failCall(runtime, call, servedBy, at, requestId, latency - inbound, error);
  }
  log(world, call, servedBy, at, requestId, 'ok');
  if (latency - inbound > 0) await clock.sleep(latency - inbound);
  return { ...result, $metadata: { httpStatusCode: 200, requestId, attempts: 1, totalRetryDelay: 0 } };
}

function unreachableFailure(world: World, region: string, at: number): OutageFailure | undefined {
  if (!world.regions.includes(region)) return 'dns';
  return outageAt(world, region, at)?.failure;
}

function checkRateAndFaults(world: World, call: Call, region: string, at: number, random: SeededRandom): void {
  const throttled = (): AwsApiError => {
    const { code, status } = THROTTLING_ERROR[call.service];
    return new AwsApiError(code, code === 'RequestLimitExceeded' ? 'Request limit exceeded.' : 'Rate exceeded', status);
  };
  const bucket = world.rateLimits ? bucketFor(call.service, region, call.command) : undefined;
  if (bucket && !takeToken(world.rateBuckets, bucket.key, bucket.spec, at)) throw throttled();
  if (random.chance(throttleRate(world, call.service, region, call.command, at))) throw throttled();
  if (random.chance(transientRate(world, call.service, region, at))) {
    const unavailable = random.chance(0.5);
    const code = call.service === 's3' ? (unavailable ? 'ServiceUnavailable' : 'InternalError') : unavailable ? 'ServiceUnavailable' : 'InternalFailure';
    throw new AwsApiError(code, unavailable ? 'Service is unavailable. Try again later.' : 'An internal error occurred.', unavailable ? 503 : 500);
  }
}

async function failCall(
  runtime: SandboxRuntime,
  call: Call,
  servedBy: string,
  at: number,
  requestId: string,
  outbound: number,
  error: unknown,
): Promise<unknown> {
  const world = runtime.world();
  if (error instanceof RegionUnreachable) {
    const failure = unreachableFailure(world, error.region, at) ?? 'timeout';
    const timeout = sampleLatency('api.connectTimeout', world.latencies, new SeededRandom(world.random));
    const host = world.regions.includes(error.region)
      ? `${HOST_PREFIX[call.service]}.${error.region}.amazonaws.com`
      : `${HOST_PREFIX[call.service]}.${error.region}.amazonaws.com (the Firedrill sandbox simulates ${world.regions.join(', ')})`;
    const failed = networkError(failure, host, timeout);
    log(world, call, servedBy, at, undefined, failed.name, (failed as { code?: string }).code);
    await runtime.clock.sleep(failure === 'timeout' ? timeout : outbound);
    return failed;
  }
  if (error instanceof AwsApiError) {
    const sdkError = toSdkError(call.service, error, requestId);
    log(world, call, servedBy, at, requestId, sdkError.name, error.code);
    if (outbound > 0) await runtime.clock.sleep(outbound);
    return sdkError;
  }
  log(world, call, servedBy, at, requestId, error instanceof Error ? error.name : 'Error');
  return error;
}

function log(world: World, call: Call, region: string, at: number, requestId: string | undefined, outcome: string, errorCode?: string): void {
  const entry: CallLogEntry = {
    seq: world.callLog.length + 1,
    service: call.service,
    region,
    command: call.command,
    input: toLoggableInput(call.input),
    outcome,
    at,
  };
  if (errorCode !== undefined) entry.errorCode = errorCode;
  if (requestId !== undefined) entry.requestId = requestId;
  world.callLog.push(entry);
}
