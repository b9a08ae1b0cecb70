import { describe, expect, it } from 'vitest';
import { createJobQueue } from './create-job-queue.ts';
import { createTestPrefix, deleteRedisKeys, testRedisUrl } from './testing/index.ts';

describe('createJobQueue', () => {
  it('runs in-process without a Redis URL', async () => {
    const queue = createJobQueue({ redisUrl: null });
    expect(queue.kind).toBe('in-process');
    await queue.close();
  });

  it.skipIf(!testRedisUrl())('uses BullMQ with a Redis URL', async () => {
    const prefix = createTestPrefix();
    const queue = createJobQueue({ redisUrl: testRedisUrl(), prefix });
    expect(queue.kind).toBe('bullmq');
    await queue.close();
    await deleteRedisKeys(testRedisUrl()!, prefix);
  });
});
