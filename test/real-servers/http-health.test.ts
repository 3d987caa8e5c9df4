import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { realClock, startRun, type StepDefinition } from '../../packages/core/src/index.js';
import { HttpHealthProbe } from '../../packages/strategies/src/probes/index.js';
import { freePort } from './local-processes.js';

const INTERVAL = 200;
const PUBLIC_NAME = 'api.example.com';

/**
 * A real HTTP service on 127.0.0.1 that can go down (stop listening) and come back. It serves /health only
 * under its public name, and answers 503 while warming up after a restart: it is truly back at its first 200.
 */
class LocalService {
  server: Server | undefined;
  warmUntil = 0;
  /** When the service first answered 200 after its last restart: the truth the RTO is compared with. */
  firstHealthyAt: number | undefined;

  constructor(readonly port: number) {}

  async up(warmUpMs = 0): Promise<void> {
    this.warmUntil = Date.now() + warmUpMs;
    this.firstHealthyAt = undefined;
    this.server = createServer((req, res) => {
      if (req.headers.host !== PUBLIC_NAME) return void res.writeHead(421).end('misdirected');
      if (Date.now() < this.warmUntil) return void res.writeHead(503).end('warming up');
      this.firstHealthyAt ??= Date.now();
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
    });
    await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', resolve));
  }

  async down(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

describe('HTTP health probe against a real local HTTP server', () => {
  let service: LocalService | undefined;
  afterEach(async () => {
    await service?.down();
    service = undefined;
  });

  it('measures RTO to the second: the service goes down, comes back, warms up, and is healthy again', { timeout: 30_000 }, async () => {
    service = new LocalService(await freePort());
    await service.up();
    const svc = service;
    const health = new HttpHealthProbe({ url: `http://127.0.0.1:${svc.port}/health`, hostHeader: PUBLIC_NAME, bodyMatch: '"ok"', intervalMs: INTERVAL, timeoutMs: 150, consecutive: 3 });
    const steps: StepDefinition[] = [
      { id: 'outage', title: 'Take the service down', kind: 'action', declaresDisaster: true, act: async () => svc.down() },
      {
        id: 'restart-service',
        title: 'Restart it after 1.5 s; it answers 503 for 0.6 s more',
        kind: 'action',
        dependsOn: ['outage'],
        act: async (ctx) => {
          await ctx.clock.sleep(1_500, ctx.signal);
          await svc.up(600);
        },
      },
    ];
    const run = await startRun({ subject: { plan: 'local-http', objectives: { rtoMs: 10_000 } }, operation: 'drill', steps, clock: realClock, store: false, probes: { health } });
    const report = await run.completion;

    expect(report.status).toBe('succeeded');
    expect(report.rto.source).toBe('health-probe');
    const disasterAt = Date.parse(report.disasterAt!);
    const trueRtoMs = svc.firstHealthyAt! - disasterAt;
    expect(trueRtoMs).toBeGreaterThanOrEqual(2_000);
    // The probe sees the first 200 at most one interval after it happened (and never before).
    expect(report.rto.seconds! * 1000).toBeGreaterThanOrEqual(trueRtoMs - 20);
    expect(report.rto.seconds! * 1000).toBeLessThanOrEqual(trueRtoMs + INTERVAL + 50);
    expect(Math.abs(report.rto.seconds! - trueRtoMs / 1000)).toBeLessThan(1);
    console.info(`http: RTO measured ${report.rto.seconds} s; truly back (first 200) after ${trueRtoMs / 1000} s`);

    // The journal says why each failed probe failed: refused, then 503 while warming up.
    const details: string[] = [];
    run.events.subscribe((e) => {
      if (e.type === 'probe.health' && e.detail) details.push(e.detail);
    }, { replay: true });
    expect(details.some((d) => d === 'ECONNREFUSED')).toBe(true);
    expect(details.some((d) => d.startsWith('HTTP 503'))).toBe(true);
  });

  it('is healthy only with the expected status, body and Host header', async () => {
    service = new LocalService(await freePort());
    await service.up();
    const url = `http://127.0.0.1:${service.port}/health`;
    const signal = new AbortController().signal;
    const probe = (options: Partial<ConstructorParameters<typeof HttpHealthProbe>[0]>): HttpHealthProbe => new HttpHealthProbe({ url, intervalMs: INTERVAL, ...options });
    expect(await probe({ hostHeader: PUBLIC_NAME }).check(signal)).toEqual({ healthy: true, detail: 'HTTP 200' });
    expect(await probe({}).check(signal)).toEqual({ healthy: false, detail: 'HTTP 421 (expected 200)' });
    expect(await probe({ hostHeader: PUBLIC_NAME, bodyMatch: 'degraded' }).check(signal)).toMatchObject({ healthy: false, detail: 'HTTP 200, body without "degraded"' });
    expect(await probe({ hostHeader: PUBLIC_NAME, expectStatus: 204 }).check(signal)).toMatchObject({ healthy: false });
    await service.down();
    expect(await probe({ hostHeader: PUBLIC_NAME }).check(signal)).toEqual({ healthy: false, detail: 'ECONNREFUSED' });
    expect(() => probe({ url: 'ftp://x' })).toThrow(TypeError);
  });
});
