/**
 * A BullMQ worker in its own process, for the crash test: its handler records
 * that it started, announces it on stdout, then waits for a release that never
 * comes, so the test can SIGKILL it mid-job. Its 'done' marker is written only
 * after that wait: if it ever appears, a killed run committed its effect.
 *
 * Run as: node run-crash-test-worker.ts <redisUrl> <prefix>
 */
import { Redis } from 'ioredis';
import { createBullmqQueue } from '../create-bullmq-queue.ts';
import { silentQueueLogger } from '../queue-logger.ts';

const [redisUrl, prefix] = process.argv.slice(2);
if (!redisUrl || !prefix) throw new Error('usage: run-crash-test-worker.ts <redisUrl> <prefix>');

const redis = new Redis(redisUrl);
const queue = createBullmqQueue({
  redisUrl,
  prefix,
  logger: silentQueueLogger,
  lockDurationMs: 1000,
  stalledIntervalMs: 1000,
});

const announce = (event: object) => process.stdout.write(`${JSON.stringify(event)}\n`);

await queue.startWorker({
  'intake.process-file': async (payload, job) => {
    await redis.rpush(`${prefix}:test:started`, `child:${job.attempt}`);
    announce({ event: 'started', jobId: job.id, attempt: job.attempt });
    while ((await redis.exists(`${prefix}:test:release`)) === 0) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await redis.incr(`${prefix}:test:done-count`);
    await redis.set(`${prefix}:test:done-by`, `child:${payload.fileDropId}`);
  },
});
announce({ event: 'ready' });
