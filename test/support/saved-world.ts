/**
 * The sandbox world the CLI keeps for a plan in its state dir, read back the way an SRE would look at AWS after a
 * command: through the plan's own SDK clients, its call log (what was changed, and how often) and its truth.
 */
import { readFileSync } from 'node:fs';
import { loadPlanSource, type Plan, VirtualClock } from '@firedrill/core';
import { buildScenarioForPlan, Sandbox } from '@firedrill/sandbox';
import { AwsEnvironment, type AwsPluggable, describeAutoScalingGroup, type Side } from '@firedrill/strategies';
import { sandboxWorldPath } from '../../packages/runbooks/src/operation/sandbox-session.js';

/** The world the CLI saved for `plan` in `stateDir`, at the time it was saved. */
export function savedWorld(stateDir: string, plan: Plan): Sandbox {
  const path = sandboxWorldPath(stateDir, plan.metadata.name, plan.strategy.name);
  const { now } = JSON.parse(readFileSync(`${path}.clock`, 'utf8')) as { now: number };
  return Sandbox.load(path, { clock: new VirtualClock({ start: now }) });
}

/** The plan's AWS clients answered by a saved world. */
export function awsOn(sandbox: Sandbox, plan: Plan): AwsEnvironment {
  return new AwsEnvironment({ plan, clock: sandbox.clock, plugins: [(t: { region: string }) => sandbox.plugin(t.region) as unknown as AwsPluggable] });
}

/** A successful ChangeResourceRecordSets' changes, as JSON. */
const changeBatch = (c: { input: unknown }): string => JSON.stringify((c.input as { ChangeBatch: { Changes: unknown } }).ChangeBatch.Changes);

/** Route 53 record changes that succeeded, in order, each as its batch (JSON), without repeats (see {@link effects}). */
export function dnsChanges(sandbox: Sandbox): string[] {
  return sandbox
    .calls({ command: 'ChangeResourceRecordSets', outcome: 'ok' })
    .map(changeBatch)
    .filter((batch, i, all) => batch !== all[i - 1]);
}

/**
 * Every AWS call that changed something and succeeded, as `Command region`, sorted. A DNS change batch that
 * repeats the one before it (a step cut off after submitting its change submits the same records again, for a
 * change id to wait on) changes nothing and is not counted.
 */
export function effects(sandbox: Sandbox): string[] {
  let lastBatch = '';
  return sandbox
    .calls({ outcome: 'ok' })
    .filter((c) => !/^(Describe|Get|List|TestDNSAnswer)/.test(c.command))
    .filter((c) => {
      if (c.command !== 'ChangeResourceRecordSets') return true;
      const batch = changeBatch(c);
      const repeated = batch === lastBatch;
      lastBatch = batch;
      return !repeated;
    })
    .map((c) => `${c.command} ${c.region}`)
    .sort();
}

/** A group's capacity as DescribeAutoScalingGroups shows it. */
export async function fleet(aws: AwsEnvironment, side: Side, name: string) {
  const group = await describeAutoScalingGroup({ autoScaling: aws.clients(side).autoScaling, name });
  return group && { min: group.min, desired: group.desired, max: group.max, inService: group.inService };
}

/** A truth DNS baseline: the hosted zones of a world before any run changed them. */
export type DnsBaseline = ReturnType<Sandbox['truth']['dnsBaseline']>;

/**
 * The hosted zones of the world `--target sandbox` provisions for `planFile` (the CLI's seed), before any run changed
 * them. An endpoint's health depends on the share of traffic DNS sent it at the time (the sandbox's load rule), and a
 * saved world keeps only its zones' last records: a live drill's failback has put them back since its failover.
 */
export async function provisionedDnsBaseline(planFile: string): Promise<DnsBaseline> {
  const { plan } = await loadPlanSource(planFile);
  const { sandbox } = await buildScenarioForPlan(plan, { clock: new VirtualClock(), seed: 1, file: planFile });
  return sandbox.truth.dnsBaseline();
}

/**
 * The copies of `dbId`'s snapshots in `region` that were available at `t` — what a failover at `t` could restore
 * (a copy the backup schedule started shortly before is still on its way).
 */
export function snapshotCopiesAvailableAt(sandbox: Sandbox, region: string, dbId: string, t: number): { createdAt: number; arn: string }[] {
  return Object.values(sandbox.world.rds[region]!.snapshots).filter((s) => s.sourceDbId === dbId && s.status.some((v) => v.value === 'available' && v.at <= t));
}
