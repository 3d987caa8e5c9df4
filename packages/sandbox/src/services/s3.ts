import type { ServiceHandlers } from '../operation-context.js';

export const s3Handlers: ServiceHandlers = {};
