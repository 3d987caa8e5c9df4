import type { Clock, PlanSource, RunProbes } from '@firedrill/core';
import type { AwsEnvironment } from '@firedrill/strategies';

/**
 * Where an operation runs: real AWS, or the sandbox. A session gives the clock, the AWS environment (with the
 * sandbox's interceptor when simulated), the probes, and — on the sandbox only — a way to inject the outage
 * of an ungraceful live drill.
 */
export interface TargetSession {
  readonly name: 'aws' | 'sandbox';
  readonly clock: Clock;
  readonly aws: AwsEnvironment;
  /**
   * Probes for the plan's `probes` section on this target, for `operation`: a failback returns users to the
   * primary side, so a probe the plan pins to one side probes the other one there. A live drill's failback phase
   * gets its own health probe (`phaseHealth.failback`), so both phases are measured by the plan's probe.
   */
  probes(source: PlanSource, operation: 'failover' | 'failback' | 'drill', drill?: 'isolated' | 'live'): RunProbes;
  injectDisaster?: (signal: AbortSignal) => Promise<void>;
  /** Ends an injected outage (the region comes back), so a live drill can fail back. */
  endDisaster?: () => void;
  /** Keeps what the run changed (the sandbox's world) for the next command. */
  save(): void;
  /** Releases what the session holds (probe connections) once the run has ended. */
  close(): void;
}
