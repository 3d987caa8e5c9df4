import type { CliIo } from '../cli/cli-io.js';

/** How a run's progress is shown: a JSON report at the end, the live step tree, or timestamped lines. */
export interface ProgressOutput {
  json: boolean;
  /** Colour codes: a terminal without `NO_COLOR`. */
  color: boolean;
  /** The live step tree: a terminal, not CI, not `--json`, not `TERM=dumb`. */
  tree: boolean;
}

/** True when `CI` is set (to anything but `false` or `0`), as CI services do. */
export function inCi(env: CliIo['env']): boolean {
  const ci = env['CI'];
  return ci !== undefined && ci !== 'false' && ci !== '0';
}

/**
 * Picks the output of `drill`, `failover`, `failback`, `demo` and `resume`: `--json` prints the report only;
 * on a terminal (stdout a TTY, `CI` not set, `TERM` not `dumb`) the live step tree is drawn; otherwise plain
 * timestamped lines. `NO_COLOR` turns colour off but keeps the tree.
 */
export function progressOutput(io: CliIo, json: boolean): ProgressOutput {
  const tty = Boolean(io.stdout.isTTY);
  return {
    json,
    color: tty && io.env['NO_COLOR'] === undefined,
    tree: !json && tty && !inCi(io.env) && io.env['TERM'] !== 'dumb',
  };
}
