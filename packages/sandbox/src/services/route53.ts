import type { ServiceHandlers } from '../operation-context.js';

export const route53Handlers: ServiceHandlers = {};
