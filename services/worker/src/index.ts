export type { WorkerDeps } from './create-job-handlers.ts';
export {
  createJobHandlers,
  dispatchPendingDrops,
  scheduleDailyPoolHousekeeping,
} from './create-job-handlers.ts';
