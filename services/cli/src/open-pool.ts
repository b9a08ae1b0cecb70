import path from 'node:path';
import type { TConfig } from '@alliage/config';
import { isAppError } from '@alliage/domain';
import { deliverPoolAuditOutbox } from '@alliage/pool';
import { openWarehouse, type TWarehouse } from '@alliage/warehouse';
import type { Logger } from 'pino';
import type { OpenedPlatform } from './open-platform.ts';

/** Where the pool's DuckDB file lives in the data directory. */
export function poolDatabasePath(config: TConfig): string {
  return path.join(config.dataDir, 'pool', 'pool.duckdb');
}

/**
 * Opens the pool (DuckDB) as its one writer, encrypted at rest when DuckDB's
 * OpenSSL crypto is available; says loudly when it is not. Then delivers the audit
 * events a process that died after a pool commit left in the pool's outbox
 * (`deliverPoolAuditOutbox`); should that fail, the next pool build or erasure
 * delivers them first.
 *
 * @example
 * const warehouse = await openPool(config, platform, logger);
 */
export async function openPool(
  config: TConfig,
  platform: OpenedPlatform,
  logger: Logger,
): Promise<TWarehouse> {
  const warehouse = await openWarehouse({
    databasePath: poolDatabasePath(config),
    encryptionKey: platform.secrets.poolEncryptionKey,
    extensionDirectory: config.pool.extensionDirectory,
    memoryLimit: config.pool.memoryLimit,
    checkpointThreshold: config.pool.checkpointThreshold,
    threads: config.pool.threads,
    logger: logger.child({ component: 'pool' }),
  });
  try {
    const delivered = await deliverPoolAuditOutbox({ ctx: platform.ctx, warehouse });
    if (delivered > 0) logger.info({ delivered }, 'pool audit events left by a crash delivered');
  } catch (error) {
    logger.warn(
      { code: isAppError(error) ? error.code : 'internal' },
      'pool audit events left by a crash could not be delivered yet; the next pool job retries',
    );
  }
  return warehouse;
}
