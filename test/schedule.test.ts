import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { runCli } from '@firedrill/runbooks';
import { bufferIo as bufferedIo } from './support/buffer-io.js';

const EXAMPLE = join(import.meta.dirname, '..', 'packages', 'runbooks', 'examples', 'warm-standby.yaml');
// A Monday, 30 seconds after the weekly 03:00 slot.
const NOW = '2026-03-02T03:00:30Z';

const bufferIo = (cwd: string, now = NOW) => bufferedIo(cwd, { env: { NO_COLOR: '1', FIREDRILL_NOW: now } });

/** The warm-standby example plan with a `schedule` block (or none), written into `dir`. */
function writePlan(dir: string, file: string, schedule: Record<string, unknown> | undefined, name?: string): void {
  const plan = parse(readFileSync(EXAMPLE, 'utf8')) as Record<string, unknown> & { metadata: { name: string } };
  if (name) plan.metadata.name = name;
  if (schedule) plan['schedule'] = schedule;
  writeFileSync(join(dir, file), stringify(plan));
}

describe('firedrill schedule', () => {
  it('runs a due drill once, writes its report, and does nothing more at the same now', { timeout: 60_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'firedrill-schedule-'));
    writePlan(dir, 'tracking.yaml', { cron: '0 3 * * MON', drill: 'isolated' });
    const first = bufferIo(dir);
    const code = await runCli(['schedule', 'tracking.yaml', '--once', '--target', 'sandbox', '--reports', 'reports'], first);
    expect(code, first.out() + first.err()).toBe(0);
    expect(first.out()).toMatch(/^tracking-app: ran isolated drill (tracking-app-\S+) \(slot 2026-03-02T03:00:00Z\): ok — report /m);
    const runId = /ran isolated drill (\S+)/.exec(first.out())![1]!;
    expect(readdirSync(join(dir, 'reports'))).toEqual([`${runId}.json`]);
    const report = JSON.parse(readFileSync(join(dir, 'reports', `${runId}.json`), 'utf8')) as { runId: string; operation: string; drill: string; status: string };
    expect(report).toMatchObject({ runId, operation: 'drill', drill: 'isolated', status: 'succeeded' });
    const marker = JSON.parse(readFileSync(join(dir, '.firedrill', 'schedule', 'tracking-app.json'), 'utf8')) as { slot: string; outcome: string; runId: string };
    expect(marker).toMatchObject({ slot: '2026-03-02T03:00:00Z', outcome: 'ran', runId });

    const again = bufferIo(dir);
    expect(await runCli(['schedule', 'tracking.yaml', '--once', '--target', 'sandbox', '--reports', 'reports'], again)).toBe(0);
    expect(again.out()).toBe('tracking-app: not due until 2026-03-09T03:00:00Z\n');
    expect(readdirSync(join(dir, 'reports'))).toHaveLength(1);
  });

  it('a scheduled check writes its findings as firedrill.check/v1, says it is no run, and `report` points at them', { timeout: 60_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'firedrill-schedule-'));
    writePlan(dir, 'tracking.yaml', { cron: '0 3 * * MON', operation: 'check' });
    const io = bufferIo(dir);
    expect(await runCli(['schedule', 'tracking.yaml', '--once', '--target', 'sandbox'], io), io.out() + io.err()).toBe(0);
    const line = /^tracking-app: checked readiness \(slot 2026-03-02T03:00:00Z\): READY — findings (\S+)\n$/.exec(io.out());
    expect(line, io.out()).not.toBeNull();
    const findings = JSON.parse(readFileSync(line![1]!, 'utf8')) as { schema: string; checkId: string; plan: string; ready: boolean; slotAt: string; findings: unknown[] };
    expect(findings).toMatchObject({ schema: 'firedrill.check/v1', plan: 'tracking-app', ready: true, slotAt: '2026-03-02T03:00:00Z', checkedAt: '2026-03-02T03:00:30Z', target: 'sandbox' });
    expect(findings.findings.length).toBeGreaterThan(5);
    // The same shape as `check --json`, but for the schedule's fields.
    const json = bufferIo(dir);
    expect(await runCli(['check', 'tracking.yaml', '--target', 'sandbox', '--json'], json)).toBe(0);
    expect(Object.keys(JSON.parse(json.out()) as object)).toEqual(['schema', 'plan', 'ready', 'findings']);
    // A check is no run: `report` says where its findings are instead of "no run".
    const report = bufferIo(dir);
    expect(await runCli(['report', findings.checkId], report)).toBe(2);
    expect(report.err()).toContain(`"${findings.checkId}" is a scheduled readiness check, not a run: its findings are in ${line![1]}`);
  });

  it('skips a slot in a blocked window with its reason, and does not run it later', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'firedrill-schedule-'));
    writePlan(dir, 'frozen.yaml', { cron: '0 3 * * MON', blockedWindows: [{ from: '2026-03-01T00:00:00Z', to: '2026-03-03T00:00:00Z', reason: 'quarter-end freeze' }] }, 'frozen-app');
    writePlan(dir, 'weekend.yaml', { cron: '0 3 * * *', blockedWindows: [{ days: ['sat', 'sun'] }] }, 'weekend-app');
    const io = bufferIo(dir, '2026-03-08T03:10:00Z'); // a Sunday
    expect(await runCli(['schedule', 'weekend.yaml', '--once', '--target', 'sandbox'], io)).toBe(0);
    expect(io.out()).toBe('weekend-app: skipped: blocked (blocked on sat, sun) — slot 2026-03-08T03:00:00Z\n');
    const frozen = bufferIo(dir);
    expect(await runCli(['schedule', 'frozen.yaml', '--once', '--target', 'sandbox'], frozen)).toBe(0);
    expect(frozen.out()).toBe('frozen-app: skipped: blocked (quarter-end freeze) — slot 2026-03-02T03:00:00Z\n');
    const later = bufferIo(dir, '2026-03-02T05:00:00Z');
    expect(await runCli(['schedule', 'frozen.yaml', '--once', '--target', 'sandbox'], later)).toBe(0);
    expect(later.out()).toBe('frozen-app: not due until 2026-03-09T03:00:00Z\n');
    expect(existsSync(join(dir, '.firedrill', 'reports'))).toBe(false);
  });

  it('a slot found late starts only within its starting deadline, and never inside a blocked window', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'firedrill-schedule-'));
    // A live drill (a real failover) at 03:00; Wednesdays 16:00–18:00 are the release window.
    const release = { days: ['wed'], fromTime: '16:00', toTime: '18:00', reason: 'release window' };
    writePlan(dir, 'live.yaml', { cron: '0 3 * * *', drill: 'live', blockedWindows: [release], startingDeadline: '24h' }, 'live-app');
    writePlan(dir, 'default.yaml', { cron: '0 3 * * *', drill: 'live', blockedWindows: [release] }, 'default-app');
    // The scheduler was down from before 03:00 and comes back on Wednesday at 16:30.
    const late = bufferIo(dir, '2026-03-04T16:30:00Z');
    expect(await runCli(['schedule', 'live.yaml', '--once', '--target', 'sandbox'], late), late.err()).toBe(0);
    expect(late.out()).toBe('live-app: skipped: blocked (release window, now at 2026-03-04T16:30:00.000Z: a late start would fall in it) — slot 2026-03-04T03:00:00Z\n');
    // Without a deadline of its own, a slot 13.5 hours old is missed (default 1h), not run now.
    const missed = bufferIo(dir, '2026-03-04T16:30:00Z');
    expect(await runCli(['schedule', 'default.yaml', '--once', '--target', 'sandbox'], missed), missed.err()).toBe(0);
    expect(missed.out()).toBe('default-app: skipped: missed (found 13h30m after its slot, past the starting deadline of 1h (schedule.startingDeadline)) — slot 2026-03-04T03:00:00Z\n');
    // Both are handled: neither runs later that day; the next slot is tomorrow's.
    const evening = bufferIo(dir, '2026-03-04T19:00:00Z');
    expect(await runCli(['schedule', 'live.yaml', 'default.yaml', '--once', '--target', 'sandbox'], evening)).toBe(0);
    expect(evening.out()).toBe('live-app: not due until 2026-03-05T03:00:00Z\ndefault-app: not due until 2026-03-05T03:00:00Z\n');
    expect(existsSync(join(dir, '.firedrill', 'reports'))).toBe(false);
    // No run was started at all (a run keeps its journal under .firedrill/runs).
    expect(existsSync(join(dir, '.firedrill', 'runs')) ? readdirSync(join(dir, '.firedrill', 'runs')) : []).toEqual([]);
  });

  it('a drill that succeeded but missed an objective says which, as its report does (not "FAILED")', { timeout: 60_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'firedrill-schedule-'));
    writePlan(dir, 'tight.yaml', { cron: '0 3 * * MON', drill: 'live' }, 'tight-app');
    const plan = parse(readFileSync(join(dir, 'tight.yaml'), 'utf8')) as { objectives: Record<string, string> };
    plan.objectives = { ...plan.objectives, rto: '2m' };
    writeFileSync(join(dir, 'tight.yaml'), stringify(plan));
    const io = bufferIo(dir);
    expect(await runCli(['schedule', 'tight.yaml', '--once', '--target', 'sandbox'], io), io.err()).toBe(1);
    const line = /^tight-app: ran live drill (\S+) \(slot 2026-03-02T03:00:00Z\): objective missed \(failover RTO (\d+)s > 120s(?:, failback RTO \d+s > 120s)?\) — report (\S+)\n$/.exec(io.out());
    expect(line, io.out()).not.toBeNull();
    const report = JSON.parse(readFileSync(line![3]!, 'utf8')) as { status: string; phases: { name: string; rto: { seconds: number; met: boolean } }[] };
    expect(report.status).toBe('succeeded');
    expect(report.phases[0]).toMatchObject({ name: 'failover', rto: { seconds: Number(line![2]), met: false } });
  });

  it('skips a plan with an active run', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'firedrill-schedule-'));
    writePlan(dir, 'tracking.yaml', { cron: '0 3 * * MON' });
    // A live process (the parent of this test worker) holds the plan's lock.
    mkdirSync(join(dir, '.firedrill', 'locks'), { recursive: true });
    writeFileSync(join(dir, '.firedrill', 'locks', 'tracking-app.lock'), JSON.stringify({ runId: 'tracking-app-x', plan: 'tracking-app', pid: process.ppid, host: hostname(), since: 0 }));
    const io = bufferIo(dir);
    expect(await runCli(['schedule', 'tracking.yaml', '--once', '--target', 'sandbox'], io)).toBe(0);
    expect(io.out()).toMatch(/^tracking-app: skipped: running \(run tracking-app-x is active/);
  });

  it('refuses a plan without a schedule (exit 2, naming the file)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'firedrill-schedule-'));
    writePlan(dir, 'scheduled.yaml', { cron: '0 3 * * MON' });
    writePlan(dir, 'plain.yaml', undefined);
    const io = bufferIo(dir);
    expect(await runCli(['schedule', 'scheduled.yaml', 'plain.yaml', '--once'], io)).toBe(2);
    expect(io.err()).toContain('plain.yaml has no `schedule`');
    expect(io.out()).toBe('');
  });
});

describe('firedrill schedule with a glob', () => {
  /** plans/tracking.yaml with a schedule, plans/plain.yaml without one. */
  const plansDir = (): string => {
    const dir = mkdtempSync(join(tmpdir(), 'firedrill-schedule-'));
    mkdirSync(join(dir, 'plans'));
    writePlan(dir, 'plans/tracking.yaml', { cron: '0 3 * * MON', drill: 'isolated' });
    writePlan(dir, 'plans/plain.yaml', undefined, 'plain-app');
    return dir;
  };

  it('runs the plans it matches that have a schedule and skips one without, naming it and what to add; the exit code is the drill\'s', { timeout: 60_000 }, async () => {
    const dir = plansDir();
    const io = bufferIo(dir);
    expect(await runCli(['schedule', 'plans/*.yaml', '--once', '--target', 'sandbox'], io), io.out() + io.err()).toBe(0);
    const lines = io.out().split('\n');
    // (The file as the CLI shows it: relative to the process's working directory, the test's own.)
    expect(lines[0]).toMatch(/^plain-app: skipped: \S*plans\/plain\.yaml has no `schedule`; add one such as `schedule: \{ cron: "0 3 \* \* 1", drill: isolated \}` to drill it on schedule$/);
    expect(lines[1]).toMatch(/^tracking-app: ran isolated drill tracking-app-\S+ \(slot 2026-03-02T03:00:00Z\): ok — report /);
    expect(lines.slice(2)).toEqual(['']);
    expect(existsSync(join(dir, '.firedrill', 'schedule', 'plain-app.json'))).toBe(false);
  });

  it('a plan named explicitly without a schedule is still bad input, beside a glob (exit 2, nothing runs)', async () => {
    const dir = plansDir();
    const io = bufferIo(dir);
    expect(await runCli(['schedule', 'plans/*.yaml', 'plans/plain.yaml', '--once', '--target', 'sandbox'], io)).toBe(2);
    expect(io.err()).toContain('plans/plain.yaml has no `schedule`; add one such as\n  schedule:\n    cron: "0 3 * * 1"\n    drill: isolated');
    expect(io.out()).toBe('');
    expect(existsSync(join(dir, '.firedrill'))).toBe(false);
  });

  it('a glob matching no plan with a schedule, or no file, is bad input (exit 2, naming the files and the field)', async () => {
    const dir = plansDir();
    const none = bufferIo(dir);
    expect(await runCli(['schedule', 'plans/p*.yaml', '--once', '--target', 'sandbox'], none)).toBe(2);
    expect(none.err()).toMatch(/no plan matched has a `schedule` \(\S*plans\/plain\.yaml\); add one/);
    expect(none.out()).toBe('');
    const nothing = bufferIo(dir);
    expect(await runCli(['schedule', 'plans/*.yml', '--once', '--target', 'sandbox'], nothing)).toBe(2);
    expect(nothing.err()).toContain('"plans/*.yml" matches no file');
    expect(existsSync(join(dir, '.firedrill'))).toBe(false);
  });
});

describe('a schedule asking for a drill its strategy cannot run', () => {
  const IN_REGION = join(import.meta.dirname, '..', 'packages', 'runbooks', 'examples', 'aurora-mysql-in-region.yaml');
  const writeInRegion = (dir: string, schedule: Record<string, unknown>): void => {
    const plan = parse(readFileSync(IN_REGION, 'utf8')) as Record<string, unknown>;
    writeFileSync(join(dir, 'ledger.yaml'), stringify({ ...plan, schedule }));
  };

  it('an in-region plan scheduled with the default (isolated) drill: schedule and validate exit 2 naming the field and what to write; nothing runs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'firedrill-schedule-'));
    writeInRegion(dir, { cron: '0 3 * * MON' });
    const io = bufferIo(dir);
    expect(await runCli(['schedule', 'ledger.yaml', '--once'], io)).toBe(2);
    expect(io.err()).toContain('ledger.yaml');
    expect(io.err()).toContain('schedule.drill');
    expect(io.err()).toContain('drill: live');
    expect(io.err()).toMatch(/strategy in-region cannot run an isolated drill/);
    expect(io.out()).toBe('');
    expect(existsSync(join(dir, '.firedrill'))).toBe(false); // no run, no sandbox world, no marker
    const validate = bufferIo(dir);
    expect(await runCli(['validate', 'ledger.yaml'], validate)).toBe(2);
    expect(validate.err()).toContain('schedule.drill');
    expect(validate.err()).toContain('drill: live');
  });

  it('the same plan with `drill: live`, or a scheduled check, is valid', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'firedrill-schedule-'));
    for (const schedule of [{ cron: '0 3 * * MON', drill: 'live' }, { cron: '0 3 * * MON', operation: 'check' }]) {
      writeInRegion(dir, schedule);
      const io = bufferIo(dir);
      expect(await runCli(['validate', 'ledger.yaml'], io), io.err()).toBe(0);
    }
  });

  it('an in-region plan without a schedule is told to add a drill it can run (live), not the isolated default', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'firedrill-schedule-'));
    const plan = parse(readFileSync(IN_REGION, 'utf8')) as Record<string, unknown>;
    delete plan['schedule'];
    writeFileSync(join(dir, 'ledger.yaml'), stringify(plan));
    const io = bufferIo(dir);
    expect(await runCli(['schedule', 'ledger.yaml', '--once'], io)).toBe(2);
    expect(io.err()).toContain('ledger.yaml has no `schedule`');
    expect(io.err()).toContain('drill: live');
    expect(io.err()).not.toContain('drill: isolated');
  });
});
