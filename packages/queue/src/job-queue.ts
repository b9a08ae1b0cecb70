import type { TJobHandlers, TJobName, TJobPayload } from './job-catalog.ts';

export type TJobQueueKind = 'in-process' | 'bullmq';

export interface TEnqueueOptions {
  /**
   * Idempotence key, unique per job name (a file SHA-256, a selection id): while a
   * job with this name and id is waiting, retrying, running or completed, enqueueing
   * it again is a no-op. A failed job's id can be enqueued again.
   */
  jobId: string;
}

export interface TStartWorkerOptions {
  /** Jobs this process runs at once; default 1. */
  concurrency?: number;
}

/** The queue both runners implement: BullMQ on Redis, or in the current process. */
export interface JobQueue {
  readonly kind: TJobQueueKind;
  /**
   * Validates the payload with the catalog (AppError `validation_failed` otherwise)
   * and adds the job; resolves false when `jobId` was already taken (no-op).
   */
  enqueue<N extends TJobName>(
    name: N,
    payload: TJobPayload<N>,
    options: TEnqueueOptions,
  ): Promise<boolean>;
  /** Starts consuming with these handlers; a process that only enqueues (the SFTP server) never calls it. */
  startWorker(handlers: TJobHandlers, options?: TStartWorkerOptions): Promise<void>;
  /** Resolves when nothing is waiting, retrying or running (tests, demo); rejects after `timeoutMs`. */
  drain(timeoutMs?: number): Promise<void>;
  /**
   * Stops the worker after its running jobs finish (they may still enqueue; other
   * callers should not), then refuses enqueues and releases timers and connections.
   */
  close(): Promise<void>;
}
