import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { EC2Client } from '@aws-sdk/client-ec2';
import { IAMClient } from '@aws-sdk/client-iam';
import { RDSClient, type RDSClientConfig } from '@aws-sdk/client-rds';
import { Route53Client } from '@aws-sdk/client-route-53';
import { S3Client } from '@aws-sdk/client-s3';
import { STSClient } from '@aws-sdk/client-sts';
import { fromNodeProviderChain, fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import { type AwsClientPlugin, type AwsClientTarget, type AwsPluggable, pluginFor } from './aws-pluggable.js';
import { type AwsService, IAM_SIGNING_REGION, ROUTE53_CONTROL_PLANE_REGION } from './aws-service.js';
import { rateLimitPlugin } from './rate-limit-plugin.js';
import type { RateLimiter } from './rate-limiter.js';

/** Static credentials or a credential provider, as every SDK client accepts them. */
export type AwsCredentials = NonNullable<RDSClientConfig['credentials']>;

/** A role to assume (multi-account plans name one per account or per region). */
export interface AwsRoleOptions {
  roleArn: string;
  /** The external id the role's trust policy requires, if any. */
  externalId?: string;
  /** @default "firedrill" */
  sessionName?: string;
}

/** Endpoint overrides per service, for LocalStack and other AWS-compatible endpoints. */
export type AwsEndpoints = Partial<Record<AwsService | 'sts', string>>;

/** Options shared by every client of a process, whatever the region or account. */
export interface AwsClientDefaults {
  /** Base credentials. @default the Node default chain (`fromNodeProviderChain()`), resolved once and shared */
  credentials?: AwsCredentials;
  endpoints?: AwsEndpoints;
  /** Path-style S3 URLs (`http://host/bucket/key`). @default true when `endpoints.s3` is set, else false */
  s3ForcePathStyle?: boolean;
  /**
   * Middleware plugins applied to every client, in order: the sandbox, the call recorder, … A function is
   * called once per client with its service and region.
   * @default []
   */
  plugins?: readonly AwsClientPlugin[];
  /**
   * Client-side rate limiting, installed before every other plugin so a throttled call waits before anything
   * (the sandbox's interceptor included) sees it.
   */
  rateLimit?: { limiter: RateLimiter; account?: string };
  /**
   * SDK attempts per call. Firedrill retries itself — with the step's policy, on its clock, under the rate
   * limiter, and journaled — so SDK retries would multiply attempts (one waiter poll would become three
   * throttled requests) and hide time from the clock.
   * @default 1
   */
  maxAttempts?: number;
}

/** Options of {@link createAwsClients}. */
export interface AwsClientsOptions extends AwsClientDefaults {
  region: string;
  /** Assume this role (with the base credentials) for every client. */
  role?: AwsRoleOptions;
}

/** The clients of one (account or role, region); each created on first use. */
export interface AwsClients {
  readonly region: string;
  /** The role ARN the clients act as, or `undefined` for the base credentials. */
  readonly roleArn: string | undefined;
  readonly rds: RDSClient;
  readonly ec2: EC2Client;
  readonly autoScaling: AutoScalingClient;
  /** Always in us-east-1, where Route 53's control plane lives. */
  readonly route53: Route53Client;
  readonly s3: S3Client;
  /** Metrics AWS services publish (RDS replica lag). */
  readonly cloudWatch: CloudWatchClient;
  /** IAM (global, signed for us-east-1): `check` simulates the plan's actions for the role the clients act as. */
  readonly iam: IAMClient;
  /** STS in the region (regional endpoint): who the clients act as (`GetCallerIdentity`). */
  readonly sts: STSClient;
}

/** The client options every SDK client accepts, as Firedrill sets them. */
interface CommonClientConfig {
  region: string;
  credentials: AwsCredentials | undefined;
  maxAttempts: number;
  endpoint?: string;
}

interface PluggableClient {
  middlewareStack: { use(plugin: never): void };
}

function applyPlugins(client: PluggableClient, plugins: readonly AwsPluggable[]): void {
  // Each client's `use` is typed for its own Input/Output; AwsPluggable only touches the shared shape.
  const use = client.middlewareStack.use.bind(client.middlewareStack) as (plugin: AwsPluggable) => void;
  for (const plugin of plugins) use(plugin);
}

function validateOptions(options: AwsClientDefaults & { region?: string }): void {
  if (options.region !== undefined && !/^[a-z]{2}(-[a-z]+)+-\d+$/.test(options.region)) {
    throw new TypeError(`createAwsClients: region: expected an AWS region such as "us-west-2", got ${JSON.stringify(options.region)}`);
  }
  const maxAttempts = options.maxAttempts;
  if (maxAttempts !== undefined && (!Number.isInteger(maxAttempts) || maxAttempts < 1)) {
    throw new TypeError(`createAwsClients: maxAttempts: expected a whole number ≥ 1, got ${String(maxAttempts)}`);
  }
}

/**
 * Creates and caches SDK clients per (role, region) for one process or run. Credentials are shared: the default
 * chain is resolved once, and each role is assumed once (through regional STS, which keeps working when
 * us-east-1 does not) and refreshed by the SDK before it expires. Route 53 clients are per role only.
 *
 * @example
 * const pool = new AwsClientPool({ plugins: [sandbox.plugin()] });
 * const recovery = pool.clients('us-west-2', { roleArn: 'arn:aws:iam::222222222222:role/firedrill' });
 * await recovery.rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'tracking-db-replica' }));
 */
export class AwsClientPool {
  readonly #defaults: AwsClientDefaults;
  readonly #clients = new Map<string, AwsClients>();
  readonly #credentials = new Map<string, AwsCredentials | undefined>();
  readonly #route53 = new Map<string, Route53Client>();

  constructor(defaults: AwsClientDefaults = {}) {
    validateOptions(defaults);
    this.#defaults = defaults;
  }

  /** The clients for `region`, acting as `role` (or the base credentials). Cached: same arguments, same clients. */
  clients(region: string, role?: AwsRoleOptions): AwsClients {
    validateOptions({ region });
    const key = `${role?.roleArn ?? 'default'}|${role?.externalId ?? ''}|${region}`;
    let clients = this.#clients.get(key);
    if (clients === undefined) {
      clients = this.#createLazyClients(region, role);
      this.#clients.set(key, clients);
    }
    return clients;
  }

  #createLazyClients(region: string, role: AwsRoleOptions | undefined): AwsClients {
    const created: Partial<Record<AwsService | 'sts', unknown>> = {};
    const lazy = <T>(service: AwsService | 'sts', make: () => T): T => (created[service] ??= make()) as T;
    const pool = this;
    return {
      region,
      roleArn: role?.roleArn,
      get rds(): RDSClient {
        return lazy('rds', () => pool.#build('rds', region, role, (c) => new RDSClient(c)));
      },
      get ec2(): EC2Client {
        return lazy('ec2', () => pool.#build('ec2', region, role, (c) => new EC2Client(c)));
      },
      get autoScaling(): AutoScalingClient {
        return lazy('autoScaling', () => pool.#build('autoScaling', region, role, (c) => new AutoScalingClient(c)));
      },
      get route53(): Route53Client {
        return lazy('route53', () => pool.#sharedRoute53(role));
      },
      get s3(): S3Client {
        const forcePathStyle = pool.#defaults.s3ForcePathStyle ?? pool.#defaults.endpoints?.s3 !== undefined;
        return lazy('s3', () => pool.#build('s3', region, role, (c) => new S3Client({ ...c, forcePathStyle })));
      },
      get cloudWatch(): CloudWatchClient {
        return lazy('cloudWatch', () => pool.#build('cloudWatch', region, role, (c) => new CloudWatchClient(c)));
      },
      get iam(): IAMClient {
        return lazy('iam', () => pool.#build('iam', IAM_SIGNING_REGION, role, (c) => new IAMClient(c)));
      },
      get sts(): STSClient {
        return lazy('sts', () => pool.#build('sts', region, role, (c) => new STSClient(c)));
      },
    };
  }

  #sharedRoute53(role: AwsRoleOptions | undefined): Route53Client {
    const key = `${role?.roleArn ?? 'default'}|${role?.externalId ?? ''}`;
    let client = this.#route53.get(key);
    if (client === undefined) {
      client = this.#build('route53', ROUTE53_CONTROL_PLANE_REGION, role, (c) => new Route53Client(c));
      this.#route53.set(key, client);
    }
    return client;
  }

  #build<C extends PluggableClient>(
    service: AwsService | 'sts',
    region: string,
    role: AwsRoleOptions | undefined,
    make: (config: CommonClientConfig) => C,
  ): C {
    const endpoint = this.#defaults.endpoints?.[service];
    const client = make({
      region,
      credentials: this.#credentialsFor(role, region),
      maxAttempts: this.#defaults.maxAttempts ?? 1,
      ...(endpoint === undefined ? {} : { endpoint }),
    });
    applyPlugins(client, this.#pluginsFor({ service, region, ...(role ? { account: role.roleArn } : {}) }));
    return client;
  }

  #pluginsFor(target: AwsClientTarget): AwsPluggable[] {
    const plugins: AwsPluggable[] = [];
    const rateLimit = this.#defaults.rateLimit;
    if (rateLimit !== undefined && target.service !== 'sts') {
      const account = rateLimit.account ?? target.account;
      plugins.push(rateLimitPlugin(rateLimit.limiter, { ...(account === undefined ? {} : { account }) })(target));
    }
    for (const plugin of this.#defaults.plugins ?? []) plugins.push(pluginFor(plugin, target));
    return plugins;
  }

  #baseCredentials(): AwsCredentials | undefined {
    if (!this.#credentials.has('default')) {
      this.#credentials.set('default', this.#defaults.credentials ?? fromNodeProviderChain());
    }
    return this.#credentials.get('default');
  }

  #credentialsFor(role: AwsRoleOptions | undefined, region: string): AwsCredentials | undefined {
    if (role === undefined) return this.#baseCredentials();
    // One provider per role and region: the SDK caches and refreshes the assumed credentials inside it.
    const key = `${role.roleArn}|${role.externalId ?? ''}|${region}`;
    if (!this.#credentials.has(key)) {
      const stsEndpoint = this.#defaults.endpoints?.sts;
      const stsPlugins = this.#pluginsFor({ service: 'sts', region, account: role.roleArn });
      const masterCredentials = this.#baseCredentials();
      this.#credentials.set(
        key,
        fromTemporaryCredentials({
          params: {
            RoleArn: role.roleArn,
            RoleSessionName: role.sessionName ?? 'firedrill',
            ...(role.externalId === undefined ? {} : { ExternalId: role.externalId }),
          },
          ...(masterCredentials === undefined ? {} : { masterCredentials }),
          clientConfig: { region, maxAttempts: this.#defaults.maxAttempts ?? 1, ...(stsEndpoint ? { endpoint: stsEndpoint } : {}) },
          // Typed for the STS client's own stack; AwsPluggable only touches the shape every stack shares.
          clientPlugins: stsPlugins as never[],
        }),
      );
    }
    return this.#credentials.get(key);
  }
}

/**
 * The clients for one region (and optionally one assumed role), created lazily. For several regions or
 * accounts in one process, share an {@link AwsClientPool} instead so credentials are resolved once.
 *
 * @example
 * const aws = createAwsClients({ region: 'us-west-2', endpoints: { s3: 'http://localhost:4566' } });
 * await promoteReadReplica({ rds: aws.rds, identifier: 'tracking-db-replica' });
 */
export function createAwsClients(options: AwsClientsOptions): AwsClients {
  const { region, role, ...defaults } = options;
  return new AwsClientPool(defaults).clients(region, role);
}
