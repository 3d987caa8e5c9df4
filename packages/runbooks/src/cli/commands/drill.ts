import { operationCommand } from './operation-command.js';

/** `firedrill drill <plan>`. */
export const run = operationCommand('drill');
