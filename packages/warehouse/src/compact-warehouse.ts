import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { AppError } from '@alliage/domain';
import type { TWarehouse } from './open-warehouse.ts';
import { sqlString } from './sql-literal.ts';
import { getWarehouseAttachment } from './warehouse-attachment.ts';

/**
 * How long a swap waits for open readers to close before giving up (a retryable
 * conflict). Readers are per request and short; new ones wait while it lasts.
 */
const READER_WAIT_MS = 20_000;

/** What a compaction did to the pool file. */
export interface TWarehouseCompaction {
  sizeBytesBefore: number;
  sizeBytesAfter: number;
  /** Lower-case hex SHA-256 of the new pool file, right after the swap. */
  sha256: string;
}

/**
 * Rewrites the pool into a fresh file and swaps it in, so that rows deleted
 * before are gone from the file's bytes. DuckDB only marks deleted rows' blocks
 * free and keeps their old bytes until a later write reuses them; a checkpoint
 * alone does not erase them. Holding the writer: checkpoint, attach a new file
 * (same encryption key), `COPY FROM DATABASE pool`, checkpoint and fsync it,
 * detach the old one, rename the new one over it (atomic on one filesystem),
 * and attach it again as `pool`. The swap waits for open readers to close (at most
 * `readerWaitMs`, 20 s by default, then a retryable conflict, the file untouched) and
 * holds new ones until `pool` is attached again: none sees it missing.
 * String columns of the new file are written without FSST compression
 * (dictionary or plain), so that a value still present stays findable by a byte
 * search of an unencrypted file; later checkpoints compress again as usual.
 * The old file's disk blocks are released to the filesystem, not wiped: an
 * encrypted pool or an encrypted volume covers that. The new file's
 * `pool_rewrite_due` is empty (`markPoolRewriteDue`, `rewritePoolFileIfDue`). The swap
 * happens only once the warehouse confirms this process still owns the pool
 * (`confirmOwnership`); otherwise the new file is removed and the old one stays.
 *
 * @example
 * const { sha256 } = await compactWarehouse(warehouse);
 */
export async function compactWarehouse(
  warehouse: TWarehouse,
  options: { readerWaitMs?: number } = {},
): Promise<TWarehouseCompaction> {
  const attachment = getWarehouseAttachment(warehouse);
  if (!attachment) {
    throw new AppError('internal', 'compactWarehouse needs a warehouse opened by openWarehouse');
  }
  if (warehouse.databasePath === ':memory:') {
    throw new AppError('conflict', 'an in-memory pool has no file to compact');
  }
  const target = path.resolve(warehouse.databasePath);
  const fresh = `${target}.compact-${randomBytes(6).toString('hex')}`;
  const attachOptions = attachment.attachOptions ? ` ${attachment.attachOptions}` : '';
  return warehouse.withWriter(async (connection) => {
    await connection.run('CHECKPOINT pool');
    const sizeBytesBefore = (await stat(target)).size;
    const previousDisabled = String(
      (
        await connection.runAndReadAll(
          "SELECT coalesce(current_setting('disabled_compression_methods'), '')",
        )
      ).getRowsJS()[0]?.[0] ?? '',
    );
    try {
      await connection.run(
        `SET disabled_compression_methods = ${sqlString(withFsstDisabled(previousDisabled))}`,
      );
      await connection.run(`ATTACH ${sqlString(fresh)} AS pool_compact${attachOptions}`);
      try {
        await connection.run('COPY FROM DATABASE pool TO pool_compact');
        // The fresh file holds no deleted row's bytes: no rewrite is due for it (the old
        // file keeps its marks should the swap fail).
        await connection.run('DELETE FROM pool_compact.pool_rewrite_due');
        await connection.run('CHECKPOINT pool_compact');
      } finally {
        await connection.run('DETACH pool_compact');
      }
      await fsyncPath(fresh);
    } catch (error) {
      await removeFile(fresh);
      throw new AppError('internal', 'rewriting the pool into a fresh file failed', {
        retry: true,
        cause: error,
      });
    } finally {
      await connection.run(
        previousDisabled
          ? `SET disabled_compression_methods = ${sqlString(previousDisabled)}`
          : 'RESET disabled_compression_methods',
      );
    }

    // A process that lost the pool to another one (openPool's lease) swaps nothing in.
    try {
      await warehouse.confirmOwnership();
    } catch (error) {
      await removeFile(fresh);
      throw error;
    }
    // The swap: the old file must be detached before it is replaced under DuckDB's feet.
    // Readers are held meanwhile (they would fail while `pool` is detached).
    const swapError = await attachment
      .whileReadersHeld(async () => {
        await connection.run('USE stage');
        try {
          await connection.run('DETACH pool');
        } catch (error) {
          await connection.run('USE pool');
          throw new AppError(
            'conflict',
            'the pool is busy (a reader holds it); retry the compaction',
            {
              retry: true,
              cause: error,
            },
          );
        }
        let failure: unknown = null;
        try {
          await rename(fresh, target);
          // Checkpointed before the copy: a WAL left over would belong to the old file.
          await removeFile(`${target}.wal`);
          await fsyncPath(path.dirname(target));
        } catch (error) {
          failure = error;
          await removeFile(fresh);
        }
        // Whatever happened, the writer gets a pool back: the new file, or the old one intact.
        await connection.run(`ATTACH ${sqlString(target)} AS pool${attachOptions}`);
        await connection.run('USE pool');
        return failure;
      }, options.readerWaitMs ?? READER_WAIT_MS)
      .catch(async (error: unknown) => {
        await removeFile(fresh);
        throw error;
      });
    if (swapError) {
      throw new AppError('internal', 'swapping in the compacted pool file failed', {
        retry: true,
        cause: swapError,
      });
    }
    return {
      sizeBytesBefore,
      sizeBytesAfter: (await stat(target)).size,
      sha256: await sha256File(target),
    };
  });
}

function withFsstDisabled(current: string): string {
  const methods = new Set(
    current
      .split(',')
      .map((method) => method.trim().toLowerCase())
      .filter(Boolean),
  );
  methods.add('fsst');
  methods.add('dict_fsst');
  return [...methods].join(',');
}

async function fsyncPath(target: string): Promise<void> {
  const handle = await open(target, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function removeFile(target: string): Promise<void> {
  await rm(target, { force: true }).catch(() => undefined);
}

async function sha256File(target: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(target)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
