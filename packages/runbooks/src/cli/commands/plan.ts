import { realClock } from '@firedrill/core';
import { AwsEnvironment, RUN_ID_PLACEHOLDER } from '@firedrill/strategies';
import { EXIT } from '../cli-io.js';
import type { CommandRun } from '../command.js';
import { planPath } from '../plan-path.js';
import { operationChoice } from '../../operation/operation-options.js';
import { operationSteps, stepWaves } from '../../operation/operation-steps.js';
import { loadRunnablePlan } from '../../operation/load-runnable-plan.js';

/**
 * `firedrill plan <plan> --operation <op>`: the dry run. Builds the steps; makes no AWS call. No run exists yet, so
 * what a run derives from its id (drill names, tags) is previewed as a placeholder.
 */
export const run: CommandRun = async ({ positionals, options, io }) => {
  const source = await loadRunnablePlan(planPath(io, positionals[0]!));
  const choice = operationChoice('plan', options);
  const aws = new AwsEnvironment({ plan: source.plan, clock: realClock });
  const { steps } = operationSteps(source, choice, aws, RUN_ID_PLACEHOLDER);
  const waves = stepWaves(steps);
  const iam = [...new Set(steps.flatMap((s) => (s.preview?.() ?? []).flatMap((c) => c.iamActions ?? [])))].sort();
  if (options['json']) {
    io.stdout.write(`${JSON.stringify({
      plan: source.plan.metadata.name, ...choice,
      waves: waves.map((wave) => wave.map((s) => ({ id: s.id, title: s.title, kind: s.kind, dependsOn: s.dependsOn ?? [], calls: s.preview?.() ?? [], ...(s.kind === 'manual' ? { instruction: s.instruction } : {}) }))),
      iamActions: iam,
    }, null, 2)}\n`);
    return EXIT.ok;
  }
  const out: string[] = [`Dry run: ${source.plan.metadata.name} ${choice.operation}${choice.drill ? ` (${choice.drill})` : ''}, ${choice.mode}, strategy ${source.plan.strategy.name}, ${source.plan.regions.primary} → ${source.plan.regions.recovery}`, ''];
  waves.forEach((wave, i) => {
    out.push(`Stage ${i + 1}${wave.length > 1 ? ` — ${wave.length} steps in parallel` : ''}`);
    for (const step of wave) {
      const tag = step.kind === 'action' ? '' : ` [${step.kind}]`;
      out.push(`  ${step.id}${tag}: ${step.title}${step.modes ? ` (${step.modes.join('/')} only)` : ''}`);
      if (step.kind === 'manual') out.push(`      by hand: ${step.instruction}`);
      for (const call of step.preview?.() ?? []) out.push(`      ${call.service} ${call.region ?? ''} ${call.command} ${JSON.stringify(call.input ?? {})}`);
    }
  });
  out.push('', `IAM actions (${iam.length}): ${iam.join(', ')}`, 'No AWS call was made.', '');
  io.stdout.write(out.join('\n'));
  return EXIT.ok;
};
