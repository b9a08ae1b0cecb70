import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { openWarehouse, type TWarehouse } from '../open-warehouse.ts';

/**
 * A throw-away pool in a fresh temporary folder (a real DuckDB file, so
 * reopening and crash tests work); `reopen` closes it and opens the same file
 * again (as a restarted process would), `cleanup` closes and deletes it.
 *
 * DuckDB runs on one thread here unless `threads` says otherwise: the tests' pools hold
 * a handful of rows, where a second thread only adds scheduling (a load of two customers:
 * 0.62 instead of 0.79 s, ~30% less CPU; the warehouse and pool suites 103–111 instead of
 * 129–165 s on the 2-core machine). Tests of what parallel work does (the CSV reader
 * splitting a file across threads) ask for more; the end-to-end suites run `serve` with
 * the platform's own setting.
 *
 * @example
 * const pool = await createTestWarehouse();
 * const again = await pool.reopen();
 * const parallel = await createTestWarehouse({ threads: 2 });
 */
export async function createTestWarehouse(options: { threads?: number } = {}): Promise<{
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
      threads: options.threads ?? 1,
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
