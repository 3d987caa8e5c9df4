/**
 * A plan the schema accepts but its strategy cannot run (a pilot light with no database to promote): every command
 * that reads a plan says so before any AWS call — file, field, expected and found — exits 2, and changes nothing.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../packages/runbooks/src/index.js';
import { bufferIo as bufferedIo } from './support/buffer-io.js';

const examples = join(import.meta.dirname, '..', 'packages', 'runbooks', 'examples');

const bufferIo = (cwd: string) => bufferedIo(cwd, { env: {} });

/** The pilot-light example without its database resource and the heartbeat probe that named it. */
function pilotLightWithoutDatabase(dir: string): string {
  const text = readFileSync(join(examples, 'pilot-light.yaml'), 'utf8')
    .replace(/  database:\n    kind: rds-instance\n(    .*\n|      .*\n)+?(?=  compute:)/, '')
    .replace(/  heartbeat:\n    kind: sandbox\n    database: database\n    interval: 1s\n/, '');
  expect(text).not.toContain('kind: rds-instance');
  const file = join(dir, 'no-database.yaml');
  writeFileSync(file, text);
  return file;
}

describe('a plan its strategy cannot run', () => {
  // The commands that keep state get a state dir of their own, to see that nothing was written there.
  const commands: Array<[string, string[]]> = [
    ['validate', []],
    ['check', ['--target', 'sandbox', '--state-dir']],
    ['plan', ['--operation', 'failover']],
    ['render', ['--operation', 'failover']],
    ['iam-policy', []],
    ['failover', ['--target', 'sandbox', '--state-dir']],
    ['drill', ['--live', '--target', 'sandbox', '--state-dir']],
    ['runbook', ['--operation', 'failover', '--target', 'sandbox', '--as', 'sre', '--state-dir']],
    ['schedule', ['--once', '--target', 'sandbox', '--state-dir']],
  ];

  it.each(commands)('%s: exit 2 naming the file and the missing role, no stack trace, nothing written', async (command, flags) => {
    const dir = mkdtempSync(join(tmpdir(), 'firedrill-strategy-validation-'));
    const plan = pilotLightWithoutDatabase(dir);
    const stateDir = join(dir, 'state');
    const io = bufferIo(dir);
    const code = await runCli([command, plan, ...flags.map((f) => (f === '--state-dir' ? `--state-dir=${stateDir}` : f))], io);
    const said = io.err() + io.out();
    expect(code, said).toBe(2);
    expect(said).toContain(`${plan}: resources: pilot-light needs an rds-instance`);
    expect(said).toContain('found only compute (auto-scaling-group), dns (route53-record)');
    expect(said).not.toMatch(/\n\s+at /);
    // No run journal, no sandbox world: nothing started.
    expect(existsSync(stateDir) ? readdirSync(stateDir, { recursive: true }) : []).toEqual([]);
  });

  it('validate --json lists the strategy problem like a schema problem', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'firedrill-strategy-validation-'));
    const plan = pilotLightWithoutDatabase(dir);
    const io = bufferIo(dir);
    expect(await runCli(['validate', plan, '--json'], io)).toBe(2);
    expect(JSON.parse(io.out())).toEqual({
      valid: false,
      issues: [expect.objectContaining({ file: plan, path: 'resources', expected: 'an rds-instance (or aurora-global-cluster) resource', found: 'compute (auto-scaling-group), dns (route53-record)' })],
    });
  });

  it('an unknown strategy name is a problem of the field strategy.name, listing the known ones', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'firedrill-strategy-validation-'));
    const plan = join(dir, 'typo.yaml');
    writeFileSync(plan, readFileSync(join(examples, 'warm-standby.yaml'), 'utf8').replace('name: warm-standby', 'name: warm-stanby'));
    const io = bufferIo(dir);
    expect(await runCli(['validate', plan], io)).toBe(2);
    expect(io.err()).toContain(`${plan}: strategy.name: expected one of backup-restore, in-region, multi-site, pilot-light, warm-standby, got "warm-stanby"`);
  });
});

describe('a plan with the sandbox\'s probes, run against real AWS', () => {
  it.each([
    ['failover', ['--yes']], ['failback', ['--yes']], ['drill', ['--live', '--yes']], ['runbook', ['--operation', 'failover', '--as', 'sre']],
  ])('%s --target aws: exit 2 naming the file and the probe fields, before any AWS call; nothing written', async (command, flags) => {
    const dir = mkdtempSync(join(tmpdir(), 'firedrill-aws-probes-'));
    const stateDir = join(dir, 'state');
    const io = bufferIo(dir);
    const plan = join(examples, 'warm-standby.yaml');
    const code = await runCli([command, plan, '--target', 'aws', `--state-dir=${stateDir}`, ...flags], io);
    const said = io.err() + io.out();
    expect(code, said).toBe(2);
    expect(said).toContain(`${plan}: probes.health and probes.heartbeat: kind "sandbox" probes the simulated AWS only, so --target aws cannot run with it.`);
    expect(said).toContain('probes.health of kind http');
    expect(said).not.toMatch(/\n\s+at /);
    expect(existsSync(stateDir) ? readdirSync(stateDir, { recursive: true }) : []).toEqual([]);
  });
});

describe('a drill its strategy cannot run (in-region has no isolated drill)', () => {
  it.each([
    ['drill', ['--target', 'sandbox', '--state-dir']],
    ['drill', ['--isolated', '--target', 'sandbox', '--state-dir']],
    ['plan', ['--operation', 'drill']],
    ['render', ['--operation', 'drill']],
  ])('%s %s: exit 2 saying what to run instead, nothing journaled', async (command, flags) => {
    const dir = mkdtempSync(join(tmpdir(), 'firedrill-drill-kind-'));
    const plan = join(dir, 'aurora.yaml');
    writeFileSync(plan, readFileSync(join(examples, 'aurora-mysql-in-region.yaml'), 'utf8'));
    const stateDir = join(dir, 'state');
    const io = bufferIo(dir);
    const code = await runCli([command, plan, ...flags.map((f) => (f === '--state-dir' ? `--state-dir=${stateDir}` : f))], io);
    const said = io.err() + io.out();
    expect(code, said).toBe(2);
    expect(said).toContain(`${plan}: strategy in-region cannot run an isolated drill`);
    expect(said).toContain(`firedrill drill ${plan} --live`);
    expect(existsSync(stateDir) ? readdirSync(stateDir, { recursive: true }) : []).toEqual([]);
  });
});
