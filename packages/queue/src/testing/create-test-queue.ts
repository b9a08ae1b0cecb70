import { createBullmqQueue } from '../create-bullmq-queue.ts';
import { createInProcessQueue } from '../create-in-process-queue.ts';
import type { JobQueue, TJobQueueKind } from '../job-queue.ts';
import { silentQueueLogger, type TQueueLogger } from '../queue-logger.ts';
import type { TRetryPolicy } from '../retry-policy.ts';
import { createTestPrefix, deleteRedisKeys, testRedisUrl } from './test-redis.ts';

/** The queue kinds to run a suite against: in-process always, BullMQ when REDIS_URL is set. */
export function testQueueKinds(): TJobQueueKind[] {
  return testRedisUrl() ? ['in-process', 'bullmq'] : ['in-process'];
}

export interface TestQueueOptions {
  /** Default 3 attempts, 10 ms backoff, so retries do not slow suites down. */
  retry?: Partial<TRetryPolicy>;
  /** Default silent. */
  logger?: TQueueLogger;
  /** BullMQ only; default 1000 ms each, so a killed worker's job is taken over within seconds. */
  lockDurationMs?: number;
  stalledIntervalMs?: number;
}

export interface TestJobQueue extends JobQueue {
  /** The Redis key prefix (BullMQ), or null (in-process). */
  readonly prefix: string | null;
}

/**
 * A queue for tests: in-process, or BullMQ under a random prefix whose keys
 * `close()` deletes.
 *
 * @example
 * describe.each(testQueueKinds())('%s queue', (kind) => { const queue = createTestQueue(kind); });
 */
export function createTestQueue(kind: TJobQueueKind, options: TestQueueOptions = {}): TestJobQueue {
  const retry = { attempts: 3, backoffMs: 10, ...options.retry };
  const logger = options.logger ?? silentQueueLogger;
  if (kind === 'in-process') return { ...createInProcessQueue({ retry, logger }), prefix: null };
  const redisUrl = testRedisUrl();
  if (!redisUrl) throw new Error('REDIS_URL is not set');
  const prefix = createTestPrefix();
  const queue = createBullmqQueue({
    redisUrl,
    prefix,
    retry,
    logger,
    lockDurationMs: options.lockDurationMs ?? 1000,
    stalledIntervalMs: options.stalledIntervalMs ?? 1000,
  });
  return {
    ...queue,
    prefix,
    close: async () => {
      await queue.close();
      await deleteRedisKeys(redisUrl, prefix);
    },
  };
}
