import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { VirtualClock } from '@firedrill/core';
import { buildMultiSiteScenario, planForMultiSiteScenario } from '@firedrill/sandbox';
import { runCli } from '@firedrill/runbooks';
import { bufferIo } from './support/buffer-io.js';

/** A plan written from the sandbox's multi-site scenario, as a user would keep it in a repository. */
async function multiSitePlan(): Promise<{ dir: string; plan: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'firedrill-cli-sandbox-'));
  const { names } = await buildMultiSiteScenario({ clock: new VirtualClock(), app: 'checkout', regions: ['us-west-2', 'us-east-1'] });
  writeFileSync(join(dir, 'checkout.yaml'), stringify(planForMultiSiteScenario(names, { parameters: { soak: '1m', rampSoak: '30s' } })));
  return { dir, plan: 'checkout.yaml' };
}

describe('firedrill on the sandbox, end to end', () => {
  it('dry-runs, renders the paper runbook and derives the IAM policy without any AWS call', async () => {
    const { dir, plan } = await multiSitePlan();
    const dry = bufferIo(dir);
    expect(await runCli(['plan', plan, '--operation', 'failover', '--mode', 'ungraceful'], dry)).toBe(0);
    expect(dry.out()).toMatch(/Stage 1 — \d+ steps in parallel/);
    expect(dry.out()).toContain('FailoverGlobalCluster');
    expect(dry.out()).toContain('No AWS call was made.');
    const paper = bufferIo(dir);
    expect(await runCli(['render', plan, '--operation', 'failover', '--mode', 'ungraceful'], paper)).toBe(0);
    expect(paper.out()).toContain('# Runbook: checkout-multi-site — failover, ungraceful');
    expect(paper.out()).toMatch(/aws rds failover-global-cluster --region us-east-1 --cli-input-json '\{.*"AllowDataLoss":true/);
    expect(paper.out()).toContain('- **Verify:**');
    const iam = bufferIo(dir);
    expect(await runCli(['iam-policy', plan], iam)).toBe(0);
    const policy = JSON.parse(iam.out()) as { Statement: { Action: string[] }[] };
    const actions = policy.Statement.flatMap((s) => s.Action);
    expect(actions).toEqual(expect.arrayContaining(['rds:FailoverGlobalCluster', 'rds:SwitchoverGlobalCluster', 'route53:ChangeResourceRecordSets', 'autoscaling:UpdateAutoScalingGroup']));
    const wrong = bufferIo(dir);
    expect(await runCli(['plan', plan, '--operation', 'failovr'], wrong)).toBe(2);
    expect(wrong.err()).toContain('--operation: expected one of failover, failback, drill, got "failovr"');
  });

  it('checks readiness, runs a live drill with both phases measured, and lists it in the history', { timeout: 60_000 }, async () => {
    const { dir, plan } = await multiSitePlan();
    const check = bufferIo(dir);
    const checked = await runCli(['check', plan, '--target', 'sandbox'], check);
    expect(checked, check.out() + check.err()).toBe(0);
    expect(check.out()).toContain('checkout-multi-site: READY');
    const drill = bufferIo(dir);
    const code = await runCli(['drill', plan, '--live', '--target', 'sandbox'], drill);
    expect(drill.out()).toContain('⚠ disaster declared');
    expect(drill.out()).toMatch(/drill \(live drill\) of checkout-multi-site: SUCCEEDED/);
    expect(drill.out()).toMatch(/phase failback: RTO \d/);
    expect(code, drill.out()).toBe(0);
    const runId = /run (checkout-multi-site-\S+),/.exec(drill.out())![1]!;
    const json = bufferIo(dir);
    expect(await runCli(['report', runId], json)).toBe(0);
    const report = JSON.parse(json.out()) as { status: string; phases: { name: string }[]; rto: { seconds: number } };
    expect(report.status).toBe('succeeded');
    expect(report.phases.map((p) => p.name)).toEqual(['failover', 'failback']);
    const history = bufferIo(dir);
    expect(await runCli(['history', plan], history)).toBe(0);
    expect(history.out()).toContain(runId);
  });
});

describe('firedrill demo', () => {
  it('runs a live warm-standby drill end to end with RTO and RPO measured against the objectives', { timeout: 60_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'firedrill-demo-'));
    const demo = bufferIo(dir);
    expect(await runCli(['demo'], demo), demo.out()).toBe(0);
    expect(demo.out()).toMatch(/drill \(live drill\) of tracking-app: SUCCEEDED/);
    expect(demo.out()).toMatch(/RTO \d+m\d+s \(health-probe\) — objective 15m: met/);
    expect(demo.out()).toMatch(/RPO \d+s ±1s \(heartbeat\) — objective 1m: met/);
    expect(demo.out()).toMatch(/phase failback: RTO \d/);
    expect(demo.out()).toContain('Markdown report:');
    // Not run through the repository's package script: the installed `firedrill` command.
    expect(demo.out()).toMatch(/^Try next: firedrill plan \S+ --operation failover · firedrill render /m);
  });

  it('"Try next" prints commands as pasteable as the README\'s own: run as `npx -y pnpm@… demo`, they go through the same pnpm, and each runs', { timeout: 60_000 }, async () => {
    const readme = readFileSync(join(import.meta.dirname, '..', 'README.md'), 'utf8');
    const [, pnpm, version] = /^(npx -y pnpm@(\S+)) install && \1 demo /m.exec(readme)!;
    // What pnpm sets when it runs the repository's `demo` script, from the repository root (the demo's paths are
    // relative to it); the store goes to a scratch directory, so the suggestions must carry it.
    const env = { NO_COLOR: '1', npm_lifecycle_event: 'demo', npm_package_name: 'firedrill', npm_config_user_agent: `pnpm/${version} npm/? node/${process.version} linux x64` };
    const state = mkdtempSync(join(tmpdir(), 'firedrill-demo-next-'));
    const demo = bufferIo(process.cwd(), { env });
    expect(await runCli(['demo', '--state-dir', state], demo), demo.out()).toBe(0);
    const runId = /runs\/([^/\s]+)\/report\.md/.exec(demo.out())![1]!;
    const commands = /^Try next: (.*)$/m.exec(demo.out())![1]!.split(' · ');
    expect(commands.map((c) => c.split(' ').slice(0, 5).join(' '))).toEqual([`${pnpm} firedrill plan`, `${pnpm} firedrill render`, `${pnpm} firedrill history`]);
    const outputs = [];
    for (const command of commands) {
      const io = bufferIo(process.cwd());
      expect(await runCli(command.slice(`${pnpm} firedrill `.length).split(' '), io), `${command}\n${io.err()}`).toBe(0);
      outputs.push(io.out());
    }
    expect(outputs[0]).toContain('Dry run: tracking-app failover');
    expect(outputs[1]).toContain('# Runbook: tracking-app — failover');
    expect(outputs[2]).toContain(runId);
  });

  it('renders its own run when the store holds later runs of the demo plan', { timeout: 60_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'firedrill-demo-again-'));
    expect(await runCli(['demo'], bufferIo(dir))).toBe(0);
    // As "Try next" suggests: a drill of the demo plan continues the demo's world, so its run id (the world's
    // clock time) sorts after every fresh demo's.
    expect(await runCli(['drill', '.firedrill/demo/tracking-app.yaml', '--live', '--target', 'sandbox'], bufferIo(dir))).toBe(0);
    const again = bufferIo(dir);
    expect(await runCli(['demo'], again), again.out()).toBe(0);
    const summarized = /report: (\S+)\/report\.json/.exec(again.out())![1]!;
    const rendered = /Markdown report: (\S+)\/report\.md/.exec(again.out())![1]!;
    expect(join(dir, rendered)).toBe(summarized);
    expect(readFileSync(join(dir, rendered, 'report.md'), 'utf8')).toContain(summarized.split('/').at(-1));
  });
});
