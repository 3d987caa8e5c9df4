export { AWS_SERVICES, type AwsService, operationName, ROUTE53_CONTROL_PLANE_REGION, serviceFromClientName } from './aws/aws-service.js';
export { iamActionFor } from './aws/iam-action.js';
export {
  type AwsCallSite,
  type AwsErrorCategory,
  type AwsErrorReason,
  type ClassifiedAwsError,
  classifyAwsError,
  isRetryableAwsError,
  toStepFailure,
} from './aws/classify-error.js';
export {
  type AwsClientPlugin,
  type AwsClientTarget,
  type AwsMiddlewareStack,
  type AwsPluggable,
  pluginFor,
} from './aws/aws-pluggable.js';
export {
  type AwsClientDefaults,
  AwsClientPool,
  type AwsClients,
  type AwsClientsOptions,
  type AwsCredentials,
  type AwsEndpoints,
  type AwsRoleOptions,
  createAwsClients,
} from './aws/client-factory.js';
export { type RateBucketDraw, rateBucketsFor, type TokenBucketSpec } from './aws/rate-limits.js';
export { type RateLimitedCall, RateLimiter, type RateLimiterOptions, type RateLimiterStats } from './aws/rate-limiter.js';
export { RATE_LIMIT_MIDDLEWARE_NAME, rateLimitPlugin, type RateLimitPluginOptions } from './aws/rate-limit-plugin.js';
