import { defineConfig } from 'vitest/config';

// `npm run fuzz`: the full fuzz of the mock (100,000 malformed requests), apart from `npm test`,
// which runs a sample of the same properties (test/fuzz.test.ts).
export default defineConfig({
  test: {
    include: ['test/fuzz/*.fuzz.ts'],
    testTimeout: 60 * 60_000,
    hookTimeout: 60_000,
  },
});
