/**
 * AWS errors in the SDK's own shape. Service code throws an {@link AwsApiError} (code, message, HTTP
 * status); the middleware turns it into exactly what the real SDK would throw for that response: the
 * service's modeled exception class when there is one (so `instanceof DBInstanceNotFoundFault` and
 * `name === 'DBInstanceNotFoundFault'` hold), otherwise the service's `ServiceException` base with the AWS
 * error code as `name` (`RequestLimitExceeded`, `Throttling`, …). Like the SDK's query and XML protocols,
 * the AWS code is also on `Code` and `Error.Code`.
 */
import * as autoScaling from '@aws-sdk/client-auto-scaling';
import * as cloudwatch from '@aws-sdk/client-cloudwatch';
import * as ec2 from '@aws-sdk/client-ec2';
import * as iam from '@aws-sdk/client-iam';
import * as rds from '@aws-sdk/client-rds';
import * as route53 from '@aws-sdk/client-route-53';
import * as s3 from '@aws-sdk/client-s3';
import * as sts from '@aws-sdk/client-sts';
import type { ResponseMetadata } from '@smithy/types';

/** The simulated services. */
export type ServiceName = 'rds' | 'ec2' | 'autoscaling' | 'route53' | 's3' | 'sts' | 'cloudwatch' | 'iam';

/** An AWS error response, thrown by the simulated services. */
export class AwsApiError extends Error {
  override readonly name = 'AwsApiError';
  constructor(
    /** The AWS error code, e.g. `DBInstanceNotFound`, `InvalidInstanceID.NotFound`. */
    readonly code: string,
    message: string,
    /** HTTP status of the response. */
    readonly status = 400,
  ) {
    super(message);
  }

  get fault(): 'client' | 'server' {
    return this.status >= 500 ? 'server' : 'client';
  }
}

type ExceptionOptions = { message: string; $metadata: ResponseMetadata; $fault?: 'client' | 'server'; name?: string };
type ExceptionClass = new (options: ExceptionOptions) => Error;
type BaseExceptionClass = new (options: ExceptionOptions & { name: string; $fault: 'client' | 'server' }) => Error;

const asCtor = (c: unknown): ExceptionClass => c as ExceptionClass;

/** AWS error code → the SDK's modeled exception class, per service (codes from each client's schema). */
const MODELED: Record<ServiceName, Record<string, ExceptionClass>> = {
  rds: {
    DBInstanceNotFound: asCtor(rds.DBInstanceNotFoundFault),
    DBInstanceAlreadyExists: asCtor(rds.DBInstanceAlreadyExistsFault),
    InvalidDBInstanceState: asCtor(rds.InvalidDBInstanceStateFault),
    DBSnapshotNotFound: asCtor(rds.DBSnapshotNotFoundFault),
    DBSnapshotAlreadyExists: asCtor(rds.DBSnapshotAlreadyExistsFault),
    InvalidDBSnapshotState: asCtor(rds.InvalidDBSnapshotStateFault),
    DBParameterGroupNotFound: asCtor(rds.DBParameterGroupNotFoundFault),
    DBParameterGroupAlreadyExists: asCtor(rds.DBParameterGroupAlreadyExistsFault),
    InvalidDBParameterGroupState: asCtor(rds.InvalidDBParameterGroupStateFault),
    DBClusterNotFoundFault: asCtor(rds.DBClusterNotFoundFault),
    DBClusterAlreadyExistsFault: asCtor(rds.DBClusterAlreadyExistsFault),
    InvalidDBClusterStateFault: asCtor(rds.InvalidDBClusterStateFault),
    DBClusterSnapshotNotFoundFault: asCtor(rds.DBClusterSnapshotNotFoundFault),
    DBClusterSnapshotAlreadyExistsFault: asCtor(rds.DBClusterSnapshotAlreadyExistsFault),
    InvalidDBClusterSnapshotStateFault: asCtor(rds.InvalidDBClusterSnapshotStateFault),
    GlobalClusterNotFoundFault: asCtor(rds.GlobalClusterNotFoundFault),
    InvalidGlobalClusterStateFault: asCtor(rds.InvalidGlobalClusterStateFault),
    KMSKeyNotAccessibleFault: asCtor(rds.KMSKeyNotAccessibleFault),
  },
  ec2: {},
  autoscaling: {
    AlreadyExists: asCtor(autoScaling.AlreadyExistsFault),
    ResourceInUse: asCtor(autoScaling.ResourceInUseFault),
    ScalingActivityInProgress: asCtor(autoScaling.ScalingActivityInProgressFault),
  },
  route53: {
    NoSuchHostedZone: asCtor(route53.NoSuchHostedZone),
    InvalidChangeBatch: asCtor(route53.InvalidChangeBatch),
    PriorRequestNotComplete: asCtor(route53.PriorRequestNotComplete),
    NoSuchHealthCheck: asCtor(route53.NoSuchHealthCheck),
    NoSuchChange: asCtor(route53.NoSuchChange),
    InvalidInput: asCtor(route53.InvalidInput),
    HealthCheckAlreadyExists: asCtor(route53.HealthCheckAlreadyExists),
    HealthCheckInUse: asCtor(route53.HealthCheckInUse),
    HostedZoneAlreadyExists: asCtor(route53.HostedZoneAlreadyExists),
  },
  s3: {
    NoSuchBucket: asCtor(s3.NoSuchBucket),
    NoSuchKey: asCtor(s3.NoSuchKey),
    BucketAlreadyExists: asCtor(s3.BucketAlreadyExists),
    BucketAlreadyOwnedByYou: asCtor(s3.BucketAlreadyOwnedByYou),
    NotFound: asCtor(s3.NotFound),
  },
  cloudwatch: {
    InvalidParameterValue: asCtor(cloudwatch.InvalidParameterValueException),
    MissingParameter: asCtor(cloudwatch.MissingRequiredParameterException),
    InvalidParameterCombination: asCtor(cloudwatch.InvalidParameterCombinationException),
  },
  sts: {
    ExpiredToken: asCtor(sts.ExpiredTokenException),
    MalformedPolicyDocument: asCtor(sts.MalformedPolicyDocumentException),
  },
  iam: {
    NoSuchEntity: asCtor(iam.NoSuchEntityException),
    InvalidInput: asCtor(iam.InvalidInputException),
  },
};

const BASE: Record<ServiceName, BaseExceptionClass> = {
  rds: rds.RDSServiceException as unknown as BaseExceptionClass,
  ec2: ec2.EC2ServiceException as unknown as BaseExceptionClass,
  autoscaling: autoScaling.AutoScalingServiceException as unknown as BaseExceptionClass,
  route53: route53.Route53ServiceException as unknown as BaseExceptionClass,
  s3: s3.S3ServiceException as unknown as BaseExceptionClass,
  sts: sts.STSServiceException as unknown as BaseExceptionClass,
  cloudwatch: cloudwatch.CloudWatchServiceException as unknown as BaseExceptionClass,
  iam: iam.IAMServiceException as unknown as BaseExceptionClass,
};

/** Builds the exception the real SDK would throw for `error` from `service`. */
export function toSdkError(service: ServiceName, error: AwsApiError, requestId: string): Error {
  const $metadata: ResponseMetadata = { httpStatusCode: error.status, requestId, attempts: 1, totalRetryDelay: 0 };
  const Modeled = MODELED[service][error.code];
  const exception = Modeled
    ? new Modeled({ message: error.message, $metadata, $fault: error.fault })
    : new BASE[service]({ name: error.code, $fault: error.fault, message: error.message, $metadata });
  const type = error.fault === 'client' ? 'Sender' : 'Receiver';
  return Object.assign(exception, {
    Code: error.code,
    Type: type,
    Error: { Type: type, Code: error.code, Message: error.message },
    RequestId: requestId,
  });
}

/** How a call to a region in outage fails. */
export type OutageFailure = 'timeout' | 'refused' | 'dns';

/**
 * The error the SDK surfaces when it cannot reach the endpoint: no HTTP status, `$metadata` with the
 * attempt count only (as the retry middleware leaves it).
 */
export function networkError(failure: OutageFailure, host: string, timeoutMs: number): Error {
  const $metadata = { attempts: 1, totalRetryDelay: 0 };
  if (failure === 'refused') {
    return Object.assign(new Error(`connect ECONNREFUSED ${host}:443`), {
      name: 'Error', code: 'ECONNREFUSED', errno: -111, syscall: 'connect', address: host, port: 443, $metadata,
    });
  }
  if (failure === 'dns') {
    return Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), {
      name: 'Error', code: 'ENOTFOUND', errno: -3008, syscall: 'getaddrinfo', hostname: host, $metadata,
    });
  }
  // The shape of @smithy/node-http-handler's connection timeout.
  return Object.assign(new Error(`Socket timed out without establishing a connection within ${timeoutMs} ms`), {
    name: 'TimeoutError', code: 'ETIMEDOUT', $metadata,
  });
}

/** Shorthands used by the services. */
export const notFound = (code: string, message: string): AwsApiError => new AwsApiError(code, message, 404);
export const badRequest = (code: string, message: string): AwsApiError => new AwsApiError(code, message, 400);
export const conflict = (code: string, message: string): AwsApiError => new AwsApiError(code, message, 409);
