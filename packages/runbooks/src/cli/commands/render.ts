import { realClock } from '@firedrill/core';
import { AwsEnvironment } from '@firedrill/strategies';
import { EXIT } from '../cli-io.js';
import type { CommandRun } from '../command.js';
import { planPath } from '../plan-path.js';
import { writeOutFile } from '../out-file.js';
import { operationChoice } from '../../operation/operation-options.js';
import { operationSteps } from '../../operation/operation-steps.js';
import { runbookToMarkdown } from '../../render/runbook-markdown.js';
import { loadRunnablePlan } from '../../operation/load-runnable-plan.js';

/** `firedrill render <plan> --operation <op>`: the printable Markdown runbook. */
export const run: CommandRun = async ({ positionals, options, io }) => {
  const source = await loadRunnablePlan(planPath(io, positionals[0]!));
  const choice = operationChoice('render', options);
  const { steps } = operationSteps(source, choice, new AwsEnvironment({ plan: source.plan, clock: realClock }), 'paper-runbook');
  const markdown = runbookToMarkdown(source.plan, choice, steps);
  if (typeof options['out'] === 'string') io.stdout.write(`wrote ${writeOutFile(io, 'render', options['out'], markdown)}\n`);
  else io.stdout.write(markdown);
  return EXIT.ok;
};
