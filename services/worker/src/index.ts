export type { WorkerDeps } from './create-job-handlers.ts';
export {
  createJobHandlers,
  dispatchApprovedSelections,
  dispatchPendingDrops,
  dispatchPendingPushes,
  enqueueDeliveryPush,
  enqueueFileDrop,
  scheduleDailyDropFileHousekeeping,
  scheduleDailyPoolHousekeeping,
  scheduleHourlyDeliveryHousekeeping,
  scheduleHourlyDropDispatch,
  scheduleHousekeeping,
  scheduleRepoussoirSync,
} from './create-job-handlers.ts';
