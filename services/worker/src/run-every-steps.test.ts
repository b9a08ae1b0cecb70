import { describe, expect, it } from 'vitest';
import { runEverySteps } from './create-job-handlers.ts';

describe('runEverySteps', () => {
  it('runs every step whatever the ones before did, then throws the first error', async () => {
    const ran: string[] = [];
    const first = new Error('cannot delete one file');
    await expect(
      runEverySteps([
        async () => {
          ran.push('expire');
          throw first;
        },
        async () => {
          ran.push('sweep');
        },
        async () => {
          ran.push('dispatch');
          throw new Error('later');
        },
        async () => {
          ran.push('push');
        },
      ]),
    ).rejects.toBe(first);
    expect(ran).toEqual(['expire', 'sweep', 'dispatch', 'push']);
    await expect(runEverySteps([async () => undefined])).resolves.toBeUndefined();
  });
});
