import type { CommandSpec } from './command.js';

const stateDir = { 'state-dir': { type: 'string' } } as const;
const operation = { operation: { type: 'string' }, mode: { type: 'string' }, isolated: { type: 'boolean' }, live: { type: 'boolean' } } as const;
const run = { target: { type: 'string' }, yes: { type: 'boolean' }, json: { type: 'boolean' }, 'state-dir': { type: 'string' } } as const;
const runHelp = {
  target: 'aws or sandbox (default: the plan\'s target); sandbox runs the plan on a simulated AWS kept in the state directory',
  yes: 'do not ask for confirmation before moving production on real AWS',
  json: 'print the report (firedrill.report/v1) instead of progress',
  'state-dir': 'where journals, reports, locks and sandbox worlds live (default .firedrill)',
};
const operationHelp = {
  operation: 'failover, failback or drill',
  mode: 'graceful (planned: fence, catch up, promote) or ungraceful (the primary region is lost); drills default to ungraceful',
  isolated: 'for drills: copies in the recovery region, cleaned up (the default)',
  live: 'for drills: fail over for real, then fail back',
};
const stateDirHelp = { 'state-dir': 'where journals, reports and locks live (default .firedrill)' };

/** Every command, in the order `firedrill --help` lists them. */
export const COMMANDS: readonly CommandSpec[] = [
  {
    name: 'validate',
    args: '<plan>',
    summary: 'schema and semantic validation of a plan',
    example: 'firedrill validate plans/tracking-app.yaml',
    options: { json: { type: 'boolean' } },
    optionHelp: { json: 'print the problems as JSON' },
    positionals: { min: 1, max: 1, names: ['plan'] },
    load: () => import('./commands/validate.js'),
  },
  {
    name: 'plan',
    args: '<plan>',
    summary: 'dry run: ordered steps, what runs in parallel, the exact AWS calls, IAM actions',
    example: 'firedrill plan plans/tracking-app.yaml --operation failover --mode graceful',
    options: { ...operation, json: { type: 'boolean' } },
    optionHelp: { ...operationHelp, json: 'print the steps as JSON' },
    positionals: { min: 1, max: 1, names: ['plan'] },
    load: () => import('./commands/plan.js'),
  },
  {
    name: 'render',
    args: '<plan>',
    summary: 'printable Markdown runbook of an operation',
    example: 'firedrill render plans/tracking-app.yaml --operation failover --out failover-runbook.md',
    options: { ...operation, out: { type: 'string' } },
    optionHelp: { ...operationHelp, out: 'write to this file instead of standard output' },
    positionals: { min: 1, max: 1, names: ['plan'] },
    load: () => import('./commands/render.js'),
  },
  {
    name: 'iam-policy',
    args: '<plan>',
    summary: 'the IAM policy the plan needs (every operation), from the steps themselves',
    example: 'firedrill iam-policy plans/tracking-app.yaml > firedrill-policy.json',
    options: {},
    optionHelp: {},
    positionals: { min: 1, max: 1, names: ['plan'] },
    load: () => import('./commands/iam-policy.js'),
  },
  {
    name: 'drill',
    args: '<plan>',
    summary: 'a measured drill: --isolated (copies, cleaned up; default) or --live (fail over, then fail back)',
    example: 'firedrill drill plans/tracking-app.yaml --live --target sandbox',
    options: { isolated: operation.isolated, live: operation.live, mode: operation.mode, ...run },
    optionHelp: { isolated: operationHelp.isolated, live: operationHelp.live, mode: operationHelp.mode, ...runHelp },
    positionals: { min: 1, max: 1, names: ['plan'] },
    load: () => import('./commands/drill.js'),
  },
  {
    name: 'failover',
    args: '<plan>',
    summary: 'fail over to the recovery region (asks for confirmation on real AWS)',
    example: 'firedrill failover plans/tracking-app.yaml --mode ungraceful --yes',
    options: { mode: operation.mode, ...run },
    optionHelp: { mode: operationHelp.mode, ...runHelp },
    positionals: { min: 1, max: 1, names: ['plan'] },
    load: () => import('./commands/failover.js'),
  },
  {
    name: 'failback',
    args: '<plan>',
    summary: 'return to the primary region after a failover (reprotect, then switch back)',
    example: 'firedrill failback plans/tracking-app.yaml --yes',
    options: { mode: operation.mode, ...run },
    optionHelp: { mode: operationHelp.mode, ...runHelp },
    positionals: { min: 1, max: 1, names: ['plan'] },
    load: () => import('./commands/failback.js'),
  },
  {
    name: 'report',
    args: '<run-id>',
    summary: 'render a run as json, md or junit',
    example: 'firedrill report tracking-app-20261122T030000Z-5f5950 --format md',
    options: { format: { type: 'string', default: 'json' }, ...stateDir },
    optionHelp: { format: 'json (the firedrill.report/v1 contract), md or junit', ...stateDirHelp },
    positionals: { min: 1, max: 1, names: ['run-id'] },
    load: () => import('./commands/report.js'),
  },
  {
    name: 'history',
    args: '<plan>',
    summary: 'RTO and RPO of past runs of a plan, against its objectives',
    example: 'firedrill history plans/tracking-app.yaml',
    options: { json: { type: 'boolean' }, ...stateDir },
    optionHelp: { json: 'print the runs as JSON', ...stateDirHelp },
    positionals: { min: 1, max: 1, names: ['plan'] },
    load: () => import('./commands/history.js'),
  },
];
