import type { TConfig } from '@alliage/config';
import type { TActor } from '@alliage/control';
import { detectGpg, sweepOrphanGpgHomes } from '@alliage/crypto';
import type { AppError, TPullResult } from '@alliage/domain';
import { type PullDeps, pullDueSources, pullMemberFiles } from '@alliage/intake';
import { createJobQueue, type JobQueue } from '@alliage/queue';
import type { TSelectionSettings } from '@alliage/selection';
import type { SftpServer } from '@alliage/sftp';
import { type TWarehouse, warmWarehouse } from '@alliage/warehouse';
import {
  createJobHandlers,
  dispatchApprovedSelections,
  dispatchPendingDrops,
  scheduleHousekeeping,
  scheduleRepoussoirSync,
  type WorkerDeps,
} from '@alliage/worker';
import type { Logger } from 'pino';
import { createDropZone } from './create-drop-zone.ts';
import { createIntakeDeps } from './create-intake-deps.ts';
import { createPullDeps } from './create-pull-deps.ts';
import { EXIT_CHECK_FAILED } from './exit-codes.ts';
import type { OpenedPlatform } from './open-platform.ts';
import { type OpenPoolOptions, openPool } from './open-pool.ts';
import type { Output } from './output.ts';
import { reportError } from './run-admin-command.ts';

/** How often the worker looks for scheduled pull sources that are due. */
const PULL_SCHEDULE_TICK_MS = 60_000;

/** The long-running parts of a process: queue, job worker and SFTP drop zone. */
export interface Runtime {
  queue: JobQueue;
  sftpPort: number | null;
  /** The pool, when this process runs the jobs (it is then the pool's one writer). */
  warehouse: TWarehouse | null;
  /** Fetches a member's new files now; their intake jobs go to this runtime's queue. */
  pullMemberFiles(actor: TActor, memberCode: string): Promise<TPullResult>;
  stop(): Promise<void>;
}

/**
 * Starts the queue (BullMQ with REDIS_URL, in-process otherwise), optionally a job
 * worker (which first re-queues unfinished drops, then pulls scheduled member
 * sources as they fall due) and the SFTP drop zone.
 */
export async function startRuntime(options: {
  config: TConfig;
  platform: OpenedPlatform;
  logger: Logger;
  worker: boolean;
  sftp: boolean;
  /** How often the worker looks for due pull sources; default every minute (tests go faster). */
  pullScheduleTickMs?: number;
  /** The pool lease's timing (tests). */
  poolLease?: Pick<OpenPoolOptions, 'leaseMs' | 'renewEveryMs'>;
  /**
   * Told once when the pool lease is taken over by another process: the runtime has
   * then stopped taking jobs and is stopping (`stopped` settles when it is done); the
   * caller must exit non-zero.
   */
  onPoolLost?: (error: AppError, stopped: Promise<void>) => void;
}): Promise<Runtime> {
  const { config, platform, logger } = options;
  const queue = createConfiguredQueue(config, logger);
  const pullDeps = createPullDeps(config, platform, queue, logger);
  let schedule: { stop(): Promise<void> } | null = null;
  let repoussoirSync: { stop(): Promise<void> } | null = null;
  let housekeeping: { stop(): void } | null = null;
  let sftp: SftpServer | null = null;
  let sftpPort: number | null = null;
  let warehouse: TWarehouse | null = null;
  let warming: { stop(): Promise<void> } | null = null;
  let stopping: Promise<void> | null = null;
  // Once, whoever asks first (a signal, a failed start, the pool lost): the worker takes
  // no new job, the running ones finish (a lost pool refuses their writes), then the pool closes.
  const stop = () => {
    stopping ??= (async () => {
      await warming?.stop();
      housekeeping?.stop();
      await repoussoirSync?.stop();
      await schedule?.stop();
      await sftp?.close();
      await queue.close();
      await warehouse?.close();
    })();
    return stopping;
  };
  try {
    if (options.worker) {
      // Homes a killed worker of this machine left mid-decryption, with their gpg-agents.
      const orphanGpgHomes = await sweepOrphanGpgHomes({ gpg: await detectGpg() });
      if (orphanGpgHomes > 0) {
        logger.info({ removed: orphanGpgHomes }, 'temporary GnuPG homes of dead processes removed');
      }
      warehouse = await openPool(config, platform, logger, {
        ...options.poolLease,
        // Nothing more may write the pool: stop taking jobs at once, and let the caller exit.
        onLeaseLost: (error) => options.onPoolLost?.(error, stop()),
      });
      warming = startWarming(warehouse, logger);
      const deps = {
        intake: createIntakeDeps(config, platform, logger, warehouse),
        queue,
        selections: selectionSettings(config),
        push: { clientPrivateKey: platform.secrets.sshClientKey },
        dropFileRetentionDays: config.intake.dropFileRetentionDays,
        memberExportRetentionDays: config.intake.memberExportRetentionDays,
      };
      await queue.startWorker(createJobHandlers(deps), { concurrency: config.worker.concurrency });
      const requeued = await dispatchPendingDrops(deps);
      if (requeued > 0) logger.info({ requeued }, 'unfinished file drops queued again');
      const deliveries = await dispatchApprovedSelections(deps);
      if (deliveries > 0) logger.info({ deliveries }, 'approved selections queued for delivery');
      schedule = startPullSchedule(
        pullDeps,
        logger,
        options.pullScheduleTickMs ?? PULL_SCHEDULE_TICK_MS,
      );
      housekeeping = startDailyHousekeeping(deps, logger);
      repoussoirSync = startRepoussoirSync(deps, logger);
    }
    if (options.sftp) {
      sftp = createDropZone({
        config,
        ctx: platform.ctx,
        queue,
        hostKey: platform.secrets.sshHostKey,
        logger: logger.child({ component: 'sftp' }),
      });
      sftpPort = (await sftp.listen(config.sftp.port, config.sftp.host)).port;
    }
  } catch (error) {
    await stop();
    // The pool may have been lost (and the stop begun) before it was assigned.
    await warehouse?.close();
    throw error;
  }
  return {
    queue,
    sftpPort,
    warehouse,
    pullMemberFiles: (actor, memberCode) => pullMemberFiles(pullDeps, memberCode, actor),
    stop,
  };
}

/**
 * The `onPoolLost` of `serve` and `worker`: says why on stderr, then stops the process
 * with exit code 1 once the runtime has stopped.
 *
 * @example
 * await startRuntime({ ...options, onPoolLost: exitWhenPoolLost(output, stop) });
 */
export function exitWhenPoolLost(
  output: Output,
  stop: (reason: string, exitCode: number, runtimeStopped: Promise<void>) => Promise<void>,
): (error: AppError, stopped: Promise<void>) => void {
  return (error, stopped) => {
    reportError(output, error.message, { code: error.code });
    void stop('pool_lease_lost', EXIT_CHECK_FAILED, stopped);
  };
}

/**
 * Reads the pool into DuckDB's memory in the background, so the first drop or
 * selection after a start does not load it block by block (that first drop took
 * twice as long on the bench). Never throws: a failure only costs that speed.
 */
function startWarming(warehouse: TWarehouse, logger: Logger): { stop(): Promise<void> } {
  const controller = new AbortController();
  const done = warmWarehouse(warehouse, { signal: controller.signal })
    .then((result) => logger.info(result, 'pool read into memory'))
    .catch((error: unknown) => {
      logger.warn(
        { err: error instanceof Error ? error.name : 'unknown' },
        'reading the pool into memory failed; the first drop will be slower',
      );
    });
  return {
    stop: async () => {
      controller.abort();
      await done;
    },
  };
}

/**
 * Every `tickMs`, pulls the scheduled sources that are due, one at a time. Failures
 * are logged here and audited by the puller.
 */
function startPullSchedule(
  deps: PullDeps,
  logger: Logger,
  tickMs: number,
): { stop(): Promise<void> } {
  return startTicking(tickMs, () =>
    pullDueSources(deps, deps.ctx.clock())
      .then((outcome) => {
        if (outcome.pulled + outcome.failed > 0) logger.info(outcome, 'scheduled pulls done');
      })
      .catch((error: unknown) => {
        // Listing or claiming failed (the database is unreachable): try again next tick.
        logger.warn(
          { err: error instanceof Error ? error.name : 'unknown' },
          'pull schedule tick failed',
        );
      }),
  );
}

/** How often the runtime looks whether the repoussoir changed since the pool's mirror. */
const REPOUSSOIR_SYNC_TICK_MS = 60_000;

/**
 * Now and every minute, queues the catch-up of the pool's repoussoir mirror when the
 * list has a version not queued yet (`scheduleRepoussoirSync`).
 */
function startRepoussoirSync(deps: WorkerDeps, logger: Logger): { stop(): Promise<void> } {
  const run = () =>
    scheduleRepoussoirSync(deps)
      .then(() => undefined)
      .catch((error: unknown) => {
        logger.warn(
          { err: error instanceof Error ? error.name : 'unknown' },
          'repoussoir catch-up could not be queued',
        );
      });
  return startTicking(REPOUSSOIR_SYNC_TICK_MS, run, { now: true });
}

/**
 * Runs `run` every `tickMs` (and at once with `now`): a tick never overlaps the
 * previous one and never keeps the process alive; `run` must not throw.
 */
function startTicking(
  tickMs: number,
  run: () => Promise<void>,
  options: { now?: boolean } = {},
): { stop(): Promise<void> } {
  let running: Promise<void> | null = null;
  const tick = () => {
    if (running) return;
    running = run().finally(() => {
      running = null;
    });
  };
  if (options.now) tick();
  const timer = setInterval(tick, tickMs);
  timer.unref();
  return {
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
}

/** How often the runtime queues the housekeeping its day or hour has not queued yet. */
const HOUSEKEEPING_TICK_MS = 3600_000;

/**
 * Now and then every hour, `scheduleHousekeeping`: the pool and drop-store
 * housekeeping once a day (job ids are the day, whatever the restarts), the delivery
 * housekeeping and the re-dispatch of unfinished drops once an hour.
 */
function startDailyHousekeeping(deps: WorkerDeps, logger: Logger): { stop(): void } {
  const tick = () => {
    void scheduleHousekeeping(deps, (name, error) => {
      logger.warn(
        { err: error instanceof Error ? error.name : 'unknown' },
        `${name} could not be queued`,
      );
    });
  };
  tick();
  const timer = setInterval(tick, HOUSEKEEPING_TICK_MS);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}

/**
 * The job queue of the configuration: BullMQ on REDIS_URL (under the configured
 * prefix and stalled-job timing), else in-process.
 *
 * @example
 * const queue = createConfiguredQueue(config, logger);
 */
export function createConfiguredQueue(config: TConfig, logger: Logger): JobQueue {
  return createJobQueue({
    redisUrl: config.redisUrl,
    // Deployments (and test runs) sharing one Redis keep their jobs apart.
    prefix: config.worker.queuePrefix,
    lockDurationMs: config.worker.stalledSeconds * 1000,
    stalledIntervalMs: config.worker.stalledSeconds * 1000,
    logger: logger.child({ component: 'queue' }),
  });
}

/** The selection and delivery settings of the configuration. */
export function selectionSettings(config: TConfig): TSelectionSettings {
  return { countThreshold: config.pool.countThreshold, ...config.selections };
}
