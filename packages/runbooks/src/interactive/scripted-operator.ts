import type { OperatorChoice, OperatorDecision, OperatorPrompt, PromptKind, RunbookOperator } from './operator.js';

/** One scripted answer: what it expects to be asked (optional), and what it answers. */
export interface ScriptedAnswer {
  /** The prompt this answer is for; a different prompt fails the script with a message saying what was asked. */
  expect?: { kind?: PromptKind; stepId?: string };
  choice: OperatorChoice;
  by?: string;
  note?: string;
}

/**
 * An answer, or a function that answers any prompt (`undefined`: go on to the next entry). A function may do
 * what a person would before answering (a console action before "done by hand") and answer asynchronously.
 */
export type ScriptEntry = ScriptedAnswer | ((prompt: OperatorPrompt) => OperatorDecision | undefined | Promise<OperatorDecision | undefined>);

/**
 * An operator that answers from a script: for tests, chat-ops bots and rehearsed game days. Entries are used
 * in order; a function entry stays in use while it answers. It keeps every prompt it saw and every line it
 * was shown, so tests can assert what an operator would have read.
 *
 * @example
 * const operator = new ScriptedOperator('ana', [
 *   (prompt) => (prompt.kind === 'ready' ? { choice: 'run' } : undefined),
 * ]);
 */
export class ScriptedOperator implements RunbookOperator {
  readonly name: string;
  readonly prompts: OperatorPrompt[] = [];
  readonly shown: string[] = [];
  readonly #script: ScriptEntry[];

  constructor(name: string, script: ScriptEntry[]) {
    this.name = name;
    this.#script = [...script];
  }

  async decide(prompt: OperatorPrompt): Promise<OperatorDecision> {
    this.prompts.push(prompt);
    while (this.#script.length > 0) {
      const entry = this.#script[0]!;
      if (typeof entry === 'function') {
        const answer = await entry(prompt);
        if (answer) return answer;
        this.#script.shift();
        continue;
      }
      const { expect } = entry;
      if ((expect?.kind && expect.kind !== prompt.kind) || (expect?.stepId && expect.stepId !== prompt.step?.id)) {
        throw new Error(`scripted operator expected ${expect.kind ?? 'any'} prompt for ${expect.stepId ?? 'any step'}, was asked ${describe(prompt)}`);
      }
      this.#script.shift();
      return { choice: entry.choice, ...(entry.by ? { by: entry.by } : {}), ...(entry.note ? { note: entry.note } : {}) };
    }
    throw new Error(`scripted operator ran out of answers; was asked ${describe(prompt)}`);
  }

  show(line: string): void {
    this.shown.push(line);
  }

  close(): void {}
}

function describe(prompt: OperatorPrompt): string {
  return `${prompt.kind}${prompt.step ? ` for ${prompt.step.id}` : ''} (choices: ${prompt.choices.join(', ')})`;
}
