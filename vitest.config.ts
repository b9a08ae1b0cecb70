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
    // Each worker runs its files one after another in one process: a file no longer pays
    // a process start and the import of the modules the files before it loaded (the
    // packages' suites: 137 -> 84 s on the 2-core machine). Tests therefore never change
    // process-wide state (environment, module mocks, timers, globals): none do.
    isolate: false,
    // PGlite's WebAssembly on V8's baseline compiler only: the optimising tier would
    // recompile it in background threads in every worker (~2 s of CPU each, which a
    // saturated 2-core machine pays for in wall time).
    execArgv: [...ONE_SHOT_NODE_FLAGS],
  },
});
