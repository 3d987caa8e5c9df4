import { createSocket, type Socket } from 'node:dgram';
import { createServer, type Server } from 'node:http';
import { Route53Client } from '@aws-sdk/client-route-53';
import { realClock, startRun, type StepDefinition } from '@firedrill/core';
import { afterEach, describe, expect, it } from 'vitest';
import { DnsProbe } from '../src/probes/index.js';

/** The hosted zone's records: what Route 53 answers authoritatively. */
type Zone = Map<string, { values: string[]; ttl: number }>;

/**
 * A real caching resolver on 127.0.0.1 (UDP, the DNS wire format): it answers from its cache until the
 * cached answer's TTL runs out, then asks the zone again, as a client's resolver does.
 */
class CachingResolver {
  readonly cache = new Map<string, { values: string[]; expiresAt: number }>();
  /** When each value was first handed to a client: the truth of "clients could reach it". */
  readonly firstServed = new Map<string, number>();
  socket: Socket | undefined;
  port = 0;

  constructor(readonly zone: Zone) {}

  async start(): Promise<void> {
    const socket = (this.socket = createSocket('udp4'));
    socket.on('message', (query, peer) => socket.send(this.answer(query), peer.port, peer.address));
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    this.port = socket.address().port;
  }

  close(): void {
    this.socket?.close();
  }

  answer(query: Buffer): Buffer {
    let offset = 12;
    const labels: string[] = [];
    while (query[offset]! > 0) {
      labels.push(query.subarray(offset + 1, offset + 1 + query[offset]!).toString('ascii'));
      offset += query[offset]! + 1;
    }
    const question = query.subarray(12, offset + 5);
    const name = labels.join('.').toLowerCase();
    const type = query.readUInt16BE(offset + 1);
    const now = Date.now();
    let cached = this.cache.get(name);
    if (!cached || cached.expiresAt <= now) {
      const record = this.zone.get(name);
      cached = record ? { values: record.values, expiresAt: now + record.ttl * 1000 } : undefined;
      if (cached) this.cache.set(name, cached);
    }
    const answers = type === 1 && cached ? cached.values : [];
    const header = Buffer.alloc(12);
    header.writeUInt16BE(query.readUInt16BE(0), 0);
    header.writeUInt16BE(cached ? 0x8180 : 0x8183, 2); // response, recursion available; NXDOMAIN when unknown
    header.writeUInt16BE(1, 4);
    header.writeUInt16BE(answers.length, 6);
    const records = answers.map((address) => {
      this.firstServed.has(address) || this.firstServed.set(address, now);
      const rr = Buffer.alloc(16);
      rr.writeUInt16BE(0xc00c, 0); // the name: a pointer to the question
      rr.writeUInt16BE(1, 2); // A
      rr.writeUInt16BE(1, 4); // IN
      rr.writeUInt32BE(Math.max(0, Math.ceil((cached!.expiresAt - now) / 1000)), 6);
      rr.writeUInt16BE(4, 10);
      address.split('.').forEach((part, i) => rr.writeUInt8(Number(part), 12 + i));
      return rr;
    });
    return Buffer.concat([header, question, ...records]);
  }
}

/** A real HTTP endpoint speaking Route 53's TestDNSAnswer (REST-XML), for the real SDK client. */
async function route53Endpoint(zone: Zone, seen: string[]): Promise<{ server: Server; client: Route53Client }> {
  const server = createServer((req, res) => {
    const url = new URL(req.url!, 'http://localhost');
    seen.push(`${req.method} ${url.pathname}?${url.searchParams.toString()}`);
    const name = (url.searchParams.get('recordname') ?? '').replace(/\.$/, '').toLowerCase();
    const record = zone.get(name);
    const data = (record?.values ?? []).map((v) => `<RecordDataEntry>${v}</RecordDataEntry>`).join('');
    res.writeHead(200, { 'content-type': 'text/xml' }).end(
      `<?xml version="1.0"?><TestDNSAnswerResponse xmlns="https://route53.amazonaws.com/doc/2013-04-01/"><Nameserver>ns-1.awsdns-01.org</Nameserver>` +
        `<RecordName>${name}.</RecordName><RecordType>${url.searchParams.get('recordtype')}</RecordType><RecordData>${data}</RecordData>` +
        `<ResponseCode>${record ? 'NOERROR' : 'NXDOMAIN'}</ResponseCode><Protocol>UDP</Protocol></TestDNSAnswerResponse>`,
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const client = new Route53Client({
    region: 'us-east-1',
    endpoint: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  return { server, client };
}

const PRIMARY = '10.0.1.10';
const RECOVERY = '10.0.2.20';
const NAME = 'api.example.com';

describe('DNS probe: Route 53 TestDNSAnswer and a real resolver, TTL included', () => {
  const cleanups: Array<() => void> = [];
  afterEach(() => cleanups.splice(0).forEach((c) => c()));

  async function world(ttl: number): Promise<{ zone: Zone; resolver: CachingResolver; route53: Route53Client; requests: string[] }> {
    const zone: Zone = new Map([[NAME, { values: [PRIMARY], ttl }]]);
    const resolver = new CachingResolver(zone);
    await resolver.start();
    const requests: string[] = [];
    const { server, client } = await route53Endpoint(zone, requests);
    cleanups.push(() => resolver.close(), () => server.close(), () => client.destroy());
    return { zone, resolver, route53: client, requests };
  }

  it('reports both views and the TTL clients may cache', async () => {
    const { resolver, route53, requests } = await world(60);
    const probe = new DnsProbe({ name: NAME, route53: { client: route53, hostedZoneId: 'Z123' }, resolver: [`127.0.0.1:${resolver.port}`] });
    const seen = await probe.observe(new AbortController().signal);
    expect(seen.route53).toEqual({ values: [PRIMARY], status: 'NOERROR' });
    expect(seen.resolver).toEqual({ values: [PRIMARY], ttl: 60, status: 'NOERROR' });
    expect(requests[0]).toMatch(/testdnsanswer\?.*hostedzoneid=Z123.*recordname=api\.example\.com.*recordtype=A/i);
    const missing = await new DnsProbe({ name: 'nope.example.com', route53: { client: route53, hostedZoneId: 'Z123' }, resolver: [`127.0.0.1:${resolver.port}`] }).observe(new AbortController().signal);
    expect(missing.route53?.status).toBe('NXDOMAIN');
    expect(missing.resolver).toMatchObject({ values: [], status: 'ENOTFOUND' });
  });

  it('as a health probe: clients reach the recovery region when the cached answer expires, not when Route 53 changes', { timeout: 20_000 }, async () => {
    const ttl = 1;
    const interval = 100;
    const { zone, resolver, route53 } = await world(ttl);
    const health = new DnsProbe({ name: NAME, route53: { client: route53, hostedZoneId: 'Z123' }, resolver: [`127.0.0.1:${resolver.port}`], expect: [RECOVERY], intervalMs: interval, consecutive: 2 });
    let switchedAt = 0;
    let authoritativeAfterSwitch: string[] = [];
    const steps: StepDefinition[] = [
      { id: 'outage', title: 'Primary region lost', kind: 'action', declaresDisaster: true, act: async (ctx) => ctx.clock.sleep(300, ctx.signal) },
      {
        id: 'switch-dns',
        title: 'Point the record at the recovery region',
        kind: 'action',
        dependsOn: ['outage'],
        act: async (ctx) => {
          zone.set(NAME, { values: [RECOVERY], ttl });
          switchedAt = ctx.clock.now();
          authoritativeAfterSwitch = (await health.observe(ctx.signal)).route53?.values ?? [];
        },
      },
    ];
    const run = await startRun({ subject: { plan: 'local-dns' }, operation: 'drill', steps, clock: realClock, store: false, probes: { health } });
    const report = await run.completion;
    expect(report.status).toBe('succeeded');
    expect(authoritativeAfterSwitch).toEqual([RECOVERY]); // Route 53 answered the new value at once…
    const clientsReachedAt = resolver.firstServed.get(RECOVERY)!;
    expect(clientsReachedAt - switchedAt).toBeGreaterThan(200); // …clients kept the cached old one until its TTL ran out
    const disasterAt = Date.parse(report.disasterAt!);
    const trueRtoMs = clientsReachedAt - disasterAt;
    expect(Math.abs(report.rto.seconds! * 1000 - trueRtoMs)).toBeLessThanOrEqual(interval + 20);
    expect(report.rto.source).toBe('health-probe');
  });
});
