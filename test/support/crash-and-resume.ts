/**
 * Crash and resume a real strategy's operation on the sandbox, and what must hold whatever the crash cut off: the
 * resumed run succeeds and meets its objectives, steps cut off are re-checked and finished ones never run again,
 * each change to AWS is made exactly as often as in the uninterrupted run (DNS: see crashAndResume), no two
 * writers, one outage injected, and RTO and RPO agree with the uninterrupted run and with the sandbox's truth.
 * See test/crash-mid-failover.test.ts for why the world is saved with every durable journal event.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { foldJournal, type JournalEvent, loadPlanSource, type Plan, type RunReport } from '@firedrill/core';
import type { Sandbox } from '@firedrill/sandbox';
import { type CrashOperation, journalOf, resumeWithCli, startInChild } from './crash-processes.js';
import { dnsChanges, effects, savedWorld } from './saved-world.js';

/** What the sandbox says really happened in a run, and how close the report must come to it. */
export interface RunTruth {
  rpo: { source: RunReport['rpo']['source']; ms: number; toleranceMs: number };
  /** The run's RTO (its first phase's, in a live drill) as the sandbox saw users served again. */
  rto?: { seconds: number; toleranceSeconds: number };
}

/** An operation of an example plan to crash. */
export interface CrashCase {
  planFile: string;
  plan: Plan;
  runId: string;
  operation: CrashOperation;
  /** The truth of a finished run, from its world at the end and its report. */
  truth: (sandbox: Sandbox, report: RunReport) => RunTruth | Promise<RunTruth>;
}

/** A crash case for `planFile`. */
export async function crashCase(planFile: string, runId: string, operation: CrashOperation, truth: CrashCase['truth']): Promise<CrashCase> {
  const { plan } = await loadPlanSource(planFile);
  return { planFile, plan, runId, operation, truth };
}

const newState = (what: string): string => join(mkdtempSync(join(tmpdir(), `firedrill-${what}-`)), 'state');

/** What the uninterrupted run does: its report, journal, the effects it had on AWS, and its world at the end. */
export interface Reference {
  report: RunReport;
  journal: JournalEvent[];
  effects: string[];
  outages: number;
  sandbox: Sandbox;
}

/** Runs the case to its end in a child process; its report must already agree with the truth. */
export async function reference(c: CrashCase): Promise<Reference> {
  const state = newState('crash-ref');
  const whole = await startInChild({ state, planFile: c.planFile, runId: c.runId, operation: c.operation });
  expect(whole.code, whole.stderr).toBe(0);
  const report = JSON.parse(whole.stdout) as RunReport;
  expect(report.status).toBe('succeeded');
  const sandbox = savedWorld(state, c.plan);
  expectTruth(c, report, sandbox, await c.truth(sandbox, report), 'uninterrupted run');
  return { report, journal: journalOf(state, c.runId), effects: effects(sandbox), outages: sandbox.world.faults.outages.length, sandbox };
}

/** A crash point: the first event of `type` (of step `stepId`) in the uninterrupted run. */
export type Moment = [type: JournalEvent['type'], stepId?: string];

/** The crash points (k: kill right after event k) of the moments, in the uninterrupted run's journal. */
export function crashPoints(ref: Reference, moments: readonly Moment[]): number[] {
  return moments.map(([type, stepId]) => {
    const i = ref.journal.findIndex((e) => e.type === type && (stepId === undefined || ('stepId' in e && e.stepId === stepId)));
    expect(i, `${type} ${stepId ?? ''} in the uninterrupted run`).toBeGreaterThanOrEqual(0);
    return i + 1;
  });
}

/** Steps started and not finished within the first `k` events: cut off by the crash. */
function cutOff(events: readonly JournalEvent[]): string[] {
  const state = foldJournal(events);
  return Object.values(state.steps).filter((s) => s.status === 'running' || s.status === 'waiting').map((s) => s.id);
}

/** Whether a DNS step of the run ended without a change, leaving the cutover to the health-checked failover records. */
function leftToHealthCheckedRecords(journal: readonly JournalEvent[]): boolean {
  return journal.some((e) => e.type === 'step.succeeded' && (e.result as { dataPlaneCutover?: boolean } | undefined)?.dataPlaneCutover === true);
}

/** The names of the plan's Route 53 records. */
const dnsNames = (plan: Plan): string[] => Object.values(plan.resources).flatMap((r) => (r.kind === 'route53-record' ? [r.name] : []));

const describeEvent = (e: JournalEvent): string => `${e.type}${'stepId' in e ? ` ${String(e.stepId)}` : ''}`;

/** The report's RPO and RTO against the truth. */
function expectTruth(c: CrashCase, report: RunReport, sandbox: Sandbox, truth: RunTruth, what: string): void {
  expect(report.rpo.source, `${what}: RPO source`).toBe(truth.rpo.source);
  expect(Math.abs(report.rpo.seconds! * 1000 - truth.rpo.ms), `${what}: RPO ${report.rpo.seconds}s vs true ${truth.rpo.ms} ms`).toBeLessThanOrEqual(truth.rpo.toleranceMs);
  if (truth.rto) {
    expect(Math.abs(report.rto.seconds! - truth.rto.seconds), `${what}: RTO ${report.rto.seconds}s vs true ${truth.rto.seconds}s`).toBeLessThanOrEqual(truth.rto.toleranceSeconds);
  }
  expect(sandbox.truth.splitBrainDetected, `${what}: two writers`).toBe(false);
  expect(report.rto.met, `${what}: RTO objective of ${c.plan.metadata.name}`).toBe(true);
  expect(report.rpo.met, `${what}: RPO objective of ${c.plan.metadata.name}`).toBe(true);
}

/** A run killed after event k and resumed: its report, journal and world at the end, and what its resume re-checked. */
export interface Crashed {
  k: number;
  /** `<operation>, crash after event k (<event>)`, for messages. */
  what: string;
  state: string;
  report: RunReport;
  journal: JournalEvent[];
  sandbox: Sandbox;
  /** Steps the resumed run re-checked (cut off by the crash), and those whose check found the effect in place. */
  rechecked: string[];
  foundDone: string[];
}

/** Kills the operation after event k, resumes it with the CLI, and checks what holds at any crash point. */
export async function crashAndResume(c: CrashCase, ref: Reference, k: number): Promise<Crashed> {
  const state = newState('crash');
  const crashed = await startInChild({ state, planFile: c.planFile, runId: c.runId, operation: c.operation, crashAfter: k });
  expect(crashed.killed, `killed after event ${k}`).toBe(true);
  const before = journalOf(state, c.runId);
  expect(before.length, `journal after a crash at event ${k}`).toBe(k);
  // The run is deterministic on the virtual clock: the crash hit the event the reference run had there.
  expect(describeEvent(before[k - 1]!)).toBe(describeEvent(ref.journal[k - 1]!));

  const resumed = await resumeWithCli(state, c.runId);
  const what = `${c.plan.metadata.name} ${c.operation}, crash after event ${k} (${describeEvent(before[k - 1]!)})`;
  expect(resumed.report.status, `${what}\n${resumed.output}`).toBe('succeeded');
  expect(resumed.code, `${what}: exit code (objectives met)\n${resumed.output}`).toBe(0);
  // Each phase (a live drill's failback too) lost what the uninterrupted run says it lost, within the heartbeat's
  // precision (a resumed run's heartbeats tick at other moments).
  for (const [i, phase] of (ref.report.phases ?? []).entries()) {
    const rpo = resumed.report.phases?.[i]?.rpo;
    expect(rpo?.source, `${what}: ${phase.name} RPO source`).toBe(phase.rpo.source);
    expect(Math.abs((rpo?.seconds ?? NaN) - phase.rpo.seconds!), `${what}: ${phase.name} RPO ${rpo?.seconds}s vs ${phase.rpo.seconds}s`).toBeLessThanOrEqual(phase.rpo.precisionSeconds ?? 0);
  }
  const journal = journalOf(state, c.runId);
  const after = journal.slice(k);
  // A step cut off mid-way is re-checked, never blindly run again.
  for (const stepId of cutOff(before)) {
    expect(after, `${what}: ${stepId} re-checked`).toContainEqual(expect.objectContaining({ type: 'step.started', stepId, recheck: true }));
  }
  // Finished steps are not run again.
  const finished = new Set(before.filter((e) => e.type === 'step.succeeded').map((e) => (e as { stepId: string }).stepId));
  expect(after.filter((e) => e.type === 'step.started' && finished.has(e.stepId)), `${what}: finished steps run again`).toEqual([]);

  const sandbox = savedWorld(state, c.plan);
  // Each change to AWS took effect exactly once: the same successful mutating calls as the uninterrupted run.
  if (!leftToHealthCheckedRecords(ref.journal)) {
    expect(effects(sandbox), `${what}: effects on AWS`).toEqual(ref.effects);
  } else {
    // The uninterrupted run could not reach Route 53's control plane (us-east-1, the region lost) and left the
    // cutover to the health-checked failover records, to be re-pointed once Route 53 answers. A run resumed after
    // the region came back re-points them: each record change at most once, DNS where the uninterrupted run left it.
    const notDns = (e: string): boolean => !e.startsWith('ChangeResourceRecordSets');
    expect(effects(sandbox).filter(notDns), `${what}: effects on AWS`).toEqual(ref.effects.filter(notDns));
    const batches = dnsChanges(sandbox);
    expect(batches, `${what}: each DNS change made once`).toEqual([...new Set(batches)]);
    for (const name of dnsNames(c.plan)) expect(sandbox.truth.dnsTarget(name).regions, `${what}: ${name} answers`).toEqual(ref.sandbox.truth.dnsTarget(name).regions);
  }
  const { report } = resumed;
  expect(report.rto.seconds, `${what}: RTO`).not.toBeNull();
  expectTruth(c, report, sandbox, await c.truth(sandbox, report), what);
  // A crash costs no time on the virtual clock: the RTO is the uninterrupted run's, give or take the health
  // probe's streak starting over.
  expect(Math.abs(report.rto.seconds! - ref.report.rto.seconds!), `${what}: RTO ${report.rto.seconds}s vs ${ref.report.rto.seconds}s uninterrupted`).toBeLessThanOrEqual(5);
  expect(report.phases?.map((p) => [p.name, p.rto.seconds !== null]), `${what}: phases measured`).toEqual(ref.report.phases?.map((p) => [p.name, true]));
  // Each phase as long as in the uninterrupted run (each measured by the plan's health probe, whose streak may start
  // over after the crash; the resumed run waits for all the uninterrupted one waited for), plus at most one propagation
  // (INSYNC within 60 s) per Route 53 change the uninterrupted run did not make: a change submitted again for an
  // id to wait on, or records re-pointed where the uninterrupted run left them to the health checks.
  const routeChanges = (s: Sandbox): number => s.calls({ command: 'ChangeResourceRecordSets', outcome: 'ok' }).length;
  const extraChanges = Math.max(0, routeChanges(sandbox) - routeChanges(ref.sandbox));
  for (const [i, phase] of (ref.report.phases ?? []).entries()) {
    const seconds = report.phases![i]!.rto.seconds!;
    const how = `${what}: ${phase.name} phase RTO ${seconds}s vs ${phase.rto.seconds}s uninterrupted, ${extraChanges} more DNS change(s)`;
    expect(seconds, how).toBeGreaterThanOrEqual(phase.rto.seconds! - 5);
    expect(seconds, how).toBeLessThanOrEqual(phase.rto.seconds! + 5 + 60 * extraChanges);
  }
  // Outages injected: one per run, whatever the crash cut off.
  expect(sandbox.world.faults.outages.length, `${what}: outages injected`).toBe(ref.outages);
  const rechecked = after.flatMap((e) => (e.type === 'step.started' && e.recheck ? [e.stepId] : []));
  const foundDone = after.flatMap((e) => (e.type === 'step.checked' && e.applied ? [e.stepId] : []));
  return { k, what, state, report, journal, sandbox, rechecked, foundDone };
}

/** Runs `fn` over `items`, `width` at a time. */
export async function inBatches<T>(items: readonly T[], width: number, fn: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += width) await Promise.all(items.slice(i, i + width).map(fn));
}

/**
 * Crashes the case at each moment (`width` at a time), resumes it, runs `check` on each resumed run, and returns
 * the steps re-checked at some crash point and those found done.
 */
export async function crashAtEach(c: CrashCase, ref: Reference, moments: readonly Moment[], width: number, check: (crashed: Crashed) => Promise<void>): Promise<{ rechecked: string[]; foundDone: string[] }> {
  const rechecked = new Set<string>();
  const foundDone = new Set<string>();
  await inBatches(crashPoints(ref, moments), width, async (k) => {
    const crashed = await crashAndResume(c, ref, k);
    crashed.rechecked.forEach((id) => rechecked.add(id));
    crashed.foundDone.forEach((id) => foundDone.add(id));
    await check(crashed);
  });
  return { rechecked: [...rechecked].sort(), foundDone: [...foundDone].sort() };
}
