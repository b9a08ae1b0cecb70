import { randomUUID } from 'node:crypto';
import { AppError } from '@alliage/domain';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { createBullmqQueue } from './create-bullmq-queue.ts';
import {
  captureQueueLogger,
  createTestQueue,
  type TestJobQueue,
  testRedisUrl,
  waitFor,
} from './testing/index.ts';

const redisUrl = testRedisUrl();

describe.skipIf(!redisUrl)('BullMQ queue on Redis', () => {
  const cleanups: Array<() => Promise<unknown>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  const makeQueue = (logger = captureQueueLogger()) => {
    const queue = createTestQueue('bullmq', { logger, retry: { attempts: 3, backoffMs: 10 } });
    cleanups.push(() => queue.close());
    return { queue, logger };
  };
  /** A raw BullMQ producer on the test queue's keys: writes what our enqueue would refuse. */
  const rawProducer = (queue: TestJobQueue) => {
    const connection = new Redis(redisUrl!);
    const raw = new Queue('jobs', { connection, prefix: queue.prefix! });
    cleanups.push(async () => {
      await raw.close();
      await connection.quit();
    });
    return raw;
  };

  it('fails a stored job with an invalid payload permanently, without running its handler', async () => {
    const { queue, logger } = makeQueue();
    const raw = rawProducer(queue);
    let runs = 0;
    await queue.startWorker({
      'intake.process-file': async () => {
        runs += 1;
      },
    });
    await raw.add(
      'intake.process-file',
      { payload: { fileDropId: 'not-a-uuid' }, enqueueToken: 't' },
      { jobId: 'intake.process-file/tampered', attempts: 3 },
    );
    await raw.add('intake.renamed-in-v2', { payload: {} }, { jobId: 'x/y', attempts: 3 });
    await queue.drain();
    expect(runs).toBe(0);
    const tampered = await raw.getJob('intake.process-file/tampered');
    expect(await tampered?.getState()).toBe('failed');
    expect(tampered?.attemptsMade).toBe(1);
    expect(tampered?.failedReason).toMatch(
      /^validation_failed: invalid intake.process-file payload/,
    );
    const renamed = await raw.getJob('x/y');
    expect(await renamed?.getState()).toBe('failed');
    expect(renamed?.attemptsMade).toBe(1);
    expect(logger.entries.map((entry) => entry.fields)).toEqual([
      expect.objectContaining({
        jobId: 'tampered',
        errorCode: 'validation_failed',
        permanent: true,
      }),
      expect.objectContaining({
        jobName: 'intake.renamed-in-v2',
        jobId: 'y',
        errorCode: 'validation_failed',
        permanent: true,
      }),
    ]);
  });

  it('stores only safe failure reasons in Redis', async () => {
    const { queue } = makeQueue();
    const raw = rawProducer(queue);
    await queue.startWorker({
      'intake.process-file': async (_payload, job) => {
        if (job.id === 'app-error') throw new AppError('forbidden', 'wrong recipient key');
        throw new TypeError('cannot read jeanne.martin@example.fr');
      },
    });
    await queue.enqueue(
      'intake.process-file',
      { fileDropId: randomUUID() },
      { jobId: 'app-error' },
    );
    await queue.enqueue('intake.process-file', { fileDropId: randomUUID() }, { jobId: 'bug' });
    await queue.drain();
    const appError = await raw.getJob('intake.process-file/app-error');
    expect(appError?.failedReason).toBe('forbidden: wrong recipient key');
    const bug = await raw.getJob('intake.process-file/bug');
    expect(bug?.attemptsMade).toBe(3);
    expect(bug?.failedReason).toBe('TypeError (internal)');
    expect(JSON.stringify(bug?.stacktrace)).not.toContain('jeanne');
  });

  it('keeps jobs in Redis for a worker that starts later, in another queue instance', async () => {
    const { queue: producer } = makeQueue();
    const fileDropId = randomUUID();
    await producer.enqueue('intake.process-file', { fileDropId }, { jobId: 'handover' });
    // A second instance on the same keys, as an `alliage worker` on another machine.
    const consumer = createBullmqQueue({
      redisUrl: redisUrl!,
      prefix: producer.prefix!,
      logger: captureQueueLogger(),
    });
    cleanups.push(() => consumer.close());
    const seen: string[] = [];
    await consumer.startWorker({
      'intake.process-file': async (payload) => {
        seen.push(payload.fileDropId);
      },
    });
    await waitFor(() => seen.length === 1, { message: 'the other instance runs the job' });
    expect(seen).toEqual([fileDropId]);
  });
});
