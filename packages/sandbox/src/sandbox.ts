/**
 * The sandbox: a simulated multi-region AWS behind the real AWS SDK v3 clients.
 */
import { renameSync, readFileSync, writeFileSync } from 'node:fs';
import type { Clock } from '@firedrill/core';
import type { AwsCredentialIdentity, Pluggable } from '@smithy/types';
import { type CallLogEntry, type CallLogQuery, queryCallLog } from './call-log.js';
import { SANDBOX_CREDENTIALS, type SandboxClientConfig, sandboxClientConfig } from './client-config.js';
import { defaultProductionCapacity } from './application-health.js';
import { DataPlane } from './data-plane.js';
import { SandboxFaults } from './faults.js';
import { type LatencyOverrides, validateLatencies } from './latency.js';
import { createSandboxPlugin, type PluginBinding, type SandboxRuntime } from './middleware.js';
import { type CallerIdentity, defaultIdentity } from './operation-context.js';
import { type IdentityPolicy, parsePrincipalArn, roleIdOf, validateIdentityPolicy } from './iam-policies.js';
import { SERVICE_HANDLERS } from './service-handlers.js';
import { GroundTruth } from './truth.js';
import { type ApplicationRecord, createWorld, type World, WORLD_VERSION } from './world.js';

/** Options of {@link Sandbox}. */
export interface SandboxOptions {
  /** The only source of time. Use a `VirtualClock` for tests and demos. */
  clock: Clock;
  /** Seed of the PRNG behind every jitter and error rate. @default 1 */
  seed?: number;
  /** Simulated regions. @default ['us-east-1', 'us-west-2'] */
  regions?: string[];
  /** Per-operation latency overrides, e.g. `{ 'rds.promoteReadReplica': 300_000 }`. */
  latencies?: LatencyOverrides;
  /** API round-trip latency: ms or `[min, max]`; 0 for none. @default [50, 150] */
  apiLatency?: number | [number, number];
  /** Connect timeout of calls to a region in outage (ms). @default 5000 */
  connectTimeoutMs?: number;
  /** Throttle with AWS's published token buckets. @default true */
  rateLimits?: boolean;
  /** Account that owns the resources. @default '111111111111' */
  accountId?: string;
}

/** An SDK client class the sandbox can configure (RDSClient, EC2Client, …). */
export type SandboxClientClass<C> = new (config: SandboxClientConfig) => C;

/** Anything with a middleware stack and a config with region and credential providers (every SDK v3 client). */
export interface AttachableClient {
  middlewareStack: { use(pluggable: never): void };
  config: { region: unknown; credentials?: unknown };
}

/**
 * A simulated multi-region AWS. Create real SDK clients with {@link Sandbox.client}; every command is
 * answered from the simulated world on the sandbox's clock.
 *
 * @example
 * const clock = new VirtualClock();
 * const sandbox = new Sandbox({ clock, seed: 7 });
 * const rds = sandbox.client(RDSClient, 'us-west-2');
 * await rds.send(new DescribeDBInstancesCommand({}));
 */
export class Sandbox {
  readonly clock: Clock;
  /** Switchable faults. */
  readonly faults: SandboxFaults;
  /** Endpoints, writes, heartbeats, fencing. */
  readonly dataPlane: DataPlane;
  /** What really happened (for tests). */
  readonly truth: GroundTruth;
  #world: World;
  readonly #runtime: SandboxRuntime;

  constructor(options: SandboxOptions, world?: World) {
    if (!options?.clock) throw new TypeError('Sandbox: options.clock is required (use VirtualClock for tests)');
    this.clock = options.clock;
    this.#world = world ?? Sandbox.#createWorld(options);
    const getWorld = (): World => this.#world;
    this.#runtime = { clock: this.clock, world: getWorld, handlers: SERVICE_HANDLERS };
    this.dataPlane = new DataPlane(getWorld, this.clock);
    this.truth = new GroundTruth(getWorld, this.clock);
    this.faults = new SandboxFaults(getWorld, this.clock, (target, ms, at) => this.dataPlane.setReplicationLag(target, ms, at));
  }

  static #createWorld(options: SandboxOptions): World {
    const regions = options.regions ?? ['us-east-1', 'us-west-2'];
    if (regions.length === 0 || regions.some((r) => !/^[a-z]{2}(-[a-z]+)+-\d$/.test(r))) {
      throw new TypeError(`Sandbox: regions must be AWS region names such as 'us-east-1', got ${JSON.stringify(regions)}`);
    }
    const latencies: LatencyOverrides = { ...validateLatencies({ ...(options.latencies ?? {}) }) };
    if (options.apiLatency !== undefined) latencies['api.call'] = validateLatencies({ 'api.call': options.apiLatency })['api.call']!;
    if (options.connectTimeoutMs !== undefined) latencies['api.connectTimeout'] = validateLatencies({ 'api.connectTimeout': options.connectTimeoutMs })['api.connectTimeout']!;
    return createWorld({
      now: options.clock.now(),
      seed: options.seed ?? 1,
      regions,
      accountId: options.accountId ?? '111111111111',
      latencies,
      rateLimits: options.rateLimits ?? true,
    });
  }

  /** The simulated world (live; mutate only through the SDK, the data plane and the faults). */
  get world(): World {
    return this.#world;
  }

  /** The regions simulated. */
  get regions(): readonly string[] {
    return this.#world.regions;
  }

  /** The account that owns the resources. */
  get accountId(): string {
    return this.#world.accountId;
  }

  /**
   * A real SDK client for `region` whose commands the sandbox answers.
   *
   * @example
   * const ec2 = sandbox.client(EC2Client, 'us-east-1');
   */
  client<C extends AttachableClient>(Client: SandboxClientClass<C>, region: string, options: { credentials?: AwsCredentialIdentity } = {}): C {
    const client = new Client(sandboxClientConfig(region, options.credentials ?? SANDBOX_CREDENTIALS));
    return this.attach(client);
  }

  /** Config for a client you create yourself; attach {@link Sandbox.plugin} (or call {@link Sandbox.attach}) too. */
  clientConfig(region: string, options: { credentials?: AwsCredentialIdentity } = {}): SandboxClientConfig {
    return sandboxClientConfig(region, options.credentials ?? SANDBOX_CREDENTIALS);
  }

  /**
   * Routes an existing client (e.g. one built by Firedrill's client factory) into the sandbox. Region and
   * credentials are read from the client's config, which must not need file I/O to resolve (give them
   * explicitly, as {@link Sandbox.clientConfig} does).
   */
  attach<C extends AttachableClient>(client: C): C {
    const config = client.config as { region: unknown; credentials?: unknown };
    const binding: PluginBinding = {
      region: async () => {
        const r = config.region;
        return String(typeof r === 'function' ? await (r as () => Promise<string>)() : r);
      },
      identity: async () => {
        const c = config.credentials;
        const creds = (typeof c === 'function' ? await (c as () => Promise<AwsCredentialIdentity>)() : c) as AwsCredentialIdentity | undefined;
        return this.#identityOf(creds?.accessKeyId);
      },
    };
    client.middlewareStack.use(createSandboxPlugin(this.#runtime, binding) as never);
    return client;
  }

  /**
   * The Pluggable for a middleware stack of a client in `region`. Its calls run as the sandbox's default user, or,
   * given `roleArn` (a client that acts as a role, such as Firedrill's for a plan side with `accounts.<side>.roleArn`),
   * as a session of that role — what IAM decides for them follows the role's policy.
   */
  plugin(region: string, options: { roleArn?: string } = {}): Pluggable<object, object> {
    const role = options.roleArn === undefined ? undefined : parsePrincipalArn(options.roleArn);
    if (options.roleArn !== undefined && role?.kind !== 'role') throw new TypeError(`plugin: roleArn: expected arn:aws:iam::<account>:role/<name>, got '${options.roleArn}'`);
    const identity: CallerIdentity | undefined = role
      ? { accountId: role.accountId, arn: `arn:aws:sts::${role.accountId}:assumed-role/${role.name}/firedrill`, userId: `${roleIdOf(role.name)}:firedrill` }
      : undefined;
    return createSandboxPlugin(this.#runtime, { region, identity: () => identity ?? this.#identityOf(undefined) });
  }

  /**
   * {@link Sandbox.plugin} for a client factory that names each client's region and the role it acts as (Firedrill's
   * `AwsClientTarget`: `account` is the role ARN of a plan side that names one).
   *
   * @example
   * new AwsEnvironment({ plan, clock, plugins: [(target) => sandbox.pluginFor(target) as unknown as AwsPluggable] });
   */
  pluginFor(target: { region: string; account?: string }): Pluggable<object, object> {
    return this.plugin(target.region, target.account === undefined ? {} : { roleArn: target.account });
  }

  #identityOf(accessKeyId: string | undefined): CallerIdentity {
    const session = accessKeyId === undefined ? undefined : this.#world.sts.sessions[accessKeyId];
    if (session) return { accountId: session.accountId, arn: session.arn, userId: session.userId };
    return defaultIdentity(this.#world);
  }

  /**
   * Declares (or replaces) an application: its regional sites and database nodes. Used by scenario builders.
   * Without `productionCapacity`, its production load is what the sites DNS sends traffic to carry together now:
   * the sum of the fleets of an active/active pair, the answered primary's fleet of a failover pair, the largest
   * site with no record in front — see `defaultProductionCapacity`. Define it once its DNS records exist. An
   * endpoint is healthy only while it carries its share of that load.
   */
  defineApplication(app: ApplicationRecord): void {
    const record: ApplicationRecord = structuredClone(app);
    // In the world first: the default matches its endpoints to the DNS records that point at them.
    this.#world.applications[app.name] = record;
    record.productionCapacity = app.productionCapacity ?? defaultProductionCapacity(this.#world, record, this.clock.now());
    this.#world.acknowledgedWrites[app.name] ??= [];
  }

  /** Registers an account that AssumeRole may enter (a plan side in another account). */
  addAccount(accountId: string): void {
    if (!/^\d{12}$/.test(accountId)) throw new TypeError(`addAccount: an account id has 12 digits, got '${accountId}'`);
    if (!this.#world.accounts.includes(accountId)) this.#world.accounts.push(accountId);
  }

  /**
   * Restricts what a user or role may do: from now on IAM allows its calls only as `policy` says (an assumed-role
   * session acts as its role). Principals never restricted are allowed everything. `defaultPrincipal` is the user
   * the sandbox's own clients act as.
   *
   * @example
   * sandbox.restrictPermissions(sandbox.defaultPrincipal, { Statement: [{ Effect: 'Allow', Action: ['rds:Describe*'], Resource: '*' }] });
   */
  restrictPermissions(principalArn: string, policy: IdentityPolicy): void {
    const principal = parsePrincipalArn(principalArn);
    if (!principal) throw new TypeError(`restrictPermissions: expected the ARN of a user or role (arn:aws:iam::<account>:role/<name>), got '${principalArn}'`);
    if (!this.#world.accounts.includes(principal.accountId)) throw new TypeError(`restrictPermissions: account ${principal.accountId} is not simulated; call addAccount first`);
    validateIdentityPolicy(policy, `restrictPermissions(${principalArn})`);
    (this.#world.iam ??= { principals: {} }).principals[principalArn] = { arn: principalArn, policy: structuredClone(policy) };
  }

  /** The user the sandbox's own clients act as (no role assumed). */
  get defaultPrincipal(): string {
    return defaultIdentity(this.#world).arn;
  }

  /** The call log, optionally filtered. */
  calls(query?: CallLogQuery): CallLogEntry[] {
    return queryCallLog(this.#world.callLog, query);
  }

  /** The whole world as JSON-ready data (a deep copy). */
  toJSON(): World {
    return JSON.parse(JSON.stringify(this.#world)) as World;
  }

  /** A sandbox continuing from a saved world, on `clock`. */
  static fromJSON(world: unknown, options: { clock: Clock }): Sandbox {
    const w = (typeof world === 'string' ? JSON.parse(world) : structuredClone(world)) as World;
    if (w?.version !== WORLD_VERSION) throw new TypeError(`Sandbox.fromJSON: expected a world of version ${WORLD_VERSION}, got ${String(w?.version)}`);
    return new Sandbox({ clock: options.clock }, w);
  }

  /** Saves the world to `path` atomically (a temp file, then a rename). */
  save(path: string): void {
    const temp = `${path}.${process.pid}.tmp`;
    writeFileSync(temp, JSON.stringify(this.#world));
    renameSync(temp, path);
  }

  /** Loads a world saved with {@link Sandbox.save}. */
  static load(path: string, options: { clock: Clock }): Sandbox {
    return Sandbox.fromJSON(readFileSync(path, 'utf8'), options);
  }
}
