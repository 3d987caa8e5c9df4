import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { buildReport, FileRunStore, readJournalFile } from '../src/index.js';

const run = promisify(execFile);
const fixture = join(import.meta.dirname, 'fixtures', 'crash-run.ts');
const actionSteps = ['provision', 'copy-snapshot', 'scale-compute', 'switch-dns'];

interface Outcome {
  killed: boolean;
  stdout: string;
}

async function child(command: 'start' | 'resume', dir: string, env: Record<string, string> = {}): Promise<Outcome> {
  try {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', '--conditions', 'firedrill-source', fixture, command, join(dir, 'state'), join(dir, 'world.json')], {
      env: { ...process.env, ...env },
      cwd: join(import.meta.dirname, '..', '..', '..'),
    });
    return { killed: false, stdout };
  } catch (error) {
    const e = error as { signal?: string; stderr?: string };
    if (e.signal === 'SIGKILL') return { killed: true, stdout: '' };
    throw new Error(`child ${command} failed: ${e.stderr ?? String(error)}`);
  }
}

function freshWorld(): string {
  const dir = mkdtempSync(join(tmpdir(), 'firedrill-crash-'));
  writeFileSync(join(dir, 'world.json'), JSON.stringify({ effects: {} }));
  return dir;
}

const effectsOf = (dir: string): Record<string, number> => (JSON.parse(readFileSync(join(dir, 'world.json'), 'utf8')) as { effects: Record<string, number> }).effects;

/** Runs `fn` over `items`, `width` at a time. */
async function inBatches<T>(items: T[], width: number, fn: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += width) await Promise.all(items.slice(i, i + width).map(fn));
}

describe('journal and resume across real process crashes', () => {
  it('a run killed after any journal event and resumed in a new process ends the same, each effect applied once', { timeout: 180_000 }, async () => {
    const reference = freshWorld();
    const whole = await child('start', reference);
    const expected = JSON.parse(whole.stdout) as { status: string; steps: [string, string][] };
    expect(expected.status).toBe('succeeded');
    const total = readJournalFile(new FileRunStore(join(reference, 'state')).journalPath('crashy-run')).length;
    expect(total).toBeGreaterThan(15);

    const ks = Array.from({ length: total - 1 }, (_, i) => i + 1);
    await inBatches(ks, 4, async (k) => {
      const dir = freshWorld();
      const crashed = await child('start', dir, { CRASH_AFTER_EVENTS: String(k) });
      expect(crashed.killed, `crash after event ${k}`).toBe(true);
      const journal = readJournalFile(new FileRunStore(join(dir, 'state')).journalPath('crashy-run'));
      expect(journal.length, `journal after a crash at event ${k}`).toBe(k);
      const resumed = await child('resume', dir);
      expect(JSON.parse(resumed.stdout), `resumed after event ${k}`).toEqual(expected);
      expect(effectsOf(dir), `effects after a crash at event ${k}`).toEqual(Object.fromEntries(actionSteps.map((id) => [id, 1])));
    });
  });

  it('a step whose effect landed but was not journaled is re-checked on resume, not run again', { timeout: 60_000 }, async () => {
    await inBatches(actionSteps, 4, async (stepId) => {
      const dir = freshWorld();
      expect((await child('start', dir, { CRASH_AFTER_EFFECT: stepId })).killed).toBe(true);
      const resumed = JSON.parse((await child('resume', dir)).stdout) as { status: string };
      expect(resumed.status).toBe('succeeded');
      expect(effectsOf(dir)[stepId]).toBe(1);
      const events = readJournalFile(new FileRunStore(join(dir, 'state')).journalPath('crashy-run'));
      expect(events).toContainEqual(expect.objectContaining({ type: 'step.started', stepId, recheck: true }));
      expect(events).toContainEqual(expect.objectContaining({ type: 'step.checked', stepId, applied: true }));
      // The report rebuilt from the journal alone matches the one the resumed run wrote.
      const written = JSON.parse(readFileSync(new FileRunStore(join(dir, 'state')).reportPath('crashy-run'), 'utf8')) as unknown;
      expect(buildReport(events)).toEqual(written);
    });
  });
});
