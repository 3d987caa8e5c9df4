import { type PlanSource, realClock, type RunProbes } from '@firedrill/core';
import { AwsEnvironment } from '@firedrill/strategies';
import type { TargetSession } from './target-session.js';

/**
 * Real AWS: the default credential chain (or the plan's roles per side), the wall clock, and the plan's
 * probes against real systems.
 */
export function openAwsSession(source: PlanSource, probes: (source: PlanSource) => RunProbes): TargetSession {
  return {
    name: 'aws',
    clock: realClock,
    aws: new AwsEnvironment({ plan: source.plan, clock: realClock }),
    probes,
    save: () => {},
  };
}
