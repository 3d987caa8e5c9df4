/**
 * How to type a `firedrill` command so that it runs the way the current one did, for output that suggests the next
 * command. Run through the repository's package script (`npx -y pnpm@10.34.9 demo`, as the README's first lines
 * do), the CLI is no command on the PATH: `firedrill plan …` pasted into that shell is "command not found", so the
 * suggestion goes through the same pnpm, which runs it from the repository root as the demo itself ran. Otherwise
 * (the installed `bin/firedrill.mjs`) it is plain `firedrill`.
 *
 * @example firedrillInvocation(process.env) // 'npx -y pnpm@10.34.9 firedrill' under `npx -y pnpm@10.34.9 demo`
 */
export function firedrillInvocation(env: Readonly<Record<string, string | undefined>>): string {
  const script = env['npm_lifecycle_event'];
  if (env['npm_package_name'] !== 'firedrill' || (script !== 'demo' && script !== 'firedrill')) return 'firedrill';
  // pnpm sets `pnpm/<version> npm/? node/<version> <os> <arch>`; npm sets `npm/<version> …`.
  const pnpm = /^pnpm\/(\S+)/.exec(env['npm_config_user_agent'] ?? '');
  return pnpm ? `npx -y pnpm@${pnpm[1]} firedrill` : 'npm run firedrill --';
}
