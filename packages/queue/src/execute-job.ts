import { AppError } from '@alliage/domain';
import { classifyJobError, type TJobErrorClass } from './classify-job-error.ts';
import type { TJobContext, TJobHandlers } from './job-catalog.ts';
import { parseJobRequest } from './parse-job-request.ts';
import type { TQueueLogger } from './queue-logger.ts';
import { computeBackoffMs, type TRetryPolicy } from './retry-policy.ts';

/** One run of one job, as either queue sees it. */
export interface TJobRun {
  handlers: TJobHandlers;
  /** As stored: checked against the catalog again before the handler sees it. */
  name: string;
  payload: unknown;
  /** The caller's `jobId`. */
  jobId: string;
  /** 1 for the first run; counts every start. */
  attempt: number;
  /** Failed runs before this one (a crashed run is not a failure, so this may be < attempt - 1). */
  previousFailures: number;
  retry: TRetryPolicy;
  logger: TQueueLogger;
}

export type TJobOutcome =
  | { status: 'completed' }
  | { status: 'retry'; retryInMs: number; error: TJobErrorClass; cause: unknown }
  | { status: 'failed'; error: TJobErrorClass; cause: unknown };

type TAnyJobHandler = (payload: unknown, job: TJobContext) => Promise<void>;

/**
 * Validates a job's payload, runs its handler and decides what happens next:
 * completed, retry after a backoff, or failed (permanent error or no attempt
 * left). Logs each outcome with name, id, attempt and error code only. Never
 * throws: both queues turn the outcome into their own mechanics.
 *
 * @example
 * const outcome = await executeJob({ handlers, name, payload, jobId, attempt: 1, previousFailures: 0, retry, logger });
 */
export async function executeJob(run: TJobRun): Promise<TJobOutcome> {
  const fields = { jobName: run.name, jobId: run.jobId, attempt: run.attempt };
  try {
    const job = parseJobRequest(run.name, run.payload);
    // The catalog parse above ties the payload to the name, which TypeScript cannot follow.
    const handler = run.handlers[job.name] as TAnyJobHandler | undefined;
    if (!handler) throw new AppError('internal', `this worker has no handler for ${job.name}`);
    await handler(job.payload, { id: run.jobId, attempt: run.attempt, name: job.name });
  } catch (cause) {
    const error = classifyJobError(cause);
    const failureCount = run.previousFailures + 1;
    const errorFields = { ...fields, errorCode: error.errorCode, errorName: error.errorName };
    if (!error.permanent && failureCount < run.retry.attempts) {
      const retryInMs = computeBackoffMs(run.retry, failureCount);
      run.logger.warn({ ...errorFields, retryInMs }, 'job attempt failed, will retry');
      return { status: 'retry', retryInMs, error, cause };
    }
    run.logger.error({ ...errorFields, permanent: error.permanent }, 'job failed');
    return { status: 'failed', error, cause };
  }
  run.logger.info(fields, 'job completed');
  return { status: 'completed' };
}
