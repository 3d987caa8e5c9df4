export { Sandbox, type SandboxOptions, type SandboxClientClass, type AttachableClient } from './sandbox.js';
