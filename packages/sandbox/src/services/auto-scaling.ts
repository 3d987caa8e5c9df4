import type { ServiceHandlers } from '../operation-context.js';

export const autoScalingHandlers: ServiceHandlers = {};
