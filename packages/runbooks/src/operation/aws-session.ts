import { type PlanSource, realClock, type RunProbes } from '@firedrill/core';
import { AwsEnvironment, type PlanProbes, probesFromPlan } from '@firedrill/strategies';
import type { TargetSession } from './target-session.js';

/**
 * Real AWS: the default credential chain (or the plan's roles per side), the wall clock, and the plan's
 * probes against real systems (HTTP health, PostgreSQL/MySQL heartbeats; connections by reference).
 */
export function openAwsSession(source: PlanSource): TargetSession {
  let opened: PlanProbes | undefined;
  const aws = new AwsEnvironment({ plan: source.plan, clock: realClock });
  return {
    name: 'aws',
    clock: realClock,
    aws,
    probes: (src): RunProbes => (opened ??= probesFromPlan(src.plan, { route53: aws.clients('primary').route53 })).probes,
    save: () => {},
    close: () => opened?.close(),
  };
}
