/**
 * The AWS SDK v3 clients and waiters, for bench code. The SDK is a dependency of the packages, not of the
 * workspace root, so `bench/` cannot import it by name; this loads the very copy `@firedrill/strategies` and
 * `@firedrill/sandbox` load (their `node_modules`, CommonJS entry, one module instance), typed from its
 * declarations.
 */
import { createRequire } from 'node:module';
import type * as AutoScalingSdk from '../packages/strategies/node_modules/@aws-sdk/client-auto-scaling/dist-types/index.js';
import type * as Ec2Sdk from '../packages/strategies/node_modules/@aws-sdk/client-ec2/dist-types/index.js';
import type * as RdsSdk from '../packages/strategies/node_modules/@aws-sdk/client-rds/dist-types/index.js';
import type * as Route53Sdk from '../packages/strategies/node_modules/@aws-sdk/client-route-53/dist-types/index.js';

const require = createRequire(new URL('../packages/strategies/package.json', import.meta.url));

/** `@aws-sdk/client-rds`. */
export const rdsSdk = require('@aws-sdk/client-rds') as typeof RdsSdk;
/** `@aws-sdk/client-ec2`. */
export const ec2Sdk = require('@aws-sdk/client-ec2') as typeof Ec2Sdk;
/** `@aws-sdk/client-auto-scaling`. */
export const autoScalingSdk = require('@aws-sdk/client-auto-scaling') as typeof AutoScalingSdk;
/** `@aws-sdk/client-route-53`. */
export const route53Sdk = require('@aws-sdk/client-route-53') as typeof Route53Sdk;
