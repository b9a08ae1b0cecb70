import type { TConfig } from '@alliage/config';
import type { IntakeDeps } from '@alliage/intake';
import type { TWarehouse } from '@alliage/warehouse';
import type { Logger } from 'pino';
import { dropStoreIn, sftpRootIn } from './data-dir-paths.ts';
import type { OpenedPlatform } from './open-platform.ts';
import { readPreviousPgpKeys } from './rotate-platform-pgp-key.ts';

/** The intake engine's resources, from the configuration and the opened platform. */
export function createIntakeDeps(
  config: TConfig,
  platform: OpenedPlatform,
  logger: Logger,
  warehouse: TWarehouse,
): IntakeDeps {
  return {
    warehouse,
    hmacSecret: platform.secrets.hmacSecret,
    ctx: platform.ctx,
    // Files encrypted to a rotated-out key are still read (in flight during a rotation).
    decryptionKeys: [
      platform.secrets.pgp,
      ...readPreviousPgpKeys(config.dataDir, config.secrets.pgpPassphrase),
    ],
    sftpRoot: sftpRootIn(config.dataDir),
    dropStore: dropStoreIn(config.dataDir),
    maxPlaintextBytes: config.intake.maxPlaintextBytes,
    maxRejectedRowRatio: config.intake.maxRejectedRowRatio,
    logger: logger.child({ component: 'intake' }),
  };
}
