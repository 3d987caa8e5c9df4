/**
 * What every isolated drill measures its copy with. A drill copy has no DNS name and no load balancer, and production
 * keeps serving throughout, so the plan's health probe (production's endpoint) and heartbeat reader (production's
 * writer) would report an RTO and RPO of 0 for any drill. Instead:
 *
 * - RTO: the copy itself is probed ({@link drillCopyProbe}) from the drill's start until it serves, and cleanup waits
 *   for that streak ({@link confirmDrillHealthyStep});
 * - RPO: the step that sees the copy's database available names it ({@link drillCopyReadyStep}), and the run reads
 *   the newest heartbeat on the copy right then, before anything is deleted.
 */
import type { DrillCopyResult, HealthObservation, HealthProbe, Plan, WaitStep } from '@firedrill/core';
import type { AwsEnvironment, Side } from '../aws-environment.js';
import { describeInstances } from '../aws/ec2.js';
import { describeDbInstance } from '../aws/rds-instances.js';
import type { AwsWaitResult } from './aws-wait-step.js';
import { DRILL_RUN_TAG } from './drill-cleanup-steps.js';

/** A health probe of the drill copies that also tells the gate step when it has seen its streak. */
export interface DrillCopyProbe extends HealthProbe {
  /** Successes in a row seen so far (0 after any failure). */
  readonly streak: number;
}

/**
 * The drill copy's health, from the copies themselves: the drill database is `available` with an endpoint, and
 * every drill instance (found by its run tag) is `running`.
 */
export function drillCopyProbe(options: {
  aws: AwsEnvironment;
  databaseIdentifier: string;
  /** The drill's instances: the run they are tagged with (`DRILL_RUN_TAG`) and how many must run. */
  instances: { runId: string; count: number };
  intervalMs: number;
  consecutive: number;
}): DrillCopyProbe {
  const { aws, databaseIdentifier, instances } = options;
  const region = aws.region('recovery');
  let streak = 0;
  const observe = async (signal: AbortSignal): Promise<HealthObservation> => {
    const db = await describeDbInstance({ rds: aws.clients('recovery').rds, identifier: databaseIdentifier, signal });
    if (db?.status !== 'available' || db.endpoint === undefined) return { healthy: false, detail: `${databaseIdentifier}: ${db?.status ?? 'not created yet'}` };
    if (instances.count > 0) {
      const found = await describeInstances({ ec2: aws.clients('recovery').ec2, filters: [{ Name: `tag:${DRILL_RUN_TAG}`, Values: [instances.runId] }], signal });
      const running = found.filter((i) => i.state === 'running').length;
      if (running < instances.count) return { healthy: false, detail: `${running}/${instances.count} drill instances running` };
    }
    return { healthy: true, detail: `${db.endpoint.address}:${db.endpoint.port} available; ${instances.count} drill instance(s) running` };
  };
  return {
    target: `drill copy ${databaseIdentifier} and its instances in ${region}`,
    intervalMs: options.intervalMs,
    consecutive: options.consecutive,
    get streak() {
      return streak;
    },
    check: async (signal) => {
      const seen = await observe(signal).catch((error: unknown): HealthObservation => ({ healthy: false, detail: (error as Error).message }));
      streak = seen.healthy ? streak + 1 : 0;
      return seen;
    },
  };
}

/** The probe settings of a plan's health probe, or defaults (5 s, 3 in a row). */
export function drillCopyProbeSettings(plan: Plan): { intervalMs: number; consecutive: number } {
  const health = plan.probes?.health;
  return { intervalMs: health?.interval ?? 5_000, consecutive: health?.consecutive ?? 3 };
}

/**
 * Holds the drill's cleanup until the run's health probe has seen its streak on the copies, so the copies are
 * measured before they are deleted. Reads the probe's own observations; makes no call.
 */
export function confirmDrillHealthyStep(probe: DrillCopyProbe, dependsOn: readonly string[]): WaitStep<{ streak: number }> {
  return {
    id: 'confirm-drill-copy-healthy',
    kind: 'wait',
    title: `Confirm the drill copy serves (${probe.consecutive} healthy probes in a row)`,
    why: 'The drill measures how long it takes until the copy is usable; cleanup waits for that measurement.',
    dependsOn,
    restoresService: true,
    policy: { timeout: 30 * 60_000, poll: { initialInterval: probe.intervalMs, maximumInterval: probe.intervalMs } },
    preview: () => [],
    poll: async () => (probe.streak >= probe.consecutive ? { status: 'success', value: { streak: probe.streak } } : { status: 'retry', progress: `${probe.streak}/${probe.consecutive} healthy probes` }),
  };
}

/**
 * The wait for the drill copy's database, made to name the copy once it is available (`{ drillCopy }`, with its
 * endpoint): the run reads the drill's RPO there before any later step runs.
 */
export function drillCopyReadyStep(wait: WaitStep<AwsWaitResult>, where: { aws: AwsEnvironment; side: Side; identifier: string }): WaitStep<AwsWaitResult & DrillCopyResult> {
  const { aws, side, identifier } = where;
  return {
    ...wait,
    bringsUpDrillCopy: true,
    poll: async (ctx) => {
      const outcome = await wait.poll(ctx);
      if (outcome.status !== 'success') return outcome;
      const db = await describeDbInstance({ rds: aws.clients(side).rds, identifier, signal: ctx.signal });
      const endpoint = db?.endpoint ? { address: db.endpoint.address, port: db.endpoint.port } : {};
      return { status: 'success', value: { ...outcome.value, drillCopy: { region: aws.region(side), identifier, ...endpoint } } };
    },
  };
}
