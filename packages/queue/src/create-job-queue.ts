import { type BullmqQueueOptions, createBullmqQueue } from './create-bullmq-queue.ts';
import { createInProcessQueue, type TQueueTimers } from './create-in-process-queue.ts';
import type { JobQueue } from './job-queue.ts';

export interface JobQueueOptions extends Omit<BullmqQueueOptions, 'redisUrl'> {
  /** BullMQ on this Redis, or the in-process queue when null. */
  redisUrl: string | null;
  /** In-process queue only. */
  timers?: TQueueTimers;
}

/**
 * The queue a process should use: BullMQ when REDIS_URL is configured, so workers
 * can run on other machines; in-process otherwise, with the same catalog and handlers.
 *
 * @example
 * const queue = createJobQueue({ redisUrl: config.redisUrl, logger });
 */
export function createJobQueue(options: JobQueueOptions): JobQueue {
  const { redisUrl, timers, ...rest } = options;
  if (redisUrl) return createBullmqQueue({ ...rest, redisUrl });
  return createInProcessQueue({ retry: rest.retry, logger: rest.logger, timers });
}
