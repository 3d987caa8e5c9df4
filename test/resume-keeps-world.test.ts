/**
 * `firedrill resume` on the sandbox keeps the simulated world after every step, as the command that started the run
 * does: a resumed process can be killed too, and the next `resume` trusts the journal — every step it says
 * succeeded must be in the world it loads, or it would skip a promotion that never happened and report a failover
 * that did not take place.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileRunStore, readJournalFile } from '@firedrill/core';
import { runCli } from '@firedrill/runbooks';
import { bufferIo } from './support/buffer-io.js';
import { startInChild } from './support/crash-processes.js';

const example = join(import.meta.dirname, '..', 'packages', 'runbooks', 'examples', 'warm-standby.yaml');

/** The recovery group's desired capacity in the world file as it is on disk. */
function desiredOnDisk(world: string): number {
  const saved = JSON.parse(readFileSync(world, 'utf8')) as { autoScaling: Record<string, Record<string, { desiredCapacity: number }>> };
  return saved.autoScaling['us-west-2']!['tracking-asg-us-west-2']!.desiredCapacity;
}

describe('a resumed run on the sandbox', () => {
  it('keeps the world after each step: what its journal says succeeded is on disk before the run ends', { timeout: 90_000 }, async () => {
    const state = mkdtempSync(join(tmpdir(), 'firedrill-resume-world-'));
    const runId = 'tracking-app-resume-world';
    // The first process dies a few events in: before the failover has scaled anything.
    const first = await startInChild({ state, planFile: example, runId, operation: 'failover', crashAfter: 6 });
    expect(first.killed).toBe(true);
    const world = join(state, 'sandbox', 'tracking-app.warm-standby.json');
    expect(desiredOnDisk(world)).toBe(1);

    // While the resumed run goes on, look at the disk as a second crash would leave it.
    const journal = new FileRunStore(state).journalPath(runId);
    const seen: { scaled: boolean; completed: boolean; desired: number }[] = [];
    const look = setInterval(() => {
      if (!existsSync(journal)) return;
      const events = readJournalFile(journal);
      const scaled = events.some((e) => e.type === 'step.succeeded' && e.stepId === 'scale-recovery-compute');
      const completed = events.some((e) => e.type === 'run.completed');
      if (scaled) seen.push({ scaled, completed, desired: desiredOnDisk(world) });
    }, 2);
    const io = bufferIo(state);
    try {
      expect(await runCli(['resume', runId, '--state-dir', state, '--json'], io), io.err()).toBe(0);
    } finally {
      clearInterval(look);
    }
    const midRun = seen.filter((s) => !s.completed);
    expect(midRun.length, 'the resumed run was looked at between the scale and its end').toBeGreaterThan(0);
    // Scaled in the journal, scaled on disk — while the run was still going.
    expect(midRun.map((s) => s.desired)).toEqual(midRun.map(() => 4));
  });
});
