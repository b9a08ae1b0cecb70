import type { DuckDBConnection } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { openWarehouse } from './open-warehouse.ts';
import { createTestWarehouse } from './testing/create-test-warehouse.ts';
import { insertFixtureRecords } from './testing/insert-pool-fixtures.ts';
import { warmWarehouse } from './warm-warehouse.ts';

/** Bytes of the pool's table blocks DuckDB holds in memory now. */
async function tableBytesInMemory(connection: DuckDBConnection): Promise<number> {
  const rows = (
    await connection.runAndReadAll(
      "SELECT coalesce(sum(memory_usage_bytes), 0) FROM duckdb_memory() WHERE tag = 'BASE_TABLE'",
    )
  ).getRowsJS();
  return Number(rows[0]?.[0] ?? 0);
}

describe('warmWarehouse', () => {
  it('loads every pool table into memory after a reopen, and stops when told to', async () => {
    const pool = await createTestWarehouse();
    try {
      await pool.warehouse.withWriter(async (connection) => {
        await insertFixtureRecords(
          connection,
          Array.from({ length: 200 }, (_, index) => ({
            recordId: index + 1,
            personId: index + 1,
            memberCode: 'M01',
            customerId: `M01-WARM-${String(index).padStart(6, '0')}`,
            createdAt: '2026-01-01',
            lastName: `WARMNAME${index}`,
            email: `warm.${index}@example-warm.test`,
          })),
        );
        await connection.run('CHECKPOINT pool');
      });
      const warehouse = await pool.reopen();
      const stopped = await warmWarehouse(warehouse, { signal: AbortSignal.abort() });
      expect(stopped).toMatchObject({ tables: 0, complete: false });

      const probe = await warehouse.connect();
      const before = await tableBytesInMemory(probe);
      const warmed = await warmWarehouse(warehouse);
      const after = await tableBytesInMemory(probe);
      const tables = (
        await probe.runAndReadAll(
          "SELECT count(*) FROM duckdb_tables() WHERE database_name = 'pool' AND NOT temporary",
        )
      ).getRowsJS();
      probe.closeSync();
      expect(warmed).toMatchObject({ tables: Number(tables[0]?.[0]), complete: true });
      expect(warmed.tables).toBeGreaterThan(5);
      expect(after).toBeGreaterThan(before);
      // The pool still works for its writer afterwards.
      const count = await warehouse.withWriter(async (connection) =>
        (await connection.runAndReadAll('SELECT count(*) FROM member_records')).getRowsJS(),
      );
      expect(count[0]?.[0]).toBe(200n);
    } finally {
      await pool.cleanup();
    }
  }, 60_000);

  it('has nothing to load for an in-memory pool', async () => {
    const warehouse = await openWarehouse({ databasePath: ':memory:', encryptionKey: null });
    try {
      expect(await warmWarehouse(warehouse)).toMatchObject({ tables: 0, complete: true });
    } finally {
      await warehouse.close();
    }
  });
});
