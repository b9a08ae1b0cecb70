import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'packages/*/src/**/*.test.ts',
      'services/*/src/**/*.test.ts',
      'services/*/tests/**/*.test.ts',
      'scripts/**/*.test.ts',
    ],
    testTimeout: 180_000,
    hookTimeout: 180_000,
    pool: 'forks',
    // Two files at a time: most suites wait on child processes, gpg, SFTP and databases,
    // so two overlap well even on the 2-core CI machine (the default would be one).
    maxWorkers: 2,
  },
});
