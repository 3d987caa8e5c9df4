/**
 * Probes that read the sandbox's data plane, the way an HTTP health probe and a database heartbeat read a real
 * application: through DNS (what a client resolves right now) to a regional endpoint, and through the
 * application's current writer. They implement `@firedrill/core`'s probe interfaces.
 */
import type { HealthProbe, HeartbeatProbe } from '@firedrill/core';
import type { Sandbox } from './sandbox.js';
import { resolveDnsAnswer } from './services/route53-dns.js';

/** Options of {@link sandboxHealthProbe}. */
export interface SandboxHealthProbeOptions {
  sandbox: Sandbox;
  /** The application, when several share a region. */
  app?: string;
  /**
   * Probe through this DNS name (as users reach the app): healthy when the name resolves to an endpoint and
   * that endpoint is healthy. Without it, probe `region`'s endpoint directly (isolated drills, before DNS moves).
   */
  recordName?: string;
  region?: string;
  /** @default 5000 */
  intervalMs?: number;
  /** @default 3 */
  consecutive?: number;
}

/**
 * A health probe of the sandbox application: through DNS to whichever region it answers, or directly at
 * one region's endpoint.
 *
 * @example
 * const health = sandboxHealthProbe({ sandbox, recordName: names.dns!.recordName, intervalMs: 5_000, consecutive: 3 });
 */
export function sandboxHealthProbe(options: SandboxHealthProbeOptions): HealthProbe {
  const { sandbox, recordName, region } = options;
  if (recordName === undefined && region === undefined) throw new TypeError('sandboxHealthProbe: give recordName or region');
  return {
    target: recordName ?? `${options.app ?? 'app'} endpoint in ${region}`,
    intervalMs: options.intervalMs ?? 5_000,
    consecutive: options.consecutive ?? 3,
    check: async () => {
      let regions: string[];
      if (recordName !== undefined) {
        const answer = resolveDnsAnswer(sandbox.world, recordName, undefined, sandbox.clock.now());
        if (answer.regions.length === 0) return { healthy: false, detail: `${recordName} resolves to no application endpoint (${answer.values.join(', ') || 'no answer'})` };
        regions = answer.regions;
      } else regions = [region!];
      // Weighted records can send a client to any answered region: every one must serve.
      for (const r of regions) {
        const health = sandbox.dataPlane.endpointHealth(r, options.app);
        if (!health.healthy) return { healthy: false, detail: `${r}: ${health.reasons.join('; ')}` };
      }
      return { healthy: true, detail: `200 from ${regions.join(', ')}` };
    },
  };
}

/** Options of {@link sandboxHeartbeatProbe}. */
export interface SandboxHeartbeatProbeOptions {
  sandbox: Sandbox;
  app: string;
  /** @default 1000 */
  intervalMs?: number;
}

/**
 * A heartbeat probe on the sandbox application's database: writes go to the current writer (and fail when it is
 * fenced, down or gone), reads come from the current writer — after failover, the promoted one.
 */
export function sandboxHeartbeatProbe(options: SandboxHeartbeatProbeOptions): HeartbeatProbe {
  const { sandbox, app } = options;
  return {
    target: `${app} database writer`,
    intervalMs: options.intervalMs ?? 1_000,
    write: async (beat) => {
      sandbox.dataPlane.writeHeartbeat(app, { seq: beat.seq, at: beat.at });
    },
    readNewest: async () => {
      const newest = sandbox.dataPlane.readNewestHeartbeat(app);
      return newest === undefined ? undefined : { seq: newest.seq, at: newest.at };
    },
    // An isolated drill's copy: what it holds, read on it directly (it is never the application's writer).
    readNewestOn: async (store) => {
      const newest = sandbox.dataPlane.readNewestHeartbeatOn(`${store.region}:${store.identifier}`);
      return newest === undefined ? undefined : { seq: newest.seq, at: newest.at };
    },
  };
}
