import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { captureQueueLogger, createTestQueue, testRedisUrl, waitFor } from './testing/index.ts';

const redisUrl = testRedisUrl();

describe.skipIf(!redisUrl)('a BullMQ job that loses its lock while it runs', () => {
  const cleanups: Array<() => Promise<unknown>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  // A Redis restart longer than the lock duration (the lock key expires while Redis is
  // down) or an event loop blocked that long: the stalled check hands the job out again
  // while its first run goes on. With concurrency > 1 the same worker takes it.
  it('is not run a second time alongside its running attempt in the same worker', async () => {
    const logger = captureQueueLogger();
    const queue = createTestQueue('bullmq', { logger });
    cleanups.push(() => queue.close());
    const redis = new Redis(redisUrl!);
    cleanups.push(() => redis.quit());
    const inspect = new Queue('jobs', { connection: redis, prefix: queue.prefix! });
    cleanups.push(() => inspect.close());

    const starts: number[] = [];
    let running = 0;
    let mostAtOnce = 0;
    let release = () => {};
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    // Registered last, run first: a failing assertion must not leave close() waiting on the handler.
    cleanups.push(async () => release());
    await queue.startWorker(
      {
        'intake.process-file': async (_payload, job) => {
          starts.push(job.attempt);
          running += 1;
          mostAtOnce = Math.max(mostAtOnce, running);
          await released;
          running -= 1;
        },
      },
      { concurrency: 2 },
    );
    const fileDropId = randomUUID();
    await queue.enqueue('intake.process-file', { fileDropId }, { jobId: fileDropId });
    await waitFor(() => starts.length === 1, { message: 'the first run starts' });

    const storedId = `intake.process-file/${fileDropId}`;
    await redis.del(`${queue.prefix}:jobs:${storedId}:lock`);
    await waitFor(
      () =>
        starts.length === 2 ||
        logger.entries.some((entry) => entry.message?.includes('delivered again')),
      { message: 'the stalled check hands the job out again' },
    );
    release();
    await queue.drain();

    expect(mostAtOnce).toBe(1);
    expect(starts).toEqual([1]);
    const job = await inspect.getJob(storedId);
    expect(await job?.getState()).toBe('completed');
  });
});
