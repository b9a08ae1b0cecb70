export type { WorkerDeps } from './create-job-handlers.ts';
export { createJobHandlers, dispatchPendingDrops } from './create-job-handlers.ts';
