// The workspace's vitest config sets `resolve.conditions` but, with Vite 8, test files run in the SSR
// environment, which also needs `ssr.resolve.conditions: ['firedrill-source']` to resolve
// '@firedrill/core' to its sources. Until the shared config has it, tests import the clock by path.
// (Sandbox sources import only types from '@firedrill/core', which the compiler erases.)
export { VirtualClock } from '../../core/src/clock.js';
