import { getStrategy } from '@firedrill/strategies';
import { EXIT } from '../cli-io.js';
import type { CommandRun } from '../command.js';
import { planPath, runStore } from '../plan-path.js';
import { openSession, targetOf } from '../../operation/open-session.js';
import { registerBuiltins } from '../../operation/register-builtins.js';
import { loadRunnablePlan } from '../../operation/load-runnable-plan.js';
import { checkResult } from '../../render/check-result.js';

const MARK = { pass: '✔', warn: '!', fail: '✖' } as const;

/** `firedrill check <plan>`: readiness findings; changes nothing. Exit 0 when nothing fails, 1 otherwise. */
export const run: CommandRun = async ({ positionals, options, io }) => {
  const source = await loadRunnablePlan(planPath(io, positionals[0]!));
  registerBuiltins();
  const strategy = getStrategy(source.plan.strategy.name, source.file);
  const session = await openSession(targetOf('check', source, options), source, runStore(io, options).dir);
  const findings = await strategy.check({ plan: source.plan, aws: session.aws });
  const failed = findings.filter((f) => f.status === 'fail').length;
  const warned = findings.filter((f) => f.status === 'warn').length;
  if (options['json']) {
    io.stdout.write(`${JSON.stringify(checkResult(source.plan.metadata.name, findings), null, 2)}\n`);
  } else {
    for (const f of findings) {
      io.stdout.write(`${MARK[f.status]} ${f.check.padEnd(28)} ${f.resource} (${f.region}): ${f.message}${f.action && f.status !== 'pass' ? `\n    → ${f.action}` : ''}\n`);
    }
    io.stdout.write(`\n${source.plan.metadata.name}: ${failed === 0 ? 'READY' : 'NOT READY'} — ${findings.length - failed - warned} pass, ${warned} warn, ${failed} fail\n`);
  }
  return failed === 0 ? EXIT.ok : EXIT.failed;
};
