import { operationCommand } from './operation-command.js';

/** `firedrill failback <plan>`. */
export const run = operationCommand('failback');
