import { type Clock, type FileRunStore, type StepDefinition, formatDuration, newRunId, type PlanSource, type Run, type RunReport, startRun } from '@firedrill/core';
import type { CliIo } from '../cli/cli-io.js';
import { EXIT } from '../cli/cli-io.js';
import { UsageError } from '../cli/usage-error.js';
import { LiveTree, type TreeTerminal } from '../progress/live-tree.js';
import { progressLine } from '../progress/progress-lines.js';
import { type OperationChoice, operationSteps } from './operation-steps.js';
import type { TargetSession } from './target-session.js';
import { laterPhases, phaseMissed, phaseVerdict } from '../render/phase-verdicts.js';
import { rpoFigure } from '../render/rpo-text.js';

/** How a run is shown and driven from the command line. */
export interface RunDisplay {
  io: CliIo;
  json: boolean;
  color: boolean;
  /** Draw the live step tree in place of progress lines (stdout is a terminal; see `progressOutput`). */
  tree?: boolean;
}

/**
 * The exit code of a finished run: 0 only when it succeeded and met every objective it had — including a live
 * drill's failback phase: how long users waited, and the data it lost when that was measured (or rests on a freeze
 * nobody could check).
 */
export function exitCodeOf(report: RunReport): number {
  return report.status === 'succeeded' && report.rto.met !== false && report.rpo.met !== false && !laterPhases(report).some(phaseMissed) ? EXIT.ok : EXIT.failed;
}

/** Shows a run's progress until it completes: the live step tree, or progress lines. */
export function showProgress(run: Run, display: RunDisplay, clock?: Clock): void {
  if (display.json) return;
  if (display.tree) {
    new LiveTree(run, { terminal: display.io.stdout as TreeTerminal, color: display.color, ...(clock ? { clock } : {}) }).start();
    return;
  }
  run.events.subscribe((event) => {
    const line = progressLine(event, run.state(), { color: display.color });
    if (line) display.io.stdout.write(`${line}\n`);
  }, { replay: true });
}

/** The closing summary: status, RTO and RPO against objectives, critical path, where the report is. */
export function summary(report: RunReport, reportPath: string): string {
  const verdict = (met: boolean | null): string => (met === null ? 'no objective' : met ? 'met' : 'MISSED');
  const rto = report.rto.seconds === null ? 'not measured' : formatDuration(report.rto.seconds * 1000);
  const rpo = rpoFigure(report.rpo);
  const lines = [
    '',
    `${report.operation}${report.drill ? ` (${report.drill} drill)` : ''} of ${report.plan}: ${report.status.toUpperCase()}`,
    `  RTO ${rto} (${report.rto.source}) — objective ${report.rto.objectiveSeconds === null ? 'none' : formatDuration(report.rto.objectiveSeconds * 1000)}: ${report.rto.note === undefined ? verdict(report.rto.met) : 'not judged'}`,
    ...(report.rto.note === undefined ? [] : [`    ${report.rto.note}`]),
    `  RPO ${rpo} (${report.rpo.source}) — objective ${report.rpo.objectiveSeconds === null ? 'none' : formatDuration(report.rpo.objectiveSeconds * 1000)}: ${verdict(report.rpo.met)}`,
  ];
  if (report.rpo.note !== undefined) lines.push(`    ${report.rpo.note}`);
  for (const o of report.observations ?? []) {
    lines.push(`  ${o.name}: reached ${o.secondsAfterDisaster === null ? 'at ' + o.reachedAt : `${formatDuration(o.secondsAfterDisaster * 1000)} after the disaster`} (${o.target})`);
  }
  // Each phase judged on its own: "met" after a failback's RPO must not read as its RTO's verdict too.
  for (const phase of report.phases ?? []) {
    const rtoPart = phase.rto.seconds === null ? 'not measured' : `${formatDuration(phase.rto.seconds * 1000)}: ${phaseVerdict(phase.rto)}`;
    const rpoPart = phase.rpo ? ` · RPO ${rpoFigure(phase.rpo)} (${phase.rpo.source})${phase.rpo.seconds === null ? '' : `: ${verdict(phase.rpo.met)}`}` : '';
    lines.push(`  phase ${phase.name}: RTO ${rtoPart}${rpoPart}`);
  }
  if (report.criticalPath.length > 0) lines.push(`  critical path: ${report.criticalPath.map((e) => `${e.stepId} ${formatDuration(e.seconds * 1000)}`).join(' → ')}`);
  if (report.error) lines.push(`  error: ${report.error.message}`);
  lines.push(`  report: ${reportPath}`, '');
  return lines.join('\n');
}

/**
 * Runs an operation of a plan on a target to its end: builds the steps, starts the run (journal first),
 * shows progress, saves the target's world, prints the summary and returns the exit code with the run's id (the
 * store holds other runs of the plan, and ids sort by the run's clock, not by when they ran). Ctrl-C leaves
 * the run resumable and exits 130.
 */
export async function runOperation(
  source: PlanSource,
  choice: OperationChoice,
  session: TargetSession,
  store: FileRunStore,
  display: RunDisplay,
): Promise<{ code: number; runId: string }> {
  const { run } = await startOperation(source, choice, session, store);
  showProgress(run, display, session.clock);
  return { code: await finishRun(run, session, store, display), runId: run.runId };
}

/**
 * Starts an operation of a plan on a target (journal first) and wires the target to it: a live drill's
 * simulated outage ends at restoration; the sandbox world is saved after every step. `stepThrough` starts
 * an interactive runbook (each step waits for the operator; failures hold for a decision).
 */
export async function startOperation(
  source: PlanSource,
  choice: OperationChoice,
  session: TargetSession,
  store: FileRunStore,
  options: { stepThrough?: boolean } = {},
): Promise<{ run: Run; steps: readonly StepDefinition[] }> {
  const { plan } = source;
  const runId = newRunId(plan.metadata.name, session.clock);
  const built = operationSteps(source, choice, session.aws, runId, session.injectDisaster ? { injectDisaster: session.injectDisaster } : {});
  if (!options.stepThrough) refuseStepsNeedingPeople(source, choice, built.steps);
  const probes = { ...session.probes(source, choice.operation, choice.drill), ...(built.probes ?? {}) };
  // A failover whose region loss the target simulates writes heartbeats first, as a drill does, so its RPO
  // measures what really had not replicated when the region went.
  const simulatedLoss = choice.operation === 'failover' && choice.mode === 'ungraceful' && session.injectDisaster !== undefined;
  const heartbeat = probes.heartbeat;
  // A failback returns to a primary region that is back: on the sandbox, a simulated outage left by an
  // ungraceful failover ends now (on AWS there is nothing to end).
  if (choice.operation === 'failback') session.endDisaster?.();
  const run = await startRun({
    subject: {
      plan: plan.metadata.name,
      strategy: plan.strategy.name,
      target: session.name,
      objectives: { rtoMs: plan.objectives.rto, rpoMs: plan.objectives.rpo, ...(built.rtoNotJudged ? { rtoNotJudged: built.rtoNotJudged } : {}) },
      planInput: source.input,
      context: { planFile: source.file },
    },
    runId,
    operation: choice.operation,
    mode: choice.mode,
    ...(choice.drill ? { drill: choice.drill } : {}),
    steps: built.steps,
    clock: session.clock,
    store,
    probes,
    concurrency: plan.concurrency,
    rollback: choice.drill === 'isolated' ? 'always' : plan.rollback,
    policies: plan.policies,
    ...(options.stepThrough ? { stepThrough: true, holdOnFailure: true } : {}),
    ...(simulatedLoss && heartbeat ? { steadyStateMs: 10 * heartbeat.intervalMs } : {}),
  });
  if (choice.drill === 'live' && session.endDisaster) {
    // A game day's simulated outage lasts until the failover has restored service; then the region comes
    // back, so the drill's failback has a primary region to return to.
    const end = session.endDisaster;
    const off = run.events.on('service.restored', () => {
      off();
      end();
    });
  }
  keepWorldAfterEachStep(run, session);
  return { run, steps: built.steps };
}

/**
 * Saves the target's world (the sandbox's; AWS keeps its own) each time a step ends, so a command that crashes —
 * the one that started the run, or a `resume` of it — leaves the world its journal describes for the next resume.
 */
export function keepWorldAfterEachStep(run: Run, session: TargetSession): void {
  run.events.subscribe((e) => {
    if (e.type === 'step.succeeded' || e.type === 'step.failed' || e.type === 'step.skipped') session.save();
  });
}

/**
 * An unattended run cannot approve or do a manual step: it would wait forever (or until the approval expires).
 * Says which steps need a person and how to run the operation with one — before anything is journaled or called.
 */
function refuseStepsNeedingPeople(source: PlanSource, choice: OperationChoice, steps: readonly StepDefinition[]): void {
  const people = steps.filter((s) => s.kind === 'approval' || s.kind === 'manual');
  if (people.length === 0) return;
  const what = people.map((s) =>
    s.kind === 'approval' ? `approval "${s.id}"${s.approvers?.length ? ` (approvers: ${s.approvers.join(', ')})` : ''}` : `manual step "${s.id}" (${s.instruction})`,
  );
  const op = `--operation ${choice.operation}${choice.drill ? ` --${choice.drill}` : ''} --mode ${choice.mode}`;
  throw new UsageError(
    `${source.file}: this ${choice.operation} needs a person for ${what.join('; ')}. An unattended run cannot give them; step through it with \`firedrill runbook ${source.file} ${op}\`${people.some((s) => s.kind === 'approval') ? ', or remove the gate from the plan\'s approvals' : ''}. Nothing was run.`,
  );
}

/** Waits for a run (new or resumed) to end, or for Ctrl-C, and prints its outcome. */
export function finishRun(run: Run, session: TargetSession, store: FileRunStore, display: RunDisplay): Promise<number> {
  const interrupted = new Promise<number>((resolve) => {
    process.once('SIGINT', () => {
      session.save();
      display.io.stderr.write(`\ninterrupted: run ${run.runId} is kept; continue it with \`firedrill resume ${run.runId}\`\n`);
      resolve(EXIT.interrupted);
    });
  });
  const finished = run.completion.then((report) => {
    session.save();
    session.close();
    if (display.json) display.io.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    else display.io.stdout.write(summary(report, store.reportPath(report.runId)));
    return exitCodeOf(report);
  });
  return Promise.race([finished, interrupted]);
}
