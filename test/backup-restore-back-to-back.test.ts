/**
 * Back-to-back live drills of a backup & restore plan on the CLI, with one state directory (a retried CI job, or
 * next week's drill on a world kept between commands). RDS keeps the identifier of an instance that is still
 * `deleting`: a failback that ended while the DR database was being deleted made the next drill's restore under
 * the same name fail. Each drill must succeed, measure RTO and RPO against the sandbox's record, and leave the
 * recovery region as backup & restore keeps it — nothing running there.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPlanSource, type RunReport, VirtualClock } from '@firedrill/core';
import { runCli } from '@firedrill/runbooks';
import { Sandbox } from '@firedrill/sandbox';
import { AwsEnvironment, type AwsPluggable, describeDbInstance, describeInstances } from '@firedrill/strategies';
import { bufferIo as bufferedIo } from './support/buffer-io.js';
import { snapshotCopiesAvailableAt } from './support/saved-world.js';

const bufferIo = (cwd: string) => bufferedIo(cwd, { merged: true });

const PLAN = join(import.meta.dirname, '..', 'packages', 'runbooks', 'examples', 'backup-restore.yaml');
const PRIMARY = 'us-east-1';
const RECOVERY = 'us-west-2';

/** The world the CLI saved, at the moment the command ended (its saved clock): AWS as the next command finds it. */
function worldAfter(stateDir: string): Sandbox {
  const path = join(stateDir, 'sandbox', 'tracking-backup-restore.backup-restore.json');
  const { now } = JSON.parse(readFileSync(`${path}.clock`, 'utf8')) as { now: number };
  return Sandbox.load(path, { clock: new VirtualClock({ start: now }) });
}

/** The plan's AWS clients, answered by a saved world: what an SRE would see through the SDK. */
async function awsOn(sandbox: Sandbox): Promise<AwsEnvironment> {
  const { plan } = await loadPlanSource(PLAN);
  return new AwsEnvironment({ plan, clock: sandbox.clock, plugins: [(t: { region: string }) => sandbox.plugin(t.region) as unknown as AwsPluggable] });
}

async function liveDrill(dir: string, stateDir: string): Promise<{ code: number; report: RunReport; out: string }> {
  const io = bufferIo(dir);
  const code = await runCli(['drill', PLAN, '--live', '--target', 'sandbox', '--state-dir', stateDir, '--json'], io);
  const out = io.out();
  return { code, report: JSON.parse(out.slice(out.indexOf('{'), out.lastIndexOf('}') + 1)) as RunReport, out };
}

const at = (iso: string | null): number => Date.parse(iso ?? '');

describe('backup & restore live drills back to back, one state directory', () => {
  it('both succeed, each measures RTO and RPO against the truth, and each leaves nothing running in the recovery region', { timeout: 120_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'firedrill-br-twice-'));
    const stateDir = join(dir, 'state');
    const drills: RunReport[] = [];
    for (const n of [1, 2]) {
      const { code, report, out } = await liveDrill(dir, stateDir);
      expect(code, `drill ${n}: ${out.slice(-2_000)}`).toBe(0);
      expect(report.status).toBe('succeeded');
      expect(report.phases?.map((p) => p.name)).toEqual(['failover', 'failback']);
      drills.push(report);
      const sandbox = worldAfter(stateDir);
      const disasterAt = at(report.disasterAt);

      // RTO: from the injected loss of us-east-1 until the restored stack in us-west-2 served, within the health
      // probe's 5 s interval (the probe sees service at its first poll after it came back).
      expect(sandbox.world.faults.outages.filter((o) => o.region === PRIMARY).map((o) => Math.floor(o.at))).toContain(Math.floor(disasterAt));
      const served = sandbox.truth.firstHealthyAt(RECOVERY, disasterAt)!;
      const trueRto = (served - disasterAt) / 1000;
      expect(trueRto, `drill ${n}`).toBeGreaterThan(600); // a real restore
      expect(report.rto.seconds! - trueRto, `drill ${n}`).toBeGreaterThanOrEqual(-0.001);
      expect(report.rto.seconds! - trueRto, `drill ${n}`).toBeLessThanOrEqual(5 + 1);

      // RPO: disaster − capture time of the snapshot the DR database really was restored from (the sandbox's
      // record of the instance), which is the newest copy of tracking-db in us-west-2 at the disaster.
      const restored = sandbox.world.rds[RECOVERY]!.instances['tracking-db-restored']!;
      expect(restored.createdAt, `drill ${n}: this drill restored it`).toBeGreaterThanOrEqual(disasterAt);
      const snapshot = Object.values(sandbox.world.rds[RECOVERY]!.snapshots).find((s) => s.arn === restored.restoredFrom)!;
      const copies = snapshotCopiesAvailableAt(sandbox, RECOVERY, 'tracking-db', disasterAt);
      expect(snapshot.createdAt).toBe(Math.max(...copies.map((s) => s.createdAt)));
      expect(report.rpo.source).toBe('snapshot');
      // The report's times are to the ms (the clock's are not): within 1 ms.
      expect(Math.abs(report.rpo.seconds! - (disasterAt - snapshot.createdAt) / 1000), `drill ${n}`).toBeLessThanOrEqual(0.001);
      expect(report.rpo.met).toBe(true);

      // The final AWS state, through the SDK, when the command ended (not later): the DR database gone — not
      // `deleting`, which would still hold its name —, no instance the failover launched alive, production
      // back on us-east-1, never two writers.
      const aws = await awsOn(sandbox);
      expect(await describeDbInstance({ rds: aws.clients('recovery').rds, identifier: 'tracking-db-restored' }), `drill ${n}: the DR database is still there`).toBeUndefined();
      const live = Object.values(sandbox.world.rds[RECOVERY]!.instances).filter((i) => i.status.findLast((s) => s.at <= sandbox.clock.now())?.value !== 'deleted');
      expect(live.map((i) => i.id), `drill ${n}: DB instances left in ${RECOVERY}`).toEqual([]);
      const launched = await describeInstances({ ec2: aws.clients('recovery').ec2, filters: [{ Name: 'tag:firedrill:plan', Values: ['tracking-backup-restore'] }] });
      expect(launched.filter((i) => i.state !== 'terminated' && i.state !== 'shutting-down').map((i) => `${i.instanceId} ${i.state}`), `drill ${n}: instances left in ${RECOVERY}`).toEqual([]);
      expect((await describeDbInstance({ rds: aws.clients('primary').rds, identifier: 'tracking-db' }))?.status).toBe('available');
      expect(sandbox.truth.dnsTarget('app.tracking.example.com').regions).toEqual([PRIMARY]);
      expect(sandbox.dataPlane.endpointHealth(PRIMARY).healthy).toBe(true);
      expect(sandbox.truth.splitBrainDetected).toBe(false);
    }

    // The second drill restored into a name nobody held: nothing to wait for, so its RTO is a restore's, as the first one's.
    const second = drills[1]!;
    expect(at(second.startedAt)).toBeGreaterThanOrEqual(at(drills[0]!.endedAt));
    expect(second.steps.find((s) => s.id === 'restore-database')).toMatchObject({ status: 'succeeded', attempts: 1 });
    expect(second.steps.find((s) => s.id === 'restore-database')!.seconds).toBeLessThan(5);

    // Guardrail: every RDS change either drill made was to a database, snapshot or parameter group the plan names.
    const sandbox = worldAfter(stateDir);
    const named = /^(tracking-db|tracking-db-restored)(-failback-[0-9a-f]{8}|-before-failback-[0-9a-f]{8})?$|^tracking-pg(-dr)?$/;
    const changes = sandbox.calls({ service: 'rds' }).filter((c) => !/^(Describe|List)/.test(c.command));
    expect(changes.length).toBeGreaterThan(0);
    for (const call of changes) {
      const input = call.input as Record<string, string | undefined>;
      // A restore only reads its snapshot (one of the plan's backup copies); what it changes is the instance it creates.
      const snapshot = call.command === 'RestoreDBInstanceFromDBSnapshot' ? undefined : input['TargetDBSnapshotIdentifier'] ?? input['DBSnapshotIdentifier'];
      const names = [input['DBInstanceIdentifier'], snapshot, input['FinalDBSnapshotIdentifier'], input['DBParameterGroupName']].filter((x) => x !== undefined);
      for (const name of names) expect(name, `${call.command} in ${call.region}`).toMatch(named);
    }
  });

  it('a failback command measures its RTO where it returns users: the primary endpoint, not the DR site it takes down', { timeout: 120_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'firedrill-br-failback-'));
    const stateDir = join(dir, 'state');
    // The plan's probe names the recovery endpoint ("where a failover restores service"). A failback probing it
    // saw the service back only while the DR site happened to still serve, and after a second round (an isolated
    // drill, a live drill, a failover and failback each way) never: it waited 15 minutes, failed, and rolled back.
    const cli = async (...args: string[]): Promise<{ code: number; report: RunReport; out: string }> => {
      const io = bufferIo(dir);
      const code = await runCli([...args, PLAN, '--target', 'sandbox', '--state-dir', stateDir, '--yes', '--json'], io);
      const out = io.out();
      return { code, report: JSON.parse(out.slice(out.indexOf('{'), out.lastIndexOf('}') + 1)) as RunReport, out };
    };
    for (const args of [['drill', '--isolated'], ['drill', '--live'], ['failover', '--mode', 'graceful'], ['failback'], ['failover', '--mode', 'ungraceful'], ['failback']]) {
      const { code, report, out } = await cli(...args);
      expect(code, `${args.join(' ')}: ${out.slice(-1_500)}`).toBe(0);
      if (args[0] !== 'failback') continue;
      // The primary endpoint served again when the restored primary took traffic: the RTO ends there, within the
      // probe's 5 s interval, and long after the stale primary was retired at the start.
      const sandbox = worldAfter(stateDir);
      const disasterAt = at(report.disasterAt);
      const served = sandbox.truth.firstHealthyAt(PRIMARY, disasterAt + 60_000)!;
      expect(served, args.join(' ')).toBeDefined();
      const trueRto = (served - disasterAt) / 1000;
      expect(report.rto.source).toBe('health-probe');
      expect(report.rto.seconds! - trueRto).toBeGreaterThanOrEqual(-0.001);
      expect(report.rto.seconds! - trueRto).toBeLessThanOrEqual(5 + 1);
      expect(sandbox.truth.dnsTarget('app.tracking.example.com').regions).toEqual([PRIMARY]);
    }
  });
});
