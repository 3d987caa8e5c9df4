import type { CommandSpec } from './command.js';

const stateDir = { 'state-dir': { type: 'string' } } as const;
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
