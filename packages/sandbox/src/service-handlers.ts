/** The simulated operations of every service, by operation name. */
import type { ServiceName } from './errors.js';
import type { ServiceHandlers } from './operation-context.js';
import { autoScalingHandlers } from './services/auto-scaling.js';
import { cloudWatchHandlers } from './services/cloudwatch.js';
import { ec2Handlers } from './services/ec2.js';
import { iamHandlers } from './services/iam.js';
import { rdsHandlers } from './services/rds.js';
import { route53Handlers } from './services/route53.js';
import { s3Handlers } from './services/s3.js';
import { stsHandlers } from './services/sts.js';

/** Handlers per service. */
export const SERVICE_HANDLERS: Readonly<Record<ServiceName, ServiceHandlers>> = {
  rds: rdsHandlers,
  ec2: ec2Handlers,
  autoscaling: autoScalingHandlers,
  route53: route53Handlers,
  s3: s3Handlers,
  sts: stsHandlers,
  cloudwatch: cloudWatchHandlers,
  iam: iamHandlers,
};
