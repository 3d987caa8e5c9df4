import { type Run, type StepDefinition } from '@firedrill/core';
import { userInfo } from 'node:os';
import { EXIT } from '../cli/cli-io.js';
import { exitCodeOf, type RunDisplay, summary } from '../operation/run-operation.js';
import type { TargetSession } from '../operation/target-session.js';
import { progressLine } from '../progress/progress-lines.js';
import type { FileRunStore } from '@firedrill/core';
import { driveRunbook } from './drive-runbook.js';
import type { RunbookOperator } from './operator.js';
import { TerminalOperator } from './terminal-operator.js';

/** Who is at the keyboard: `--as`, else FIREDRILL_OPERATOR, else the login name. */
export function operatorName(option: unknown, env: Readonly<Record<string, string | undefined>>): string {
  if (typeof option === 'string' && option.trim()) return option.trim();
  if (env['FIREDRILL_OPERATOR']) return env['FIREDRILL_OPERATOR'];
  try {
    return userInfo().username || env['USER'] || 'operator';
  } catch {
    return env['USER'] ?? 'operator';
  }
}

/** The operator on this process's terminal. */
export function terminalOperator(name: string, display: RunDisplay): TerminalOperator {
  return new TerminalOperator({ name, input: process.stdin, output: process.stdout, color: display.color });
}

/**
 * Steps an operator through a run (new or resumed) on a target, showing progress lines as they happen, and
 * prints the outcome: the report summary when the run completes (exit 0 or 1), or how to continue when the
 * operator quits (exit 130; the journal, the lock-free run and the sandbox world are kept).
 */
export async function operateRun(run: Run, steps: readonly StepDefinition[], operator: RunbookOperator, session: TargetSession, store: FileRunStore, display: RunDisplay): Promise<number> {
  const off = run.events.subscribe((event) => {
    const line = progressLine(event, run.state(), { color: display.color });
    if (line) operator.show(line);
  }, { replay: true });
  try {
    const outcome = await driveRunbook({ run, operator, steps, clock: session.clock });
    if (outcome === 'left') {
      session.save();
      display.io.stdout.write(`\nrun ${run.runId} is kept where you left it; continue with \`firedrill resume ${run.runId}\`\n`);
      return EXIT.interrupted;
    }
    const report = await run.completion;
    session.save();
    session.close();
    display.io.stdout.write(summary(report, store.reportPath(report.runId)));
    return exitCodeOf(report);
  } finally {
    off();
    operator.close();
  }
}
