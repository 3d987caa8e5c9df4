/**
 * Firedrill as a library, the way a platform engineer wires it into a portal or a chat bot: a plan written in
 * TypeScript, a drill run against the sandbox with the event stream subscribed, and the report read back.
 * README "Using the library" shows this file; test/library-use.test.ts runs it.
 *
 *   node --conditions firedrill-source --import tsx packages/runbooks/examples/library-use.ts
 */
import { definePlan, newRunId, startRun, VirtualClock, withApprovalGates } from '@firedrill/core';
import { buildWarmStandbyScenario, planForScenario, sandboxHealthProbe, sandboxHeartbeatProbe } from '@firedrill/sandbox';
import { type AwsPluggable, createAwsEnvironment, getStrategy, registerBuiltinStrategies } from '@firedrill/strategies';

export async function drillFromCode(): Promise<{ status: string; rtoSeconds: number | null; rpoSeconds: number | null; events: number }> {
  // 1. A simulated AWS with a warm standby (on real AWS: skip this, and pass no plugins below).
  const clock = new VirtualClock();
  const { sandbox, names } = await buildWarmStandbyScenario({ clock, app: 'tracking' });

  // 2. The plan, in TypeScript: validated like a YAML plan, with the editor checking field names.
  const plan = definePlan({ ...planForScenario(names), objectives: { rto: '10m', rpo: '30s' } });

  // 3. The strategy turns the plan and an operation into steps; the AWS environment runs them.
  registerBuiltinStrategies();
  // The sandbox's plugin fits every SDK client; typed for its own stack, it needs the cast to Firedrill's.
  const aws = createAwsEnvironment({ plan, clock, plugins: [(target) => sandbox.pluginFor(target) as unknown as AwsPluggable] });
  // A fresh id per run (plan, time and a random part): a run id that already has a journal is refused.
  const runId = newRunId(plan.metadata.name, clock);
  const built = getStrategy(plan.strategy.name).build({ plan, operation: 'drill', drill: 'live', mode: 'ungraceful', aws, runId, injectDisaster: async () => void sandbox.faults.regionOutage(plan.regions.primary) });
  // The strategy gives its own steps; the plan's approval gates, policies, concurrency and rollback are the caller's
  // to apply (the CLI does the same): leave them out and a gated failover runs ungated.
  const steps = withApprovalGates(built.steps, plan.approvals);

  // 4. Run it, with probes measuring RTO (through DNS) and RPO (heartbeats on the writer).
  const health = sandboxHealthProbe({ sandbox, recordName: names.dns!.recordName, intervalMs: 1_000, consecutive: 3 });
  const run = await startRun({
    subject: { plan: plan.metadata.name, strategy: plan.strategy.name, target: 'sandbox', objectives: { rtoMs: plan.objectives.rto, rpoMs: plan.objectives.rpo } },
    operation: 'drill', drill: 'live', mode: 'ungraceful', runId, steps, clock, store: false,
    policies: plan.policies, concurrency: plan.concurrency, rollback: plan.rollback,
    probes: { health, heartbeat: sandboxHeartbeatProbe({ sandbox, app: names.app, intervalMs: 1_000 }), phaseHealth: { failback: health } },
  });

  // 5. The event stream: what a portal shows live.
  let events = 0;
  run.events.subscribe(() => void events++, { replay: true });
  run.events.on('service.restored', () => sandbox.faults.endRegionOutage(plan.regions.primary, clock.now()));
  run.events.on('step.failed', (e) => console.error(`${e.stepId}: ${e.error.message}`));

  // 6. The report: the firedrill.report/v1 contract.
  const report = await run.completion;
  return { status: report.status, rtoSeconds: report.rto.seconds, rpoSeconds: report.rpo.seconds, events };
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(await drillFromCode());
