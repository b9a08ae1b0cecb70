import type { TConfig } from '@alliage/config';
import type { TWarehouse } from '@alliage/warehouse';
import { destination, pino } from 'pino';
import { type OpenedPlatform, openPlatform } from './open-platform.ts';
import type { OpenPoolOptions } from './open-pool.ts';

/**
 * Runs a command that must own the pool itself (the platform stopped): opens the
 * platform and the pool (claimed like a job-running process's), runs `work`, and
 * closes both whatever happens.
 *
 * @example
 * await runWithPool(config, {}, (platform, warehouse) => offboardMember({ ... }));
 */
export async function runWithPool<T>(
  config: TConfig,
  poolOptions: OpenPoolOptions,
  work: (platform: OpenedPlatform, warehouse: TWarehouse) => Promise<T>,
): Promise<T> {
  const platform = await openPlatform(config, { kind: 'cli' });
  try {
    const logger = pino({ level: 'warn' }, destination({ dest: 2, sync: true }));
    // Loaded here: DuckDB and the pool's code are not every command's.
    const { openPool } = await import('./open-pool.ts');
    const warehouse = await openPool(config, platform, logger, poolOptions);
    try {
      return await work(platform, warehouse);
    } finally {
      await warehouse.close();
    }
  } finally {
    await platform.close();
  }
}
