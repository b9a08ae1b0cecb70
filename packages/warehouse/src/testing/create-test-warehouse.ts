import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { openWarehouse, type TWarehouse } from '../open-warehouse.ts';

/**
 * A throw-away pool in a fresh temporary folder (a real DuckDB file, so
 * reopening and crash tests work); `cleanup` closes and deletes it.
 *
 * @example
 * const { warehouse, cleanup } = await createTestWarehouse();
 */
export async function createTestWarehouse(): Promise<{
  warehouse: TWarehouse;
  directory: string;
  databasePath: string;
  cleanup: () => Promise<void>;
}> {
  const directory = await mkdtemp(path.join(os.tmpdir(), 'alliage-pool-test-'));
  const databasePath = path.join(directory, 'pool.duckdb');
  const warehouse = await openWarehouse({
    databasePath,
    encryptionKey: 'test-only-pool-key-0123456789abcdef',
    memoryLimit: '1GB',
    threads: 2,
  });
  return {
    warehouse,
    directory,
    databasePath,
    cleanup: async () => {
      await warehouse.close().catch(() => undefined);
      await rm(directory, { recursive: true, force: true });
    },
  };
}
