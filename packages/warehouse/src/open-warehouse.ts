import { existsSync } from 'node:fs';
import { chmod, mkdir, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { AppError } from '@alliage/domain';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { duckdbErrorType } from './duckdb-error-type.ts';
import { ensureCommuneReference } from './ensure-commune-reference.ts';
import { isPoolInvalidatedError } from './is-pool-invalidated-error.ts';
import { migrateWarehouse } from './migrate-warehouse.ts';
import { sqlString } from './sql-literal.ts';
import { registerWarehouseAttachment } from './warehouse-attachment.ts';

export interface OpenWarehouseOptions {
  /** The pool's DuckDB file, or ':memory:' for a throw-away pool. */
  databasePath: string;
  /** Key for DuckDB's AES-GCM database encryption; used when OpenSSL-backed crypto (httpfs) loads. */
  encryptionKey: string | null;
  /** Folder holding DuckDB extensions for offline deployments (`<dir>/v<version>/<platform>/httpfs.duckdb_extension`). */
  extensionDirectory?: string | null;
  memoryLimit?: string;
  /**
   * Write-ahead log size that triggers an automatic checkpoint (DuckDB's
   * `checkpoint_threshold`; DuckDB's 16MB when unset, the platform's default is
   * `POOL_DEFAULTS` of @alliage/config). Larger values make a drop's commits cheaper,
   * at the cost of more committed data held in memory until the next checkpoint.
   */
  checkpointThreshold?: string;
  threads?: number | null;
  logger?: { warn(obj: object, msg?: string): void };
  /**
   * Runs once the pool file is attached (and locked by this process), before its
   * migrations: a check that throws leaves the file as it found it (openPool checks the
   * pool's ID there, so another platform's pool is refused before it is migrated).
   */
  beforeMigrate?: (connection: DuckDBConnection) => Promise<void>;
}

/** The single-writer pool database, with its encryption status. */
export interface TWarehouse {
  databasePath: string;
  /** A private (0700) folder beside the pool for staging's named pipes; null in memory. */
  pipeDirectory: string | null;
  /** True only when the database file is encrypted with OpenSSL-backed crypto. */
  encryptionAtRest: boolean;
  /** Why it is not encrypted, when it is not. */
  encryptionNote: string | null;
  /** A connection for reads; readers never block the writer (MVCC). */
  connect(): Promise<DuckDBConnection>;
  /** Runs `work` on the one writer connection, one call at a time. */
  withWriter<T>(work: (connection: DuckDBConnection) => Promise<T>): Promise<T>;
  /**
   * Called by every pool change right before its transaction commits
   * (`runPoolTransaction`) and by a file rewrite before its swap: throws when this
   * process may no longer write the pool (openPool: its lease was taken over), so the
   * change rolls back. Always passes for a pool opened on its own.
   */
  confirmOwnership(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Opens (creating and migrating it if needed) the pool database. It is attached
 * as catalog `pool` to an in-memory DuckDB whose own catalog only ever holds
 * staging data. Work too large for the memory limit spills only to a private
 * `spill/` folder beside the pool file (emptied at each open; DuckDB encrypts
 * spilled blocks when the pool is encrypted), never to the OS temp directory;
 * an in-memory pool never spills. Extension auto-install is off.
 * A second process opening the same file gets a clear conflict error.
 *
 * @example
 * const warehouse = await openWarehouse({ databasePath: 'data/pool.duckdb', encryptionKey });
 * await warehouse.withWriter((connection) => connection.run('SELECT 1'));
 */
export async function openWarehouse(options: OpenWarehouseOptions): Promise<TWarehouse> {
  const inMemory = options.databasePath === ':memory:';
  // Large loads may spill: only next to the pool file, in a private folder — encrypted by
  // DuckDB when the pool is, else on the pool's own volume. Staging's named pipes live
  // beside it. What a process that died left in them goes once this one owns the pool.
  const spillDirectory = inMemory ? '' : path.join(path.dirname(options.databasePath), 'spill');
  const pipeDirectory = inMemory ? null : path.join(path.dirname(options.databasePath), 'pipes');
  const leftovers: string[] = [];
  for (const directory of inMemory ? [] : [spillDirectory, pipeDirectory as string]) {
    await mkdir(directory, { recursive: true, mode: 0o700 });
    await chmod(directory, 0o700);
    leftovers.push(...(await readdir(directory)).map((entry) => path.join(directory, entry)));
  }
  const settings: Record<string, string> = {
    autoinstall_known_extensions: 'false',
    autoload_known_extensions: 'false',
    allow_community_extensions: 'false',
    temp_directory: spillDirectory,
    // Row order is carried by explicit columns (line numbers), never by insertion order.
    preserve_insertion_order: 'false',
    memory_limit: options.memoryLimit ?? '1GB',
    // DuckDB's allocator (jemalloc) then returns freed pages to the system in the
    // background instead of keeping them until a flush threshold: the bench's peak RSS
    // went from 1.88–1.95 to 1.68 GiB (the full build after the intake), speed unchanged.
    allocator_background_threads: 'true',
    // And flushes a worker thread's cached pages after a task that peaked at 32MB (DuckDB's
    // default 128MB; 512MB for a bulk free): the bench's peak RSS 1.93–1.96 → 1.84–1.91 GiB,
    // speed unchanged (docs/identity-resolution.md, 2026-12-07).
    allocator_flush_threshold: '32MB',
    allocator_bulk_deallocation_flush_threshold: '64MB',
  };
  if (options.checkpointThreshold) settings.checkpoint_threshold = options.checkpointThreshold;
  if (options.threads) settings.threads = String(options.threads);
  if (options.extensionDirectory) settings.extension_directory = options.extensionDirectory;
  const instance = await DuckDBInstance.create(':memory:', settings);
  const writer = await instance.connect();

  const encryption = await loadOpenSslCrypto(writer, options);
  if (!inMemory) await mkdir(path.dirname(options.databasePath), { recursive: true, mode: 0o700 });
  const keyClause =
    encryption.available && options.encryptionKey && !inMemory
      ? `, ENCRYPTION_KEY ${sqlString(options.encryptionKey)}`
      : '';
  const existed = !inMemory && existsSync(options.databasePath);
  const attachPool = `ATTACH ${sqlString(options.databasePath)} AS pool${keyClause ? ` (${keyClause.slice(2)})` : ''}`;
  try {
    await writer.run(attachPool);
  } catch (error) {
    writer.closeSync();
    instance.closeSync();
    throw describeAttachError(error, existed, keyClause !== '');
  }
  // Only now: before the ATTACH, another process may still own the pool and these files.
  for (const leftover of leftovers) await rm(leftover, { recursive: true, force: true });
  await writer.run('USE pool');
  await writer.run(`ATTACH ':memory:' AS stage`);
  try {
    await options.beforeMigrate?.(writer);
  } catch (error) {
    writer.closeSync();
    instance.closeSync();
    throw error;
  }
  await migrateWarehouse(writer);
  await ensureCommuneReference(writer);

  const encryptionAtRest = keyClause !== '';
  const encryptionNote = encryptionAtRest
    ? null
    : inMemory
      ? 'in-memory pool: nothing is written to disk'
      : !options.encryptionKey
        ? 'no pool encryption key is configured'
        : encryption.note;
  if (!encryptionAtRest && !inMemory) {
    options.logger?.warn(
      { encryptionAtRest: false, reason: encryptionNote },
      'THE POOL DATABASE IS NOT ENCRYPTED AT REST: install DuckDB httpfs into ALLIAGE_DUCKDB_EXTENSION_DIR or put the data directory on an encrypted volume (docs/operations.md)',
    );
  }

  // A checkpoint that fails (a full disk, an I/O error) makes DuckDB invalidate the
  // attached pool: every later use of it fails until it is detached and attached again,
  // which replays its log (nothing committed is lost). Without this the process would go
  // on answering every job and read with that error until restarted.
  let poolInvalidated = false;

  // While `pool` is detached (a file swap, a re-attach) a reader opening then, or querying
  // on a connection it opened before, would fail ("No catalog … pool"). Readers opening wait
  // for every gate; a swap first waits for the open ones to close (`drainMs`), so none
  // queries across it.
  const gates = new Set<Promise<void>>();
  /** Readers open, and readers being opened (past the gates, not yet in the set). */
  const readers = new Set<DuckDBConnection>();
  let opening = 0;
  const idleWaiters = new Set<() => void>();
  const noteReaderGone = () => {
    if (readers.size + opening > 0) return;
    for (const notify of idleWaiters) notify();
    idleWaiters.clear();
  };
  const untilReadersClose = (drainMs: number) =>
    new Promise<void>((resolve, reject) => {
      if (readers.size + opening === 0) return resolve();
      const notify = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        idleWaiters.delete(notify);
        reject(
          new AppError(
            'conflict',
            `the pool is busy (${readers.size + opening} reader(s) still open after ${drainMs} ms); retry`,
            { retry: true },
          ),
        );
      }, drainMs);
      idleWaiters.add(notify);
    });
  const whilePoolDetached = async <T>(
    work: () => Promise<T>,
    drainMs: number | null,
  ): Promise<T> => {
    let open = () => {};
    const gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    gates.add(gate);
    try {
      if (drainMs !== null) await untilReadersClose(drainMs);
      return await work();
    } finally {
      gates.delete(gate);
      open();
    }
  };

  let reattaching: Promise<void> | null = null;
  const reattachPool = () => {
    reattaching ??= (async () => {
      const connection = await instance.connect();
      try {
        // No drain: readers of an invalidated pool fail anyway, and one may be waiting here.
        await whilePoolDetached(async () => {
          await connection.run('DETACH DATABASE IF EXISTS pool');
          await connection.run(attachPool);
        }, null);
        poolInvalidated = false;
        options.logger?.warn(
          { databasePath: options.databasePath },
          'pool re-attached after DuckDB invalidated it (a checkpoint failed: disk full or I/O error?)',
        );
      } catch (error) {
        throw new AppError(
          'unavailable',
          `the pool could not be attached again after a failed checkpoint invalidated it (DuckDB ${duckdbErrorType(error)} Error); retry once the disk has room`,
          { retry: true, cause: error },
        );
      } finally {
        connection.closeSync();
        reattaching = null;
      }
    })();
    return reattaching;
  };
  const noteInvalidation = async (error: unknown) => {
    if (!isPoolInvalidatedError(error)) return;
    poolInvalidated = true;
    // A transaction the failed work left open would keep the pool from being detached.
    await writer.run('ROLLBACK').catch(() => undefined);
    // At once, so readers work again without waiting for the next write; a failure
    // leaves the flag for the next writer call to try again.
    await reattachPool().catch(() => undefined);
  };

  const usePool = async (connection: DuckDBConnection) => {
    try {
      await connection.run('USE pool');
    } catch (error) {
      // Invalidated: attach it again. Otherwise a re-attach may have detached it a moment.
      if (isPoolInvalidatedError(error)) await reattachPool();
      else while (gates.size > 0) await Promise.all(gates);
      await connection.run('USE pool');
    }
  };

  let queue: Promise<unknown> = Promise.resolve();
  const warehouse: TWarehouse = {
    databasePath: options.databasePath,
    pipeDirectory,
    encryptionAtRest,
    encryptionNote,
    async connect() {
      while (gates.size > 0) await Promise.all(gates);
      opening += 1;
      let connection: DuckDBConnection;
      try {
        connection = await instance.connect();
        try {
          await usePool(connection);
        } catch (error) {
          connection.closeSync();
          throw error;
        }
        // Closed at `close()`; one its user closes leaves the set, so that a long-running
        // process opening a reader per read does not keep the closed ones alive.
        readers.add(connection);
      } finally {
        opening -= 1;
        noteReaderGone();
      }
      // (closeSync is disconnectSync's alias.)
      const disconnect = connection.disconnectSync.bind(connection);
      connection.disconnectSync = () => {
        if (readers.delete(connection)) noteReaderGone();
        disconnect();
      };
      connection.closeSync = connection.disconnectSync;
      return connection;
    },
    withWriter<T>(work: (connection: DuckDBConnection) => Promise<T>): Promise<T> {
      const run = queue.then(async () => {
        if (poolInvalidated) await reattachPool();
        try {
          return await work(writer);
        } catch (error) {
          await noteInvalidation(error);
          throw error;
        }
      });
      queue = run.catch(() => undefined);
      return run;
    },
    async confirmOwnership() {},
    async close() {
      await queue;
      for (const reader of [...readers]) {
        try {
          reader.closeSync();
        } catch {
          // Already closed.
        }
      }
      try {
        await writer.run('CHECKPOINT pool');
      } catch {
        // A checkpoint is an optimisation; the WAL is replayed at the next open.
      }
      writer.closeSync();
      instance.closeSync();
    },
  };
  registerWarehouseAttachment(warehouse, {
    attachOptions: keyClause ? `(${keyClause.slice(2)})` : '',
    whileReadersHeld: (work, drainMs) => whilePoolDetached(work, drainMs),
  });
  return warehouse;
}

async function loadOpenSslCrypto(
  connection: DuckDBConnection,
  options: OpenWarehouseOptions,
): Promise<{ available: boolean; note: string }> {
  try {
    await connection.run('LOAD httpfs');
    return { available: true, note: '' };
  } catch {
    return {
      available: false,
      note: options.extensionDirectory
        ? 'the httpfs extension could not be loaded from ALLIAGE_DUCKDB_EXTENSION_DIR'
        : 'DuckDB httpfs (OpenSSL crypto) is not installed and ALLIAGE_DUCKDB_EXTENSION_DIR is unset',
    };
  }
}

function describeAttachError(error: unknown, existed: boolean, withKey: boolean): AppError {
  const message = (error as Error).message ?? '';
  if (/lock|Conflicting|being used/i.test(message)) {
    return new AppError(
      'conflict',
      'the pool database is open in another process: one process owns it (run pool commands through the running `alliage serve`)',
      { retry: true },
    );
  }
  if (/encrypt/i.test(message)) {
    return new AppError(
      'internal',
      withKey
        ? 'the pool database could not be opened with the configured encryption key (wrong key, or a file written without encryption)'
        : existed
          ? 'the pool database is encrypted but OpenSSL-backed crypto (httpfs) is not available to open it for writing'
          : 'the pool database could not be created',
      { retry: false },
    );
  }
  return new AppError('internal', 'the pool database could not be opened', { retry: true });
}
