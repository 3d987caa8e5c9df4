/**
 * The HTTP health probe: does the recovered service answer, with the right status and body? Each check
 * opens a new connection (no keep-alive), so it sees the server as a new client would.
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { HealthObservation, HealthProbe } from '@firedrill/core';

/** Options of {@link HttpHealthProbe}. */
export interface HttpHealthProbeOptions {
  /** `http(s)://host[:port]/path` of the endpoint to probe. */
  url: string;
  /**
   * Host header (and TLS server name) to send: probe a recovery endpoint directly, by its regional address,
   * under the public name, before DNS moves.
   */
  hostHeader?: string;
  /** Status that counts as healthy. @default 200 */
  expectStatus?: number;
  /** Text the body must contain (the first 64 KiB are read). */
  bodyMatch?: string;
  /** Time between checks. */
  intervalMs: number;
  /** A check that takes longer counts as unhealthy (the engine enforces it). @default intervalMs */
  timeoutMs?: number;
  /** Successes in a row that count as restored. @default 3 */
  consecutive?: number;
  /** Accept self-signed certificates (local drills only). @default false */
  insecureTls?: boolean;
}

const BODY_LIMIT = 64 * 1024;

/**
 * Checks an HTTP endpoint: healthy when it answers `expectStatus` (and, with `bodyMatch`, a body containing
 * the text). Connection errors, other statuses and a late answer are unhealthy, with the reason in `detail`.
 *
 * @example
 * const health = new HttpHealthProbe({
 *   url: 'https://10.1.2.3/health', hostHeader: 'api.example.com', bodyMatch: '"ok"', intervalMs: 5000, consecutive: 3,
 * });
 * await startRun({ …, clock: realClock, probes: { health } });
 */
export class HttpHealthProbe implements HealthProbe {
  readonly target: string;
  readonly intervalMs: number;
  readonly consecutive: number;
  readonly timeoutMs: number;
  readonly #url: URL;
  readonly #options: HttpHealthProbeOptions;

  constructor(options: HttpHealthProbeOptions) {
    let url: URL;
    try {
      url = new URL(options.url);
    } catch {
      throw new TypeError(`http health probe: url must be an http(s) URL such as "https://api.example.com/health", got "${options.url}"`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TypeError(`http health probe: url must start with http:// or https://, got "${options.url}"`);
    if (!(options.intervalMs > 0)) throw new TypeError(`http health probe: intervalMs must be positive, got ${options.intervalMs}`);
    const consecutive = options.consecutive ?? 3;
    if (!Number.isInteger(consecutive) || consecutive < 1) throw new TypeError(`http health probe: consecutive must be a whole number ≥ 1, got ${consecutive}`);
    this.#url = url;
    this.#options = options;
    this.intervalMs = options.intervalMs;
    this.consecutive = consecutive;
    this.timeoutMs = options.timeoutMs ?? options.intervalMs;
    // Credentials in a URL never reach the report.
    const shown = new URL(url);
    shown.username = '';
    shown.password = '';
    this.target = options.hostHeader ? `${shown.href} (Host: ${options.hostHeader})` : shown.href;
  }

  async check(signal: AbortSignal): Promise<HealthObservation> {
    const expected = this.#options.expectStatus ?? 200;
    let response: { status: number; body: string };
    try {
      response = await this.#get(signal);
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      const e = error as NodeJS.ErrnoException;
      return { healthy: false, detail: e.code ? `${e.code}` : e.message };
    }
    if (response.status !== expected) return { healthy: false, detail: `HTTP ${response.status} (expected ${expected})` };
    const match = this.#options.bodyMatch;
    if (match !== undefined && !response.body.includes(match)) return { healthy: false, detail: `HTTP ${response.status}, body without "${match}"` };
    return { healthy: true, detail: `HTTP ${response.status}` };
  }

  #get(signal: AbortSignal): Promise<{ status: number; body: string }> {
    const url = this.#url;
    const { hostHeader, insecureTls } = this.#options;
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      const req = send(
        url,
        {
          method: 'GET',
          agent: false,
          signal,
          headers: { ...(hostHeader ? { host: hostHeader } : {}), 'user-agent': 'firedrill-health-probe', connection: 'close' },
          ...(url.protocol === 'https:' ? { servername: hostHeader ?? url.hostname, rejectUnauthorized: !insecureTls } : {}),
        },
        (res: IncomingMessage) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (chunk: Buffer) => {
            if (size < BODY_LIMIT) chunks.push(chunk);
            size += chunk.length;
            if (size >= BODY_LIMIT) res.destroy();
          });
          const done = (): void => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8').slice(0, BODY_LIMIT) });
          res.on('end', done);
          res.on('close', done);
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end();
    });
  }
}
