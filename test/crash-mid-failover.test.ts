/**
 * Crash and resume through a real strategy on the sandbox: a warm-standby failover (graceful) and a live drill
 * (failover, then failback; the primary region's outage injected) are killed with SIGKILL right after journal
 * event k, then continued from the journal alone by `firedrill resume <run-id>` in a new process, on the
 * sandbox world the CLI keeps in its state dir (`<state>/sandbox/<plan>.<strategy>.json` and its `.clock`).
 *
 * Why the world is saved whenever the journal makes an event durable (test/fixtures/crash-mid-failover.ts): on
 * AWS an effect outlives the process that asked for it, and the journal can only ever be behind the world —
 * never ahead. The sandbox persists only when saved, so the child saves it on `journal.onDurable`: a SIGKILL
 * right after event k leaves a world that holds every effect events 1..k describe (and those made since event
 * k−1, the "effect landed, step not finished" case), and nothing the journal has not reached. Saved only after
 * each step end (as the CLI does), a crash between a `step.succeeded` and the save would leave a journal
 * claiming an effect the world never got — a crash no real AWS account can produce.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { FileRunStore, foldJournal, type JournalEvent, loadPlanSource, readJournalFile, type RunReport, VirtualClock } from '@firedrill/core';
import { Sandbox } from '@firedrill/sandbox';
import { AwsEnvironment, type AwsPluggable, describeAutoScalingGroup, describeDbInstance } from '@firedrill/strategies';

const exec = promisify(execFile);
const root = join(import.meta.dirname, '..');
const fixture = join(import.meta.dirname, 'fixtures', 'crash-mid-failover.ts');
const cli = join(root, 'packages', 'runbooks', 'src', 'cli', 'cli.ts');
const planFile = join(root, 'packages', 'runbooks', 'examples', 'warm-standby.yaml');
const runId = 'tracking-app-crash';
const app = 'tracking';
const record = 'app.tracking.example.com';
const heartbeatMs = 1_000;

type Operation = 'failover' | 'drill';

async function node(args: string[], env: Record<string, string> = {}): Promise<{ killed: boolean; code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec(process.execPath, ['--import', 'tsx', '--conditions', 'firedrill-source', ...args], {
      cwd: root,
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...env },
      maxBuffer: 64 * 1024 * 1024,
    });
    return { killed: false, code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { signal?: string; code?: number; stdout?: string; stderr?: string };
    if (e.signal === 'SIGKILL') return { killed: true, code: -1, stdout: '', stderr: '' };
    if (typeof e.code === 'number') return { killed: false, code: e.code, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
    throw error;
  }
}

/** Starts the operation in a child process (to its end, or killed right after journal event `crashAfter`). */
async function start(state: string, operation: Operation, crashAfter?: number) {
  return node([fixture, state, planFile, runId, operation], crashAfter === undefined ? {} : { CRASH_AFTER_EVENTS: String(crashAfter) });
}

/** `firedrill resume <run-id> --json` in a new process: the journal and the saved world are all it has. */
async function resume(state: string): Promise<{ code: number; report: RunReport; output: string }> {
  const out = await node([cli, 'resume', runId, '--state-dir', state, '--json']);
  const output = out.stdout + out.stderr;
  const json = out.stdout.slice(out.stdout.indexOf('{'), out.stdout.lastIndexOf('}') + 1);
  if (json === '') throw new Error(`firedrill resume printed no report (exit ${out.code}):\n${output}`);
  return { code: out.code, report: JSON.parse(json) as RunReport, output };
}

const journalOf = (state: string): JournalEvent[] => readJournalFile(new FileRunStore(state).journalPath(runId));

/** The sandbox world the CLI keeps for the plan, at the time it was saved. */
function savedWorld(state: string): Sandbox {
  const path = join(state, 'sandbox', 'tracking-app.warm-standby.json');
  const { now } = JSON.parse(readFileSync(`${path}.clock`, 'utf8')) as { now: number };
  return Sandbox.load(path, { clock: new VirtualClock({ start: now }) });
}

/** The plan's AWS clients answered by a saved world: what an SRE would see through the SDK. */
async function awsOn(sandbox: Sandbox): Promise<AwsEnvironment> {
  const { plan } = await loadPlanSource(planFile);
  return new AwsEnvironment({ plan, clock: sandbox.clock, plugins: [(t: { region: string }) => sandbox.plugin(t.region) as unknown as AwsPluggable] });
}

/**
 * Every AWS call that changed something and succeeded, as `Command region`, sorted. A DNS change batch that
 * repeats the one before it (a step cut off after submitting its change submits the same records again, for a
 * change id to wait on) changes nothing and is not counted.
 */
function effects(sandbox: Sandbox): string[] {
  let lastBatch = '';
  return sandbox
    .calls({ outcome: 'ok' })
    .filter((c) => !/^(Describe|Get|List|TestDNSAnswer)/.test(c.command))
    .filter((c) => {
      if (c.command !== 'ChangeResourceRecordSets') return true;
      const batch = JSON.stringify((c.input as { ChangeBatch: { Changes: unknown } }).ChangeBatch.Changes);
      const repeated = batch === lastBatch;
      lastBatch = batch;
      return !repeated;
    })
    .map((c) => `${c.command} ${c.region}`)
    .sort();
}

/** Steps started and not finished within the first `k` events: cut off by the crash. */
function cutOff(events: readonly JournalEvent[]): string[] {
  const state = foldJournal(events);
  return Object.values(state.steps).filter((s) => s.status === 'running' || s.status === 'waiting').map((s) => s.id);
}

/** What the uninterrupted run does: its report, journal and the effects it had on AWS. */
interface Reference {
  report: RunReport;
  journal: JournalEvent[];
  effects: string[];
  outages: number;
}

async function reference(operation: Operation): Promise<Reference> {
  const state = join(mkdtempSync(join(tmpdir(), 'firedrill-crash-ref-')), 'state');
  const whole = await start(state, operation);
  expect(whole.code, whole.stderr).toBe(0);
  const report = JSON.parse(whole.stdout) as RunReport;
  expect(report.status).toBe('succeeded');
  const sandbox = savedWorld(state);
  return { report, journal: journalOf(state), effects: effects(sandbox), outages: sandbox.world.faults.outages.length };
}

/** A crash point: the first event of `type` (of step `stepId`) in the uninterrupted run. */
type Moment = [type: JournalEvent['type'], stepId?: string];

function crashPoints(ref: Reference, moments: readonly Moment[]): number[] {
  return moments.map(([type, stepId]) => {
    const i = ref.journal.findIndex((e) => e.type === type && (stepId === undefined || ('stepId' in e && e.stepId === stepId)));
    expect(i, `${type} ${stepId ?? ''} in the uninterrupted run`).toBeGreaterThanOrEqual(0);
    return i + 1;
  });
}

interface Crashed {
  k: number;
  state: string;
  report: RunReport;
  journal: JournalEvent[];
  sandbox: Sandbox;
  /** Steps the resumed run re-checked (cut off by the crash), and those whose check found the effect in place. */
  rechecked: string[];
  foundDone: string[];
}

/** Kills the operation after event k, resumes it with the CLI, and checks what holds at any crash point. */
async function crashAndResume(operation: Operation, ref: Reference, k: number): Promise<Crashed> {
  const state = join(mkdtempSync(join(tmpdir(), 'firedrill-crash-')), 'state');
  const crashed = await start(state, operation, k);
  expect(crashed.killed, `killed after event ${k}`).toBe(true);
  const before = journalOf(state);
  expect(before.length, `journal after a crash at event ${k}`).toBe(k);
  // The run is deterministic on the virtual clock: the crash hit the event the reference run had there.
  expect(before[k - 1]!.type).toBe(ref.journal[k - 1]!.type);

  const resumed = await resume(state);
  const what = `${operation}, crash after event ${k} (${before[k - 1]!.type}${'stepId' in before[k - 1]! ? ` ${String((before[k - 1] as { stepId: unknown }).stepId)}` : ''})`;
  expect(resumed.report.status, `${what}\n${resumed.output}`).toBe('succeeded');
  expect(resumed.code, `${what}: exit code (objectives met)\n${resumed.output}`).toBe(0);
  const journal = journalOf(state);
  const after = journal.slice(k);
  // A step cut off mid-way is re-checked, never blindly run again.
  for (const stepId of cutOff(before)) {
    expect(after, `${what}: ${stepId} re-checked`).toContainEqual(expect.objectContaining({ type: 'step.started', stepId, recheck: true }));
  }
  // Finished steps are not run again.
  const finished = new Set(before.filter((e) => e.type === 'step.succeeded').map((e) => (e as { stepId: string }).stepId));
  expect(after.filter((e) => e.type === 'step.started' && finished.has(e.stepId)), `${what}: finished steps run again`).toEqual([]);

  const sandbox = savedWorld(state);
  // Each change to AWS took effect exactly once: the same successful mutating calls as the uninterrupted run.
  expect(effects(sandbox), `${what}: effects on AWS`).toEqual(ref.effects);
  expect(sandbox.truth.splitBrainDetected, `${what}: two writers`).toBe(false);
  // RTO and RPO still reported, the RPO within one heartbeat interval of what the sandbox really lost.
  const { report } = resumed;
  expect(report.rto.seconds, `${what}: RTO`).not.toBeNull();
  expect(report.rto.met).toBe(true);
  expect(report.rpo.source, `${what}: RPO source`).toBe('heartbeat');
  const truth = sandbox.truth.lostWrites(app, { disasterAt: Date.parse(report.disasterAt!) });
  expect(Math.abs(report.rpo.seconds! * 1000 - truth.rpoMs), `${what}: RPO ${report.rpo.seconds}s vs true ${truth.rpoMs} ms`).toBeLessThanOrEqual(heartbeatMs);
  // A crash costs no time on the virtual clock: the RTO is the uninterrupted run's, give or take the health
  // probe's streak starting over.
  expect(Math.abs(report.rto.seconds! - ref.report.rto.seconds!), `${what}: RTO ${report.rto.seconds}s vs ${ref.report.rto.seconds}s uninterrupted`).toBeLessThanOrEqual(5);
  // Outages injected: one per run, whatever the crash cut off.
  expect(sandbox.world.faults.outages.length, `${what}: outages injected`).toBe(ref.outages);
  const rechecked = after.flatMap((e) => (e.type === 'step.started' && e.recheck ? [e.stepId] : []));
  const foundDone = after.flatMap((e) => (e.type === 'step.checked' && e.applied ? [e.stepId] : []));
  return { k, state, report, journal, sandbox, rechecked, foundDone };
}

/** Runs `fn` over `items`, `width` at a time. */
async function inBatches<T>(items: readonly T[], width: number, fn: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += width) await Promise.all(items.slice(i, i + width).map(fn));
}

/** A group's capacity as DescribeAutoScalingGroups shows it. */
async function fleet(aws: AwsEnvironment, side: 'primary' | 'recovery', name: string) {
  const group = await describeAutoScalingGroup({ autoScaling: aws.clients(side).autoScaling, name });
  return group && { min: group.min, desired: group.desired, max: group.max, inService: group.inService };
}

// Crash points: in each step that changes AWS, right after its start (nothing done yet) and right after what it
// journals once its call has landed (done, not yet journaled as done) — the two ways a step is cut off — plus
// the moments the run's measurement hangs on (the disaster, service restored, the failback phase).
const FAILOVER: readonly Moment[] = [
  ['step.log', 'fence-primary-writers'],
  ['step.log', 'scale-recovery-compute'],
  ['step.started', 'promote-replica'],
  ['step.log', 'promote-replica'],
  ['step.started', 'switch-dns-to-recovery'],
  ['step.log', 'switch-dns-to-recovery'],
];
const LIVE_DRILL: readonly Moment[] = [
  ['step.log', 'declare-disaster'],
  ['step.log', 'promote-replica'],
  ['service.restored'],
  ['step.log', 'fence-stale-primary'],
  ['phase.started', 'fence-recovery-writers'],
  ['step.log', 'promote-primary-copy'],
  ['step.log', 'reprotect-with-recovery-replica'],
];
const WIDTH = 2;

// The two operations run side by side (each spawns its children WIDTH at a time): they wait on the disk as much
// as on the CPU.
describe.concurrent('a real strategy crashed mid-failover resumes from its journal alone (`firedrill resume`)', () => {
  it('warm standby, graceful failover: killed in the fence, scale, promotion and DNS switch; the replica writes, DNS and the fleet moved once', { timeout: 120_000 }, async () => {
    const ref = await reference('failover');
    expect(ref.effects).toEqual(['ChangeResourceRecordSets us-east-1', 'ModifyDBParameterGroup us-east-1', 'PromoteReadReplica us-west-2', 'UpdateAutoScalingGroup us-west-2']);
    const rechecked = new Set<string>();
    const foundDone = new Set<string>();
    await inBatches(crashPoints(ref, FAILOVER), WIDTH, async (k) => {
      const { sandbox, report, ...checked } = await crashAndResume('failover', ref, k);
      checked.rechecked.forEach((id) => rechecked.add(id));
      checked.foundDone.forEach((id) => foundDone.add(id));
      const aws = await awsOn(sandbox);
      const replica = await describeDbInstance({ rds: aws.clients('recovery').rds, identifier: 'tracking-db-replica' });
      expect(replica && { source: replica.readReplicaSource, status: replica.status }, `k=${k}: the replica is the standalone writer`).toEqual({ source: undefined, status: 'available' });
      expect(sandbox.truth.dnsTarget(record).regions, `k=${k}: DNS answers`).toEqual(['us-west-2']);
      expect(await fleet(aws, 'recovery', 'tracking-asg-us-west-2'), `k=${k}: the recovery fleet`).toEqual({ min: 4, desired: 4, max: 8, inService: 4 });
      // Graceful: the primary was fenced and the replica caught up before the promotion; nothing was lost.
      expect(report.rpo.seconds).toBe(0);
    });
    // Every mutating step was cut off by some crash and re-checked; those whose call had landed were found done
    // (the DNS switch submits its records again instead: see switchDnsStep's check).
    expect([...rechecked].sort()).toEqual(expect.arrayContaining(['fence-primary-writers', 'promote-replica', 'scale-recovery-compute', 'switch-dns-to-recovery']));
    expect([...foundDone].sort()).toEqual(expect.arrayContaining(['fence-primary-writers', 'promote-replica', 'scale-recovery-compute']));
  });

  it('warm standby, live drill (outage injected): killed in the failover and the failback; everything is back as before, each change made once', { timeout: 120_000 }, async () => {
    const ref = await reference('drill');
    expect(ref.report.phases?.map((p) => p.name)).toEqual(['failover', 'failback']);
    const rechecked = new Set<string>();
    const foundDone = new Set<string>();
    await inBatches(crashPoints(ref, LIVE_DRILL), WIDTH, async (k) => {
      const { sandbox, report, ...checked } = await crashAndResume('drill', ref, k);
      checked.rechecked.forEach((id) => rechecked.add(id));
      checked.foundDone.forEach((id) => foundDone.add(id));
      expect(report.phases?.map((p) => [p.name, p.rto.seconds !== null]), `k=${k}: both phases measured`).toEqual([['failover', true], ['failback', true]]);
      const aws = await awsOn(sandbox);
      const writer = await describeDbInstance({ rds: aws.clients('primary').rds, identifier: 'tracking-db' });
      expect(writer && { source: writer.readReplicaSource, status: writer.status }, `k=${k}: the writer is back in us-east-1`).toEqual({ source: undefined, status: 'available' });
      const replica = await describeDbInstance({ rds: aws.clients('recovery').rds, identifier: 'tracking-db-replica' });
      expect(replica?.readReplicaSource, `k=${k}: us-west-2 replicates from it again`).toContain('tracking-db');
      expect(sandbox.truth.dnsTarget(record).regions, `k=${k}: DNS answers`).toEqual(['us-east-1']);
      expect(await fleet(aws, 'primary', 'tracking-asg-us-east-1'), `k=${k}: the primary fleet`).toEqual({ min: 4, desired: 4, max: 8, inService: 4 });
      expect(await fleet(aws, 'recovery', 'tracking-asg-us-west-2'), `k=${k}: the standby fleet`).toEqual({ min: 1, desired: 1, max: 8, inService: 1 });
    });
    expect([...rechecked].sort()).toEqual(expect.arrayContaining(['declare-disaster', 'fence-recovery-writers', 'fence-stale-primary', 'promote-primary-copy', 'promote-replica', 'reprotect-with-recovery-replica']));
    expect([...foundDone].sort()).toEqual(expect.arrayContaining(['fence-stale-primary', 'promote-primary-copy', 'promote-replica', 'reprotect-with-recovery-replica']));
  });
});
