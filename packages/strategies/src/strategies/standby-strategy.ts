/**
 * The Strategy value both standby strategies are: validate the plan, build each operation's graph, check
 * readiness. Pilot light and warm standby are this with a different standby fleet.
 */
import type { StepDefinition } from '@firedrill/core';
import { injectedOutage, type Strategy, type StrategyContext, type StrategyRun } from '../strategy.js';
import { standbyReadiness } from './readiness-checks.js';
import { failbackSteps } from './standby-failback.js';
import { recordGroupSizeStep } from '../steps/group-size-steps.js';
import { type StandbyKind, failoverSteps, FAILOVER_IDS, standbyTopology, validateStandbyPlan } from './standby-family.js';
import { isolatedDrill } from './standby-isolated-drill.js';

function build(kind: StandbyKind, ctx: StrategyContext): StrategyRun {
  const topology = standbyTopology(ctx.plan, kind);
  let steps: StepDefinition[];
  if (ctx.operation === 'failover') steps = failoverSteps(ctx, topology);
  else if (ctx.operation === 'failback') steps = failbackSteps(ctx, topology, kind, { declare: true });
  else if (ctx.drill === 'isolated') {
    const drill = isolatedDrill(ctx, topology);
    return {
      steps: drill.steps,
      probes: { health: drill.probe },
      rtoNotJudged:
        'the time until a copy restored from a snapshot of the replica serves: a failover promotes the replica instead, so this is not judged against the RTO objective (a live drill measures the failover)',
    };
  } else {
    // A live drill: the failover, then the failback as its own measured phase. The recovery fleet's size is recorded
    // beside the disaster (it changes nothing) and before the failover scales the fleet: the failback returns it
    // there, not to the plan's standby size.
    const record = recordGroupSizeStep({ aws: ctx.aws, side: 'recovery', name: topology.compute.recovery.name, id: 'drill-record-recovery-compute-size' });
    const failover = failoverSteps(ctx, topology, { title: `Drill: declare ${ctx.aws.region('primary')} lost${injectedOutage(ctx).injectDisaster ? ' (outage injected)' : ''}` });
    steps = [
      record,
      ...failover.map((step) => (step.id === FAILOVER_IDS.scaleRecovery ? { ...step, dependsOn: [...(step.dependsOn ?? []), record.id] } : step)),
      ...failbackSteps(ctx, topology, kind, { after: FAILOVER_IDS.dnsInSync, recoverySizeRecordedBy: record.id }),
    ];
  }
  return { steps };
}

/** A standby strategy of `kind`. */
export function standbyStrategy(kind: StandbyKind, description: string): Strategy {
  return {
    name: kind,
    description,
    validate: (plan, file) => validateStandbyPlan(plan, file, kind),
    build: (ctx) => build(kind, ctx),
    check: (ctx) => standbyReadiness({ ...ctx, kind, build: (c) => build(kind, c) }),
  };
}
