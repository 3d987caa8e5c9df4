/**
 * The one database connection a heartbeat probe keeps. It is opened lazily from a connection reference
 * resolved at that moment, dropped on any error, abort or server-side close, and opened again on the next
 * use — so after the writer endpoint moves (DNS, proxy, cluster endpoint) the next heartbeat reaches the new
 * writer. Errors leave with the connection URL and password redacted.
 */
import { type ConnectionReference, type ConnectionResolveOptions, describeConnectionReference, redactConnection, resolveConnectionReference } from './connection-reference.js';

/** How one database driver opens and closes a connection. */
export interface HeartbeatDriver<C> {
  /** Opens a connection; `onBroken` is called if the server closes it or it fails while idle. */
  connect(url: string, onBroken: () => void): Promise<C>;
  /** Closes at once, without waiting for the server; never throws. */
  close(client: C): void;
}

interface Open<C> {
  client: Promise<C>;
  prepared: boolean;
}

/** Options of {@link HeartbeatConnection}. */
export interface HeartbeatConnectionOptions<C> extends Omit<ConnectionResolveOptions, 'signal'> {
  reference: ConnectionReference;
  driver: HeartbeatDriver<C>;
  /**
   * Connect here instead of the URL's host and port, with the URL's user, password and database: another copy of
   * the same database (an isolated drill's restored copy keeps the source's credentials).
   */
  endpoint?: { host: string; port?: number };
}

/** A probe's database error: the reference is named, the URL and password are not. */
export class HeartbeatConnectionError extends Error {
  override readonly name = 'HeartbeatConnectionError';
  constructor(
    message: string,
    /** The driver's error code (SQLSTATE, errno name, `ECONNREFUSED`, …). */
    readonly code: string | undefined,
  ) {
    super(message);
  }
}

/** The URL pointed at another host and port, everything else kept. */
function withEndpoint(url: string, endpoint: { host: string; port?: number } | undefined): string {
  if (endpoint === undefined) return url;
  const parsed = new URL(url);
  parsed.hostname = endpoint.host;
  if (endpoint.port !== undefined) parsed.port = String(endpoint.port);
  return parsed.toString();
}

/** Rejects with the signal's reason as soon as it aborts; otherwise settles as `promise` does. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/**
 * One lazily opened, self-healing connection.
 *
 * @example
 * const connection = new HeartbeatConnection({ reference: { fromEnv: 'DATABASE_URL' }, driver: postgresDriver });
 * await connection.use(signal, (client) => client.query('SELECT 1'));
 */
export class HeartbeatConnection<C> {
  readonly #options: HeartbeatConnectionOptions<C>;
  readonly #reference: string;
  #open: Open<C> | undefined;
  /** The URL last resolved, kept only to redact it from error messages. */
  #url: string | undefined;

  constructor(options: HeartbeatConnectionOptions<C>) {
    this.#options = options;
    this.#reference = describeConnectionReference(options.reference);
  }

  /**
   * Runs `fn` on the connection (opening it first if needed; with `prepare`, running `prepare` once per
   * connection before it). Any failure or abort drops the connection, so the next call reconnects.
   */
  async use<T>(signal: AbortSignal, fn: (client: C) => Promise<T>, prepare?: (client: C) => Promise<void>): Promise<T> {
    const open = (this.#open ??= this.#openConnection(signal));
    try {
      const client = await untilAborted(open.client, signal);
      if (prepare && !open.prepared) {
        await untilAborted(prepare(client), signal);
        open.prepared = true;
      }
      return await untilAborted(fn(client), signal);
    } catch (error) {
      this.#drop(open);
      if (signal.aborted && error === signal.reason) throw error;
      throw this.#clean(error);
    }
  }

  /** Closes the connection (the next use opens a new one). */
  close(): void {
    if (this.#open) this.#drop(this.#open);
  }

  #openConnection(signal: AbortSignal): Open<C> {
    const open: Open<C> = { client: Promise.resolve(undefined as never), prepared: false };
    open.client = this.#connect(signal, open);
    return open;
  }

  async #connect(signal: AbortSignal, open: Open<C>): Promise<C> {
    const url = await resolveConnectionReference(this.#options.reference, {
      ...(this.#options.env ? { env: this.#options.env } : {}),
      ...(this.#options.secrets ? { secrets: this.#options.secrets } : {}),
      signal,
    });
    this.#url = url;
    return this.#options.driver.connect(withEndpoint(url, this.#options.endpoint), () => this.#drop(open));
  }

  #drop(open: Open<C>): void {
    if (this.#open === open) this.#open = undefined;
    // A connect still in flight is closed when it lands.
    open.client.then((client) => this.#options.driver.close(client), () => {});
  }

  #clean(error: unknown): Error {
    const e = error as { message?: string; code?: unknown; errno?: unknown };
    if (error instanceof HeartbeatConnectionError || (error as Error)?.name === 'ConnectionReferenceError') return error as Error;
    const message = redactConnection(String(e?.message ?? error), this.#url);
    const code = typeof e?.code === 'string' ? e.code : typeof e?.errno === 'number' ? String(e.errno) : undefined;
    return new HeartbeatConnectionError(`${message || 'connection failed'} (database from ${this.#reference})`, code);
  }
}
