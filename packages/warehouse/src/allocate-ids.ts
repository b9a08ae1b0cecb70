import type { DuckDBConnection } from '@duckdb/node-api';

/**
 * Hands out new person or household IDs from the `id_counters` row of `kind`,
 * inside the caller's transaction (one writer, so no two builds race). Call
 * `commit(used)` before the transaction commits.
 *
 * @example
 * const ids = await allocateIds(connection, 'person');
 * const id = ids.next();
 * await ids.commit(1);
 */
export async function allocateIds(
  connection: DuckDBConnection,
  kind: 'person' | 'household',
): Promise<{ next: () => number; commit: (used: number) => Promise<void> }> {
  const last = Number(
    (
      await connection.runAndReadAll('SELECT last_id FROM id_counters WHERE kind = $1', [kind])
    ).getRowsJS()[0]?.[0] ?? 0,
  );
  let current = last;
  return {
    next: () => {
      current += 1;
      return current;
    },
    commit: async (used: number) => {
      if (used !== current - last) throw new Error('allocated IDs and used IDs disagree');
      await connection.run('UPDATE id_counters SET last_id = $2 WHERE kind = $1', [kind, current]);
    },
  };
}
