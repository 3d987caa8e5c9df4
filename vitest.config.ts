import { defineConfig } from 'vitest/config';

// Tests run against the packages' TypeScript sources: the `firedrill-source` export condition points each
// workspace package at `src/index.ts` (published builds resolve `default` → `dist/`). Vitest resolves test
// imports in Vite's server-side environment, which takes its conditions from `ssr.resolve`.
const conditions = ['firedrill-source'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: conditions } },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 20_000,
    // The AWS SDK warns about Node 20 once per worker; the CLI silences it too (README: "The command line").
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  },
});
