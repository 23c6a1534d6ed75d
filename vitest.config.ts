import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'examples/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    // Two files at a time even on two cores (vitest's default there is one): most files wait on
    // spawned CLIs, servers and timers, and the run takes about 6 minutes instead of 9.5.
    maxWorkers: 2,
  },
});
