#!/usr/bin/env node
// The `firedrill` command: runs the compiled CLI (`pnpm build` first when working from a checkout).
await import('../dist/cli/cli.js');
