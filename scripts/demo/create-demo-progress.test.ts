import { describe, expect, it } from 'vitest';
import { createDemoProgress } from './create-demo-progress.ts';
import { DemoStepError } from './demo-step-error.ts';

describe('createDemoProgress', () => {
  it('numbers and times each step, and names the one that fails', async () => {
    let output = '';
    let clock = 0;
    const progress = createDemoProgress({
      total: 3,
      write: (text) => {
        output += text;
      },
      now: () => clock,
    });
    expect(
      await progress.step('starting', async () => {
        clock += 1250;
        return 42;
      }),
    ).toBe(42);
    const failure = await progress
      .step('uploading M02 files over SFTP', async () => {
        clock += 300;
        throw new Error('connection refused');
      })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(DemoStepError);
    expect((failure as DemoStepError).step).toBe('uploading M02 files over SFTP');
    expect((failure as DemoStepError).message).toContain('connection refused');
    expect(output).toBe(
      '[1/3] starting… ok (1.3 s)\n[2/3] uploading M02 files over SFTP… failed (0.3 s)\n',
    );
  });
});
