/**
 * Failover then failback leaves AWS as it was before the failover, for every strategy and both modes: the whole
 * state the plan cares about is read back through the SDK before and after (writers, replication direction, fences,
 * AZs, capacities, record sets, snapshots, parameter groups) and compared, with the few leftovers each strategy
 * documents named one by one.
 */
import { describe, expect, it } from 'vitest';
import { runSuffix } from '../src/strategies/standby-failback.js';
import { type AwsState, readAwsState } from './support/aws-state.js';
import { type CaseWorld, caseState, failedSteps, runCase, STRATEGY_CASES, type StrategyCase, warmStandbyMysql } from './support/strategy-cases.js';
import { writeHeartbeats } from './support/strategy-on-sandbox.js';

const { backupRestore, pilotLight, warmStandby, multiSite, inRegionAurora, inRegionMultiAz } = STRATEGY_CASES;

/**
 * What each strategy's failback documents it leaves behind, beyond the state before the failover, as patterns of
 * snapshot names (each must match exactly one new snapshot) and the other known differences.
 */
function documentedLeftovers(c: StrategyCase, w: CaseWorld, failbackRunId: string, after: AwsState): { snapshots: RegExp[]; adjust: (before: AwsState) => AwsState } {
  const primaryId = w.names.database.primary.identifier;
  if (c === pilotLight || c === warmStandby || c === warmStandbyMysql) {
    // Final snapshots of the stale former writer and of the former recovery writer (standby-failback.ts).
    const sfx = runSuffix(failbackRunId);
    return { snapshots: [new RegExp(`^${w.primary}:${primaryId}-before-failback-${sfx}$`), new RegExp(`^${w.recovery}:${w.names.database.recovery!.identifier}-before-reprotect-${sfx}$`)], adjust: (b) => b };
  }
  if (c === backupRestore) {
    return {
      // The stale primary's final snapshot (the safety net), only: the snapshots that carried data across (the
      // failback's DR backup and its copy, a graceful failover's fresh snapshot and its copy) are deleted.
      snapshots: [new RegExp(`^${w.primary}:${primaryId}-before-failback-`)],
      adjust: (b) => ({
        ...b,
        // The DR parameter group stays read-only: the failback froze the DR site; the next failover lifts it.
        parameterGroups: { ...b.parameterGroups, [`${w.recovery}:tracking-pg-dr`]: '1' },
        databases: {
          ...b.databases,
          // The restored primary carries the plan's tags (and, when the restore marks it, the run that restored it).
          [`${w.primary}:${primaryId}`]: {
            ...b.databases[`${w.primary}:${primaryId}`]!,
            tags: {
              ...b.databases[`${w.primary}:${primaryId}`]!.tags, 'firedrill:plan': w.plan.metadata.name, 'firedrill:role': 'database',
              ...('firedrill:run-id' in (after.databases[`${w.primary}:${primaryId}`]?.tags ?? {}) ? { 'firedrill:run-id': failbackRunId } : {}),
            },
          },
        },
      }),
    };
  }
  return { snapshots: [], adjust: (b) => b };
}

/** The failover and the failback, with the outage of an ungraceful failover over before the failback. */
async function failoverThenFailback(c: StrategyCase, w: CaseWorld, mode: 'graceful' | 'ungraceful') {
  const regional = mode === 'ungraceful' && w.primary !== w.recovery;
  // What answers during an outage: the recovery region (and Route 53, unless its control plane is the region lost).
  const view = (): Promise<AwsState> => (regional ? readAwsState(w.sandbox, [w.recovery], w.primary === 'us-east-1' ? undefined : w.names.dns?.hostedZoneId) : caseState(w));
  const beforeView = await view();
  // Backup & restore answers an outage that is already there; the others' runs inject it at their disaster step.
  if (regional && c === backupRestore) w.sandbox.faults.regionOutage(w.primary);
  const over = await runCase(c, w, { operation: 'failover', mode, injectOutage: regional && c !== backupRestore });
  expect(over.report.status, failedSteps(over.report)).toBe('succeeded');
  const during = await view();
  if (regional) w.sandbox.faults.endRegionOutage(w.primary, w.clock.now());
  const back = await runCase(c, w, { operation: 'failback' });
  expect(back.report.status, failedSteps(back.report)).toBe('succeeded');
  // Deletions the failback started (the DR site's database) finish on their own.
  await w.clock.sleep(30 * 60_000);
  return { beforeView, during, back };
}

// Pilot light and warm standby after a graceful failover: support/standby-cases.ts compares the topology already.
const CASES = ([
  [backupRestore, 'graceful'], [backupRestore, 'ungraceful'],
  [pilotLight, 'ungraceful'],
  [warmStandby, 'ungraceful'],
  // MySQL's read_only sits past the first page of DescribeDBParameters: an unfence that read one page left it on.
  [warmStandbyMysql, 'graceful'], [warmStandbyMysql, 'ungraceful'],
  [multiSite, 'graceful'], [multiSite, 'ungraceful'],
  [inRegionAurora, 'graceful'], [inRegionMultiAz, 'graceful'],
] as const).map(([c, mode]) => ({ c, mode, label: c.label }));

describe('failover then failback leaves AWS as it was', () => {
  it.each(CASES)('$label, $mode failover: the whole state read back equals the state before, but for the documented leftovers', async ({ c, mode }) => {
    const w = await c.world(51);
    if (c.heartbeat) await writeHeartbeats(w.sandbox, w.clock, w.app, 10_000);
    const before = await caseState(w);
    const { beforeView, during, back } = await failoverThenFailback(c, w, mode);
    expect(during, 'the failover changed AWS (or there would be nothing to put back)').not.toEqual(beforeView);
    const after = await caseState(w);
    const { snapshots, adjust } = documentedLeftovers(c, w, back.runId, after);
    const added = after.snapshots.filter((s) => !before.snapshots.includes(s));
    expect(added.length, added.join(', ')).toBe(snapshots.length);
    for (const pattern of snapshots) expect(added.filter((s) => pattern.test(s)), `${pattern} in ${added.join(', ')}`).toHaveLength(1);
    const expected = adjust(before);
    expect({ ...after, snapshots: before.snapshots }).toEqual({ ...expected, snapshots: before.snapshots });
    // Where users go, by the data plane: the primary again (both regions for active/active).
    expect(w.sandbox.truth.dnsTarget(w.names.dns?.recordName ?? 'none').regions.sort()).toEqual(w.names.dns === undefined ? [] : c === multiSite ? [w.primary, w.recovery].sort() : [w.primary]);
    if (mode === 'graceful') expect(w.sandbox.truth.lostWrites(w.app).lost).toEqual([]);
    // An ungraceful failover's old primary returns as a writer until the failback fences it (standby-cases.ts
    // measures that window); a graceful one never has two writers.
    if (mode === 'graceful') expect(w.sandbox.truth.splitBrainDetected).toBe(false);
  });

  // The failback reads the old primary's Multi-AZ, class and network before retiring it and restores with them.
  it('backup-restore: the primary database comes back Multi-AZ, as it was', async () => {
    const w = await backupRestore.world(52);
    const id = `${w.primary}:${w.names.database.primary.identifier}`;
    const before = await caseState(w);
    expect(before.databases[id]).toMatchObject({ multiAz: true, secondaryZone: expect.any(String) });
    await failoverThenFailback(backupRestore, w, 'ungraceful');
    expect((await caseState(w)).databases[id]).toMatchObject({ multiAz: true, secondaryZone: before.databases[id]!.secondaryZone });
  });
});
