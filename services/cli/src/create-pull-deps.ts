import type { TConfig } from '@alliage/config';
import type { PullDeps } from '@alliage/intake';
import type { JobQueue } from '@alliage/queue';
import { enqueueFileDrop } from '@alliage/worker';
import type { Logger } from 'pino';
import { sftpRootIn } from './data-dir-paths.ts';
import type { OpenedPlatform } from './open-platform.ts';

/**
 * The puller's resources: pulled files land in the SFTP inboxes under the upload
 * size cap, and each drop's intake job goes to `queue`.
 */
export function createPullDeps(
  config: TConfig,
  platform: OpenedPlatform,
  queue: JobQueue,
  logger: Logger,
): PullDeps {
  return {
    ctx: platform.ctx,
    sftpRoot: sftpRootIn(config.dataDir),
    clientPrivateKey: platform.secrets.sshClientKey,
    maxFileBytes: config.sftp.maxUploadBytes,
    enqueue: (drop) => enqueueFileDrop(queue, drop),
    logger: logger.child({ component: 'pull' }),
  };
}
