import { defineConfig } from 'vitest/config';
import { ONE_SHOT_NODE_FLAGS } from './services/cli/src/one-shot-node-flags.ts';

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
    // PGlite's WebAssembly on V8's baseline compiler only: the optimising tier would
    // recompile it in background threads in every worker (~2 s of CPU each, which a
    // saturated 2-core machine pays for in wall time).
    execArgv: [...ONE_SHOT_NODE_FLAGS],
  },
});
