export type { WorkerDeps } from './create-job-handlers.ts';
export {
  createJobHandlers,
  dispatchApprovedSelections,
  dispatchPendingDrops,
  dispatchPendingPushes,
  enqueueDeliveryPush,
  scheduleDailyDropFileHousekeeping,
  scheduleDailyPoolHousekeeping,
  scheduleHourlyDeliveryHousekeeping,
} from './create-job-handlers.ts';
