/**
 * Every strategy's isolated drill against the promise of the design: it rehearses on copies tagged with the run id,
 * never touches production, and leaves nothing behind — also when it fails half way — and it only says "nothing
 * left" when the sandbox really has nothing left at that moment. In-region has no copy to rehearse on: its isolated
 * drill refuses and changes nothing.
 */
import { type RollbackStrategy, type RunReport, StepFailure, type StepDefinition } from '@firedrill/core';
import { describe, expect, it } from 'vitest';
import { denyCommand } from './support/deny-command.js';
import { drillResidue } from './support/drill-residue.js';
import { type CaseWorld, caseState, failedSteps, runCase, STRATEGY_CASES, type StrategyCase } from './support/strategy-cases.js';

/** Per strategy: the step a failure is injected after (the copies exist then), and the step that proves the cleanup. */
const DRILLS: [StrategyCase, { failAfter: string; proof: string; scope: string }][] = [
  [STRATEGY_CASES.backupRestore, { failAfter: 'wait-drill-database', proof: 'verify-nothing-left', scope: 'drill-scope' }],
  [STRATEGY_CASES.pilotLight, { failAfter: 'wait-drill-database', proof: 'verify-nothing-left', scope: 'drill-scope' }],
  [STRATEGY_CASES.warmStandby, { failAfter: 'wait-drill-database', proof: 'verify-nothing-left', scope: 'drill-scope' }],
  // A drain test: it creates nothing; what it must put back is the weights and the capacities.
  [STRATEGY_CASES.multiSite, { failAfter: 'drill-drain-primary-weight-in-sync', proof: 'drill-scale-recovery-tracking-asg-us-east-1-back', scope: 'drill-drain-primary-weight' }],
];

const regionsOf = (w: CaseWorld): string[] => [w.primary, w.recovery];
const mutations = (w: CaseWorld, from: number) => w.sandbox.calls().filter((c) => c.seq > from && !/^(Describe|List|Get)/.test(c.command));

/** A step that fails for good once `after` succeeded: the game-day lead pulls the plug half way. */
function failureAfter(after: string): StepDefinition {
  return {
    id: 'test-failure-half-way', kind: 'action', title: 'Test: a permanent failure half way through the drill', dependsOn: [after], preview: () => [],
    act: async () => {
      throw new StepFailure('the drill copy failed its smoke test', { code: 'SmokeTestFailed', retryable: false });
    },
  };
}

/**
 * Runs the drill and records, at the moment the run declares the cleanup proven (the proof step, or the scope step's
 * compensation after a failure), what the sandbox really still had.
 */
async function drillWithProofWatch(c: StrategyCase, w: CaseWorld, runId: string, options: { rollback: RollbackStrategy; extraSteps?: StepDefinition[]; plugins?: ReturnType<typeof denyCommand>[]; proof: string; scope: string }) {
  const atProof: Promise<string[]>[] = [];
  const result = await runCase(c, w, {
    operation: 'drill', drill: 'isolated', rollback: options.rollback, runId,
    ...(options.extraSteps ? { extraSteps: options.extraSteps } : {}), ...(options.plugins ? { plugins: options.plugins } : {}),
    during: (run) => {
      run.events.subscribe((e) => {
        const proven = (e.type === 'step.succeeded' && e.stepId === options.proof) || ((e.type as string) === 'compensation.succeeded' && (e as { stepId?: string }).stepId === options.scope);
        if (proven) atProof.push(drillResidue(w.sandbox, regionsOf(w), runId));
      });
    },
  });
  return { ...result, atProof: await Promise.all(atProof) };
}

const stepStatus = (report: RunReport, id: string): string | undefined => report.steps.find((s) => s.id === id)?.status;

describe.each(DRILLS)('isolated drill, $label', (c, d) => {
  it('rehearses on tagged copies, probes them, deletes them and proves it; production is exactly as before', async () => {
    const w = await c.world(41);
    const before = await caseState(w);
    const from = w.sandbox.calls().at(-1)?.seq ?? 0;
    const runId = `${w.plan.metadata.name}-drill-iso41`;
    const { report, atProof } = await drillWithProofWatch(c, w, runId, { rollback: 'always', proof: d.proof, scope: d.scope });
    expect(report.status, failedSteps(report)).toBe('succeeded');
    expect(report.rto.seconds).not.toBeNull();
    // The proof ran and was true when it ran (not just "deleting").
    expect(stepStatus(report, d.proof)).toBe('succeeded');
    expect(atProof.length).toBeGreaterThan(0);
    for (const left of atProof) expect(left).toEqual([]);
    expect(await drillResidue(w.sandbox, regionsOf(w), runId)).toEqual([]);
    // Copies were really made (for the strategies that make them), and every change was to a copy or put back.
    if (c !== STRATEGY_CASES.multiSite) expect(mutations(w, from).some((m) => JSON.stringify(m.input).includes('-drill-'))).toBe(true);
    expect(await caseState(w)).toEqual(before);
    expect(w.sandbox.truth.dnsTarget(w.names.dns!.recordName).regions.sort()).toEqual(c === STRATEGY_CASES.multiSite ? [w.primary, w.recovery].sort() : [w.primary]);
    expect(w.sandbox.truth.splitBrainDetected).toBe(false);
  });

  it.each(['always', 'on-failure'] as const)('fails half way with the copies up (rollback %s): compensations delete them, the proof holds, production is as before', async (rollback) => {
    const w = await c.world(42);
    const before = await caseState(w);
    const runId = `${w.plan.metadata.name}-drill-fail42`;
    let atFailure: Awaited<ReturnType<typeof caseState>> | undefined;
    const failure = failureAfter(d.failAfter);
    const act = failure.kind === 'action' ? failure.act : undefined;
    const { report, atProof } = await drillWithProofWatch(c, w, runId, {
      rollback, proof: d.proof, scope: d.scope,
      extraSteps: [{ ...failure, act: async (ctx) => { atFailure = await caseState(w); return act!(ctx); } } as StepDefinition],
    });
    expect(report.status, JSON.stringify([report.error, report.steps.filter((s) => s.status !== 'succeeded').map((s) => [s.id, s.status, s.error?.message])])).toBe('rolled-back');
    expect(report.steps.find((s) => s.status === 'failed')).toMatchObject({ id: 'test-failure-half-way', error: { message: expect.stringMatching(/smoke test/) } });
    // The drill had changed AWS when the failure hit (copies up, or the primary drained): the rollback had work to do…
    expect(atFailure).toBeDefined();
    expect(atFailure).not.toEqual(before);
    // …and the scope step's compensation swept and proved the sweep, truly.
    expect(stepStatus(report, d.scope)).toBe('compensated');
    expect(atProof.length).toBeGreaterThan(0);
    for (const left of atProof) expect(left).toEqual([]);
    expect(await drillResidue(w.sandbox, regionsOf(w), runId)).toEqual([]);
    expect(await caseState(w)).toEqual(before);
    expect(w.sandbox.truth.splitBrainDetected).toBe(false);
  });
});

describe.each(DRILLS.filter(([c]) => c !== STRATEGY_CASES.multiSite))('isolated drill whose cleanup is refused, $label', (c, d) => {
  it('AccessDenied on DeleteDBInstance: the run fails and names the drill copy left behind; it never claims a clean sweep', async () => {
    const w = await c.world(43);
    const runId = `${w.plan.metadata.name}-drill-deny43`;
    const { report, atProof } = await drillWithProofWatch(c, w, runId, { rollback: 'always', plugins: [denyCommand('DeleteDBInstance')], proof: d.proof, scope: d.scope });
    expect(report.status).not.toBe('succeeded');
    const left = await drillResidue(w.sandbox, regionsOf(w), runId);
    expect(left.some((r) => r.startsWith('db '))).toBe(true);
    // The run says what is left, by name, and where; no proof step ever passed.
    const copy = left.find((r) => r.startsWith('db '))!.split(' ')[1]!;
    expect(JSON.stringify(report)).toMatch(new RegExp(`${copy}[^"]*${w.recovery}|AccessDenied[^"]*DeleteDBInstance[^"]*${copy}`));
    expect(atProof).toEqual([]);
    expect(stepStatus(report, d.proof)).not.toBe('succeeded');
  });
});

describe('in-region isolated drill', () => {
  it.each([STRATEGY_CASES.inRegionAurora, STRATEGY_CASES.inRegionMultiAz])('$label: refuses with what to run instead, before any AWS call; the writer does not move', async (c) => {
    const w = await c.world(44);
    const before = await caseState(w);
    const from = w.sandbox.calls().at(-1)?.seq ?? 0;
    const { report } = await runCase(c, w, { operation: 'drill', drill: 'isolated', rollback: 'always' });
    expect(report.status).not.toBe('succeeded');
    const failed = report.steps.find((s) => s.status === 'failed')!;
    expect(failed.id).toBe('refuse-isolated-drill');
    expect(failed.error?.message).toMatch(/IsolatedDrillUnsupported: strategy in-region has no isolated drill: .* Nothing was changed\. Run a live drill instead \(firedrill drill <plan> --live/);
    expect(w.sandbox.calls().filter((x) => x.seq > from)).toEqual([]);
    expect(await caseState(w)).toEqual(before);
  });
});
