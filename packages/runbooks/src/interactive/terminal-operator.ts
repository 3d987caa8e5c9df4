import { createInterface, type Interface } from 'node:readline';
import { CHOICE_LABELS, type OperatorChoice, type OperatorDecision, type OperatorPrompt, type RunbookOperator } from './operator.js';

/** The key that picks each choice; keys are unique within every prompt (run, retry and resume never meet). */
const KEYS: Record<OperatorChoice, string> = {
  run: 'r',
  retry: 'r',
  resume: 'r',
  skip: 's',
  done: 'd',
  approve: 'y',
  ungraceful: 'u',
  wait: 'w',
  pause: 'p',
  abort: 'a',
  quit: 'q',
};

const SHORT: Record<OperatorChoice, string> = {
  run: 'run', retry: 'retry', resume: 'resume', skip: 'skip', done: 'done by hand', approve: 'approve', ungraceful: 'switch to ungraceful',
  wait: 'wait', pause: 'pause', abort: 'abort', quit: 'quit (resume later)',
};

const HEADINGS: Record<OperatorPrompt['kind'], string> = {
  ready: 'ready',
  failed: 'FAILED',
  approval: 'approval needed',
  manual: 'manual step',
  'primary-unreachable': 'PRIMARY UNREACHABLE?',
  paused: 'paused',
};

/** Options of {@link TerminalOperator}. */
export interface TerminalOperatorOptions {
  /** Who is at the keyboard. */
  name: string;
  input: NodeJS.ReadableStream & { isTTY?: boolean };
  output: NodeJS.WritableStream & { isTTY?: boolean };
  color: boolean;
}

/**
 * The operator at a terminal: each question is drawn as a card (the step, why, the exact AWS calls or the
 * manual instruction, what is running) with one key per answer. Approvals ask the approver's name; skips,
 * marks and aborts ask for an optional note, which goes into the journal. Ctrl-C or end of input quits —
 * the run is kept for `firedrill resume`. Progress lines printed while a question is open are written above
 * it and the question is drawn again.
 */
export class TerminalOperator implements RunbookOperator {
  readonly name: string;
  readonly thinksInRealTime = true;
  readonly #rl: Interface;
  readonly #output: TerminalOperatorOptions['output'];
  readonly #color: boolean;
  readonly #lines: string[] = [];
  #waiting: ((line: string | undefined) => void) | undefined;
  #interrupt: () => void = () => {};
  readonly interrupted = new Promise<void>((resolve) => (this.#interrupt = resolve));
  #closed = false;
  #asking = false;

  constructor(options: TerminalOperatorOptions) {
    this.name = options.name;
    this.#output = options.output;
    this.#color = options.color;
    this.#rl = createInterface({ input: options.input, output: options.output, terminal: Boolean(options.input.isTTY && options.output.isTTY) });
    this.#rl.on('line', (line) => this.#deliver(line));
    // Ctrl-C at a question means "stop here for now", not "kill the run mid-call"; between questions, the same.
    this.#rl.on('SIGINT', () => (this.#waiting ? this.#deliver(undefined) : this.#interrupt()));
    this.#rl.on('close', () => {
      this.#closed = true;
      this.#deliver(undefined);
    });
  }

  #deliver(line: string | undefined): void {
    const waiting = this.#waiting;
    if (waiting) {
      this.#waiting = undefined;
      waiting(line);
    } else if (line !== undefined) this.#lines.push(line);
  }

  #paint(code: number, text: string): string {
    return this.#color ? `\u001b[${code}m${text}\u001b[0m` : text;
  }

  /** Reads one answer line; `undefined` on Ctrl-C or end of input. */
  #ask(question: string): Promise<string | undefined> {
    const buffered = this.#lines.shift();
    this.#rl.setPrompt(question);
    if (buffered !== undefined) {
      this.#output.write(`${question}${buffered}\n`);
      return Promise.resolve(buffered);
    }
    if (this.#closed) return Promise.resolve(undefined);
    this.#asking = true;
    this.#rl.prompt();
    return new Promise((resolve) => {
      this.#waiting = (line) => {
        this.#asking = false;
        resolve(line);
      };
    });
  }

  #card(prompt: OperatorPrompt): string {
    const { step } = prompt;
    const out: string[] = [''];
    const heading = `── ${HEADINGS[prompt.kind]}${step ? ` · ${step.id} (${step.kind})` : ` · run ${prompt.run.runId}`} `;
    out.push(this.#paint(prompt.kind === 'failed' || prompt.kind === 'primary-unreachable' ? 31 : 36, heading.padEnd(72, '─')));
    if (step) out.push(this.#paint(1, step.title));
    if (prompt.reason) out.push(`  ${this.#paint(33, '⚠')} ${prompt.reason}`);
    if (step?.why) out.push(`  why: ${step.why}`);
    if (step?.instruction) out.push(`  by hand: ${step.instruction}`);
    if (step?.approvers) out.push(`  approvers: ${step.approvers.join(', ')}`);
    for (const call of step?.calls ?? []) out.push(`  calls: ${[call.service, call.region, call.command].filter(Boolean).join(' ')} ${JSON.stringify(call.input ?? {})}`);
    if (step?.error) out.push(`  ${this.#paint(31, 'error')}${step.attempts ? ` after ${step.attempts} attempt(s)` : ''}: ${step.error.code && !step.error.message.startsWith(`${step.error.code}:`) ? `${step.error.code}: ` : ''}${step.error.message}`);
    if (step?.progress && prompt.kind !== 'ready') out.push(`  last progress: ${step.progress}`);
    if (prompt.run.running.length > 0) out.push(`  running now: ${prompt.run.running.join(', ')}`);
    out.push(`  mode: ${prompt.run.mode}`);
    out.push(`  ${prompt.choices.map((c) => `[${KEYS[c]}] ${SHORT[c]}`).join('  ')}   [?] help`);
    return out.join('\n');
  }

  #choiceOf(answer: string, prompt: OperatorPrompt): OperatorChoice | undefined {
    const text = answer.trim().toLowerCase();
    return prompt.choices.find((c) => KEYS[c] === text || c === text);
  }

  async decide(prompt: OperatorPrompt): Promise<OperatorDecision> {
    this.#output.write(`${this.#card(prompt)}\n`);
    for (;;) {
      const answer = await this.#ask('> ');
      if (answer === undefined) return { choice: 'quit', note: 'operator left (Ctrl-C or end of input)' };
      if (answer.trim() === '?') {
        for (const c of prompt.choices) this.#output.write(`  ${KEYS[c]}  ${CHOICE_LABELS[c]}\n`);
        continue;
      }
      const choice = this.#choiceOf(answer, prompt);
      if (!choice) {
        this.#output.write(`  "${answer.trim()}" is not an answer here: type one of ${prompt.choices.map((c) => KEYS[c]).join(', ')} (or ? for help)\n`);
        continue;
      }
      if (choice === 'approve') {
        const who = await this.#ask(`approver's name [${this.name}]: `);
        if (who === undefined) return { choice: 'quit', note: 'operator left (Ctrl-C or end of input)' };
        return { choice, by: who.trim() || this.name };
      }
      if (choice === 'done' || choice === 'skip' || choice === 'abort' || choice === 'ungraceful') {
        const note = await this.#ask(`note for the journal (optional): `);
        if (note === undefined) return { choice: 'quit', note: 'operator left (Ctrl-C or end of input)' };
        return { choice, ...(note.trim() ? { note: note.trim() } : {}) };
      }
      return { choice };
    }
  }

  show(line: string): void {
    if (this.#asking) {
      // Keep the open question at the bottom: print the line above it and draw the question again.
      this.#output.write(`\r\u001b[2K${line}\n`);
      this.#rl.prompt(true);
    } else this.#output.write(`${line}\n`);
  }

  close(): void {
    this.#closed = true;
    this.#rl.close();
  }
}
