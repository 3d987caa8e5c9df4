/**
 * The DNS probe: what a record resolves to now, as Route 53 answers it for the hosted zone (`TestDNSAnswer`,
 * the authoritative view) and as a resolver answers clients (with the TTL they may cache it for). Used as a
 * health probe it says when clients could first reach the recovery region.
 */
import { Resolver } from 'node:dns/promises';
import { type Route53Client, type RRType, TestDNSAnswerCommand } from '@aws-sdk/client-route-53';
import type { HealthObservation, HealthProbe } from '@firedrill/core';
import { callAws, sendOptions } from '../aws/aws-call.js';

/** Record types the probe reads. */
export type DnsProbeRecordType = 'A' | 'AAAA' | 'CNAME' | 'TXT';

/** Options of {@link DnsProbe}. */
export interface DnsProbeOptions {
  /** Record name, such as `api.example.com`. */
  name: string;
  /** @default 'A' */
  type?: DnsProbeRecordType;
  /** Ask Route 53 what the hosted zone answers (`TestDNSAnswer`). */
  route53?: { client: Route53Client; hostedZoneId: string; /** Answer as for a client of this resolver (geo, latency records). */ resolverIp?: string };
  /**
   * Ask a resolver, as clients do: `'system'` (the servers in /etc/resolv.conf), a list of servers
   * (`'10.0.0.2'`, `'127.0.0.1:5353'`), or `false` for Route 53 only. @default 'system'
   */
  resolver?: 'system' | readonly string[] | false;
  /**
   * Values that mean "the recovery region": as a health probe, healthy when every answer is one of them
   * (the values of the recovery endpoint). Required for {@link DnsProbe.check}.
   */
  expect?: readonly string[];
  /** Which view decides health: `resolver` (what clients get) or `route53` (authoritative). @default 'resolver' when a resolver is set */
  decideBy?: 'resolver' | 'route53';
  /** Time between checks. @default 5000 */
  intervalMs?: number;
  /** Limit on one lookup. @default intervalMs */
  timeoutMs?: number;
  /** @default 1 */
  consecutive?: number;
}

/** One view of the record. */
export interface DnsView {
  /** Answered values (addresses, the CNAME target, TXT strings joined), sorted. */
  values: string[];
  /** Seconds a client may cache the answer (the smallest TTL of the answers; resolver A/AAAA only). */
  ttl?: number;
  /** Route 53's response code (`NOERROR`, `NXDOMAIN`) or the resolver's error code (`ENOTFOUND`, …). */
  status: string;
}

/** What the record resolves to now, from each view that was asked. */
export interface DnsObservation {
  name: string;
  type: DnsProbeRecordType;
  route53?: DnsView;
  resolver?: DnsView;
}

const normalize = (value: string): string => value.toLowerCase().replace(/\.$/, '');

/**
 * Reads a record from Route 53 and from a resolver; as a {@link HealthProbe}, healthy once the answers are
 * the recovery endpoint's (`expect`). The detail names both views and the TTL, so the report shows when
 * clients could first reach the recovery region and how long cached answers may still send them away.
 *
 * @example
 * const dns = new DnsProbe({
 *   name: 'api.example.com', type: 'CNAME', expect: ['api-dr.us-west-2.example.com'],
 *   route53: { client: new Route53Client({ region: 'us-east-1' }), hostedZoneId: 'Z123' },
 * });
 * const now = await dns.observe(signal); // { route53: { values: [...] }, resolver: { values: [...], ttl: 60 } }
 */
export class DnsProbe implements HealthProbe {
  readonly target: string;
  readonly intervalMs: number;
  readonly consecutive: number;
  readonly timeoutMs: number;
  readonly #options: DnsProbeOptions;
  readonly #type: DnsProbeRecordType;

  constructor(options: DnsProbeOptions) {
    if (!options.name) throw new TypeError('dns probe: name is required, such as "api.example.com"');
    if (options.resolver === false && !options.route53) throw new TypeError('dns probe: with resolver: false, route53 must be set (nothing to ask)');
    this.#options = options;
    this.#type = options.type ?? 'A';
    this.intervalMs = options.intervalMs ?? 5_000;
    if (!(this.intervalMs > 0)) throw new TypeError(`dns probe: intervalMs must be positive, got ${this.intervalMs}`);
    this.timeoutMs = options.timeoutMs ?? this.intervalMs;
    this.consecutive = options.consecutive ?? 1;
    this.target = `dns ${this.#type} ${options.name}`;
  }

  /** Asks every configured view, at once. A failing view is reported in its `status`, not thrown. */
  async observe(signal: AbortSignal): Promise<DnsObservation> {
    const { route53, resolver = 'system' } = this.#options;
    const [authoritative, client] = await Promise.all([
      route53 ? this.#askRoute53(route53, signal) : undefined,
      resolver !== false ? this.#askResolver(resolver, signal) : undefined,
    ]);
    return { name: this.#options.name, type: this.#type, ...(authoritative ? { route53: authoritative } : {}), ...(client ? { resolver: client } : {}) };
  }

  async check(signal: AbortSignal): Promise<HealthObservation> {
    const expect = this.#options.expect;
    if (!expect || expect.length === 0) throw new TypeError(`${this.target}: expect is required to use the DNS probe as a health probe`);
    const seen = await this.observe(signal);
    const decideBy = this.#options.decideBy ?? (seen.resolver ? 'resolver' : 'route53');
    const view = seen[decideBy];
    const wanted = new Set(expect.map(normalize));
    const healthy = view !== undefined && view.values.length > 0 && view.values.every((v) => wanted.has(normalize(v)));
    return { healthy, detail: describeDnsObservation(seen) };
  }

  async #askRoute53(route53: NonNullable<DnsProbeOptions['route53']>, signal: AbortSignal): Promise<DnsView> {
    const { client, hostedZoneId, resolverIp } = route53;
    const site = { service: 'route53' as const, client, command: 'TestDNSAnswer', resource: `${this.#options.name} in ${hostedZoneId}` };
    const out = await callAws(site, signal, () =>
      client.send(
        new TestDNSAnswerCommand({ HostedZoneId: hostedZoneId, RecordName: this.#options.name, RecordType: this.#type as RRType, ...(resolverIp ? { ResolverIP: resolverIp } : {}) }),
        sendOptions(signal),
      ),
    );
    return { values: [...(out.RecordData ?? [])].map((v) => normalize(v.replace(/^"|"$/g, ''))).sort(), status: out.ResponseCode ?? 'unknown' };
  }

  async #askResolver(servers: 'system' | readonly string[], signal: AbortSignal): Promise<DnsView> {
    const resolver = new Resolver({ timeout: this.timeoutMs, tries: 1 });
    if (servers !== 'system') resolver.setServers([...servers]);
    const cancel = (): void => resolver.cancel();
    signal.addEventListener('abort', cancel, { once: true });
    const name = this.#options.name;
    try {
      switch (this.#type) {
        case 'A':
        case 'AAAA': {
          const answers = this.#type === 'A' ? await resolver.resolve4(name, { ttl: true }) : await resolver.resolve6(name, { ttl: true });
          return { values: answers.map((a) => a.address).sort(), ttl: Math.min(...answers.map((a) => a.ttl)), status: 'NOERROR' };
        }
        case 'CNAME':
          return { values: (await resolver.resolveCname(name)).map(normalize).sort(), status: 'NOERROR' };
        case 'TXT':
          return { values: (await resolver.resolveTxt(name)).map((parts) => parts.join('')).sort(), status: 'NOERROR' };
      }
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      return { values: [], status: (error as NodeJS.ErrnoException).code ?? (error as Error).message };
    } finally {
      signal.removeEventListener('abort', cancel);
    }
  }
}

/**
 * One line for the journal: `route53 10.2.0.5 | resolver 10.1.0.5 ttl 60s`.
 *
 * @example
 * describeDnsObservation({ name: 'api', type: 'A', resolver: { values: ['10.1.0.5'], ttl: 60, status: 'NOERROR' } });
 * // 'resolver 10.1.0.5 ttl 60s'
 */
export function describeDnsObservation(seen: DnsObservation): string {
  const view = (label: string, v: DnsView | undefined): string | undefined =>
    v === undefined ? undefined : `${label} ${v.values.length > 0 ? v.values.join(',') : v.status}${v.ttl !== undefined ? ` ttl ${v.ttl}s` : ''}`;
  return [view('route53', seen.route53), view('resolver', seen.resolver)].filter((s) => s !== undefined).join(' | ');
}
