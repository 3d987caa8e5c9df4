/**
 * The live-drill set-up of each strategy for the strategy benchmark: its sandbox scenario and plan (same seed on
 * both sides), the mode, the outage the drill injects, and where users reach the service (DNS record or, with no
 * DNS change in the failover, the region's endpoint). Shared by the Firedrill side and the naive runbooks.
 */
import { parsePlan, type Plan, VirtualClock } from '../packages/core/src/index.js';
import {
  buildBackupRestoreScenario,
  buildInRegionAuroraScenario,
  buildMultiSiteScenario,
  buildPilotLightScenario,
  buildWarmStandbyScenario,
  planForInRegionScenario,
  planForMultiSiteScenario,
  planForScenario,
  type Sandbox,
  type ScenarioNames,
} from '../packages/sandbox/src/index.js';
import { rdsSdk } from './aws-sdk.js';
import { planForBackupRestoreScenario } from '../packages/sandbox/src/scenarios/scenario-plan-backup-restore.js';
import { type DnsBaseline, dnsBaseline } from './drill-truth.js';

export const STRATEGIES = ['pilot-light', 'warm-standby', 'multi-site', 'in-region', 'backup-restore'] as const;
export type StrategyName = (typeof STRATEGIES)[number];

/** One strategy's drill world, built fresh for each side. */
export interface DrillSetup {
  strategy: StrategyName;
  clock: VirtualClock;
  sandbox: Sandbox;
  names: ScenarioNames;
  plan: Plan;
  mode: 'graceful' | 'ungraceful';
  /** The primary-region outage the drill injects at its disaster step (undefined: the drill's own action is the outage). */
  injectOutage?: () => void;
  /** Users reach the service through this DNS record; undefined: at `serviceRegion`'s endpoint. */
  recordName?: string;
  /** The region whose endpoint serves after the failover. */
  serviceRegion: string;
  /** The hosted zones once the scenario is built (the truth replays later record changes onto them). */
  dnsBaseline?: DnsBaseline;
}

const START = '2026-11-22T03:00:00Z';
/** The injected outage lasts longer than any failover phase, and ends before the drill's failback needs the primary. */
const OUTAGE_MS = 45 * 60_000;

function outage(sandbox: Sandbox, clock: VirtualClock, region: string): () => void {
  return () => void sandbox.faults.regionOutage(region, { at: clock.now(), until: clock.now() + OUTAGE_MS });
}

/** Builds the scenario and plan of `strategy` for `seed`. */
export async function drillSetup(strategy: StrategyName, seed: number): Promise<DrillSetup> {
  const setup = await buildSetup(strategy, seed);
  return { ...setup, dnsBaseline: dnsBaseline(setup.sandbox.world) };
}

async function buildSetup(strategy: StrategyName, seed: number): Promise<DrillSetup> {
  const clock = new VirtualClock({ start: START });
  switch (strategy) {
    case 'pilot-light':
    case 'warm-standby': {
      const build = strategy === 'pilot-light' ? buildPilotLightScenario : buildWarmStandbyScenario;
      const { sandbox, names } = await build({ clock, seed });
      const plan = parsePlan(planForScenario(names));
      return { strategy, clock, sandbox, names, plan, mode: 'ungraceful', injectOutage: outage(sandbox, clock, names.primaryRegion), recordName: names.dns!.recordName, serviceRegion: names.recoveryRegion };
    }
    case 'multi-site': {
      // Primary us-west-2, as the multi-site tests: losing it leaves Route 53's control plane (us-east-1) up. A live
      // drill loses the region, as a game day (and `firedrill drill --live`, ungraceful by default) does: the
      // survivor takes all of production's load (8: both fleets of 4 together) while the writer moves.
      const { sandbox, names } = await buildMultiSiteScenario({ clock, seed, regions: ['us-west-2', 'us-east-1'] });
      const plan = parsePlan(planForMultiSiteScenario(names, { parameters: { soak: '2m', rampSoak: '1m' } }));
      return { strategy, clock, sandbox, names, plan, mode: 'ungraceful', injectOutage: outage(sandbox, clock, names.primaryRegion), recordName: names.dns!.recordName, serviceRegion: names.recoveryRegion };
    }
    case 'in-region': {
      const { sandbox, names } = await buildInRegionAuroraScenario({ clock, seed });
      const plan = parsePlan(planForInRegionScenario(names, { parameters: { preferredWriter: `${names.database.primary.identifier}-1` } }));
      return { strategy, clock, sandbox, names, plan, mode: 'graceful', serviceRegion: names.primaryRegion };
    }
    case 'backup-restore': {
      const { sandbox, names } = await buildBackupRestoreScenario({ clock, seed });
      // Parameter groups in both regions, as the backup & restore drill test: the failback fences the DR writers with one.
      const groups = { primary: 'tracking-pg', recovery: 'tracking-pg-dr' };
      for (const [region, name] of [[names.primaryRegion, groups.primary], [names.recoveryRegion, groups.recovery]] as const) {
        const rds = sandbox.client(rdsSdk.RDSClient, region);
        await rds.send(new rdsSdk.CreateDBParameterGroupCommand({ DBParameterGroupName: name, DBParameterGroupFamily: 'postgres16', Description: names.app }));
      }
      // The recovery site launches production's fleet: an endpoint carries production's traffic only with as much
      // capacity in service as the primary runs (the sandbox's load rule), and the plan builder's default (2) is less.
      const instanceCount = sandbox.world.applications[names.app]!.productionCapacity || undefined;
      const plan = parsePlan(planForBackupRestoreScenario(names, { parameters: { parameterGroups: groups }, ...(instanceCount ? { instanceCount } : {}) }));
      return { strategy, clock, sandbox, names, plan, mode: 'ungraceful', injectOutage: outage(sandbox, clock, names.primaryRegion), recordName: names.dns!.recordName, serviceRegion: names.recoveryRegion };
    }
  }
}
