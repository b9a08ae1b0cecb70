export type { WorkerDeps } from './create-job-handlers.ts';
export {
  createJobHandlers,
  dispatchApprovedSelections,
  dispatchPendingDrops,
  scheduleDailyPoolHousekeeping,
  scheduleHourlyDeliveryHousekeeping,
} from './create-job-handlers.ts';
