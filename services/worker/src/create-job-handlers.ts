import {
  getFileDrop,
  listPendingDeliveryPushes,
  listPendingFileDrops,
  listSelections,
  raiseStuckDropAlert,
  readRepoussoirHead,
  recordFileDropFailure,
  requestDeliveryPush,
  SYSTEM_ACTOR,
  type TFileDrop,
} from '@alliage/control';
import { AppError, isAppError, isFinishedDropStatus } from '@alliage/domain';
import { abandonFileDrop, fileDropJobId, type IntakeDeps, processFileDrop } from '@alliage/intake';
import { purgeDropFiles, purgeMemberExports, runPoolBuild } from '@alliage/pool';
import { classifyJobError, type JobQueue, type TJobHandlers } from '@alliage/queue';
import {
  expireDeliveries,
  pushDeliveryFile,
  runDelivery,
  sweepDeliveryOutboxes,
  syncPoolRepoussoir,
  type TSelectionSettings,
} from '@alliage/selection';

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
    return isFinishedDropStatus(drop.status);
  } catch (error) {
    if (isAppError(error) && error.code === 'not_found') return false;
    throw error;
  }
}

/**
 * Processes a drop once its row is visible. The job is queued inside the transaction
 * that records its drop, so it can start a few milliseconds before that commit: wait
 * briefly for the row, then leave it to the queue's retry (a drop whose transaction
 * rolled back never shows).
 */
async function processVisibleFileDrop(deps: WorkerDeps, fileDropId: string): Promise<void> {
  for (let poll = 0; poll < VISIBILITY_POLLS; poll += 1) {
    if (await processFileDrop(deps.intake, fileDropId)) return;
    if (await isFileDropFinished(deps, fileDropId)) return;
    await new Promise((resolve) => setTimeout(resolve, VISIBILITY_POLL_MS));
  }
  throw new AppError('not_found', `file drop ${fileDropId} is not visible yet`, {
    retry: true,
  });
}

/**
 * Records a failed attempt's error code on its drop, for the `drop_stuck` alert. The
 * control plane may be what failed: a drop that cannot be noted keeps its previous code.
 */
async function noteFileDropFailure(
  deps: WorkerDeps,
  fileDropId: string,
  error: unknown,
): Promise<void> {
  try {
    await recordFileDropFailure(deps.intake.ctx, fileDropId, classifyJobError(error).errorCode);
  } catch (noteError) {
    deps.intake.logger?.warn(
      // The error's name only: database messages can quote the values they refused.
      { fileDropId, err: noteError instanceof Error ? noteError.name : 'unknown' },
      'drop failure could not be recorded',
    );
  }
}

/** What the job handlers need: the intake engine's resources and the queue to re-dispatch to. */
export interface WorkerDeps {
  intake: IntakeDeps;
  queue: JobQueue;
  /** Disclosure and delivery settings (seeds, expiry) for the delivery jobs. */
  selections: TSelectionSettings;
  /** The platform's SSH client key, for pushes to clients' own servers (none: pushes fail). */
  push?: { clientPrivateKey: string; connectTimeoutMs?: number };
  /** Days a finished drop's encrypted file stays in the drop store (`ALLIAGE_DROP_FILE_RETENTION_DAYS`). */
  dropFileRetentionDays: number;
  /** Days a personal-data export stays in a member's `reports/` (`ALLIAGE_MEMBER_EXPORT_RETENTION_DAYS`). */
  memberExportRetentionDays: number;
}

/**
 * The handlers of every job in the catalog, shared by the in-process runner of
 * `alliage serve` and the BullMQ workers of `alliage worker`.
 */
export function createJobHandlers(deps: WorkerDeps): TJobHandlers {
  return {
    'intake.process-file': async ({ fileDropId }) => {
      try {
        await processVisibleFileDrop(deps, fileDropId);
      } catch (error) {
        await noteFileDropFailure(deps, fileDropId, error);
        throw error;
      }
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
        hmacSecret: deps.intake.hmacSecret,
      });
    },
    // A job of its own: a failing file system does not make the pool build run again.
    'housekeeping.drop-files': async () => {
      // The member exports' purge runs whatever the drop store's did.
      await runEverySteps([
        async () => {
          const files = await purgeDropFiles({
            ctx: deps.intake.ctx,
            actor: SYSTEM_ACTOR,
            dropStore: deps.intake.dropStore,
            retentionDays: deps.dropFileRetentionDays,
            reason: 'retention',
          });
          deps.intake.logger?.info({ ...files }, 'drop store housekeeping');
        },
        async () => {
          const exports = await purgeMemberExports({
            ctx: deps.intake.ctx,
            actor: SYSTEM_ACTOR,
            sftpRoot: deps.intake.sftpRoot,
            retentionDays: deps.memberExportRetentionDays,
          });
          deps.intake.logger?.info({ ...exports }, 'member exports housekeeping');
        },
      ]);
    },
    'pool.repoussoir-sync': async ({ version }) => {
      const refreshed = await syncPoolRepoussoir(deps.intake.ctx, deps.intake.warehouse);
      deps.intake.logger?.info({ version, refreshed }, 'repoussoir mirror caught up');
    },
    'delivery.build': async ({ selectionId }) => {
      const signingKey = deps.intake.decryptionKeys[0];
      if (!signingKey) throw new AppError('internal', 'no platform key to sign deliveries with');
      const delivery = await runDelivery({
        ctx: deps.intake.ctx,
        warehouse: deps.intake.warehouse,
        settings: deps.selections,
        sftpRoot: deps.intake.sftpRoot,
        signingKey,
        selectionId,
        hmacSecret: deps.intake.hmacSecret,
      });
      // The local file is final: a push to the client's own server is a job of its own,
      // so that its failure never fails the delivery and is retried on its own.
      const pushing = await requestDeliveryPush(deps.intake.ctx, delivery.id, {
        whenConfigured: true,
      });
      if (pushing.pushStatus === 'pending') await enqueueDeliveryPush(deps.queue, delivery.id);
    },
    'delivery.push': async ({ deliveryId }) => {
      if (!deps.push) throw new AppError('internal', 'this worker has no SSH key to push with');
      await pushDeliveryFile(
        {
          ctx: deps.intake.ctx,
          sftpRoot: deps.intake.sftpRoot,
          clientPrivateKey: deps.push.clientPrivateKey,
          ...(deps.push.connectTimeoutMs ? { connectTimeoutMs: deps.push.connectTimeoutMs } : {}),
          ...(deps.intake.logger ? { logger: deps.intake.logger } : {}),
        },
        deliveryId,
      );
    },
    // Each step runs whatever the one before did: a file the expiry cannot delete must not
    // hold up the sweep, the dispatch of approved selections or the pushes. The job fails
    // (and is retried) with the first error once all have run.
    'housekeeping.deliveries': async () => {
      await runEverySteps([
        () => expireDeliveries({ ctx: deps.intake.ctx, sftpRoot: deps.intake.sftpRoot }),
        // Files the expiry above no longer sees: a restore brought back those of deliveries
        // already expired or failed, or files of deliveries an older control plane lacks.
        async () => {
          const outboxes = await sweepDeliveryOutboxes({
            ctx: deps.intake.ctx,
            actor: SYSTEM_ACTOR,
            sftpRoot: deps.intake.sftpRoot,
            expiryDays: deps.selections.deliveryExpiryDays,
          });
          deps.intake.logger?.info({ ...outboxes }, 'delivery outboxes housekeeping');
        },
        () => dispatchApprovedSelections(deps),
        () => dispatchPendingPushes(deps),
      ]);
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
 * Queues the push of a delivery to its client's own server. The job id is the
 * delivery's: a push queued or running is not queued twice, and a failed one
 * (retries exhausted) can be queued again.
 *
 * @example
 * await enqueueDeliveryPush(queue, delivery.id);
 */
export function enqueueDeliveryPush(queue: JobQueue, deliveryId: string): Promise<boolean> {
  return queue.enqueue('delivery.push', { deliveryId }, { jobId: `push-${deliveryId}` });
}

/**
 * Queues a drop's intake job, keyed by `fileDropJobId` (a drop an operator retried gets a
 * new key: the queue may remember the job of its attempts before the platform gave up).
 *
 * @example
 * await enqueueFileDrop(queue, await retryFileDrop(ctx, operator, fileDropId));
 */
export function enqueueFileDrop(
  queue: JobQueue,
  drop: Pick<TFileDrop, 'id' | 'retriedAt'>,
): Promise<boolean> {
  return queue.enqueue(
    'intake.process-file',
    { fileDropId: drop.id },
    { jobId: fileDropJobId(drop) },
  );
}

/** Queues every pending push again (an enqueue lost to a crash or a Redis flush). */
export async function dispatchPendingPushes(deps: WorkerDeps): Promise<number> {
  let queued = 0;
  for (const delivery of await listPendingDeliveryPushes(deps.intake.ctx)) {
    if (await enqueueDeliveryPush(deps.queue, delivery.id)) queued += 1;
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
 * A drop unfinished past the thresholds of `isStuckDrop` raises one `drop_stuck`
 * alert first: it is still queued, but operators now know its file does not load.
 * A drop past `isAbandonedDrop` (a week of failures) is given up on instead
 * (`abandonFileDrop`): finished `abandoned`, reported to its member, alerted on
 * (`drop_abandoned`), never queued again unless an operator retries it (`retryFileDrop`).
 */
export async function dispatchPendingDrops(deps: WorkerDeps): Promise<number> {
  let queued = 0;
  for (const drop of await listPendingFileDrops(deps.intake.ctx)) {
    // A drop that cannot be given up on now is retried as before, and given up on next hour.
    const abandoned = await abandonFileDrop(deps.intake, drop).catch((error: unknown) => {
      deps.intake.logger?.warn(
        { fileDropId: drop.id, err: error instanceof Error ? error.name : 'unknown' },
        'failing drop could not be abandoned',
      );
      return null;
    });
    if (abandoned) continue;
    // A failing alert must not stop the re-dispatch of this drop or the next ones.
    await raiseStuckDropAlert(deps.intake.ctx, drop).catch((error: unknown) => {
      deps.intake.logger?.warn(
        { fileDropId: drop.id, err: error instanceof Error ? error.name : 'unknown' },
        'stuck drop could not be alerted',
      );
    });
    if (await enqueueFileDrop(deps.queue, drop)) queued += 1;
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

/**
 * Queues the catch-up of the pool's repoussoir mirror to the list's current version,
 * once per version (the job id is the epoch and version): called every minute, it
 * adds a job only after the repoussoir changed, so the drop or count that follows an
 * import of a national list finds the mirror current instead of reading the changes.
 */
export async function scheduleRepoussoirSync(deps: WorkerDeps): Promise<boolean> {
  const head = await readRepoussoirHead(deps.intake.ctx);
  return deps.queue.enqueue(
    'pool.repoussoir-sync',
    { version: head.version },
    { jobId: `repoussoir-${head.epoch}-${head.version}` },
  );
}

/**
 * Queues today's drop-store housekeeping (encrypted files of finished drops past
 * `dropFileRetentionDays`) once, keyed by the day like the pool's.
 */
export async function scheduleDailyDropFileHousekeeping(deps: WorkerDeps): Promise<boolean> {
  const day = deps.intake.ctx.clock().toISOString().slice(0, 10);
  return deps.queue.enqueue('housekeeping.drop-files', { day }, { jobId: `drop-files-${day}` });
}

/**
 * Queues, once per hour, the job that queues again every unfinished drop: a drop whose
 * intake job ran out of retries (an outage longer than the retry window) or was lost
 * with Redis is otherwise left `processing` until the worker restarts.
 */
export async function scheduleHourlyDropDispatch(deps: WorkerDeps): Promise<boolean> {
  const hour = deps.intake.ctx.clock().toISOString().slice(0, 13);
  return deps.queue.enqueue('housekeeping.dispatch-pending', {}, { jobId: `dispatch-${hour}` });
}

/** The periodic jobs, each keyed by its day or hour: queueing one already queued adds nothing. */
const HOUSEKEEPING_SCHEDULES = [
  [scheduleHourlyDropDispatch, 'unfinished drop dispatch'],
  [scheduleDailyPoolHousekeeping, 'pool housekeeping'],
  [scheduleDailyDropFileHousekeeping, 'drop store housekeeping'],
  [scheduleHourlyDeliveryHousekeeping, 'delivery housekeeping'],
] as const;

/**
 * The runtime's hourly pass (and its first, at start): queues each periodic
 * housekeeping job its day or hour has not queued yet. A job that cannot be queued
 * is reported to `onError` by name and does not stop the others.
 *
 * @example
 * await scheduleHousekeeping(deps, (name) => logger.warn(`${name} could not be queued`));
 */
export async function scheduleHousekeeping(
  deps: WorkerDeps,
  onError: (name: string, error: unknown) => void,
): Promise<void> {
  await Promise.all(
    HOUSEKEEPING_SCHEDULES.map(([schedule, name]) =>
      schedule(deps).then(
        () => undefined,
        (error: unknown) => onError(name, error),
      ),
    ),
  );
}

/**
 * Runs every step in order, each whatever the ones before did, then throws the first
 * error if any failed: one housekeeping task failing does not skip the others.
 *
 * @example
 * await runEverySteps([() => expireDeliveries(options), () => dispatchPendingPushes(deps)]);
 */
export async function runEverySteps(steps: readonly (() => Promise<unknown>)[]): Promise<void> {
  const errors: unknown[] = [];
  for (const step of steps) {
    try {
      await step();
    } catch (error) {
      errors.push(error);
    }
  }
  if (errors.length > 0) throw errors[0];
}
