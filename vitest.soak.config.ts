import { defineConfig } from 'vitest/config';
import base from './vitest.config.js';

/** `npm run test:soak`: the soak suite alone (test/soak), on the same PostgreSQL provider as `npm test`. */
export default defineConfig({
  test: {
    ...base.test,
    include: ['test/soak/**/*.test.ts'],
    exclude: [],
    testTimeout: 600_000,
  },
});
