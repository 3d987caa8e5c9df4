import { realClock } from '@firedrill/core';
import { AwsEnvironment, RUN_ID_PLACEHOLDER } from '@firedrill/strategies';
import { EXIT } from '../cli-io.js';
import type { CommandRun } from '../command.js';
import { planPath } from '../plan-path.js';
import { writeOutFile } from '../out-file.js';
import { operationChoice } from '../../operation/operation-options.js';
import { operationSteps } from '../../operation/operation-steps.js';
import { runbookToMarkdown } from '../../render/runbook-markdown.js';
import { loadRunnablePlan } from '../../operation/load-runnable-plan.js';

/**
 * `firedrill render <plan> --operation <op>`: the printable Markdown runbook. Printed before any run, so what a run
 * derives from its id is shown as a placeholder for the person who runs it.
 */
export const run: CommandRun = async ({ positionals, options, io }) => {
  const source = await loadRunnablePlan(planPath(io, positionals[0]!));
  const choice = operationChoice('render', options);
  const { steps } = operationSteps(source, choice, new AwsEnvironment({ plan: source.plan, clock: realClock }), RUN_ID_PLACEHOLDER);
  const markdown = runbookToMarkdown(source.plan, choice, steps);
  if (typeof options['out'] === 'string') io.stdout.write(`wrote ${writeOutFile(io, 'render', options['out'], markdown)}\n`);
  else io.stdout.write(markdown);
  return EXIT.ok;
};
