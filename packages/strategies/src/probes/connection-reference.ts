/**
 * Connection details by reference. A plan names where a database URL lives — an environment variable or a
 * secret — and the probe resolves it at run time, each time it (re)connects, so a rotated secret or a moved
 * endpoint is picked up. The resolved value is never logged, journaled or put in an error message: errors
 * name the reference (`environment variable DATABASE_URL`), never what it holds.
 */
import { readFile } from 'node:fs/promises';

/** Where a connection URL comes from: the plan's `connection` field. Exactly one of the two is set. */
export interface ConnectionReference {
  /** Environment variable holding the URL. */
  fromEnv?: string;
  /** Name or ARN of a secret holding the URL (or an RDS-style JSON secret). */
  secret?: string;
}

/**
 * Looks up a secret by name at run time. Implement it over AWS Secrets Manager with
 * {@link secretsManagerSecretResolver}, or read a local file with {@link envFileSecretResolver}.
 */
export interface SecretResolver {
  /** Resolves the secret's value, or rejects (the message must not contain the value). */
  resolve(name: string, signal?: AbortSignal): Promise<string>;
}

/** How references are resolved. */
export interface ConnectionResolveOptions {
  /** Environment read for `fromEnv`. @default process.env */
  env?: Readonly<Record<string, string | undefined>>;
  /** Resolver for `secret` references. Without one, a `secret` reference is an error naming it. */
  secrets?: SecretResolver;
  signal?: AbortSignal;
}

/** A reference that could not be resolved. The message names the reference and what to do, never a value. */
export class ConnectionReferenceError extends Error {
  override readonly name = 'ConnectionReferenceError';
  constructor(
    readonly reference: string,
    problem: string,
  ) {
    super(`${reference}: ${problem}`);
  }
}

/**
 * A reference as people read it: `environment variable DATABASE_URL` or `secret prod/db`.
 *
 * @example
 * describeConnectionReference({ fromEnv: 'DATABASE_URL' }); // 'environment variable DATABASE_URL'
 */
export function describeConnectionReference(reference: ConnectionReference): string {
  if ((reference.fromEnv === undefined) === (reference.secret === undefined)) {
    throw new TypeError('connection: expected exactly one of fromEnv or secret, for example { fromEnv: "DATABASE_URL" }');
  }
  return reference.fromEnv !== undefined ? `environment variable ${reference.fromEnv}` : `secret ${reference.secret}`;
}

/**
 * Resolves a connection reference to its URL, at run time. A secret that holds a JSON object in the shape
 * RDS-managed secrets use (`engine`, `host`, `port`, `username`, `password`, `dbname`) or with a `url` field
 * becomes a URL too.
 *
 * @example
 * const url = await resolveConnectionReference({ fromEnv: 'DATABASE_URL' });
 * const fromSecret = await resolveConnectionReference({ secret: 'prod/orders-db' }, { secrets: mySecretsManager });
 */
export async function resolveConnectionReference(reference: ConnectionReference, options: ConnectionResolveOptions = {}): Promise<string> {
  const name = describeConnectionReference(reference);
  if (reference.fromEnv !== undefined) {
    const value = (options.env ?? process.env)[reference.fromEnv];
    if (value === undefined || value.trim() === '') {
      throw new ConnectionReferenceError(name, `is not set; export it with the database URL (for example postgres://user:password@host:5432/db) before the run`);
    }
    return value.trim();
  }
  const secret = reference.secret!;
  if (!options.secrets) {
    throw new ConnectionReferenceError(name, 'no secret resolver configured; pass `secrets` (for example secretsManagerSecretResolver(…)) or use fromEnv');
  }
  let value: string;
  try {
    value = await options.secrets.resolve(secret, options.signal);
  } catch (error) {
    if (error instanceof ConnectionReferenceError) throw error;
    // The resolver's own message is kept: resolvers must not put values in messages.
    throw new ConnectionReferenceError(name, `could not be read (${(error as Error).message})`);
  }
  return connectionUrlFromSecret(name, value);
}

/** A secret's value as a URL: the value itself, or a URL built from an RDS-style JSON secret. */
function connectionUrlFromSecret(name: string, value: string): string {
  const text = value.trim();
  if (!text.startsWith('{')) return text;
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new ConnectionReferenceError(name, 'holds text that starts like JSON but does not parse; store a URL or a JSON object');
  }
  const field = (key: string): string | undefined => (typeof parsed[key] === 'string' || typeof parsed[key] === 'number' ? String(parsed[key]) : undefined);
  const url = field('url') ?? field('connectionString');
  if (url) return url;
  const host = field('host');
  const username = field('username');
  if (!host || !username) throw new ConnectionReferenceError(name, 'is a JSON object without `url` or `host` and `username`');
  const engine = (field('engine') ?? 'postgres').toLowerCase();
  const scheme = /mysql|maria/.test(engine) ? 'mysql' : 'postgres';
  const port = field('port') ?? (scheme === 'mysql' ? '3306' : '5432');
  const password = field('password');
  const credentials = encodeURIComponent(username) + (password !== undefined ? `:${encodeURIComponent(password)}` : '');
  const database = field('dbname') ?? field('database');
  return `${scheme}://${credentials}@${host}:${port}${database ? `/${encodeURIComponent(database)}` : ''}`;
}

/**
 * Secrets from a local `NAME=value` file (one per line, `#` comments, optional quotes): for laptops and CI,
 * where the file is kept out of the repository. The file is read at each lookup.
 *
 * @example
 * const secrets = envFileSecretResolver('.firedrill/secrets.env');
 * await resolveConnectionReference({ secret: 'ORDERS_DB' }, { secrets });
 */
export function envFileSecretResolver(path: string): SecretResolver {
  return {
    async resolve(name: string): Promise<string> {
      let text: string;
      try {
        text = await readFile(path, 'utf8');
      } catch (error) {
        throw new Error(`secrets file ${path} could not be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
      }
      for (const line of text.split(/\r?\n/)) {
        const match = /^\s*(?:export\s+)?([^#=\s]+)\s*=\s*(.*)$/.exec(line);
        if (match?.[1] !== name) continue;
        const raw = match[2]!.trim();
        return /^(["']).*\1$/.test(raw) ? raw.slice(1, -1) : raw;
      }
      throw new Error(`no entry named ${name} in ${path}`);
    },
  };
}

/**
 * The one AWS Secrets Manager call the resolver needs, in the SDK's shape. Firedrill does not depend on
 * `@aws-sdk/client-secrets-manager`; pass a function that calls it.
 *
 * @example
 * const getSecretValue: GetSecretValue = (input, options) => secretsManager.send(new GetSecretValueCommand(input), options);
 */
export type GetSecretValue = (input: { SecretId: string }, options: { abortSignal?: AbortSignal }) => Promise<{ SecretString?: string }>;

/**
 * Secrets from AWS Secrets Manager (name or ARN). RDS-managed secrets (JSON with host, port, username,
 * password, dbname, engine) become connection URLs.
 *
 * @example
 * import { SecretsManagerClient, GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
 * const sm = new SecretsManagerClient({ region: 'us-west-2' });
 * const secrets = secretsManagerSecretResolver((input, options) => sm.send(new GetSecretValueCommand(input), options));
 */
export function secretsManagerSecretResolver(getSecretValue: GetSecretValue): SecretResolver {
  return {
    async resolve(name: string, signal?: AbortSignal): Promise<string> {
      let out: { SecretString?: string };
      try {
        out = await getSecretValue({ SecretId: name }, signal ? { abortSignal: signal } : {});
      } catch (error) {
        const e = error as { name?: string; message?: string };
        // AWS error messages name the secret, not its value.
        throw new Error(`Secrets Manager: ${e.name ?? 'error'}: ${e.message ?? ''}`.trim());
      }
      if (out.SecretString === undefined) throw new Error('Secrets Manager returned no SecretString (binary secrets are not supported)');
      return out.SecretString;
    },
  };
}

/**
 * Replaces a connection URL and its password wherever they appear in `text` (driver errors sometimes echo
 * them), so messages can be journaled.
 *
 * @example
 * redactConnection('bad url postgres://u:pw@h/db', 'postgres://u:pw@h/db'); // 'bad url ***'
 */
export function redactConnection(text: string, url: string | undefined): string {
  if (!url) return text;
  let out = text.split(url).join('***');
  try {
    const password = decodeURIComponent(new URL(url).password);
    if (password.length >= 3) out = out.split(password).join('***');
  } catch {
    // Not a URL: only the whole value is redacted.
  }
  return out;
}
