import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileRunStore, startRun, VirtualClock } from '@firedrill/core';
import { type CliIo, runCli } from '../src/index.js';

const examples = join(import.meta.dirname, '..', '..', 'core', 'examples');

function bufferIo(cwd = process.cwd()): CliIo & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    stdout: { write: (t: string) => (out += t) },
    stderr: { write: (t: string) => (err += t) },
    env: {},
    cwd,
    out: () => out,
    err: () => err,
  };
}

describe('firedrill command line', () => {
  it('prints its version and an overview with every command', async () => {
    const io = bufferIo();
    expect(await runCli(['--version'], io)).toBe(0);
    expect(io.out()).toMatch(/^\d+\.\d+\.\d+\n$/);
    const help = bufferIo();
    expect(await runCli(['--help'], help)).toBe(0);
    expect(help.out()).toContain('firedrill validate <plan>');
  });

  it('rejects an unknown command, an unknown flag and a missing argument with exit 2 and no stack trace', async () => {
    for (const argv of [['dril', 'plan.yaml'], ['validate', '--fast', 'plan.yaml'], ['validate']]) {
      const io = bufferIo();
      expect(await runCli(argv, io), argv.join(' ')).toBe(2);
      expect(io.err()).not.toMatch(/\n\s+at /);
      expect(io.err().length).toBeGreaterThan(10);
    }
    const io = bufferIo();
    await runCli(['validate', '--fast', 'plan.yaml'], io);
    expect(io.err()).toContain("Unknown option '--fast'");
    expect(io.err()).toContain('--json');
  });

  it('validates a plan, listing every problem with file, line and field, exit 2', async () => {
    const ok = bufferIo();
    expect(await runCli(['validate', join(examples, 'tabletop-drill.yaml')], ok)).toBe(0);
    expect(ok.out()).toContain('valid plan "tracking-app"');
    const dir = mkdtempSync(join(tmpdir(), 'firedrill-cli-'));
    writeFileSync(join(dir, 'plan.yaml'), 'apiVersion: firedrill.dev/v1\nmetadata: { name: x }\nobjectives: { rto: fast, rpo: 1m }\n');
    const bad = bufferIo(dir);
    expect(await runCli(['validate', 'plan.yaml'], bad)).toBe(2);
    expect(bad.err()).toMatch(/plan\.yaml:3: objectives\.rto: expected a duration such as "15m", got "fast"/);
    expect(bad.err()).toMatch(/plan\.yaml:\d+: regions: expected/);
    const missing = bufferIo(dir);
    expect(await runCli(['validate', 'nope.yaml'], missing)).toBe(2);
    expect(missing.err()).toContain('no such file');
  });

  it('renders a past run as JSON, Markdown and JUnit from its journal, and lists it in the history', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'firedrill-cli-'));
    const clock = new VirtualClock({ start: '2026-11-22T03:00:00Z' });
    const run = await startRun({
      subject: { plan: 'tracking-app', objectives: { rtoMs: 60_000, rpoMs: 60_000 } }, operation: 'failover', clock, store: new FileRunStore(join(dir, '.firedrill')),
      steps: [{ id: 'switch-dns', title: 'Point DNS at us-west-2', kind: 'action', restoresService: true, act: async (ctx) => ctx.clock.sleep(90_000, ctx.signal) }],
    });
    const report = await run.completion;
    const json = bufferIo(dir);
    expect(await runCli(['report', report.runId], json)).toBe(0);
    expect(JSON.parse(json.out())).toEqual(report);
    const md = bufferIo(dir);
    await runCli(['report', report.runId, '--format', 'md'], md);
    expect(md.out()).toContain('| RTO | 1m30s | step | 1m | ❌ missed |');
    const junit = bufferIo(dir);
    await runCli(['report', report.runId, '--format', 'junit'], junit);
    expect(junit.out()).toContain('<testcase name="objective.rto"');
    expect(junit.out()).toMatch(/<failure message="RTO 1m30s \(step\) against objective 1m: missed"/);
    // The suite carries the run's duration and an errors count, which CI dashboards read.
    expect(junit.out()).toMatch(/<testsuites name="firedrill" tests="3" failures="2" errors="0" time="90\.000">/);
    expect(junit.out()).toMatch(/<testsuite name="tracking-app\.failover" tests="3" failures="2" errors="0" skipped="0" time="90\.000" /);
    const bad = bufferIo(dir);
    expect(await runCli(['report', report.runId, '--format', 'pdf'], bad)).toBe(2);
    // --out: relative to the working directory, its folder created; a path that cannot be written is a usage error.
    const saved = bufferIo(dir);
    expect(await runCli(['report', report.runId, '--format', 'md', '--out', 'reports/drill.md'], saved)).toBe(0);
    expect(saved.out()).toBe(`${join('reports', 'drill.md')}\n`);
    expect(readFileSync(join(dir, 'reports', 'drill.md'), 'utf8')).toBe(md.out());
    for (const [out, why] of [['reports/drill.md/x.md', 'part of the path is a file, not a folder'], ['reports', 'it is a folder: name a file in it']] as const) {
      const unwritable = bufferIo(dir);
      expect(await runCli(['report', report.runId, '--out', out], unwritable), out).toBe(2);
      expect(unwritable.err()).toBe(`firedrill report: --out ${out}: cannot write ${join(dir, out)} (${why}); give a file path in a folder you can write to, or leave --out off to print to standard output.\n`);
    }
    const history = bufferIo(dir);
    expect(await runCli(['history', join(examples, 'tabletop-drill.yaml')], history)).toBe(0);
    expect(history.out()).toContain(report.runId);
    expect(history.out()).toContain('RTO 1m30s ✗');
  });

  it('iam-policy grants cloudwatch:GetMetricData where the plan reads replication lag (the graceful catch-up wait, check)', async () => {
    const runbookExamples = join(import.meta.dirname, '..', 'examples');
    for (const plan of ['pilot-light.yaml', 'multi-site.yaml']) {
      const io = bufferIo();
      expect(await runCli(['iam-policy', join(runbookExamples, plan)], io), io.err()).toBe(0);
      const policy = JSON.parse(io.out()) as { Statement: { Action: string[] }[] };
      expect(policy.Statement.flatMap((s) => s.Action), plan).toContain('cloudwatch:GetMetricData');
    }
  });
});
