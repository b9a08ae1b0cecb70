import { getFileDrop, listPendingFileDrops, listSelections, SYSTEM_ACTOR } from '@alliage/control';
import { AppError, isAppError } from '@alliage/domain';
import { type IntakeDeps, processFileDrop } from '@alliage/intake';
import { runPoolBuild } from '@alliage/pool';
import type { JobQueue, TJobHandlers } from '@alliage/queue';
import { expireDeliveries, runDelivery, type TSelectionSettings } from '@alliage/selection';

const VISIBILITY_POLLS = 20;
const VISIBILITY_POLL_MS = 100;

/**
 * True when the drop exists and is finished (a retried job then has nothing to do).
 * Only a terminal status counts: the drop's transaction may commit between a claim
 * that did not see it and this read, and such a drop still needs processing.
 */
async function isFileDropFinished(deps: WorkerDeps, fileDropId: string): Promise<boolean> {
  try {
    const drop = await getFileDrop(deps.intake.ctx, fileDropId);
    return drop.status !== 'received' && drop.status !== 'processing';
  } catch (error) {
    if (isAppError(error) && error.code === 'not_found') return false;
    throw error;
  }
}

/** What the job handlers need: the intake engine's resources and the queue to re-dispatch to. */
export interface WorkerDeps {
  intake: IntakeDeps;
  queue: JobQueue;
  /** Disclosure and delivery settings (seeds, expiry) for the delivery jobs. */
  selections: TSelectionSettings;
}

/**
 * The handlers of every job in the catalog, shared by the in-process runner of
 * `alliage serve` and the BullMQ workers of `alliage worker`.
 */
export function createJobHandlers(deps: WorkerDeps): TJobHandlers {
  return {
    'intake.process-file': async ({ fileDropId }) => {
      // The job is queued inside the transaction that records its drop, so it can
      // start a few milliseconds before that commit: wait briefly for the row, then
      // leave it to the queue's retry (a drop whose transaction rolled back never shows).
      for (let poll = 0; poll < VISIBILITY_POLLS; poll += 1) {
        if (await processFileDrop(deps.intake, fileDropId)) return;
        if (await isFileDropFinished(deps, fileDropId)) return;
        await new Promise((resolve) => setTimeout(resolve, VISIBILITY_POLL_MS));
      }
      throw new AppError('not_found', `file drop ${fileDropId} is not visible yet`, {
        retry: true,
      });
    },
    'housekeeping.dispatch-pending': async () => {
      await dispatchPendingDrops(deps);
    },
    'housekeeping.pool': async () => {
      await runPoolBuild({
        ctx: deps.intake.ctx,
        warehouse: deps.intake.warehouse,
        actor: SYSTEM_ACTOR,
        full: false,
        trigger: 'housekeeping',
      });
    },
    'delivery.build': async ({ selectionId }) => {
      const signingKey = deps.intake.decryptionKeys[0];
      if (!signingKey) throw new AppError('internal', 'no platform key to sign deliveries with');
      await runDelivery({
        ctx: deps.intake.ctx,
        warehouse: deps.intake.warehouse,
        settings: deps.selections,
        sftpRoot: deps.intake.sftpRoot,
        signingKey,
        selectionId,
      });
    },
    'housekeeping.deliveries': async () => {
      await expireDeliveries({ ctx: deps.intake.ctx, sftpRoot: deps.intake.sftpRoot });
      await dispatchApprovedSelections(deps);
    },
  };
}

/**
 * Queues the delivery of every approved selection that has none written yet
 * (an approval whose enqueue failed, a Redis flush); job ids make it a no-op
 * for deliveries already queued.
 */
export async function dispatchApprovedSelections(deps: WorkerDeps): Promise<number> {
  let queued = 0;
  for (const selection of await listSelections(deps.intake.ctx, { status: 'approved' })) {
    if (
      await deps.queue.enqueue(
        'delivery.build',
        { selectionId: selection.id },
        { jobId: `delivery-${selection.id}` },
      )
    )
      queued += 1;
  }
  return queued;
}

/**
 * Queues the delivery housekeeping (expiry, catch-up) once per hour: the job id
 * is the hour, so every process asking the same hour adds nothing.
 */
export async function scheduleHourlyDeliveryHousekeeping(deps: WorkerDeps): Promise<boolean> {
  const hour = deps.intake.ctx.clock().toISOString().slice(0, 13);
  return deps.queue.enqueue('housekeeping.deliveries', { hour }, { jobId: `deliveries-${hour}` });
}

/**
 * Queues every drop that is not finished (after a crash, a Redis flush, or a
 * commit that outran its job); job ids make this a no-op for drops already queued.
 */
export async function dispatchPendingDrops(deps: WorkerDeps): Promise<number> {
  let queued = 0;
  for (const drop of await listPendingFileDrops(deps.intake.ctx)) {
    if (
      await deps.queue.enqueue('intake.process-file', { fileDropId: drop.id }, { jobId: drop.id })
    )
      queued += 1;
  }
  return queued;
}

/**
 * Queues today's pool housekeeping (retention purge) once: the job id is the
 * day, so every process and every restart asking the same day adds nothing.
 */
export async function scheduleDailyPoolHousekeeping(deps: WorkerDeps): Promise<boolean> {
  const day = deps.intake.ctx.clock().toISOString().slice(0, 10);
  return deps.queue.enqueue('housekeeping.pool', { day }, { jobId: `pool-${day}` });
}
