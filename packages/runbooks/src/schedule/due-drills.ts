import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { acquireRunLock, type FileRunStore, formatDuration, RunLockedError, type Schedule } from '@firedrill/core';
import { isBlocked, nextCronTime, previousCronTime } from './cron-next.js';

/** What `<state-dir>/schedule/<plan>.json` holds: the last slot the scheduler handled, and how. */
export interface ScheduleMarker {
  /** The cron slot, ISO-8601 UTC. */
  slot: string;
  outcome: 'ran' | 'skipped';
  /** Why the slot was skipped. */
  reason?: string;
  runId?: string;
  exitCode?: number;
  /** When it was handled (the scheduler's "now"), ISO-8601 UTC. */
  handledAt: string;
}

/** The scheduler's verdict on one plan at one instant. */
export type DueDecision =
  | { kind: 'due'; slot: number }
  | { kind: 'not-due'; next: number }
  | { kind: 'blocked'; slot: number; reason: string }
  | { kind: 'missed'; slot: number; reason: string }
  | { kind: 'running'; slot: number; message: string };

/** Where a plan's schedule marker lives. */
export function markerPath(stateDir: string, plan: string): string {
  return join(stateDir, 'schedule', `${plan}.json`);
}

/** The plan's schedule marker, or `undefined` when the scheduler has never handled it (or the file is unreadable). */
export function readMarker(stateDir: string, plan: string): ScheduleMarker | undefined {
  const path = markerPath(stateDir, plan);
  if (!existsSync(path)) return undefined;
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as ScheduleMarker;
  } catch {
    return undefined;
  }
}

/** Records the last slot handled (atomically: temp file + rename). */
export function writeMarker(stateDir: string, plan: string, marker: ScheduleMarker): void {
  const path = markerPath(stateDir, plan);
  mkdirSync(join(stateDir, 'schedule'), { recursive: true });
  writeFileSync(`${path}.tmp`, `${JSON.stringify(marker, null, 2)}\n`);
  renameSync(`${path}.tmp`, path);
}

/**
 * When the plan last ran, from its run ids (`<plan>-<yyyymmddThhmmssZ>-<hex>`), for plans without a marker.
 * Sandbox runs are stamped with the sandbox's virtual clock, so this is a fallback only.
 */
function lastRunStart(store: FileRunStore, plan: string): number | undefined {
  const stamps = store
    .listRuns()
    .map((id) => new RegExp(`^${plan.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}-(\\d{8}T\\d{6}Z)-[0-9a-f]+$`).exec(id)?.[1])
    .filter((s): s is string => s !== undefined)
    .map((s) => Date.parse(`${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 11)}:${s.slice(11, 13)}:${s.slice(13, 15)}Z`));
  return stamps.length === 0 ? undefined : Math.max(...stamps);
}

/** Whether the plan has an active run: its run lock is held by a live process. */
export function planIsRunning(store: FileRunStore, plan: string, now: number): string | undefined {
  try {
    acquireRunLock(store.lockPath(plan), { runId: `schedule-probe-${process.pid}`, plan, since: now }).release();
    return undefined;
  } catch (error) {
    if (error instanceof RunLockedError) return `run ${error.owner.runId} is active (pid ${error.owner.pid} on ${error.owner.host})`;
    throw error;
  }
}

/** How late after its slot a scheduled drill may start when the plan does not say (`schedule.startingDeadline`). */
export const DEFAULT_STARTING_DEADLINE_MS = 60 * 60_000;

/**
 * Whether a plan's scheduled drill is due at `now` (epoch ms). Its last slot (the latest cron time ≤ now) is
 * due when it has not been handled (per the marker, else the plan's last run), `now` is within the slot's
 * starting deadline, neither the slot nor `now` is in a blocked window (a drill that starts late starts now, and a
 * live drill is a real failover), and the plan has no active run. A handled slot gives the next slot instead.
 */
export function dueDecision(input: { plan: string; schedule: Pick<Schedule, 'cron' | 'blockedWindows' | 'startingDeadline'>; now: number; stateDir: string; store: FileRunStore }): DueDecision {
  const { plan, schedule, now, stateDir, store } = input;
  const slot = previousCronTime(schedule.cron, now);
  const marker = readMarker(stateDir, plan);
  const handled = marker ? Date.parse(marker.slot) : lastRunStart(store, plan);
  if (handled !== undefined && handled >= slot) return { kind: 'not-due', next: nextCronTime(schedule.cron, now) };
  const blocked = isBlocked(slot, schedule.blockedWindows);
  if (blocked.blocked) return { kind: 'blocked', slot, reason: blocked.reason ?? 'blocked window' };
  const deadline = schedule.startingDeadline ?? DEFAULT_STARTING_DEADLINE_MS;
  if (now - slot > deadline) {
    return { kind: 'missed', slot, reason: `found ${formatDuration(now - slot)} after its slot, past the starting deadline of ${formatDuration(deadline)} (schedule.startingDeadline)` };
  }
  const blockedNow = isBlocked(now, schedule.blockedWindows);
  if (blockedNow.blocked) return { kind: 'blocked', slot, reason: `${blockedNow.reason ?? 'blocked window'}, now at ${new Date(now).toISOString()}: a late start would fall in it` };
  const running = planIsRunning(store, plan, now);
  if (running !== undefined) return { kind: 'running', slot, message: running };
  return { kind: 'due', slot };
}
