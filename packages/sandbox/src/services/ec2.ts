import type { ServiceHandlers } from '../operation-context.js';

export const ec2Handlers: ServiceHandlers = {};
