import path from 'node:path';
import type { TConfig } from '@alliage/config';
import { openWarehouse, type TWarehouse } from '@alliage/warehouse';
import type { Logger } from 'pino';
import type { OpenedPlatform } from './open-platform.ts';

/** Where the pool's DuckDB file lives in the data directory. */
export function poolDatabasePath(config: TConfig): string {
  return path.join(config.dataDir, 'pool', 'pool.duckdb');
}

/**
 * Opens the pool (DuckDB) as its one writer, encrypted at rest when DuckDB's
 * OpenSSL crypto is available; says loudly when it is not.
 *
 * @example
 * const warehouse = await openPool(config, platform, logger);
 */
export async function openPool(
  config: TConfig,
  platform: OpenedPlatform,
  logger: Logger,
): Promise<TWarehouse> {
  return openWarehouse({
    databasePath: poolDatabasePath(config),
    encryptionKey: platform.secrets.poolEncryptionKey,
    extensionDirectory: config.pool.extensionDirectory,
    memoryLimit: config.pool.memoryLimit,
    checkpointThreshold: config.pool.checkpointThreshold,
    threads: config.pool.threads,
    logger: logger.child({ component: 'pool' }),
  });
}
