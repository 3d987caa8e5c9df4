import { parseArgs } from 'node:util';
import { type CliIo, EXIT, processIo } from './cli-io.js';
import type { CommandSpec } from './command.js';
import { COMMANDS } from './command-table.js';
import { describeFailure } from './describe-failure.js';
import { UsageError } from './usage-error.js';

/** The version printed by `firedrill --version`. */
export const VERSION = '0.1.0';

function overview(): string {
  const width = Math.max(...COMMANDS.map((c) => `${c.name} ${c.args}`.length));
  const lines = COMMANDS.map((c) => `  firedrill ${`${c.name} ${c.args}`.padEnd(width)}  ${c.summary}`);
  return `Firedrill ${VERSION}: disaster-recovery orchestration for AWS, with measured RTO and RPO.\n\nUsage:\n${lines.join('\n')}\n\nRun \`firedrill <command> --help\` for a command's options and an example.\nExit codes: 0 succeeded (objectives met), 1 failed or objectives missed, 2 bad input, 130 interrupted.\n`;
}

function commandHelp(spec: CommandSpec): string {
  const options = Object.entries(spec.options).map(([name, o]) => `  --${name}${o.type === 'string' ? ' <value>' : ''}  ${spec.optionHelp[name] ?? ''}`);
  return `firedrill ${spec.name} ${spec.args}\n  ${spec.summary}\n\nOptions:\n${options.join('\n') || '  (none)'}\n  --help  this help\n\nExample:\n  ${spec.example}\n`;
}

function parseCommand(spec: CommandSpec, argv: string[]): { positionals: string[]; options: Record<string, string | boolean | string[] | undefined> } {
  try {
    const parsed = parseArgs({ args: argv, options: { ...spec.options, help: { type: 'boolean' } }, allowPositionals: true, strict: true });
    return { positionals: parsed.positionals, options: parsed.values as Record<string, string | boolean | string[] | undefined> };
  } catch (error) {
    const known = Object.keys(spec.options).map((o) => `--${o}`).join(', ') || 'none';
    throw new UsageError(`firedrill ${spec.name}: ${(error as Error).message.replace(/\. To specify a positional.*$/s, '')}; options: ${known}. See \`firedrill ${spec.name} --help\`.`);
  }
}

/**
 * Runs the `firedrill` command line and resolves with its exit code. Never throws: a user error becomes a
 * message (no stack trace) and exit code 2; anything else exit code 1.
 *
 * @example
 * process.exitCode = await runCli(process.argv.slice(2));
 */
export async function runCli(argv: string[], io: CliIo = processIo()): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
    io.stdout.write(overview());
    return first === undefined ? EXIT.usage : EXIT.ok;
  }
  if (first === '--version' || first === '-v') {
    io.stdout.write(`${VERSION}\n`);
    return EXIT.ok;
  }
  const spec = COMMANDS.find((c) => c.name === first);
  try {
    if (!spec) throw new UsageError(`unknown command "${first}"; commands: ${COMMANDS.map((c) => c.name).join(', ')}. See \`firedrill --help\`.`);
    const { positionals, options } = parseCommand(spec, rest);
    if (options['help']) {
      io.stdout.write(commandHelp(spec));
      return EXIT.ok;
    }
    if (positionals.length < spec.positionals.min || positionals.length > spec.positionals.max) {
      throw new UsageError(`firedrill ${spec.name}: expected ${spec.args || 'no arguments'}, got ${positionals.length === 0 ? 'nothing' : positionals.map((p) => `"${p}"`).join(' ')}. Example: ${spec.example}`);
    }
    const command = await spec.load();
    return await command.run({ positionals, options, io });
  } catch (error) {
    const failure = describeFailure(error, Boolean(io.env['FIREDRILL_DEBUG']));
    io.stderr.write(`${failure.message}\n`);
    return failure.exitCode;
  }
}
