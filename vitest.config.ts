import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { conditions: ['firedrill-source'] },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 20_000,
  },
});
