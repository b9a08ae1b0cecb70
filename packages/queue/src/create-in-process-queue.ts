import { AppError } from '@alliage/domain';
import { COMPLETED_JOB_RETENTION_MS } from './completed-job-retention.ts';
import { executeJob } from './execute-job.ts';
import type { TJobHandlers, TJobName } from './job-catalog.ts';
import type { JobQueue } from './job-queue.ts';
import { parseEnqueueRequest } from './parse-enqueue-request.ts';
import { createConsoleQueueLogger, type TQueueLogger } from './queue-logger.ts';
import { resolveRetryPolicy, type TRetryPolicy } from './retry-policy.ts';

/** Where retry backoffs are scheduled; tests pass one that records or shortens the waits. */
export interface TQueueTimers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface InProcessQueueOptions {
  retry?: Partial<TRetryPolicy>;
  logger?: TQueueLogger;
  timers?: TQueueTimers;
  /** The clock completed ids age by (milliseconds since the epoch); tests move it. */
  now?: () => number;
}

interface TInProcessJob {
  name: TJobName;
  jobId: string;
  storedJobId: string;
  payload: Record<string, unknown>;
  state: 'waiting' | 'delayed' | 'active' | 'completed';
  /** When it completed (the clock's milliseconds), for its id to be forgotten in time. */
  completedAt: number;
  /** Runs started so far. */
  attempt: number;
  failures: number;
  timer: unknown;
}

const globalTimers: TQueueTimers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

const DEFAULT_DRAIN_TIMEOUT_MS = 30_000;

/**
 * Runs jobs in this process with the BullMQ queue's semantics (catalog checks,
 * idempotent job ids, retries with exponential backoff, permanent errors failing
 * at once), for the embedded mode without Redis.
 *
 * Not durable: jobs still waiting or retrying when the process stops are lost, and
 * the idempotence set lives in memory: a completed job id is forgotten after
 * `COMPLETED_JOB_RETENTION_MS`, as BullMQ forgets it, or on restart. The
 * dispatch-pending housekeeping job re-enqueues what the control plane still shows
 * as pending.
 *
 * @example
 * const queue = createInProcessQueue({ logger });
 * await queue.startWorker({ 'intake.process-file': processFile });
 */
export function createInProcessQueue(options: InProcessQueueOptions = {}): JobQueue {
  const retry = resolveRetryPolicy(options.retry);
  const logger = options.logger ?? createConsoleQueueLogger();
  const timers = options.timers ?? globalTimers;
  const now = options.now ?? Date.now;

  // Every job not failed, by stored id: this map is the idempotence set.
  const jobs = new Map<string, TInProcessJob>();
  // Completed jobs in the order they completed, oldest first: forgotten from the front
  // once past the retention, so a process running for months does not keep every id.
  const completed: TInProcessJob[] = [];
  const forgetExpiredCompletions = () => {
    const cutoff = now() - COMPLETED_JOB_RETENTION_MS;
    let expired = 0;
    while (
      expired < completed.length &&
      (completed[expired] as TInProcessJob).completedAt <= cutoff
    ) {
      const job = completed[expired] as TInProcessJob;
      if (jobs.get(job.storedJobId) === job) jobs.delete(job.storedJobId);
      expired += 1;
    }
    if (expired > 0) completed.splice(0, expired);
  };
  const waiting: TInProcessJob[] = [];
  const delayed = new Set<TInProcessJob>();
  const running = new Set<Promise<void>>();
  const idleWaiters = new Set<() => void>();
  let handlers: TJobHandlers | null = null;
  let concurrency = 1;
  // Stopping: no job starts or retries. Closed: no job is accepted either, once the
  // running ones (which may still queue their follow-ups, a delivery its push) are done.
  let stopping = false;
  let closed = false;
  let closing: Promise<void> | null = null;

  const isIdle = () => waiting.length === 0 && delayed.size === 0 && running.size === 0;

  const notifyIfIdle = () => {
    if (!isIdle()) return;
    for (const resolve of idleWaiters) resolve();
    idleWaiters.clear();
  };

  const runJob = async (job: TInProcessJob, jobHandlers: TJobHandlers) => {
    job.state = 'active';
    job.attempt += 1;
    const outcome = await executeJob({
      handlers: jobHandlers,
      name: job.name,
      payload: job.payload,
      jobId: job.jobId,
      attempt: job.attempt,
      previousFailures: job.failures,
      retry,
      logger,
    });
    if (outcome.status === 'completed') {
      job.state = 'completed';
      job.completedAt = now();
      completed.push(job);
      return;
    }
    if (outcome.status === 'failed') {
      // Forgetting a failed id lets the caller enqueue the job again later.
      jobs.delete(job.storedJobId);
      return;
    }
    job.failures += 1;
    if (stopping) {
      // No retry is scheduled any more: close() reports it with the jobs not run.
      job.state = 'waiting';
      waiting.push(job);
      return;
    }
    job.state = 'delayed';
    delayed.add(job);
    job.timer = timers.setTimeout(() => {
      delayed.delete(job);
      job.timer = undefined;
      job.state = 'waiting';
      waiting.push(job);
      pump();
    }, outcome.retryInMs);
  };

  const pump = () => {
    while (handlers && !stopping && running.size < concurrency && waiting.length > 0) {
      const job = waiting.shift()!;
      const execution: Promise<void> = runJob(job, handlers)
        // executeJob never throws; only a throwing logger lands here. Drop the job rather
        // than leave it active forever or crash the process with an unhandled rejection.
        .catch(() => {
          jobs.delete(job.storedJobId);
        })
        .finally(() => {
          running.delete(execution);
          pump();
          notifyIfIdle();
        });
      running.add(execution);
    }
  };

  return {
    kind: 'in-process',

    async enqueue(name, payload, enqueueOptions) {
      const request = parseEnqueueRequest(name, payload, enqueueOptions);
      if (closed) throw new AppError('unavailable', 'the job queue is closed', { retry: true });
      forgetExpiredCompletions();
      if (jobs.has(request.storedJobId)) return false;
      const job: TInProcessJob = {
        ...request,
        state: 'waiting',
        completedAt: 0,
        attempt: 0,
        failures: 0,
        timer: undefined,
      };
      jobs.set(request.storedJobId, job);
      waiting.push(job);
      pump();
      return true;
    },

    async startWorker(jobHandlers, workerOptions = {}) {
      if (stopping) throw new AppError('unavailable', 'the job queue is closed');
      if (handlers) throw new AppError('conflict', 'a worker is already running on this queue');
      concurrency = workerOptions.concurrency ?? 1;
      if (!Number.isInteger(concurrency) || concurrency < 1) {
        throw new RangeError(`concurrency must be an integer >= 1, got ${concurrency}`);
      }
      handlers = jobHandlers;
      pump();
    },

    async drain(timeoutMs = DEFAULT_DRAIN_TIMEOUT_MS) {
      if (isIdle()) return;
      await new Promise<void>((resolve, reject) => {
        const done = () => {
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(() => {
          idleWaiters.delete(done);
          const left = `${waiting.length} waiting, ${delayed.size} retrying, ${running.size} running`;
          reject(new AppError('unavailable', `queue not drained after ${timeoutMs} ms (${left})`));
        }, timeoutMs);
        idleWaiters.add(done);
      });
    },

    close() {
      closing ??= (async () => {
        stopping = true;
        for (const job of delayed) timers.clearTimeout(job.timer);
        await Promise.allSettled([...running]);
        closed = true;
        const dropped = [...waiting, ...delayed];
        for (const job of dropped) jobs.delete(job.storedJobId);
        waiting.length = 0;
        delayed.clear();
        if (dropped.length > 0) {
          logger.warn(
            { droppedJobs: dropped.length, jobIds: dropped.map((job) => job.storedJobId) },
            'in-process queue closed with jobs not run; they run again only when re-enqueued',
          );
        }
        notifyIfIdle();
      })();
      return closing;
    },
  };
}
