import { randomUUID } from 'node:crypto';
import { AppError, isAppError } from '@alliage/domain';
import { type BackoffOptions, type Job, Queue, UnrecoverableError, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { classifyJobError } from './classify-job-error.ts';
import { COMPLETED_JOB_RETENTION_MS } from './completed-job-retention.ts';
import { executeJob, type TJobOutcome } from './execute-job.ts';
import type { TJobHandlers } from './job-catalog.ts';
import { fromStoredJobId } from './job-id.ts';
import type { JobQueue } from './job-queue.ts';
import { parseEnqueueRequest } from './parse-enqueue-request.ts';
import { createConsoleQueueLogger, type TQueueLogger } from './queue-logger.ts';
import { resolveRetryPolicy, type TRetryPolicy } from './retry-policy.ts';

export interface BullmqQueueOptions {
  redisUrl: string;
  /** Namespace of every Redis key; default `alliage` (tests use a random one). */
  prefix?: string;
  /** Applies to the jobs this process enqueues: BullMQ stores the policy with each job. */
  retry?: Partial<TRetryPolicy>;
  logger?: TQueueLogger;
  /** A worker that has not renewed its lock for this long is presumed dead; default 30 s. */
  lockDurationMs?: number;
  /** How often workers look for jobs whose worker died; default 30 s. */
  stalledIntervalMs?: number;
  /** Times a job may lose its worker and still be taken over; default 2. */
  maxStalledCount?: number;
}

/** One BullMQ queue carries the whole catalog; the job name is the BullMQ job name. */
const QUEUE_NAME = 'jobs';
const DAY_SECONDS = 24 * 60 * 60;
// Completed ids stay this long: BullMQ's idempotence window (see COMPLETED_JOB_RETENTION_MS).
const KEEP_COMPLETED_SECONDS = COMPLETED_JOB_RETENTION_MS / 1000;
const KEEP_FAILED_SECONDS = 30 * DAY_SECONDS;
const DEFAULT_DRAIN_TIMEOUT_MS = 30_000;
const DRAIN_POLL_MS = 50;

/** What a BullMQ job holds: the payload, and a token that tells a new job from a duplicate. */
interface TStoredJobData {
  payload: Record<string, unknown>;
  enqueueToken: string;
}

/**
 * The queue on Redis: any number of `alliage worker` processes, on any machine,
 * consume it. A worker killed mid-job loses its lock; after `lockDurationMs`
 * another worker's stalled check puts the job back and runs it again.
 *
 * @example
 * const queue = createBullmqQueue({ redisUrl: config.redisUrl, logger });
 * await queue.enqueue('intake.process-file', { fileDropId }, { jobId: sha256 });
 */
export function createBullmqQueue(options: BullmqQueueOptions): JobQueue {
  const retry = resolveRetryPolicy(options.retry);
  const logger = options.logger ?? createConsoleQueueLogger();
  const prefix = options.prefix ?? 'alliage';
  // The producer connection keeps ioredis' bounded retries, so an enqueue fails
  // (and the SFTP upload is refused) rather than hangs while Redis is down.
  const queueConnection = new Redis(options.redisUrl);
  const queue = new Queue<TStoredJobData, void, string>(QUEUE_NAME, {
    connection: queueConnection,
    prefix,
  });
  queue.on('error', (error) => logRedisError(logger, 'queue', error));

  let worker: Worker<TStoredJobData, void, string> | null = null;
  let workerConnection: Redis | null = null;
  // Stopping: no new worker. Closed: no new job either, once the running jobs (which may
  // still queue their follow-ups, a delivery its push) have finished.
  let stopping = false;
  let closed = false;
  let closing: Promise<void> | null = null;
  // Errors our processor threw were logged by executeJob; the 'failed' event logs the rest.
  const loggedErrors = new WeakSet<Error>();

  const jobOptions = {
    attempts: retry.attempts,
    backoff: { type: 'exponential', delay: retry.backoffMs },
    removeOnComplete: { age: KEEP_COMPLETED_SECONDS },
    removeOnFail: { age: KEEP_FAILED_SECONDS },
  };

  // The runs in progress in this process, by stored id. A job whose lock was lost while
  // it ran (Redis down longer than the lock duration, an event loop blocked that long) is
  // handed out again by the stalled check; with concurrency > 1 this very worker takes it.
  // That delivery holds the job's valid lock: it waits for the run in progress and
  // reports its outcome, instead of running the handler a second time alongside it.
  const runsHere = new Map<string, Promise<TJobOutcome>>();

  const processJob = async (job: Job<TStoredJobData, void, string>, handlers: TJobHandlers) => {
    const storedId = job.id ?? '';
    const attempt = Math.max(job.attemptsStarted, job.attemptsMade + 1);
    let run = runsHere.get(storedId);
    if (run) {
      const fields = { jobName: job.name, jobId: fromStoredJobId(storedId), attempt };
      logger.warn(fields, 'job delivered again while its run goes on here; waiting for that run');
    } else {
      // Read back from Redis: trust neither the shape nor the name until the catalog has.
      const data = job.data as unknown as Partial<TStoredJobData> | null;
      const started = executeJob({
        handlers,
        name: job.name,
        payload: data?.payload,
        jobId: fromStoredJobId(storedId),
        attempt,
        previousFailures: job.attemptsMade,
        retry: { attempts: job.opts.attempts ?? 1, backoffMs: backoffDelay(job.opts.backoff) },
        logger,
      }).finally(() => runsHere.delete(storedId));
      runsHere.set(storedId, started);
      run = started;
    }
    const outcome = await run;
    if (outcome.status === 'completed') return;
    const error = toStoredError(outcome);
    loggedErrors.add(error);
    throw error;
  };

  return {
    kind: 'bullmq',

    async enqueue(name, payload, enqueueOptions) {
      const request = parseEnqueueRequest(name, payload, enqueueOptions);
      if (closed) throw new AppError('unavailable', 'the job queue is closed', { retry: true });
      const data: TStoredJobData = { payload: request.payload, enqueueToken: randomUUID() };
      for (const round of [1, 2]) {
        // BullMQ silently keeps the existing job when the id is taken; the token read
        // back says whether this call added it.
        await queue.add(request.name, data, { ...jobOptions, jobId: request.storedJobId });
        const stored = await queue.getJob(request.storedJobId);
        if (!stored || stored.data?.enqueueToken === data.enqueueToken) return true;
        if (round === 2 || !(await stored.isFailed())) return false;
        // A failed job keeps its id until removeOnFail evicts it; enqueueing it again
        // asks for a new run. Removal fails harmlessly if another caller got there first.
        await stored.remove().catch(() => undefined);
      }
      return false;
    },

    async startWorker(handlers, workerOptions = {}) {
      if (stopping) throw new AppError('unavailable', 'the job queue is closed');
      if (worker) throw new AppError('conflict', 'a worker is already running on this queue');
      // BullMQ requires maxRetriesPerRequest: null on worker connections: its blocking
      // reads must wait out a Redis restart instead of failing the worker.
      workerConnection = new Redis(options.redisUrl, { maxRetriesPerRequest: null });
      worker = new Worker<TStoredJobData, void, string>(
        QUEUE_NAME,
        (job) => processJob(job, handlers),
        {
          connection: workerConnection,
          prefix,
          concurrency: workerOptions.concurrency ?? 1,
          lockDuration: options.lockDurationMs ?? 30_000,
          stalledInterval: options.stalledIntervalMs ?? 30_000,
          maxStalledCount: options.maxStalledCount ?? 2,
        },
      );
      worker.on('error', (error) => logRedisError(logger, 'worker', error));
      worker.on('failed', (job, error) => {
        if (loggedErrors.has(error)) return;
        // Failures decided by BullMQ itself, e.g. a job that lost its worker too often.
        logger.error(
          {
            jobName: job?.name,
            jobId: job?.id ? fromStoredJobId(job.id) : undefined,
            attempt: job?.attemptsStarted,
            errorName: error.name,
            reason: error.message,
          },
          'job failed',
        );
      });
      await worker.waitUntilReady();
    },

    async drain(timeoutMs = DEFAULT_DRAIN_TIMEOUT_MS) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const counts = await queue.getJobCounts(
          'waiting',
          'active',
          'delayed',
          'prioritized',
          'waiting-children',
        );
        const pending = Object.values(counts).reduce((sum, count) => sum + count, 0);
        if (pending === 0) return;
        if (Date.now() >= deadline) {
          throw new AppError(
            'unavailable',
            `queue not drained after ${timeoutMs} ms (${JSON.stringify(counts)})`,
          );
        }
        await new Promise((resolve) => setTimeout(resolve, DRAIN_POLL_MS));
      }
    },

    close() {
      closing ??= (async () => {
        stopping = true;
        // The worker first: it waits for its running jobs, which may still enqueue.
        await worker?.close();
        closed = true;
        await queue.close();
        await Promise.all([quietly(workerConnection), quietly(queueConnection)]);
      })();
      return closing;
    },
  };
}

function backoffDelay(backoff: number | BackoffOptions | undefined): number {
  if (typeof backoff === 'number') return backoff;
  return backoff?.delay ?? 0;
}

/**
 * The error BullMQ stores as the job's failedReason and stack: the AppError's safe
 * message, or only the error's name and code, since other messages may quote data.
 */
function toStoredError(outcome: Exclude<TJobOutcome, { status: 'completed' }>): Error {
  const { error, cause } = outcome;
  const message = isAppError(cause)
    ? `${error.errorCode}: ${cause.message}`
    : `${error.errorName} (${error.errorCode})`;
  const stored = error.permanent ? new UnrecoverableError(message) : new Error(message);
  if (cause instanceof Error && cause.stack) {
    const frames = cause.stack.split('\n').filter((line) => /^\s+at /.test(line));
    stored.stack = [`${stored.name}: ${message}`, ...frames].join('\n');
  }
  return stored;
}

function logRedisError(logger: TQueueLogger, source: string, error: Error): void {
  const { errorCode, errorName } = classifyJobError(error);
  // Connection errors name hosts and ports, never job data, so the message is kept.
  logger.error({ source, errorCode, errorName, reason: error.message }, 'queue redis error');
}

async function quietly(connection: Redis | null): Promise<void> {
  if (!connection) return;
  try {
    await connection.quit();
  } catch {
    connection.disconnect();
  }
}
