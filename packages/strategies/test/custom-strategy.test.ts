import { DescribeDBClustersCommand, RDSClient } from '@aws-sdk/client-rds';
import { parsePlan, type Plan, VirtualClock } from '@firedrill/core';
import { describe, expect, it } from 'vitest';
import { buildInRegionAuroraScenario } from '../../sandbox/src/index.js';
import { planForInRegionScenario } from '../../sandbox/src/scenarios/scenario-plan-multi-site.js';
import { clusterWriterFailoverSteps } from '../src/steps/cluster-failover-steps.js';
import type { Strategy } from '../src/strategy.js';
import { getStrategy, registerStrategy } from '../src/strategy-registry.js';
import { at, runStrategy } from './support/strategy-on-sandbox.js';

/**
 * A user's own strategy, composed from the shipped building blocks: an Aurora writer failover inside one region,
 * to a member the plan names in `strategy.parameters.target`. Nothing here is built in.
 */
const auroraWriterSwap: Strategy = {
  name: 'aurora-writer-swap',
  description: 'Fail the Aurora writer over to the member named in strategy.parameters.target',
  validate: (plan: Plan, file: string) => {
    const target = plan.strategy.parameters['target'];
    return typeof target === 'string' ? [] : [{ file, path: 'strategy.parameters.target', expected: 'a DB instance identifier', found: JSON.stringify(target ?? null), message: 'expected a DB instance identifier' }];
  },
  build: ({ plan, aws }) => {
    const cluster = Object.values(plan.resources).find((r) => r.kind === 'aurora-cluster');
    if (cluster?.kind !== 'aurora-cluster') throw new TypeError('no aurora-cluster in the plan');
    return { steps: clusterWriterFailoverSteps({ aws, clusterIdentifier: cluster.identifier, targetInstance: plan.strategy.parameters['target'] as string }) };
  },
  check: async () => [],
};

describe('a custom strategy built from the shipped blocks', () => {
  it.each([1, 2])('registers, fails the writer over to the named member, and is measured like the rest (seed %i)', async (seed) => {
    registerStrategy(auroraWriterSwap);
    const clock = new VirtualClock({ start: '2026-11-22T03:00:00Z' });
    const { sandbox, names } = await buildInRegionAuroraScenario({ clock, seed });
    const cluster = names.database.primary.identifier;
    const input = planForInRegionScenario(names, { parameters: { target: `${cluster}-2` } });
    // Core's plan semantics allow primary = recovery only for the built-in `in-region`; a custom in-region
    // strategy names a second region it never touches (the cluster's `region: primary` is what counts).
    const plan = parsePlan({ ...input, regions: { primary: names.primaryRegion, recovery: names.recoveryRegion }, strategy: { name: 'aurora-writer-swap', parameters: { target: `${cluster}-2` } } });
    const strategy = getStrategy(plan.strategy.name);
    expect(strategy.validate(plan, 'plan.yaml')).toEqual([]);

    const { report } = await runStrategy({ strategy, plan, sandbox, clock, app: names.app, operation: 'failover', health: { region: names.primaryRegion } });

    expect(report.status).toBe('succeeded');
    const out = await sandbox.client(RDSClient, names.primaryRegion).send(new DescribeDBClustersCommand({ DBClusterIdentifier: cluster }));
    expect(out.DBClusters?.[0]?.DBClusterMembers?.find((m) => m.IsClusterWriter)?.DBInstanceIdentifier).toBe(`${cluster}-2`);
    const failover = sandbox.calls({ command: 'FailoverDBCluster', outcome: 'ok' })[0]!;
    const trueRto = (sandbox.truth.firstHealthyAt(names.primaryRegion, failover.at + 1)! - at(report.disasterAt)) / 1000;
    expect(report.rto.source).toBe('health-probe');
    expect(Math.abs(report.rto.seconds! - trueRto)).toBeLessThanOrEqual(1);
    expect(report.rpo.seconds).toBe(0);
    expect(sandbox.truth.splitBrainDetected).toBe(false);
  });
});

describe('the built-ins beside your own', () => {
  it('registerBuiltinStrategies() keeps a strategy of the same name registered before it', async () => {
    const { registerBuiltinStrategies } = await import('../src/builtin-strategies.js');
    const { warmStandby } = await import('../src/strategies/warm-standby.js');
    const mine: Strategy = { ...warmStandby, description: 'our warm standby, with a pre-flight of our own' };
    registerStrategy(mine);
    registerBuiltinStrategies();
    expect(getStrategy('warm-standby')).toBe(mine);
    registerStrategy(warmStandby);
  });

  it('an unknown strategy with nothing registered says to register the built-ins', async () => {
    const { UnknownStrategyError } = await import('../src/strategy-registry.js');
    expect(new UnknownStrategyError('warm-standby', 'plan.yaml', []).message).toBe(
      'plan.yaml: strategy.name: no strategy is registered, so "warm-standby" is unknown. Call registerBuiltinStrategies() (backup-restore, pilot-light, warm-standby, multi-site, in-region), or registerStrategy() for your own, before running the plan.',
    );
  });
});
