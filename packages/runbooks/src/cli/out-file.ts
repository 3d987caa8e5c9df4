import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import type { CliIo } from './cli-io.js';
import { UsageError } from './usage-error.js';

/**
 * Writes a command's `--out` file, relative to the working directory, creating its folder (`--out reports/drill.md`
 * in a fresh checkout). A path that cannot be written is a usage error naming the option, the path, why and what
 * to do — exit code 2, like any other bad argument. Returns the path as the user would type it.
 *
 * @example const shown = writeOutFile(io, 'report', options['out'], markdown);
 */
export function writeOutFile(io: CliIo, command: string, out: string, text: string): string {
  const path = resolve(io.cwd, out);
  try {
    makeFolders(dirname(path));
    writeFileSync(path, text);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'EISDIR' ? 'it is a folder: name a file in it'
      : code === 'EEXIST' || code === 'ENOTDIR' ? 'part of the path is a file, not a folder'
      : code === 'EACCES' || code === 'EPERM' || code === 'EROFS' ? 'permission denied'
      : (error as Error).message;
    throw new UsageError(`firedrill ${command}: --out ${out}: cannot write ${path} (${why}); give a file path in a folder you can write to, or leave --out off to print to standard output.`);
  }
  return isAbsolute(out) ? out : relative(io.cwd, path);
}

/**
 * Creates the missing folders of `dir` one level at a time, top down. Node 20's recursive mkdir spins forever on a
 * path under /proc; one level at a time fails there like anywhere else.
 */
function makeFolders(dir: string): void {
  if (existsSync(dir)) return;
  makeFolders(dirname(dir));
  mkdirSync(dir);
}
