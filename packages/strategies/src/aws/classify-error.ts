/**
 * One classifier for every AWS error, by shape (`$fault`, `$metadata.httpStatusCode`, `Code`/`code`/`name`),
 * never by `instanceof`: two copies of an SDK package (or the sandbox's errors) must classify the same.
 */
import { StepFailure } from '@firedrill/core';
import type { AwsService } from './aws-service.js';
import { iamActionFor } from './iam-action.js';

/** How Firedrill reacts to an AWS error: slow down, try again, or stop and tell a human. */
export type AwsErrorCategory = 'throttling' | 'transient' | 'permanent';

/** Why an error is what it is; messages and waiters branch on it. */
export type AwsErrorReason =
  | 'throttling'
  | 'server-error'
  | 'network'
  | 'timeout'
  | 'access-denied'
  | 'credentials'
  | 'not-found'
  | 'invalid-state'
  | 'validation'
  | 'client-error'
  | 'unknown';

/** What {@link classifyAwsError} found. */
export interface ClassifiedAwsError {
  category: AwsErrorCategory;
  /** The AWS error code as sent on the wire (`DBInstanceNotFound`), else the exception name, else the Node code. */
  code: string;
  reason: AwsErrorReason;
  /** HTTP status, when a response was received. */
  httpStatus?: number;
  /** The error's own message. */
  message: string;
}

const THROTTLING_CODES = new Set([
  'ThrottlingException',
  'Throttling',
  'RequestLimitExceeded',
  'PriorRequestNotComplete',
  'TooManyRequestsException',
  'SlowDown',
  'RequestThrottled',
  'RequestThrottledException',
  'ProvisionedThroughputExceededException',
  'BandwidthLimitExceeded',
  'EC2ThrottledException',
]);

const TRANSIENT_CODES = new Set([
  'InternalFailure',
  'InternalError',
  'InternalServerError',
  'InternalServiceError',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'Unavailable',
  'RequestTimeout',
  'RequestTimeoutException',
  'TimeoutError',
  'IDPCommunicationError',
]);

const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EPIPE',
  'EAI_AGAIN',
  'ECONNABORTED',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ERR_SOCKET_CONNECTION_TIMEOUT',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
]);

const ACCESS_DENIED_CODES = new Set([
  'AccessDenied',
  'AccessDeniedException',
  'UnauthorizedOperation',
  'AuthFailure',
  'NotAuthorizedException',
  'UnrecognizedClientException',
  'InvalidClientTokenId',
  'ExpiredToken',
  'ExpiredTokenException',
  'SignatureDoesNotMatch',
  'InvalidAccessKeyId',
  'OptInRequired',
]);

const VALIDATION_CODES = new Set([
  'ValidationError',
  'ValidationException',
  'InvalidParameterValue',
  'InvalidParameterCombination',
  'InvalidParameter',
  'InvalidInput',
  'InvalidArgument',
  'InvalidChangeBatch',
  'MissingParameter',
  'MalformedQueryString',
]);

interface ErrorShape {
  name?: unknown;
  code?: unknown;
  Code?: unknown;
  message?: unknown;
  $fault?: unknown;
  $metadata?: { httpStatusCode?: unknown };
  $retryable?: { throttling?: unknown };
}

function stringField(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/** The code an SDK error carries: the wire `Code` first (RDS sends `DBInstanceNotFound` for `DBInstanceNotFoundFault`). */
function codeOf(e: ErrorShape): string {
  const name = stringField(e.name);
  const generic = name === undefined || name === 'Error' || name.endsWith('ServiceException');
  return stringField(e.Code) ?? (generic ? stringField(e.code) : undefined) ?? name ?? stringField(e.code) ?? 'UnknownError';
}

function isNotFound(code: string, name: string | undefined): boolean {
  const names = [code, name ?? ''];
  return names.some((n) => /NotFound|^NoSuch|\.NotFound$/.test(n));
}

function isInvalidState(code: string): boolean {
  return /^(Invalid|Incorrect).*State/.test(code) || code === 'ResourceInUse' || code === 'ScalingActivityInProgress';
}

/**
 * No usable credentials: none found by the SDK's provider chain (it throws before sending anything, so without an
 * HTTP status — which would otherwise read as the network), or keys AWS does not accept.
 */
const CREDENTIALS_CODES = new Set([
  'CredentialsProviderError',
  'TokenProviderError',
  'ExpiredToken',
  'ExpiredTokenException',
  'InvalidClientTokenId',
  'UnrecognizedClientException',
  'SignatureDoesNotMatch',
]);

/** How to give Firedrill credentials: said wherever a missing or refused credential stops something. */
export const CREDENTIALS_ADVICE = 'give Firedrill AWS credentials (AWS_PROFILE, `aws sso login`, an instance or task role, or the plan\'s roles)';

function classifyClientError(code: string, name: string | undefined): AwsErrorReason {
  if (CREDENTIALS_CODES.has(code) || CREDENTIALS_CODES.has(name ?? '')) return 'credentials';
  if (ACCESS_DENIED_CODES.has(code) || ACCESS_DENIED_CODES.has(name ?? '')) return 'access-denied';
  if (isNotFound(code, name)) return 'not-found';
  if (isInvalidState(code) || isInvalidState(name ?? '')) return 'invalid-state';
  if (VALIDATION_CODES.has(code) || VALIDATION_CODES.has(name ?? '') || /^Invalid/.test(code)) return 'validation';
  return 'client-error';
}

const PROGRAMMING_ERRORS = new Set(['TypeError', 'RangeError', 'ReferenceError', 'SyntaxError']);

/**
 * Classifies anything thrown by an AWS SDK v3 call.
 *
 * - `throttling`: ThrottlingException, Throttling, RequestLimitExceeded, PriorRequestNotComplete,
 *   TooManyRequestsException, SlowDown, RequestThrottled, HTTP 429. Checked first: EC2's RequestLimitExceeded
 *   arrives as HTTP 503 with `$fault: 'server'`.
 * - `transient`: HTTP 5xx or `$fault: 'server'`, InternalFailure, ServiceUnavailable, RequestTimeout, and network
 *   errors (ECONNRESET, ECONNREFUSED, ETIMEDOUT, ENOTFOUND, EPIPE, TimeoutError, socket hang up — anything that
 *   never got an HTTP status).
 * - `permanent`: access denied, missing or rejected credentials (CredentialsProviderError, ExpiredToken,
 *   InvalidClientTokenId, …), not found, invalid state, validation, and any other 4xx.
 *
 * @example
 * classifyAwsError(new DBInstanceNotFoundFault({ message: 'x', $metadata: { httpStatusCode: 404 } }))
 * // { category: 'permanent', code: 'DBInstanceNotFoundFault', reason: 'not-found', httpStatus: 404, … }
 */
export function classifyAwsError(error: unknown): ClassifiedAwsError {
  if (typeof error !== 'object' || error === null) {
    return { category: 'permanent', code: 'UnknownError', reason: 'unknown', message: String(error) };
  }
  const e = error as ErrorShape & { retryable?: unknown };
  if (typeof e.retryable === 'boolean' && typeof e.code === 'string' && !('$metadata' in e)) return classifyStepFailure(e.code, e.retryable, stringField(e.message));
  const code = codeOf(e);
  const name = stringField(e.name);
  const message = stringField(e.message) ?? code;
  const status = typeof e.$metadata?.httpStatusCode === 'number' ? e.$metadata.httpStatusCode : undefined;
  const base = { code, message, ...(status === undefined ? {} : { httpStatus: status }) };

  if (CREDENTIALS_CODES.has(code) || CREDENTIALS_CODES.has(name ?? '')) return { ...base, category: 'permanent', reason: 'credentials' };
  if (THROTTLING_CODES.has(code) || THROTTLING_CODES.has(name ?? '') || status === 429 || e.$retryable?.throttling === true) {
    return { ...base, category: 'throttling', reason: 'throttling' };
  }
  if (NETWORK_CODES.has(code) || NETWORK_CODES.has(stringField(e.code) ?? '')) {
    return { ...base, category: 'transient', reason: 'network' };
  }
  if (TRANSIENT_CODES.has(code) || TRANSIENT_CODES.has(name ?? '')) {
    return { ...base, category: 'transient', reason: /Timeout/.test(code) ? 'timeout' : 'server-error' };
  }
  if ((status !== undefined && status >= 500) || e.$fault === 'server') {
    return { ...base, category: 'transient', reason: 'server-error' };
  }
  if (status !== undefined || e.$fault === 'client') {
    return { ...base, category: 'permanent', reason: classifyClientError(code, name) };
  }
  // No HTTP status and no fault: the request never got an answer (the SDK sets $metadata on every response),
  // unless it is one of our own failures or a programming error, which no retry can fix.
  const reason = classifyClientError(code, name);
  if (reason !== 'client-error') return { ...base, category: 'permanent', reason };
  if (name === 'AbortError' || PROGRAMMING_ERRORS.has(name ?? '') || (error as { retryable?: unknown }).retryable === false) {
    return { ...base, category: 'permanent', reason: 'unknown' };
  }
  return { ...base, category: 'transient', reason: /Timeout/.test(code) ? 'timeout' : 'network' };
}

/** A Firedrill `StepFailure` (already classified, e.g. by an adapter) keeps its own code and retryability. */
function classifyStepFailure(code: string, retryable: boolean, message: string | undefined): ClassifiedAwsError {
  const base = { code, message: message ?? code };
  if (!retryable) return { ...base, category: 'permanent', reason: classifyClientError(code, undefined) };
  if (THROTTLING_CODES.has(code)) return { ...base, category: 'throttling', reason: 'throttling' };
  return { ...base, category: 'transient', reason: NETWORK_CODES.has(code) ? 'network' : 'server-error' };
}

/** True unless the error is permanent; the `isRetryable` for core's `retryWithPolicy` around AWS calls. */
export function isRetryableAwsError(error: unknown): boolean {
  return classifyAwsError(error).category !== 'permanent';
}

/** Where a failed call was made, for the message a person reads. */
export interface AwsCallSite {
  service: AwsService;
  region: string;
  /** The operation, with or without the SDK's `Command` suffix. */
  command: string;
  /** The resource the call was about (`tracking-db-replica`, `Z123 tracking.example.com`). */
  resource?: string;
}

function describeCall(site: AwsCallSite): { action: string; on: string } {
  const action = iamActionFor(site.service, site.command);
  const on = site.resource === undefined ? '' : ` on ${site.resource}`;
  return { action, on };
}

function failureMessage(c: ClassifiedAwsError, site: AwsCallSite): string {
  const { action, on } = describeCall(site);
  const where = `in ${site.region}`;
  switch (c.reason) {
    case 'access-denied':
      return `${c.code}: ${action}${on} ${where} was denied. Add ${action} to the role Firedrill runs as (see \`firedrill iam-policy\`).`;
    case 'credentials':
      return `${c.code}: ${action}${on} ${where} was not sent: no AWS credentials that AWS accepts (${c.message}). ${CREDENTIALS_ADVICE[0]!.toUpperCase()}${CREDENTIALS_ADVICE.slice(1)}, or run on the simulated AWS with --target sandbox.`;
    case 'not-found':
      return `${c.code}: ${action} found no ${site.resource ?? 'such resource'} ${where}. Check the resource name and region in the plan (${c.message}).`;
    case 'invalid-state':
      return `${c.code}: ${action}${on} ${where} was refused in the resource's current state (${c.message}). Wait for any operation in progress to finish, check the resource in the console, then retry the step.`;
    case 'validation':
      return `${c.code}: ${action}${on} ${where} was rejected as invalid (${c.message}). Check the plan's settings for this resource.`;
    case 'throttling':
      return `${c.code}: ${action}${on} ${where} was throttled by AWS after Firedrill's own retries. Retry the step; if it recurs lower the run's concurrency or ask AWS for a higher API rate limit.`;
    case 'network':
    case 'timeout':
      return `${c.code}: ${action}${on} could not reach the ${site.service} endpoint ${where} (${c.message}). Check the network, any endpoint override, and the AWS Health Dashboard for ${site.region}; retry the step.`;
    case 'server-error':
      return `${c.code}: ${action}${on} ${where} failed with an AWS server error (${c.message}). Retry the step; if it persists check the AWS Health Dashboard for ${site.region}.`;
    default:
      return `${c.code}: ${action}${on} ${where} failed: ${c.message}`;
  }
}

/**
 * Turns an AWS error into core's {@link StepFailure}: a message naming the call, the resource and the
 * region and saying what to do next; `retryable` unless the error is permanent; `code` = the AWS error code.
 * A {@link StepFailure} passes through unchanged.
 *
 * @example
 * throw toStepFailure(error, { service: 'rds', region: 'us-west-2', command: 'PromoteReadReplica', resource: 'tracking-db-replica' });
 * // "AccessDenied: rds:PromoteReadReplica on tracking-db-replica in us-west-2 was denied. Add rds:PromoteReadReplica
 * //  to the role Firedrill runs as (see `firedrill iam-policy`)."
 */
export function toStepFailure(error: unknown, site: AwsCallSite): StepFailure {
  if (error instanceof StepFailure) return error;
  const classified = classifyAwsError(error);
  return new StepFailure(failureMessage(classified, site), {
    code: classified.code,
    retryable: classified.category !== 'permanent',
    // Throttling and 5xx are AWS answering that it is overloaded: the step keeps at them for a while. No answer at
    // all (a network failure) is an outage, not load: it counts against the attempts as before, so a graceful
    // failover against a lost primary fails in seconds, not after transientFor, and the operator goes ungraceful.
    transient: classified.category !== 'permanent' && (classified.reason === 'throttling' || classified.httpStatus !== undefined),
    cause: error,
  });
}
