import { isAbsolute, join, relative, resolve } from 'node:path';
import { FileRunStore } from '@firedrill/core';
import type { CliIo } from './cli-io.js';
import type { CommandOptions } from './command.js';

/** The plan path as the user typed it, resolved against the CLI's working directory. */
export function planPath(io: CliIo, file: string): string {
  if (isAbsolute(file)) return file;
  const path = relative(process.cwd(), resolve(io.cwd, file));
  return path === '' ? file : path;
}

/** The run store of `--state-dir` (default `.firedrill` in the working directory). */
export function runStore(io: CliIo, options: CommandOptions): FileRunStore {
  const dir = typeof options['state-dir'] === 'string' ? options['state-dir'] : '.firedrill';
  return new FileRunStore(isAbsolute(dir) ? dir : join(io.cwd, dir));
}
