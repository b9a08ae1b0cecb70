import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openWarehouse, type TWarehouse } from './open-warehouse.ts';

describe('openWarehouse', () => {
  let directory = '';
  let warehouse: TWarehouse | null = null;
  afterEach(async () => {
    await warehouse?.close().catch(() => undefined);
    warehouse = null;
    if (directory) await rm(directory, { recursive: true, force: true });
  });

  it('applies the memory limit and checkpoint threshold, spilling only to a private folder beside the pool', async () => {
    directory = await mkdtemp(path.join(os.tmpdir(), 'alliage-open-warehouse-test-'));
    const databasePath = path.join(directory, 'pool', 'pool.duckdb');
    warehouse = await openWarehouse({
      databasePath,
      encryptionKey: null,
      memoryLimit: '512MB',
      checkpointThreshold: '256MB',
      threads: 1,
    });
    const reader = await warehouse.connect();
    const settings = await reader.runAndReadAll(`SELECT
      current_setting('memory_limit'), current_setting('checkpoint_threshold'),
      current_setting('temp_directory')`);
    reader.closeSync();
    expect(settings.getRowsJS()).toEqual([
      ['488.2 MiB', '244.1 MiB', path.join(directory, 'pool', 'spill')],
    ]);
    expect((await stat(path.join(directory, 'pool', 'spill'))).mode & 0o777).toBe(0o700);
  });
});
