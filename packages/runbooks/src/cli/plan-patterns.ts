import { existsSync, lstatSync, readdirSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import type { CliIo } from './cli-io.js';
import { UsageError } from './usage-error.js';

/** A plan file named on the command line: `pattern` is the glob it came through, absent when named explicitly. */
export interface NamedPlanFile {
  file: string;
  pattern?: string;
}

const GLOB_CHARS = /[*?[]/;

/** `*` and `?` within one path segment (never a leading dot, as in the shell), `[...]` a character class. */
function segmentRegExp(segment: string): RegExp {
  let source = '';
  for (let i = 0; i < segment.length; i++) {
    const c = segment[i]!;
    if (c === '*') source += '[^/]*';
    else if (c === '?') source += '[^/]';
    else if (c === '[' && segment.indexOf(']', i + 2) > i) {
      const end = segment.indexOf(']', i + 2);
      const body = segment.slice(i + 1, end).replace(/^!/, '^').replace(/\\/g, '\\\\');
      source += `[${body}]`;
      i = end;
    } else source += c.replace(/[.+^${}()|\\\]]/g, '\\$&');
  }
  return new RegExp(`^${segment.startsWith('.') ? '' : '(?!\\.)'}${source}$`);
}

function entries(dir: string): string[] {
  try {
    return readdirSync(dir).sort();
  } catch {
    return [];
  }
}

const kindOf = (path: string): 'file' | 'directory' | undefined => {
  try {
    const stat = statSync(path);
    return stat.isDirectory() ? 'directory' : stat.isFile() ? 'file' : undefined;
  } catch {
    return undefined;
  }
};
/** A real directory, not a link to one: `**` does not follow links, so a link loop cannot make it walk forever. */
const isRealDir = (path: string): boolean => {
  try {
    return lstatSync(path).isDirectory();
  } catch {
    return false;
  }
};

/** The files under `base` matching the segments; `**` matches any number of directories. */
function walk(base: string, shown: string, segments: string[]): string[] {
  const [segment, ...rest] = segments;
  if (segment === undefined) return kindOf(base) === 'file' ? [shown] : [];
  const at = (name: string): [string, string] => [join(base, name), shown === '' ? name : `${shown}/${name}`];
  if (segment === '**') {
    const deeper = entries(base).filter((n) => !n.startsWith('.') && isRealDir(join(base, n)));
    return [...walk(base, shown, rest), ...deeper.flatMap((n) => walk(...at(n), segments))];
  }
  if (!GLOB_CHARS.test(segment)) return walk(...at(segment), rest);
  const re = segmentRegExp(segment);
  return entries(base).filter((n) => re.test(n)).flatMap((n) => walk(...at(n), rest));
}

/**
 * Expands the plan arguments of a command that takes many plans. An argument with `*`, `?` or `[...]` that is no
 * existing file is a glob Firedrill expands itself (quoted, so the shell leaves it: `'plans/*.yaml'`); the files it
 * matches carry the pattern, so a command can treat them as "every plan there" rather than as named one by one.
 * A pattern that matches no file is a usage error.
 *
 * @example expandPlanPatterns(io, ['plans/*.yaml', 'extra.yaml'], 'schedule')
 * // [{ file: 'plans/a.yaml', pattern: 'plans/*.yaml' }, { file: 'extra.yaml' }]
 */
export function expandPlanPatterns(io: CliIo, args: readonly string[], command: string): NamedPlanFile[] {
  const files = new Map<string, NamedPlanFile>();
  for (const arg of args) {
    if (!GLOB_CHARS.test(arg) || existsSync(resolve(io.cwd, arg))) {
      files.set(arg, { file: arg }); // named explicitly: that wins over being matched by a pattern too
      continue;
    }
    const prefix = isAbsolute(arg) ? '/' : '';
    const matched = walk(prefix || io.cwd, '', arg.split('/').filter((s) => s !== '')).map((m) => `${prefix}${m}`);
    if (matched.length === 0) throw new UsageError(`firedrill ${command}: "${arg}" matches no file; check the pattern and the working directory (${io.cwd})`);
    for (const file of matched) if (!files.has(file)) files.set(file, { file, pattern: arg });
  }
  return [...files.values()];
}
