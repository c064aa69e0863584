import { availableParallelism } from 'node:os';
import { configDefaults, defineConfig } from 'vitest/config';

/** Files that start embedded clusters of their own, whatever PostgreSQL the run was given. */
const ZERO_CONFIG_FILES = ['test/e2e/embedded.test.ts', 'test/e2e/zero-config-*.test.ts'];

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: [
      ...configDefaults.exclude,
      // The soak suite runs on its own: npm run test:soak (vitest.soak.config.ts).
      'test/soak/**',
      // TEST_SKIP_ZERO_CONFIG=1 leaves them out where another run of the suite covers them (CI).
      ...(process.env.TEST_SKIP_ZERO_CONFIG === '1' ? ZERO_CONFIG_FILES : []),
    ],
    globalSetup: ['test/helpers/global-setup.ts'],
    pool: 'forks',
    // Most files wait on PostgreSQL and on child processes rather than on the CPU; vitest's default
    // (one worker less than the cores) runs them one at a time on a 2-core machine.
    maxWorkers: availableParallelism() + 1,
    testTimeout: 30_000,
    hookTimeout: 180_000,
    teardownTimeout: 60_000,
    reporters: ['default'],
  },
});
