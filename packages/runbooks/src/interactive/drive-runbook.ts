import { type Clock, type JournalEvent, OperatorError, type Run, type RunState, type StepDefinition, VirtualClock } from '@firedrill/core';
import type { OperatorChoice, OperatorDecision, OperatorPrompt, RunbookOperator, StepView } from './operator.js';
import { primaryUnreachableEvidence } from './primary-unreachable.js';

/** What {@link driveRunbook} needs. */
export interface DriveRunbookOptions {
  /** A run started (or resumed) with `stepThrough: true` and `holdOnFailure: true`. */
  run: Run;
  operator: RunbookOperator;
  /** The run's step definitions, for what each step will call, why, and manual instructions. */
  steps: readonly StepDefinition[];
  /** The run's clock: on a virtual clock, simulated time stands still while a person decides. */
  clock: Clock;
}

/** How the operator's session ended: the run completed, or the operator left it for `firedrill resume`. */
export type DriveOutcome = 'completed' | 'left';

function viewOf(step: StepDefinition, state: RunState): StepView {
  const folded = state.steps[step.id];
  let calls: StepView['calls'] = [];
  try {
    calls = step.preview?.() ?? [];
  } catch {
    // A preview that needs results of earlier steps cannot always be drawn up front; the step still runs.
  }
  return {
    id: step.id,
    title: step.title,
    kind: step.kind,
    ...(step.why ? { why: step.why } : {}),
    calls,
    ...(step.kind === 'manual' ? { instruction: step.instruction } : {}),
    ...(step.kind === 'approval' && step.approvers?.length ? { approvers: [...step.approvers] } : {}),
    ...(folded?.error ? { error: { message: folded.error.message, ...(folded.error.code ? { code: folded.error.code } : {}) } } : {}),
    ...(folded && folded.attempts > 0 ? { attempts: folded.attempts } : {}),
    ...(folded?.progress ? { progress: folded.progress } : {}),
  };
}

// Events after which a deferred question ("wait") is asked again: something the operator waited for happened.
const CHANGES = new Set<JournalEvent['type']>(['step.succeeded', 'step.failed', 'step.skipped', 'step.waiting', 'step.ready', 'service.restored', 'mode.switched']);

/**
 * Steps an operator through a run: for each step that is ready, failed, waiting for approval or for a
 * manual action, it asks the {@link RunbookOperator} and carries out the answer through the run's
 * operator controls, which journal who did what and when. Resolves when the run completes, or when the
 * operator leaves (the run stays resumable).
 *
 * Questions are asked one at a time; steps the operator already started keep running meanwhile (on a
 * virtual clock, simulated time waits for the answer).
 */
export async function driveRunbook(options: DriveRunbookOptions): Promise<DriveOutcome> {
  const { run, operator } = options;
  const byId = new Map(options.steps.map((s) => [s.id, s]));
  const meta = run.state().meta;
  const answered = new Set<string>();
  const deferred = new Set<string>();
  const dismissedEvidence = new Set<string>();
  let evidence: { stepId: string; reason: string } | undefined;
  let paused = false;
  let ended = false;
  let wake: (() => void) | undefined;
  const changed = (): Promise<void> => new Promise((resolve) => (wake = resolve));
  const interrupted: Promise<boolean> = operator.interrupted?.then(() => true) ?? new Promise<boolean>(() => {});
  const poke = (): void => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  void run.completion.then(() => {
    ended = true;
    poke();
  });
  const startSeq = run.state().lastSeq;
  const off = run.events.subscribe((event) => {
    if (CHANGES.has(event.type)) deferred.clear();
    // Evidence from before a resume is stale: the primary may be back.
    if (event.seq > startSeq) {
      const seen = primaryUnreachableEvidence(event, run.state());
      if (seen && !dismissedEvidence.has(seen.stepId)) evidence = seen;
    }
    poke();
  });

  const context = (state: RunState): OperatorPrompt['run'] => ({
    runId: run.runId,
    plan: meta.plan,
    operation: meta.operation,
    mode: state.mode,
    running: Object.values(state.steps).filter((s) => s.status === 'running' || s.status === 'waiting').map((s) => s.id),
  });
  const gracefulFailover = (state: RunState): boolean => state.mode === 'graceful' && (meta.operation === 'failover' || meta.operation === 'drill');

  const nextPrompt = (): { key: string; prompt: OperatorPrompt } | undefined => {
    const state = run.state();
    const ctx = context(state);
    const ask = (key: string, prompt: Omit<OperatorPrompt, 'run'>): { key: string; prompt: OperatorPrompt } | undefined =>
      answered.has(key) || deferred.has(key) ? undefined : { key, prompt: { ...prompt, run: ctx } };
    if (paused) return { key: 'paused', prompt: { kind: 'paused', choices: ['resume', 'abort', 'quit'], run: ctx } };
    if (evidence && gracefulFailover(state)) {
      const step = byId.get(evidence.stepId);
      const found = ask(`unreachable:${evidence.stepId}`, {
        kind: 'primary-unreachable',
        ...(step ? { step: viewOf(step, state) } : {}),
        reason: evidence.reason,
        choices: ['ungraceful', 'wait', 'abort', 'quit'],
      });
      if (found) return found;
    }
    const candidates: { key: string; prompt: Omit<OperatorPrompt, 'run'> }[] = [];
    for (const step of options.steps) {
      const folded = state.steps[step.id];
      if (folded?.status === 'failed') {
        candidates.push({
          key: `failed:${step.id}:${folded.endedAt ?? 0}`,
          // A safety check that failed is not for an operator to wave through: retry it, or stop.
          prompt: { kind: 'failed', step: viewOf(step, state), choices: ['retry', ...(step.guard ? [] : (['skip', 'done'] as const)), ...(gracefulFailover(state) ? (['ungraceful'] as const) : []), 'abort', 'quit'] },
        });
      }
    }
    for (const step of options.steps) {
      const folded = state.steps[step.id];
      if (folded?.status !== 'waiting') continue;
      if (step.kind === 'approval') {
        candidates.push({ key: `approval:${step.id}:${folded.waitingSince ?? 0}`, prompt: { kind: 'approval', step: viewOf(step, state), choices: ['approve', 'wait', 'abort', 'quit'] } });
      } else if (step.kind === 'manual') {
        candidates.push({ key: `manual:${step.id}:${folded.waitingSince ?? 0}`, prompt: { kind: 'manual', step: viewOf(step, state), choices: ['done', 'skip', 'wait', 'abort', 'quit'] } });
      }
    }
    for (const stepId of run.readySteps()) {
      const step = byId.get(stepId);
      if (!step) continue;
      // An approval gate is passed only by approving it (its approvers, once it waits): never skipped or marked done.
      const byHand: OperatorChoice[] = step.kind === 'approval' || step.guard ? [] : ['skip', 'done'];
      const choices: OperatorChoice[] = ['run', ...byHand, 'pause', ...(ctx.running.length > 0 ? (['wait'] as const) : []), 'abort', 'quit'];
      candidates.push({ key: `ready:${stepId}:${state.steps[stepId]?.readySince ?? 0}`, prompt: { kind: 'ready', step: viewOf(step, state), choices } });
    }
    for (const c of candidates) {
      const found = ask(c.key, c.prompt);
      if (found) return found;
    }
    return undefined;
  };

  const apply = async (key: string, prompt: OperatorPrompt, decision: OperatorDecision): Promise<DriveOutcome | undefined> => {
    const by = decision.by?.trim() || operator.name;
    const stepId = prompt.step?.id;
    switch (decision.choice) {
      case 'run':
        await run.runStep(stepId!, by);
        break;
      case 'skip':
        await run.skipStep(stepId!, by, decision.note ?? `skipped by ${by}`);
        break;
      case 'done':
        await run.markDone(stepId!, by, decision.note);
        break;
      case 'retry':
        await run.retryStep(stepId!, by);
        break;
      case 'approve':
        await run.approve(stepId!, by);
        break;
      case 'ungraceful':
        await run.switchToUngraceful(by, decision.note ?? prompt.reason ?? 'the primary is unreachable');
        evidence = undefined;
        // Switched from a failed step's card: a graceful-only step is done with (its retry skips it, as the switch
        // skips the pending ones); a step both modes run stays failed and is asked about again (retry it, skip
        // it…) — not answered, or nothing would ask.
        if (prompt.kind === 'failed' && stepId) {
          if (byId.get(stepId)?.modes?.includes('ungraceful') === false) await run.retryStep(stepId, by);
          else return undefined;
        }
        break;
      case 'wait':
        if (prompt.kind === 'primary-unreachable' && stepId) dismissedEvidence.add(stepId);
        if (prompt.kind === 'primary-unreachable') evidence = undefined;
        deferred.add(key);
        return undefined;
      case 'pause':
        await run.pause(by);
        paused = true;
        return undefined;
      case 'resume':
        await run.resume(by);
        paused = false;
        return undefined;
      case 'abort':
        await run.abort(by, decision.note ?? `aborted by ${by}`);
        await run.completion;
        return 'completed';
      case 'quit':
        await run.leave(by, decision.note);
        return 'left';
    }
    answered.add(key);
    return undefined;
  };

  try {
    while (!ended) {
      const next = nextPrompt();
      if (!next) {
        if (await Promise.race([changed().then(() => false), interrupted])) {
          await run.leave(operator.name, 'interrupted (Ctrl-C) while steps ran');
          return 'left';
        }
        continue;
      }
      const release = operator.thinksInRealTime && options.clock instanceof VirtualClock ? options.clock.hold() : () => {};
      let decision: OperatorDecision;
      try {
        decision = await operator.decide(next.prompt);
      } finally {
        release();
      }
      if (ended) break;
      if (!next.prompt.choices.includes(decision.choice)) {
        operator.show(`"${decision.choice}" is not an answer here; choose one of: ${next.prompt.choices.join(', ')}`);
        continue;
      }
      try {
        const outcome = await apply(next.key, next.prompt, decision);
        if (outcome) return outcome;
      } catch (error) {
        // A refused control (wrong approver, a step that moved on meanwhile) is the operator's to fix: say why and ask again.
        if (!(error instanceof OperatorError)) throw error;
        operator.show(`refused: ${error.message}`);
      }
    }
    await run.completion;
    return 'completed';
  } finally {
    off();
  }
}
