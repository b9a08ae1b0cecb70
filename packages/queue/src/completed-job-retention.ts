/**
 * How long a completed job's id is kept, by either queue: within it, enqueueing the same
 * id again is a no-op (the queues' idempotence window); beyond it the id is forgotten and
 * handlers stay idempotent by checking the control plane (a file drop already loaded).
 * BullMQ evicts completed jobs this old (`removeOnComplete`); the in-process queue too.
 */
export const COMPLETED_JOB_RETENTION_MS = 30 * 24 * 60 * 60 * 1000;
