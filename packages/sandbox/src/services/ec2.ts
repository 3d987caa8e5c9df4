/** The simulated EC2 API. */
import type { ServiceHandlers } from '../operation-context.js';
import { ec2ImageHandlers } from './ec2-images.js';
import { ec2InstanceHandlers } from './ec2-instances.js';

/** Every EC2 operation the sandbox simulates. */
export const ec2Handlers: ServiceHandlers = { ...ec2InstanceHandlers, ...ec2ImageHandlers };
