/**
 * A live drill from the CLI measures its failback phase with the plan's own health probe, aimed where the failback
 * returns users, and the figure matches the sandbox's ground truth: when users were served again after the
 * failback cut them off (fencing the recovery site's writers, a writer switchover, a restore on the primary).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPlanSource, VirtualClock } from '@firedrill/core';
import { runCli } from '@firedrill/runbooks';
import { buildScenarioForPlan, Sandbox, type ServiceEntry } from '@firedrill/sandbox';
import { bufferIo } from './support/buffer-io.js';

const examples = join(import.meta.dirname, '..', 'packages', 'runbooks', 'examples');

interface Phase {
  name: string;
  startedAt: string;
  restoredAt?: string;
  rto: { seconds: number | null; source: string };
}

const at = (iso: string): number => Date.parse(iso);

/** What the plan's health probe watches in a failback: DNS as users resolve it, or the side users return to. */
function failbackEntry(plan: Awaited<ReturnType<typeof loadPlanSource>>['plan']): ServiceEntry {
  const health = plan.probes?.health;
  const endpoint = health?.kind === 'sandbox' ? health.endpoint : undefined;
  if (endpoint === 'primary') return { region: plan.regions.recovery };
  if (endpoint === 'recovery') return { region: plan.regions.primary };
  const record = Object.values(plan.resources).find((r) => r.kind === 'route53-record');
  return { recordName: (record as { name: string }).name };
}

describe('a live drill from the CLI measures its failback with the plan probe, against the truth', () => {
  it.each([
    ['pilot-light.yaml', 'tracking-app-pilot-light', 'pilot-light'],
    ['warm-standby.yaml', 'tracking-app', 'warm-standby'],
    ['backup-restore.yaml', 'tracking-backup-restore', 'backup-restore'],
    ['multi-site.yaml', 'checkout', 'multi-site'],
    ['aurora-mysql-in-region.yaml', 'ledger', 'in-region'],
    ['postgres-multi-az.yaml', 'orders', 'in-region'],
  ])('%s', { timeout: 60_000 }, async (example, name, strategy) => {
    const dir = mkdtempSync(join(tmpdir(), 'firedrill-failback-measured-'));
    const file = join(examples, example);
    const io = bufferIo(dir);
    const code = await runCli(['drill', file, '--live', '--target', 'sandbox', '--json'], io);
    expect(code, io.out() + io.err()).toBe(0);
    const report = JSON.parse(io.out()) as { phases: Phase[] };
    const failback = report.phases.find((p) => p.name === 'failback')!;
    // Measured by the probe, not taken from the end of the step that switched DNS.
    expect(failback.rto.source).toBe('health-probe');

    const { plan } = await loadPlanSource(file);
    // The zones as provisioned: the drill's record changes are replayed onto them, so each moment is judged with
    // the records of that moment (an endpoint's health depends on the share of traffic DNS sends it).
    const provisioned = await buildScenarioForPlan(plan, { clock: new VirtualClock(), seed: 1, file });
    const sandbox = Sandbox.load(join(dir, '.firedrill', 'sandbox', `${name}.${strategy}.json`), { clock: new VirtualClock({ start: 4_000_000_000_000 }) });
    const startedAt = at(failback.startedAt);
    const truth = sandbox.truth.usersServedAgainAt(failbackEntry(plan), startedAt, { dnsBaseline: provisioned.sandbox.truth.dnsBaseline() });
    expect(truth, 'the failback cut users off and served them again').toBeDefined();
    // The probe samples every interval: its first passing check of the streak comes within one interval of the truth.
    const interval = plan.probes!.health!.interval;
    const restoredAt = at(failback.restoredAt!);
    expect(restoredAt).toBeGreaterThanOrEqual(truth! - 1);
    expect(restoredAt - truth!).toBeLessThanOrEqual(interval);
    expect(failback.rto.seconds).toBeCloseTo((restoredAt - startedAt) / 1000, 3);
  });
});
