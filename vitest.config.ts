import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

// Suites known to run for minutes. On a clean clone vitest has no timings and orders
// files by size, which put these small wrappers last, alone on the machine, for
// ~200 s at the end of the run; started first, they overlap with everything else.
const LONGEST_SUITES = [/services\/cli\/tests\/pool-e2e-[a-z]+\.test\.ts$/];

class LongestFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const isLongest = (file: TestSpecification) =>
      LONGEST_SUITES.some((pattern) => pattern.test(file.moduleId));
    return [...sorted.filter(isLongest), ...sorted.filter((file) => !isLongest(file))];
  }
}

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
    // saturated 2-core machine pays for in wall time). See one-shot-node-flags.ts.
    execArgv: ['--liftoff-only'],
    sequence: { sequencer: LongestFirstSequencer },
  },
});
