import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { migrateWarehouse } from './migrate-warehouse.ts';

describe('migrateWarehouse', () => {
  it('moves held records into customer_records, outside the member_records view, losing none', async () => {
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    await migrateWarehouse(connection, 8);
    const columns = `record_id, member_code, customer_id, file_drop_id, loaded_at, optin_email,
      optin_sms, optin_phone, created_at, identity_hash`;
    await connection.run(`INSERT INTO member_records (${columns}, person_id)
      VALUES (nextval('record_id_seq'), 'M01', 'C1', 'drop-1', TIMESTAMP '2026-01-01 00:00:00',
        true, false, false, DATE '2025-01-01', 'h1', 7)`);
    // Held rows had no record ID before version 9.
    await connection.run(`INSERT INTO held_records (${columns}, held_until)
      VALUES (NULL, 'M01', 'C2', 'drop-1', TIMESTAMP '2026-01-01 00:00:00',
        true, false, false, DATE '2020-01-01', 'h2', DATE '2026-02-01')`);

    await migrateWarehouse(connection);

    const rows = async (sql: string) => (await connection.runAndReadAll(sql)).getRowsJS();
    expect(await rows('SELECT record_id, customer_id, person_id FROM member_records')).toEqual([
      [1n, 'C1', 7n],
    ]);
    expect(
      await rows(
        'SELECT record_id > 1, customer_id, CAST(held_until AS VARCHAR) FROM held_records',
      ),
    ).toEqual([[true, 'C2', '2026-02-01']]);
    expect(await rows('SELECT count(*) FROM customer_records')).toEqual([[2n]]);
    // A pool that held data before deletions were tracked may hold deleted bytes: rewrite it.
    expect(await rows('SELECT reason FROM pool_rewrite_due')).toEqual([['migration']]);
    // The pool's view has the columns it always had.
    expect(
      (await rows("SELECT column_name FROM duckdb_columns() WHERE table_name = 'member_records'"))
        .flat()
        .includes('held_until'),
    ).toBe(false);
    // A column added later shows through the view without re-creating it.
    await connection.run('ALTER TABLE customer_records ADD COLUMN later_column VARCHAR');
    expect(await rows('SELECT later_column FROM member_records')).toEqual([[null]]);
    connection.closeSync();
    instance.closeSync();
  });

  it('marks no rewrite due for a new, empty pool', async () => {
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    await migrateWarehouse(connection);
    expect(
      (await connection.runAndReadAll('SELECT count(*) FROM pool_rewrite_due')).getRowsJS(),
    ).toEqual([[0n]]);
    connection.closeSync();
    instance.closeSync();
  });
});
