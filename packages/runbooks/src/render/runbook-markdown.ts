import { formatDuration, type Plan, type StepDefinition } from '@firedrill/core';
import type { OperationChoice } from '../operation/operation-steps.js';
import { stepWaves } from '../operation/operation-steps.js';
import { awsCliCommand } from './aws-cli-command.js';

function stepSection(step: StepDefinition, number: string): string[] {
  const lines = [`### ${number}. ${step.title}`, '', `- [ ] **Step** \`${step.id}\` (${step.kind})${step.dependsOn?.length ? `, after ${step.dependsOn.map((d) => `\`${d}\``).join(', ')}` : ''}`];
  if (step.why) lines.push(`- **Why:** ${step.why}`);
  if (step.modes) lines.push(`- **Only in ${step.modes.join('/')} mode**`);
  if (step.kind === 'manual') lines.push(`- **Do by hand:** ${step.instruction}`);
  if (step.kind === 'approval') lines.push(`- **Approval** by ${step.approvers?.length ? step.approvers.join(' or ') : 'an authorised operator'}; write down who approved and when.`);
  const calls = step.preview?.() ?? [];
  if (calls.length > 0) {
    lines.push('- **AWS calls** (same inputs Firedrill sends):', '', '```sh', ...calls.map(awsCliCommand), '```', '');
  }
  if (step.verifyByHand) lines.push(`- **Verify:** ${step.verifyByHand}`);
  if (step.undoByHand) lines.push(`- **Undo:** ${step.undoByHand}`);
  lines.push('- Done at: ________  by: ________', '');
  return lines;
}

/**
 * The printable runbook of an operation: every step with what, why, the exact AWS call (as an AWS CLI command)
 * or console action, how to verify it and how to undo it, in the order they can run — usable when Firedrill
 * itself cannot run.
 */
export function runbookToMarkdown(plan: Plan, choice: OperationChoice, steps: readonly StepDefinition[]): string {
  const waves = stepWaves(steps);
  const title = `${choice.operation}${choice.drill ? ` (${choice.drill} drill)` : ''}, ${choice.mode}`;
  const lines = [
    `# Runbook: ${plan.metadata.name} — ${title}`,
    '',
    `Strategy **${plan.strategy.name}**, primary **${plan.regions.primary}**, recovery **${plan.regions.recovery}**. ` +
      `Objectives: RTO ${formatDuration(plan.objectives.rto)}, RPO ${formatDuration(plan.objectives.rpo)}.`,
    '',
    'Start the clock when the disaster is declared and write the time here: ________ (UTC). Steps in the same stage can be done at the same time.',
    '',
    // The calls are meant to be pasted: say what must be filled in first.
    'In the AWS calls, `<…>` marks a value known only when the step runs (the run id, what an earlier step found, what the step reads first): replace it before you run the call. A key whose placeholder says "if any" or "true if …" is sent only in that case: otherwise leave it out.',
    '',
  ];
  waves.forEach((wave, w) => {
    lines.push(`## Stage ${w + 1}${wave.length > 1 ? ' (in parallel)' : ''}`, '');
    wave.forEach((step, i) => lines.push(...stepSection(step, `${w + 1}.${i + 1}`)));
  });
  lines.push('## When service is back', '', 'Write the time the recovery endpoint answered: ________ (UTC). RTO = that time − the disaster time.', '');
  return lines.join('\n');
}
