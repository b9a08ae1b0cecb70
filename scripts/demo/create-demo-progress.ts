import { DemoStepError } from './demo-step-error.ts';

/** Runs numbered steps, printing `[3/12] label… ok (1.2 s)` for each. */
export interface TDemoProgress {
  step<T>(label: string, work: () => Promise<T>): Promise<T>;
}

/**
 * Numbers and times the demo's steps; a failing step prints `failed` and is rethrown
 * as a `DemoStepError` naming it, so the caller can report which step broke.
 *
 * @example
 * const progress = createDemoProgress({ total: 12, write: (text) => process.stdout.write(text) });
 * await progress.step('starting alliage serve', () => startServe(env));
 */
export function createDemoProgress(options: {
  total: number;
  write: (text: string) => void;
  now?: () => number;
}): TDemoProgress {
  const now = options.now ?? (() => performance.now());
  let number = 0;
  return {
    async step(label, work) {
      number += 1;
      options.write(`[${number}/${options.total}] ${label}… `);
      const started = now();
      const seconds = () => ((now() - started) / 1000).toFixed(1);
      try {
        const result = await work();
        options.write(`ok (${seconds()} s)\n`);
        return result;
      } catch (error) {
        options.write(`failed (${seconds()} s)\n`);
        throw new DemoStepError(label, error);
      }
    },
  };
}
