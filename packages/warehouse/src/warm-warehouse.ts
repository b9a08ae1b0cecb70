import type { TWarehouse } from './open-warehouse.ts';
import { sqlIdentifier } from './sql-literal.ts';

/** What a warm-up read. */
export interface TWarmResult {
  /** Pool tables read to the end. */
  tables: number;
  /** False when it was stopped before reading them all. */
  complete: boolean;
  durationMs: number;
}

/**
 * Reads every column of every pool table once, on a reader connection, so that their
 * blocks sit in DuckDB's buffer pool (up to its memory limit) before the first drop
 * or selection needs them. A process that has just opened the pool otherwise loads
 * and decrypts those blocks statement by statement during its first drop: on the
 * bench's 1M-record pool that drop took 24.6 s instead of 12.5 s, for a warm-up of
 * 1.6 s. Readers never block the writer, so a drop may start meanwhile. Largest
 * tables first; `signal` stops it (the running scan is interrupted).
 *
 * @example
 * const { tables, durationMs } = await warmWarehouse(warehouse, { signal });
 */
export async function warmWarehouse(
  warehouse: TWarehouse,
  options: { signal?: AbortSignal } = {},
): Promise<TWarmResult> {
  const started = performance.now();
  const result = (tables: number, complete: boolean): TWarmResult => ({
    tables,
    complete,
    durationMs: Math.round(performance.now() - started),
  });
  // An in-memory pool has no blocks to load.
  if (warehouse.databasePath === ':memory:') return result(0, true);
  if (options.signal?.aborted) return result(0, false);
  const connection = await warehouse.connect();
  const interrupt = () => connection.interrupt();
  options.signal?.addEventListener('abort', interrupt, { once: true });
  let read = 0;
  try {
    const tables = (
      await connection.runAndReadAll(
        `SELECT schema_name, table_name FROM duckdb_tables()
         WHERE database_name = 'pool' AND NOT temporary ORDER BY estimated_size DESC, table_name`,
      )
    ).getRowsJS() as [string, string][];
    for (const [schema, table] of tables) {
      if (options.signal?.aborted) return result(read, false);
      // min() reads every value of every column (count() could stop at validity masks).
      await connection.run(
        `SELECT min(COLUMNS(*)) FROM pool.${sqlIdentifier(schema)}.${sqlIdentifier(table)}`,
      );
      read += 1;
    }
    return result(read, true);
  } catch (error) {
    if (options.signal?.aborted) return result(read, false);
    throw error;
  } finally {
    options.signal?.removeEventListener('abort', interrupt);
    connection.closeSync();
  }
}
