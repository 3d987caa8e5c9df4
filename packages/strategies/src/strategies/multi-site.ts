/**
 * The `multi-site` strategy (active/active): both regions serve behind weighted Route 53 records with health
 * checks, one Aurora global database writes in the primary region. Failover takes the lost region out of DNS,
 * moves the writer and scales the survivor; failback rejoins the database, switches the writer back and ramps
 * the weights back in stages, each gated by the health of the region being ramped.
 */
import type { StepDefinition } from '@firedrill/core';
import { declareDisasterStep } from '../steps/disaster-steps.js';
import { soakStep } from '../steps/soak-steps.js';
import { type Finding, injectedOutage, type Strategy, type StrategyContext, type StrategyRun } from '../strategy.js';
import { checkMultiSite } from './multi-site-check.js';
import { durationParameter, multiSiteResources, validateMultiSite } from './multi-site-resources.js';
import { drainDrillSteps, failbackSteps, failoverSteps, withRecordedRecoverySizes } from './multi-site-steps.js';

/**
 * The failover, preceded — when the run injects the region loss it answers (an ungraceful failover or live drill on
 * the sandbox) — by the step that injects it: its start is the disaster, and every failover step waits for it, so
 * the drill recovers from a lost region rather than from one that still serves. Without an injection the lost
 * region is already gone and the run's start is the disaster.
 */
function failoverWithDisaster(ctx: StrategyContext, resources: ReturnType<typeof multiSiteResources>): StepDefinition[] {
  const failover = failoverSteps(ctx, resources);
  const outage = injectedOutage(ctx);
  if (outage.injectDisaster === undefined) return failover;
  const declare = declareDisasterStep({
    id: 'declare-disaster',
    title: `${ctx.operation === 'drill' ? 'Drill: lose' : 'Declare the loss of'} ${ctx.aws.region('primary')} (outage injected)`,
    ...outage,
  });
  return [declare, ...failover.map((step) => (step.dependsOn?.length ? step : { ...step, dependsOn: [declare.id] }))];
}

/**
 * A live drill: fail over, hold, fail back. The recovery fleet's size is recorded before the failover scales it, so
 * the failback returns the recovery region to the size it served at before the drill, not to the plan's (which may
 * be smaller and would cut serving instances).
 */
function liveDrillSteps(ctx: StrategyContext): StepDefinition[] {
  const resources = multiSiteResources(ctx.plan);
  const failover = withRecordedRecoverySizes(ctx.aws, resources.groups, failoverWithDisaster(ctx, resources));
  const hold = soakStep({ id: 'soak-on-recovery', dependsOn: failover.map((s) => s.id), duration: durationParameter(ctx.plan, 'soak', '2m'), what: `the failover to ${ctx.aws.region('recovery')}` });
  return [...failover, hold, ...failbackSteps(ctx, resources, { dependsOn: [hold.id], phase: 'failback', restoreRecordedSizes: true })];
}

function build(ctx: StrategyContext): StrategyRun {
  const resources = multiSiteResources(ctx.plan);
  switch (ctx.operation) {
    case 'failover':
      return { steps: failoverWithDisaster(ctx, resources) };
    case 'failback':
      return { steps: failbackSteps(ctx, resources) };
    case 'drill':
      if (ctx.drill === 'live') return { steps: liveDrillSteps(ctx) };
      return {
        steps: drainDrillSteps(ctx, resources),
        // The drain moves users only once the survivor has scaled out and passes its health check: service stays up,
        // so the figure is how long users went unserved during the drain (0 when all is well), not a failover's RTO.
        rtoNotJudged:
          'the drain test moves users only after the survivor has scaled out, so service is not lost: this is how long users went unserved during the drain, not a failover\'s RTO (a live drill measures that)',
      };
  }
}

async function check(ctx: Omit<StrategyContext, 'operation' | 'mode' | 'runId'>): Promise<Finding[]> {
  return checkMultiSite(ctx.aws, multiSiteResources(ctx.plan), { ...ctx, build });
}

/**
 * The built-in `multi-site` strategy.
 *
 * - `failover` (the primary region lost; `ungraceful`): weight of the lost region to 0 (refused if that would
 *   leave no healthy target), FailoverGlobalCluster with AllowDataLoss to the recovery cluster, the recovery Auto
 *   Scaling groups to full capacity — at once — then verify the recovery region alone serves through DNS. With
 *   `injectDisaster` (the sandbox), a first step injects the region loss and is the disaster.
 *   `graceful`: capacity first, drain, then SwitchoverGlobalCluster (RPO 0).
 * - `failback`: the primary scaled back and rejoined as a connected secondary, SwitchoverGlobalCluster back, the
 *   primary's weight ramped back (`parameters.rampStages`, default 10 % → 50 % → 100 %, each stage after
 *   `parameters.rampSoak` and a health gate), the recovery region back to its normal capacity.
 * - `drill` `live`: failover, hold (`parameters.soak`, default 2m), failback — each phase measured; the recovery
 *   region ends at the size it had before the drill.
 *   `isolated`: a drain test — both regions stay up, the primary's weight goes to 0 and back, the recovery region
 *   returns to the size it had before the drill (never below it), nothing left behind.
 *
 * Scale-outs only ever grow a group (`atLeast`): a region already running more than the plan's size keeps it.
 *
 * @example
 * registerStrategy(multiSiteStrategy);
 * const { steps } = multiSiteStrategy.build({ plan, operation: 'failover', mode: 'ungraceful', aws, runId });
 */
export const multiSiteStrategy: Strategy = {
  name: 'multi-site',
  description: 'Active/active in two regions: weighted DNS with health checks, an Aurora global database; failover drains the lost region and moves the writer, failback ramps it back in stages.',
  validate: validateMultiSite,
  build,
  check,
};
