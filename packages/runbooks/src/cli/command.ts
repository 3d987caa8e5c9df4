import type { ParseArgsConfig } from 'node:util';
import type { CliIo } from './cli-io.js';

/** Parsed options of a command, by name. */
export type CommandOptions = Record<string, string | boolean | string[] | undefined>;

/** One `firedrill` command. Its module is loaded only when it runs, so `--version` stays fast. */
export interface CommandSpec {
  name: string;
  /** `<plan>` style arguments, for help. */
  args: string;
  summary: string;
  /** A runnable example, shown in `--help`. */
  example: string;
  options: NonNullable<ParseArgsConfig['options']>;
  /** Help text per option. */
  optionHelp: Record<string, string>;
  /** How many positional arguments it takes. */
  positionals: { min: number; max: number; names: string[] };
  load: () => Promise<{ run: CommandRun }>;
}

/** What a command does, given its parsed arguments; resolves with the exit code. */
export type CommandRun = (input: { positionals: string[]; options: CommandOptions; io: CliIo }) => Promise<number>;
