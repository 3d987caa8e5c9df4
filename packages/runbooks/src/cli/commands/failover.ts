import { operationCommand } from './operation-command.js';

/** `firedrill failover <plan>`. */
export const run = operationCommand('failover');
