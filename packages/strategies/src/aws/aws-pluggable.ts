import type { AwsService } from './aws-service.js';

/**
 * The slice of the SDK's `MiddlewareStack` that Firedrill's plugins use. Declared here, structurally, because
 * `@smithy/types` is not a direct dependency and because one plugin must fit every client's stack
 * (a `Pluggable<RDSInput, RDSOutput>` does not type-check on an `EC2Client`).
 */
export interface AwsMiddlewareStack {
  add(middleware: AwsInitializeMiddleware, options: AwsMiddlewareOptions): void;
  addRelativeTo(middleware: AwsInitializeMiddleware, options: AwsRelativeMiddlewareOptions): void;
}

/** An SDK middleware plugin that fits every client (`client.middlewareStack.use(plugin)`). */
export interface AwsPluggable {
  applyToStack: (stack: AwsMiddlewareStack) => void;
}

/** Where an absolute middleware sits: steps run initialize → serialize → build → finalizeRequest → deserialize. */
export interface AwsMiddlewareOptions {
  step: 'initialize' | 'serialize' | 'build' | 'finalizeRequest' | 'deserialize';
  /** Within a step: high before normal before low; ties keep the order in which they were added. */
  priority?: 'high' | 'normal' | 'low';
  name?: string;
  tags?: string[];
  override?: boolean;
}

/** A middleware placed relative to another one, by name. */
export interface AwsRelativeMiddlewareOptions {
  relation: 'before' | 'after';
  toMiddleware: string;
  name?: string;
  override?: boolean;
}

/** What an initialize-step middleware receives from the SDK (the fields Firedrill reads). */
export interface AwsHandlerContext {
  clientName?: string;
  commandName?: string;
  [key: string | symbol]: unknown;
}

/** The next handler in the stack. */
export type AwsInitializeHandler = (args: { input: object }) => Promise<{ output: object; response: unknown }>;

/** An initialize-step middleware. */
export type AwsInitializeMiddleware = (next: AwsInitializeHandler, context: AwsHandlerContext) => AwsInitializeHandler;

/** Which client a plugin is being applied to; plugins that need the region or account take it from here. */
export interface AwsClientTarget {
  /** `sts` for the client that assumes a configured role. */
  service: AwsService | 'sts';
  region: string;
  /** The account (or role ARN) the client acts as, when known. */
  account?: string;
}

/**
 * A plugin as given to `createAwsClients`: either a plugin for every client, or a factory called once per client
 * with its {@link AwsClientTarget} (the SDK's middleware context does not carry the region at initialize time).
 */
export type AwsClientPlugin = AwsPluggable | ((target: AwsClientTarget) => AwsPluggable);

/** Resolves an {@link AwsClientPlugin} for one client. */
export function pluginFor(plugin: AwsClientPlugin, target: AwsClientTarget): AwsPluggable {
  return typeof plugin === 'function' ? plugin(target) : plugin;
}

/** The SDK puts the `abortSignal` given to `client.send` into the context under this key (`SMITHY_CONTEXT_KEY`). */
const SMITHY_CONTEXT_KEY = '__smithy_context';

/** The abort signal passed to `client.send(cmd, { abortSignal })`, as seen by a middleware. */
export function abortSignalOf(context: AwsHandlerContext): AbortSignal | undefined {
  const smithy = context[SMITHY_CONTEXT_KEY] as { abortSignal?: unknown } | undefined;
  const signal = smithy?.abortSignal;
  return typeof signal === 'object' && signal !== null && 'aborted' in signal ? (signal as AbortSignal) : undefined;
}
