/**
 * Runs an operation of a plan on its sandbox world the way `firedrill failover|failback|drill --target sandbox`
 * does, and records every AWS call with the input the SDK was given and the step that made it — the truth a
 * previewed call (`firedrill plan`, `firedrill render`) is held to.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { newRunId, type PlanSource, type RunReport, type StepDefinition, startRun } from '@firedrill/core';
import type { Sandbox } from '@firedrill/sandbox';
import { AwsEnvironment, type AwsClientTarget, type AwsPluggable, operationName } from '@firedrill/strategies';
import { type OperationChoice, operationSteps } from '../../packages/runbooks/src/operation/operation-steps.js';
import type { TargetSession } from '../../packages/runbooks/src/operation/target-session.js';

/** One call a step made, with its input as JSON (Dates as ISO strings, as the AWS CLI takes them). */
export interface StepCall {
  stepId: string;
  service: string;
  region: string;
  command: string;
  input: Record<string, unknown>;
}

const asJson = (input: unknown): Record<string, unknown> => JSON.parse(JSON.stringify(input ?? {})) as Record<string, unknown>;

/**
 * Each step's functions run in an async context that names the step, so the recorder (a client middleware, far
 * from the engine) can tell which step sent a call — the engine's own attribution only counts calls.
 */
function attributed(steps: readonly StepDefinition[], current: AsyncLocalStorage<string>): StepDefinition[] {
  return steps.map((step) => {
    const wrapped: Record<string, unknown> = { ...step };
    for (const [key, value] of Object.entries(step)) {
      if (typeof value !== 'function' || key === 'preview') continue;
      wrapped[key] = (...args: unknown[]) => current.run(step.id, () => (value as (...a: unknown[]) => unknown)(...args));
    }
    return wrapped as unknown as StepDefinition;
  });
}

/**
 * Runs `choice` on the session's sandbox to its end and returns the report and every call made, by step. The
 * session's own probes and outage injection are used, as the CLI uses them.
 */
export async function runRecordingCalls(source: PlanSource, choice: OperationChoice, session: TargetSession & { sandbox: Sandbox }): Promise<{ report: RunReport; calls: StepCall[] }> {
  const { plan } = source;
  const current = new AsyncLocalStorage<string>();
  const calls: StepCall[] = [];
  const recorder = (target: AwsClientTarget): AwsPluggable => ({
    applyToStack: (stack) => {
      stack.add((next, context) => async (args) => {
        const stepId = current.getStore();
        if (stepId !== undefined) {
          const region = target.service === 'route53' ? 'us-east-1' : target.region;
          calls.push({ stepId, service: target.service, region, command: operationName(context.commandName ?? 'Unknown'), input: asJson(args.input) });
        }
        return next(args);
      }, { step: 'initialize', priority: 'high', name: 'previewTruthRecorder', override: true });
    },
  });
  const sandboxPlugin = (target: { region: string; account?: string }): AwsPluggable => session.sandbox.pluginFor(target) as unknown as AwsPluggable;
  const aws = new AwsEnvironment({ plan, clock: session.clock, plugins: [recorder, sandboxPlugin] });
  const runId = newRunId(plan.metadata.name, session.clock);
  const built = operationSteps(source, choice, aws, runId, session.injectDisaster ? { injectDisaster: session.injectDisaster } : {});
  if (choice.operation === 'failback') session.endDisaster?.();
  const probes = { ...session.probes(source, choice.operation, choice.drill), ...(built.probes ?? {}) };
  const run = await startRun({
    subject: { plan: plan.metadata.name, strategy: plan.strategy.name, target: 'sandbox', objectives: { rtoMs: plan.objectives.rto, rpoMs: plan.objectives.rpo } },
    runId, operation: choice.operation, mode: choice.mode, ...(choice.drill ? { drill: choice.drill } : {}),
    steps: attributed(built.steps, current), clock: session.clock, store: false, probes,
    concurrency: plan.concurrency, rollback: choice.drill === 'isolated' ? 'always' : plan.rollback, policies: plan.policies,
  });
  if (choice.drill === 'live' && session.endDisaster) {
    const end = session.endDisaster;
    const off = run.events.on('service.restored', () => {
      off();
      end();
    });
  }
  return { report: await run.completion, calls };
}
