import path from 'node:path';
import type { TConfig } from '@alliage/config';
import type { IntakeDeps } from '@alliage/intake';
import { createJobQueue, type JobQueue } from '@alliage/queue';
import type { SftpServer } from '@alliage/sftp';
import { createJobHandlers, dispatchPendingDrops } from '@alliage/worker';
import type { Logger } from 'pino';
import { createDropZone } from './create-drop-zone.ts';
import type { OpenedPlatform } from './open-platform.ts';

/** The long-running parts of a process: queue, job worker and SFTP drop zone. */
export interface Runtime {
  queue: JobQueue;
  sftpPort: number | null;
  stop(): Promise<void>;
}

/**
 * Starts the queue (BullMQ with REDIS_URL, in-process otherwise), optionally a job
 * worker (which first re-queues unfinished drops) and the SFTP drop zone.
 */
export async function startRuntime(options: {
  config: TConfig;
  platform: OpenedPlatform;
  logger: Logger;
  worker: boolean;
  sftp: boolean;
}): Promise<Runtime> {
  const { config, platform, logger } = options;
  const queue = createJobQueue({
    redisUrl: config.redisUrl,
    logger: logger.child({ component: 'queue' }),
  });
  let sftp: SftpServer | null = null;
  let sftpPort: number | null = null;
  try {
    if (options.worker) {
      const intake: IntakeDeps = {
        ctx: platform.ctx,
        decryptionKeys: [platform.secrets.pgp],
        sftpRoot: path.join(config.dataDir, 'sftp'),
        dropStore: path.join(config.dataDir, 'drops'),
        maxPlaintextBytes: config.intake.maxPlaintextBytes,
        maxRejectedRowRatio: config.intake.maxRejectedRowRatio,
        logger: logger.child({ component: 'intake' }),
      };
      const deps = { intake, queue };
      await queue.startWorker(createJobHandlers(deps), { concurrency: config.worker.concurrency });
      const requeued = await dispatchPendingDrops(deps);
      if (requeued > 0) logger.info({ requeued }, 'unfinished file drops queued again');
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
    await sftp?.close();
    await queue.close();
    throw error;
  }
  return {
    queue,
    sftpPort,
    stop: async () => {
      await sftp?.close();
      await queue.close();
    },
  };
}
