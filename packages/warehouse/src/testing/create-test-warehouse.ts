import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { openWarehouse, type TWarehouse } from '../open-warehouse.ts';

/**
 * A throw-away pool in a fresh temporary folder (a real DuckDB file, so
 * reopening and crash tests work); `reopen` closes it and opens the same file
 * again (as a restarted process would), `cleanup` closes and deletes it.
 *
 * @example
 * const pool = await createTestWarehouse();
 * const again = await pool.reopen();
 */
export async function createTestWarehouse(): Promise<{
  warehouse: TWarehouse;
  directory: string;
  databasePath: string;
  reopen: () => Promise<TWarehouse>;
  cleanup: () => Promise<void>;
}> {
  const directory = await mkdtemp(path.join(os.tmpdir(), 'alliage-pool-test-'));
  const databasePath = path.join(directory, 'pool.duckdb');
  const open = () =>
    openWarehouse({
      databasePath,
      encryptionKey: 'test-only-pool-key-0123456789abcdef',
      memoryLimit: '1GB',
      threads: 2,
    });
  let current = await open();
  return {
    warehouse: current,
    directory,
    databasePath,
    reopen: async () => {
      await current.close();
      current = await open();
      return current;
    },
    cleanup: async () => {
      await current.close().catch(() => undefined);
      await rm(directory, { recursive: true, force: true });
    },
  };
}
