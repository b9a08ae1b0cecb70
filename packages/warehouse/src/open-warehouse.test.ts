import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterEach, describe, expect, it } from 'vitest';
import { checkpointWarehouse } from './checkpoint-warehouse.ts';
import { openWarehouse, type TWarehouse } from './open-warehouse.ts';

describe('openWarehouse', () => {
  let directory = '';
  let warehouse: TWarehouse | null = null;
  afterEach(async () => {
    await warehouse?.close().catch(() => undefined);
    warehouse = null;
    if (directory) await rm(directory, { recursive: true, force: true });
  });

  it('applies the memory limit and checkpoint threshold, returns freed memory in the background, spilling only to a private folder beside the pool', async () => {
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
      current_setting('temp_directory'), current_setting('allocator_background_threads')`);
    reader.closeSync();
    expect(settings.getRowsJS()).toEqual([
      ['488.2 MiB', '244.1 MiB', path.join(directory, 'pool', 'spill'), true],
    ]);
    expect((await stat(path.join(directory, 'pool', 'spill'))).mode & 0o777).toBe(0o700);
  });

  it('forgets a reader connection once its user closed it, and closes those still open', async () => {
    directory = await mkdtemp(path.join(os.tmpdir(), 'alliage-open-warehouse-test-'));
    warehouse = await openWarehouse({
      databasePath: path.join(directory, 'pool.duckdb'),
      encryptionKey: null,
    });
    const opened = warehouse;
    // Every pool read of a long-running process opens and closes a reader: a closed one the
    // warehouse still held would stay in memory for the life of the process.
    const closedByUser = await (async () => {
      const reader = await opened.connect();
      await reader.run('SELECT 1');
      reader.closeSync();
      return new WeakRef(reader);
    })();
    const stillOpen = await opened.connect();
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    for (let attempt = 0; attempt < 5 && closedByUser.deref(); attempt++) {
      await new Promise((resolve) => setImmediate(resolve));
      gc();
    }
    expect(closedByUser.deref()).toBeUndefined();
    await opened.close();
    warehouse = null;
    await expect(stillOpen.run('SELECT 1')).rejects.toThrow();
  });

  it('empties the spill and pipe folders a dead process left, once it owns the pool', async () => {
    directory = await mkdtemp(path.join(os.tmpdir(), 'alliage-open-warehouse-test-'));
    const databasePath = path.join(directory, 'pool', 'pool.duckdb');
    for (const folder of ['spill', 'pipes']) {
      await mkdir(path.join(directory, 'pool', folder), { recursive: true, mode: 0o755 });
      await writeFile(path.join(directory, 'pool', folder, 'left-by-a-crash'), 'x');
    }
    warehouse = await openWarehouse({ databasePath, encryptionKey: null });
    expect(warehouse.pipeDirectory).toBe(path.join(directory, 'pool', 'pipes'));
    for (const folder of ['spill', 'pipes']) {
      expect(await readdir(path.join(directory, 'pool', folder))).toEqual([]);
      expect((await stat(path.join(directory, 'pool', folder))).mode & 0o777).toBe(0o700);
    }
  });

  it('leaves the folders of the process that owns the pool alone when a second one cannot open it', async () => {
    directory = await mkdtemp(path.join(os.tmpdir(), 'alliage-open-warehouse-test-'));
    const databasePath = path.join(directory, 'pool', 'pool.duckdb');
    warehouse = await openWarehouse({ databasePath, encryptionKey: null });
    const inUse = path.join(directory, 'pool', 'spill', 'in-use-by-the-owner');
    await writeFile(inUse, 'x');
    // Another process: DuckDB's file lock is per process.
    const module = fileURLToPath(new URL('./open-warehouse.ts', import.meta.url));
    const script = `const { openWarehouse } = await import(${JSON.stringify(module)});
      try { await openWarehouse({ databasePath: ${JSON.stringify(databasePath)}, encryptionKey: null }); console.log('opened'); }
      catch (error) { console.log(error.code); }`;
    const { stdout } = await promisify(execFile)(process.execPath, [
      '--input-type=module',
      '--eval',
      script,
    ]);
    expect(stdout.trim()).toBe('conflict');
    expect(existsSync(inUse)).toBe(true);
  });

  it('keeps commits in the write-ahead log under a large threshold until checkpointWarehouse writes them to the file', async () => {
    directory = await mkdtemp(path.join(os.tmpdir(), 'alliage-open-warehouse-test-'));
    const databasePath = path.join(directory, 'pool.duckdb');
    warehouse = await openWarehouse({
      databasePath,
      encryptionKey: null,
      checkpointThreshold: '1GB',
    });
    await warehouse.withWriter(async (connection) => {
      await connection.run('CREATE TABLE wal_probe AS SELECT range AS n FROM range(100000)');
      await connection.run('UPDATE wal_probe SET n = n + 1 WHERE n % 2 = 0');
    });
    const walSize = async () => (await stat(`${databasePath}.wal`).catch(() => ({ size: 0 }))).size;
    expect(await walSize()).toBeGreaterThan(0);
    await checkpointWarehouse(warehouse);
    expect(await walSize()).toBe(0);
    const reader = await warehouse.connect();
    const rows = await reader.runAndReadAll('SELECT count(*), sum(n) FROM wal_probe');
    reader.closeSync();
    expect(rows.getRowsJS()).toEqual([[100000n, 5000000000n]]);
  });

  it('attaches the pool again when a failed checkpoint invalidated it, losing nothing committed', async () => {
    directory = await mkdtemp(path.join(os.tmpdir(), 'alliage-open-warehouse-test-'));
    const databasePath = path.join(directory, 'pool.duckdb');
    const warnings: string[] = [];
    warehouse = await openWarehouse({
      databasePath,
      encryptionKey: 'test-only-pool-key-0123456789abcdef',
      logger: { warn: (_fields, message) => warnings.push(message ?? '') },
    });
    const pool = warehouse;
    await pool.withWriter((connection) =>
      connection.run('CREATE TABLE probe AS SELECT range AS n FROM range(1000)'),
    );
    // DuckDB's own fault injection: the checkpoint fails before it writes its header, as
    // one does on a full disk, and DuckDB invalidates the attached pool.
    const failed = pool.withWriter(async (connection) => {
      await connection.run(`SET debug_checkpoint_abort = 'before_header'`);
      try {
        await connection.run('INSERT INTO probe VALUES (1000)');
        await connection.run('CHECKPOINT pool');
      } finally {
        await connection.run(`SET debug_checkpoint_abort = 'none'`);
      }
    });
    await expect(failed).rejects.toThrow(/has been invalidated/);
    expect(warnings.filter((warning) => warning.startsWith('pool re-attached'))).toHaveLength(1);

    // Readers and the writer work again at once, with every committed row.
    const count = async () => {
      const reader = await pool.connect();
      try {
        return (await reader.runAndReadAll('SELECT count(*), max(n) FROM probe')).getRowsJS();
      } finally {
        reader.closeSync();
      }
    };
    expect(await count()).toEqual([[1001n, 1000n]]);
    await pool.withWriter((connection) => connection.run('INSERT INTO probe VALUES (1001)'));
    await checkpointWarehouse(pool);
    expect(await count()).toEqual([[1002n, 1001n]]);
    // And the file holds them: closed and opened again, the pool is whole.
    await pool.close();
    warehouse = await openWarehouse({
      databasePath,
      encryptionKey: 'test-only-pool-key-0123456789abcdef',
    });
    const reopened = await warehouse.connect();
    expect((await reopened.runAndReadAll('SELECT count(*) FROM probe')).getRowsJS()).toEqual([
      [1002n],
    ]);
    reopened.closeSync();
  });
});
