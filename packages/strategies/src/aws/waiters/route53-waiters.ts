import type { ChangeInfo, HealthCheckObservation } from '@aws-sdk/client-route-53';
import { type AcceptorResult, defineWaiter } from './acceptor.js';

/** The part of a GetChange response the acceptor reads. */
export interface Route53ChangeOutput {
  ChangeInfo?: ChangeInfo;
}
/** The part of a GetHealthCheckStatus response the acceptor reads. */
export interface HealthCheckStatusOutput {
  HealthCheckObservations?: HealthCheckObservation[];
}

/** One submitted change. */
export interface Route53ChangeParams {
  changeId: string;
}
/** One health check. */
export interface HealthCheckParams {
  healthCheckId: string;
  /**
   * Fraction of Route 53 checkers that must report success. Route 53 itself considers an endpoint healthy when
   * more than 18 % of its checkers do (Route 53 Developer Guide, "How Route 53 determines whether a health check is
   * healthy").
   * @default 0.18
   */
  healthyFraction?: number;
}

/** Acceptor: the change is `INSYNC` (propagated to every Route 53 authoritative server). */
export function changeInSync(output: Route53ChangeOutput): AcceptorResult {
  const status = output.ChangeInfo?.Status ?? 'unknown';
  return status === 'INSYNC' ? { state: 'SUCCESS', progress: status } : { state: 'RETRY', progress: status };
}

/** Acceptor: more than `healthyFraction` of the checkers report success. */
export function healthCheckHealthy(output: HealthCheckStatusOutput, params: HealthCheckParams): AcceptorResult {
  const observations = output.HealthCheckObservations ?? [];
  if (observations.length === 0) return { state: 'RETRY', progress: 'no observations yet' };
  const healthy = observations.filter((o) => o.StatusReport?.Status?.startsWith('Success') === true).length;
  const progress = `${healthy}/${observations.length} checkers healthy`;
  return healthy / observations.length > (params.healthyFraction ?? 0.18) ? { state: 'SUCCESS', progress } : { state: 'RETRY', progress };
}

/** Route 53 change INSYNC: "within 60 s" (aws-facts.md), expected ~30 s. */
export const changeInSyncWaiter = defineWaiter({
  service: 'route53',
  command: 'GetChange',
  what: (p: Route53ChangeParams) => `Route 53 change ${p.changeId} in sync`,
  resource: (p: Route53ChangeParams) => p.changeId,
  acceptor: changeInSync,
  expectedMs: 30_000,
});

/**
 * Health check healthy. Route 53 checkers probe every 30 s (10 s for fast checks) and need a failure threshold
 * of consecutive results (default 3), so a recovered endpoint reads healthy after ~30–90 s: expected ~60 s.
 * GetHealthCheckStatus has its own small bucket (4 / 1 per second), which the runner's budget respects.
 */
export const healthCheckHealthyWaiter = defineWaiter({
  service: 'route53',
  command: 'GetHealthCheckStatus',
  what: (p: HealthCheckParams) => `health check ${p.healthCheckId} healthy`,
  resource: (p: HealthCheckParams) => p.healthCheckId,
  acceptor: healthCheckHealthy,
  expectedMs: 60_000,
});
