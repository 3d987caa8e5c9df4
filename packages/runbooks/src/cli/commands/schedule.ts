import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { type FileRunStore, newRunId, type PlanSource, realClock, RunLockedError, type Schedule } from '@firedrill/core';
import { getStrategy } from '@firedrill/strategies';
import { type CliIo, EXIT } from '../cli-io.js';
import type { CommandOptions, CommandRun } from '../command.js';
import { planPath, runStore } from '../plan-path.js';
import { expandPlanPatterns } from '../plan-patterns.js';
import { UsageError } from '../usage-error.js';
import { checkResult } from '../../render/check-result.js';
import { openSession, targetOf } from '../../operation/open-session.js';
import { registerBuiltins } from '../../operation/register-builtins.js';
import { runOperation } from '../../operation/run-operation.js';
import { nextCronTime } from '../../schedule/cron-next.js';
import { dueDecision, writeMarker } from '../../schedule/due-drills.js';
import { loadRunnablePlan } from '../../operation/load-runnable-plan.js';

/** A plan with its schedule. */
interface ScheduledPlan {
  source: PlanSource;
  schedule: Schedule;
  target: 'aws' | 'sandbox';
}

const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.000Z$/, 'Z');

/** `FIREDRILL_NOW` (an ISO-8601 instant) overrides the clock the scheduler decides due-ness on, for tests and replays. */
function nowOf(io: CliIo): number | undefined {
  const text = io.env['FIREDRILL_NOW'];
  if (text === undefined || text === '') return undefined;
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) throw new UsageError(`firedrill schedule: FIREDRILL_NOW: expected an ISO-8601 instant such as "2026-03-02T03:00:00Z", got "${text}"`);
  return ms;
}

/** The drill to suggest for a plan without a `schedule`: one its strategy can run (an in-region failover has no isolated drill). */
function drillToSuggest(source: PlanSource): string {
  return (getStrategy(source.plan.strategy.name, source.file).drills ?? ['isolated', 'live'])[0]!;
}

const scheduleToAdd = (source: PlanSource): string => `schedule: { cron: "0 3 * * 1", drill: ${drillToSuggest(source)} }`;

/**
 * The plans to run on schedule. A plan named explicitly must have a `schedule` (exit 2 otherwise); a plan matched by
 * a glob without one is reported on its own line and skipped, unless no plan matched has one (exit 2 then too).
 */
async function loadScheduled(io: CliIo, args: string[], options: CommandOptions): Promise<ScheduledPlan[]> {
  const plans: ScheduledPlan[] = [];
  const unscheduled: PlanSource[] = [];
  for (const { file, pattern } of expandPlanPatterns(io, args, 'schedule')) {
    const source = await loadRunnablePlan(planPath(io, file));
    const schedule = source.plan.schedule;
    if (schedule === undefined) {
      if (pattern === undefined) {
        throw new UsageError(`firedrill schedule: ${source.file} has no \`schedule\`; add one such as\n  schedule:\n    cron: "0 3 * * 1"\n    drill: ${drillToSuggest(source)}`);
      }
      unscheduled.push(source);
      continue;
    }
    if (schedule.timezone !== 'UTC' && schedule.timezone !== 'Etc/UTC') {
      throw new UsageError(`firedrill schedule: ${source.file}: schedule.timezone "${schedule.timezone}" is not supported yet; write the cron and blocked windows in UTC (timezone: UTC)`);
    }
    plans.push({ source, schedule, target: targetOf('schedule', source, options) });
  }
  if (plans.length === 0) {
    const files = unscheduled.map((s) => s.file).join(', ');
    throw new UsageError(`firedrill schedule: no plan matched has a \`schedule\` (${files}); add one to each plan to drill on schedule, such as \`${scheduleToAdd(unscheduled[0]!)}\``);
  }
  // A warning, once: the other plans run, and the exit code is theirs.
  for (const source of unscheduled) {
    io.stdout.write(`${source.plan.metadata.name}: skipped: ${source.file} has no \`schedule\`; add one such as \`${scheduleToAdd(source)}\` to drill it on schedule\n`);
  }
  return plans;
}

function reportsDir(io: CliIo, options: CommandOptions, store: FileRunStore): string {
  const dir = typeof options['reports'] === 'string' ? options['reports'] : join(store.dir, 'reports');
  return isAbsolute(dir) ? dir : join(io.cwd, dir);
}

/** Runs one due plan's scheduled operation; resolves with the run id and exit code. */
async function runScheduled(p: ScheduledPlan, store: FileRunStore, reports: string, now: number, slot: number, io: CliIo): Promise<{ runId: string; code: number; report: string }> {
  const { source, schedule, target } = p;
  const name = source.plan.metadata.name;
  mkdirSync(reports, { recursive: true });
  const session = await openSession(target, source, store.dir);
  if (schedule.operation === 'check') {
    registerBuiltins();
    const checkId = newRunId(`${name}-check`, { ...realClock, now: () => now });
    try {
      const findings = await getStrategy(source.plan.strategy.name, source.file).check({ plan: source.plan, aws: session.aws });
      const result = checkResult(name, findings, { checkId, target, slotAt: iso(slot), checkedAt: iso(now) });
      const report = join(reports, `${checkId}.json`);
      writeFileSync(report, `${JSON.stringify(result, null, 2)}\n`);
      return { runId: checkId, code: result.ready ? EXIT.ok : EXIT.failed, report };
    } finally {
      session.close();
    }
  }
  // Progress and the closing summary go to standard error; standard output keeps one line per plan.
  const display = { io: { ...io, stdout: io.stderr }, json: false, color: false };
  const { code, runId } = await runOperation(source, { operation: 'drill', mode: 'ungraceful', drill: schedule.drill }, session, store, display);
  const report = join(reports, `${runId}.json`);
  try {
    copyFileSync(store.reportPath(runId), report);
  } catch {
    // Interrupted before the report was written: the run is resumable; there is no report to copy.
    return { runId, code, report: store.reportPath(runId) };
  }
  return { runId, code, report };
}

/** An objective as the report gives it. */
interface JudgedObjective { seconds: number | null; objectiveSeconds: number | null; met: boolean | null }

/**
 * What a scheduled drill's line says of its outcome: `ok`, `FAILED (<status>)` when the run did not succeed, or
 * `objective missed (…)` when it succeeded but a figure was over its objective — the report's own words, so the log
 * line and the report never disagree.
 */
export function drillOutcome(code: number, reportPath: string): string {
  if (code === EXIT.ok) return 'ok';
  let report: { status?: string; rto?: JudgedObjective; rpo?: JudgedObjective; phases?: { name: string; rto?: JudgedObjective; rpo?: JudgedObjective }[] };
  try {
    report = JSON.parse(readFileSync(reportPath, 'utf8')) as typeof report;
  } catch {
    return 'FAILED (no report: the run was interrupted; `firedrill resume` continues it)';
  }
  if (report.status !== 'succeeded') return `FAILED (${report.status ?? 'unknown'})`;
  const missed = (label: string, o: JudgedObjective | undefined): string[] =>
    o?.met === false ? [`${label} ${o.seconds === null ? 'not measured' : `${o.seconds}s`} > ${o.objectiveSeconds}s`] : [];
  const phases = report.phases ?? [{ name: '', rto: report.rto, rpo: report.rpo }];
  const misses = phases.flatMap((p) => [...missed(`${p.name ? `${p.name} ` : ''}RTO`, p.rto), ...missed(`${p.name ? `${p.name} ` : ''}RPO`, p.rpo)]);
  return misses.length > 0 ? `objective missed (${misses.join(', ')})` : 'FAILED';
}

/** One round: decides every plan at `now`, runs the due ones, prints one line per plan. Resolves with the exit code. */
async function round(plans: ScheduledPlan[], store: FileRunStore, reports: string, now: number, io: CliIo): Promise<number> {
  let exit: number = EXIT.ok;
  for (const p of plans) {
    const name = p.source.plan.metadata.name;
    const decision = dueDecision({ plan: name, schedule: p.schedule, now, stateDir: store.dir, store });
    if (decision.kind === 'not-due') {
      io.stdout.write(`${name}: not due until ${iso(decision.next)}\n`);
    } else if (decision.kind === 'blocked') {
      writeMarker(store.dir, name, { slot: iso(decision.slot), outcome: 'skipped', reason: decision.reason, handledAt: iso(now) });
      io.stdout.write(`${name}: skipped: blocked (${decision.reason}) — slot ${iso(decision.slot)}\n`);
    } else if (decision.kind === 'missed') {
      writeMarker(store.dir, name, { slot: iso(decision.slot), outcome: 'skipped', reason: decision.reason, handledAt: iso(now) });
      io.stdout.write(`${name}: skipped: missed (${decision.reason}) — slot ${iso(decision.slot)}\n`);
    } else if (decision.kind === 'running') {
      io.stdout.write(`${name}: skipped: running (${decision.message})\n`);
    } else {
      try {
        const { runId, code, report } = await runScheduled(p, store, reports, now, decision.slot, io);
        if (code === EXIT.interrupted) return EXIT.interrupted;
        writeMarker(store.dir, name, { slot: iso(decision.slot), outcome: 'ran', runId, exitCode: code, handledAt: iso(now) });
        // A check is no run (no journal for `report` or `history`): its line says so and names the findings' file.
        io.stdout.write(p.schedule.operation === 'check'
          ? `${name}: checked readiness (slot ${iso(decision.slot)}): ${code === EXIT.ok ? 'READY' : 'NOT READY'} — findings ${report}\n`
          : `${name}: ran ${p.schedule.drill} drill ${runId} (slot ${iso(decision.slot)}): ${drillOutcome(code, report)} — report ${report}\n`);
        if (code !== EXIT.ok) exit = EXIT.failed;
      } catch (error) {
        if (error instanceof RunLockedError) {
          io.stdout.write(`${name}: skipped: running (${error.message})\n`);
          continue;
        }
        writeMarker(store.dir, name, { slot: iso(decision.slot), outcome: 'ran', exitCode: EXIT.failed, reason: (error as Error).message, handledAt: iso(now) });
        io.stdout.write(`${name}: ran (slot ${iso(decision.slot)}): FAILED — ${(error as Error).message}\n`);
        exit = EXIT.failed;
      }
    }
  }
  return exit;
}

/**
 * `firedrill schedule <plan>... [--once]`: runs each plan's `schedule` (UTC cron; blocked windows skip a slot).
 * `--once` handles the due slots now and exits 0 when every run succeeded and met its objectives, 1 otherwise;
 * without it the command sleeps until the next slot of any plan, runs it, and repeats until Ctrl-C (130).
 * A quoted glob (`'plans/*.yaml'`) is expanded here: a plan it matches without a `schedule` is skipped with a
 * warning line, and the exit code is the runs' own; a plan named explicitly without one, or a glob matching no plan
 * with one, is bad input (2).
 * `FIREDRILL_NOW` (ISO-8601) sets "now" for `--once`, for tests and replays.
 */
export const run: CommandRun = async ({ positionals, options, io }) => {
  const plans = await loadScheduled(io, positionals, options);
  const store = runStore(io, options);
  const reports = reportsDir(io, options, store);
  const fixedNow = nowOf(io);
  if (options['once']) return round(plans, store, reports, fixedNow ?? realClock.now(), io);
  if (fixedNow !== undefined) throw new UsageError('firedrill schedule: FIREDRILL_NOW is for --once only; the loop runs on the real clock');
  const stop = new AbortController();
  const onSigint = (): void => stop.abort();
  process.once('SIGINT', onSigint);
  try {
    for (;;) {
      const code = await round(plans, store, reports, realClock.now(), io);
      if (code === EXIT.interrupted) return EXIT.interrupted;
      const now = realClock.now();
      const next = Math.min(...plans.map((p) => nextCronTime(p.schedule.cron, now)));
      io.stdout.write(`next: ${iso(next)}\n`);
      try {
        // In hour-long naps: timers cannot wait past 2^31 ms (about 25 days), and a laptop may sleep.
        for (let left = next + 1_000 - now; left > 0; left = next + 1_000 - realClock.now()) {
          await realClock.sleep(Math.min(left, 3_600_000), stop.signal);
        }
      } catch {
        io.stderr.write('\ninterrupted\n');
        return EXIT.interrupted;
      }
    }
  } finally {
    process.off('SIGINT', onSigint);
  }
};
