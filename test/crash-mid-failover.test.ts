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
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunReport } from '@firedrill/core';
import type { Sandbox } from '@firedrill/sandbox';
import { describeDbInstance } from '@firedrill/strategies';
import { crashAtEach, crashCase, type Moment, reference } from './support/crash-and-resume.js';
import { awsOn, fleet } from './support/saved-world.js';

const planFile = join(import.meta.dirname, '..', 'packages', 'runbooks', 'examples', 'warm-standby.yaml');
const runId = 'tracking-app-crash';
const app = 'tracking';
const record = 'app.tracking.example.com';
const heartbeatMs = 1_000;

/** The RPO the sandbox knows: what the writer at the end lost of the writes acknowledged before the disaster, within one heartbeat. */
function truth(sandbox: Sandbox, report: RunReport) {
  const { rpoMs } = sandbox.truth.lostWrites(app, { disasterAt: Date.parse(report.disasterAt!) });
  return { rpo: { source: 'heartbeat' as const, ms: rpoMs, toleranceMs: heartbeatMs } };
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
    const c = await crashCase(planFile, runId, 'failover', truth);
    const ref = await reference(c);
    expect(ref.effects).toEqual(['ChangeResourceRecordSets us-east-1', 'ModifyDBParameterGroup us-east-1', 'PromoteReadReplica us-west-2', 'UpdateAutoScalingGroup us-west-2']);
    const { rechecked, foundDone } = await crashAtEach(c, ref, FAILOVER, WIDTH, async ({ k, sandbox, report }) => {
      const aws = awsOn(sandbox, c.plan);
      const replica = await describeDbInstance({ rds: aws.clients('recovery').rds, identifier: 'tracking-db-replica' });
      expect(replica && { source: replica.readReplicaSource, status: replica.status }, `k=${k}: the replica is the standalone writer`).toEqual({ source: undefined, status: 'available' });
      expect(sandbox.truth.dnsTarget(record).regions, `k=${k}: DNS answers`).toEqual(['us-west-2']);
      expect(await fleet(aws, 'recovery', 'tracking-asg-us-west-2'), `k=${k}: the recovery fleet`).toEqual({ min: 4, desired: 4, max: 8, inService: 4 });
      // Graceful: the primary was fenced and the replica caught up before the promotion; nothing was lost.
      expect(report.rpo.seconds).toBe(0);
    });
    // Every mutating step was cut off by some crash and re-checked; those whose call had landed were found done
    // (the DNS switch submits its records again instead: see switchDnsStep's check).
    expect(rechecked).toEqual(expect.arrayContaining(['fence-primary-writers', 'promote-replica', 'scale-recovery-compute', 'switch-dns-to-recovery']));
    expect(foundDone).toEqual(expect.arrayContaining(['fence-primary-writers', 'promote-replica', 'scale-recovery-compute']));
  });

  it('warm standby, live drill (outage injected): killed in the failover and the failback; everything is back as before, each change made once', { timeout: 120_000 }, async () => {
    const c = await crashCase(planFile, runId, 'drill', truth);
    const ref = await reference(c);
    expect(ref.report.phases?.map((p) => p.name)).toEqual(['failover', 'failback']);
    const { rechecked, foundDone } = await crashAtEach(c, ref, LIVE_DRILL, WIDTH, async ({ k, sandbox }) => {
      const aws = awsOn(sandbox, c.plan);
      const writer = await describeDbInstance({ rds: aws.clients('primary').rds, identifier: 'tracking-db' });
      expect(writer && { source: writer.readReplicaSource, status: writer.status }, `k=${k}: the writer is back in us-east-1`).toEqual({ source: undefined, status: 'available' });
      const replica = await describeDbInstance({ rds: aws.clients('recovery').rds, identifier: 'tracking-db-replica' });
      expect(replica?.readReplicaSource, `k=${k}: us-west-2 replicates from it again`).toContain('tracking-db');
      expect(sandbox.truth.dnsTarget(record).regions, `k=${k}: DNS answers`).toEqual(['us-east-1']);
      expect(await fleet(aws, 'primary', 'tracking-asg-us-east-1'), `k=${k}: the primary fleet`).toEqual({ min: 4, desired: 4, max: 8, inService: 4 });
      expect(await fleet(aws, 'recovery', 'tracking-asg-us-west-2'), `k=${k}: the standby fleet`).toEqual({ min: 1, desired: 1, max: 8, inService: 1 });
    });
    expect(rechecked).toEqual(expect.arrayContaining(['declare-disaster', 'fence-recovery-writers', 'fence-stale-primary', 'promote-primary-copy', 'promote-replica', 'reprotect-with-recovery-replica']));
    expect(foundDone).toEqual(expect.arrayContaining(['fence-stale-primary', 'promote-primary-copy', 'promote-replica', 'reprotect-with-recovery-replica']));
  });
});
