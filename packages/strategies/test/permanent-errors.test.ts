/**
 * Permanent errors in a failover, for every strategy: an IAM policy missing the action the key step needs, or a plan
 * naming a resource that does not exist. The step stops at once (one attempt) with a message that names the action,
 * the resource and the region; compensations run as the rollback strategy says (`on-failure`: undone unless past the
 * point of no return; `never`: left as they are, for a person to look at); the journal on disk holds it all and
 * rebuilds the same report, which is also written next to it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { foldJournal, readJournalFile, reportFromState, type RollbackStrategy } from '@firedrill/core';
import { iamActionOf } from '@firedrill/sandbox';
import { describe, expect, it } from 'vitest';
import { iamActionsOfPlan } from '../src/index.js';
import { type AwsState, readAwsState } from './support/aws-state.js';
import { denyCommand } from './support/deny-command.js';
import { caseAws, type CaseWorld, caseState, runCase, STRATEGY_CASES, type StrategyCase } from './support/strategy-cases.js';
import { writeHeartbeats } from './support/strategy-on-sandbox.js';

const { backupRestore, pilotLight, warmStandby, multiSite, inRegionAurora, inRegionMultiAz } = STRATEGY_CASES;

interface ErrorCase {
  label: string;
  c: StrategyCase;
  mode: 'graceful' | 'ungraceful';
  /** Denies a command, or breaks the plan (a resource that does not exist). */
  deny?: string;
  breakPlan?: (w: CaseWorld) => void;
  failedStep: string;
  message: (w: CaseWorld) => RegExp;
  /** Steps whose compensation runs with rollback on-failure. */
  compensated: string[];
  /** The AWS state after the run, given the state before, per rollback strategy. */
  after: (before: AwsState, w: CaseWorld, rollback: RollbackStrategy) => Partial<AwsState> | 'as-before';
}

const denied = (service: string, command: string, resource: string, region: (w: CaseWorld) => string) => (w: CaseWorld) =>
  new RegExp(`AccessDenied: ${service}:${command} on ${resource} in ${region(w)} was denied\\. Add ${service}:${command} to the role Firedrill runs as`);
const recovery = (w: CaseWorld): string => w.recovery;
const primary = (w: CaseWorld): string => w.primary;

/** The state of a standby pair after a promotion refused: the fence and the scale-out undone, or left in place. */
function standbyAfter(before: AwsState, w: CaseWorld, rollback: RollbackStrategy): Partial<AwsState> | 'as-before' {
  if (rollback === 'on-failure') return 'as-before';
  const db = `${w.primary}:${w.names.database.primary.identifier}`;
  const group = `${w.recovery}:${w.names.compute.recovery!.autoScalingGroupName}`;
  // Left for a person: the primary fenced (read-only), the recovery fleet at production size.
  return { databases: { ...before.databases, [db]: { ...before.databases[db]!, readOnly: true } }, groups: { ...before.groups, [group]: { ...before.groups[group]!, min: 4, desired: 4, max: 8, inService: 4 } } };
}

const CASES: ErrorCase[] = [
  {
    label: 'backup-restore: AccessDenied on RunInstances (the restore goes on beside it)', c: backupRestore, mode: 'ungraceful', deny: 'RunInstances',
    failedStep: 'launch-compute', message: denied('ec2', 'RunInstances', 'ami-[0-9a-f]+', recovery), compensated: [],
    // Nothing to undo; DNS never moved.
    after: (before, w) => {
      expect(w.sandbox.calls({ command: 'ChangeResourceRecordSets' })).toEqual([]);
      // The restore requested beside the refused launch is left to finish (it is the data to recover with).
      return { databases: { ...before.databases, [`${w.recovery}:${w.app}-db-restored`]: expect.objectContaining({ status: expect.stringMatching(/^(creating|available)$/) }) } };
    },
  },
  {
    label: 'pilot light: AccessDenied on PromoteReadReplica after the fence', c: pilotLight, mode: 'graceful', deny: 'PromoteReadReplica',
    failedStep: 'promote-replica', message: denied('rds', 'PromoteReadReplica', 'tracking-db-replica', recovery), compensated: ['fence-primary-writers', 'scale-recovery-compute'],
    after: standbyAfter,
  },
  {
    label: 'warm standby: the plan names a replica that does not exist', c: warmStandby, mode: 'graceful',
    breakPlan: (w) => void ((w.plan.resources['database'] as { recovery: { identifier: string } }).recovery.identifier = 'tracking-db-gone'),
    failedStep: 'wait-replica-caught-up', message: (w) => new RegExp(`DBInstanceNotFound.*tracking-db-gone.*${w.recovery}`), compensated: ['fence-primary-writers', 'scale-recovery-compute'],
    after: (before, w, rollback) => (rollback === 'on-failure' ? 'as-before' : standbyAfter(before, w, rollback)),
  },
  {
    label: 'multi-site (graceful): AccessDenied on SwitchoverGlobalCluster after the drain', c: multiSite, mode: 'graceful', deny: 'SwitchoverGlobalCluster',
    failedStep: 'move-writer-to-recovery', message: denied('rds', 'SwitchoverGlobalCluster', 'tracking-global', recovery), compensated: ['drain-primary-weight', 'scale-recovery-tracking-asg-us-east-1'],
    after: (before, w, rollback) => {
      if (rollback === 'on-failure') return 'as-before';
      const primaryRecord = Object.keys(before.records).find((k) => k.endsWith(w.names.dns!.setIdentifiers[w.primary]!))!;
      const group = `${w.recovery}:${w.names.compute.recovery!.autoScalingGroupName}`;
      return { records: { ...before.records, [primaryRecord]: { ...before.records[primaryRecord]!, weight: 0 } }, groups: { ...before.groups, [group]: { ...before.groups[group]!, min: 8, desired: 8, max: 16, inService: 8 } } };
    },
  },
  {
    label: 'in-region (Aurora): AccessDenied on FailoverDBCluster', c: inRegionAurora, mode: 'graceful', deny: 'FailoverDBCluster',
    failedStep: 'failover-database', message: denied('rds', 'FailoverDBCluster', 'tracking-cluster', primary), compensated: [], after: () => 'as-before',
  },
  {
    label: 'in-region (Multi-AZ): the plan names an instance that does not exist', c: inRegionMultiAz, mode: 'graceful',
    breakPlan: (w) => void ((w.plan.resources['database'] as { primary: { identifier: string } }).primary.identifier = 'orders-db-gone'),
    failedStep: 'choose-database-zone', message: (w) => new RegExp(`orders-db-gone.*${w.primary}|${w.primary}.*orders-db-gone`), compensated: [], after: () => 'as-before',
  },
];

describe.each(CASES)('permanent error: $label', (e) => {
  it.each(['on-failure', 'never'] as const)('rollback %s: the step stops at once with the action, resource and region; compensations as the strategy says; journal and report on disk', async (rollback) => {
    const w = await e.c.world(61);
    e.breakPlan?.(w);
    if (e.c.heartbeat) await writeHeartbeats(w.sandbox, w.clock, w.app, 5_000);
    // Backup & restore answers the loss of its primary region (us-east-1, Route 53's control plane): read what answers.
    const lost = e.mode === 'ungraceful' && e.c === backupRestore;
    const state = (): Promise<AwsState> => (lost ? readAwsState(w.sandbox, [w.recovery]) : caseState(w));
    if (lost) w.sandbox.faults.regionOutage(w.primary);
    const before = await state();
    const from = w.sandbox.calls().length;
    const { report, run, store, runId } = await runCase(e.c, w, { operation: 'failover', mode: e.mode, rollback, onDisk: 'unsynced', ...(e.deny ? { plugins: [denyCommand(e.deny)] } : {}) });
    const to = w.sandbox.calls().length;

    // The step: failed once (a permanent error is not retried), with a message that says what to do.
    const failed = report.steps.find((s) => s.status === 'failed')!;
    expect(failed.id).toBe(e.failedStep);
    expect(failed.attempts).toBe(1);
    expect(failed.error?.message).toMatch(e.message(w));
    expect(report.error?.message).toMatch(e.message(w));
    // Rolled back only when something was undone; a failure that left nothing to undo is a failed run.
    expect(report.status).toBe(rollback === 'never' || e.compensated.length === 0 ? 'failed' : 'rolled-back');

    // Compensations: by the rollback strategy; the report says which steps were undone.
    const expected = rollback === 'never' ? [] : e.compensated;
    expect(report.steps.filter((s) => s.status === 'compensated').map((s) => s.id).sort()).toEqual([...expected].sort());

    // The journal on disk holds the failure and the compensations, and rebuilds this very report; report.json too.
    // (Written without an fsync per event, to keep the suite fast: durability is the journal's own test.)
    const events = readJournalFile(run.journalPath!);
    expect(events.find((x) => x.type === 'step.failed' && x.stepId === e.failedStep)).toMatchObject({ error: { message: expect.stringMatching(e.message(w)) } });
    expect(events.filter((x) => x.type === 'compensation.succeeded').map((x) => (x as { stepId: string }).stepId).sort()).toEqual([...expected].sort());
    expect(events.filter((x) => x.type === 'compensation.failed')).toEqual([]);
    expect(reportFromState(foldJournal(events))).toEqual(report);
    const reportPath = store!.reportPath(runId);
    expect(existsSync(reportPath)).toBe(true);
    expect(JSON.parse(readFileSync(reportPath, 'utf8'))).toEqual(JSON.parse(JSON.stringify(report)));

    // AWS, read back: as before where everything was undone, else exactly what was left for a person.
    const want = e.after(before, w, rollback);
    const after = await state();
    if (want === 'as-before') expect(after).toEqual(before);
    else expect(after).toMatchObject(want);
    expect(w.sandbox.truth.splitBrainDetected).toBe(false);

    // Every call the run made, compensations included, is one the plan's previews name — so `firedrill iam-policy`
    // (and check's permissions finding) covers the rollback too, not only the path that succeeds.
    const previewed = new Set(iamActionsOfPlan({ plan: w.plan, aws: caseAws(w) }, (ctx) => e.c.strategy.build(ctx)));
    const made = [...new Set(w.sandbox.calls().slice(from, to).filter((c) => c.service !== 'sts').map((c) => iamActionOf(c.service, c.command)))];
    expect(made.filter((action) => !previewed.has(action))).toEqual([]);
  });
});
