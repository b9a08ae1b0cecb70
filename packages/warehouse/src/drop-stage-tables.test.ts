import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropStageTables } from './drop-stage-tables.ts';
import type { TWarehouse } from './open-warehouse.ts';
import { createTestWarehouse } from './testing/index.ts';

describe('dropStageTables', () => {
  let warehouse: TWarehouse;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    ({ warehouse, cleanup } = await createTestWarehouse());
  });
  afterAll(async () => cleanup());

  const scratchTables = () =>
    warehouse.withWriter(async (connection) =>
      (
        await connection.runAndReadAll(
          `SELECT database_name || '.' || table_name FROM duckdb_tables()
           WHERE database_name IN ('stage', 'temp')
           UNION ALL
           SELECT database_name || '.' || view_name || ' (view)' FROM duckdb_views()
           WHERE database_name IN ('stage', 'temp') AND NOT internal
           ORDER BY 1`,
        )
      )
        .getRowsJS()
        .map(([name]) => name),
    );

  it('drops the tables and views of a prefix, keeps the ones named, and can stay in one catalog', async () => {
    await warehouse.withWriter(async (connection) => {
      for (const table of ['stage.d1_raw', 'stage.d1_listed', 'stage.d2_raw']) {
        await connection.run(`CREATE TABLE ${table} AS SELECT 1 AS n`);
      }
      // As a normaliser that failed midway leaves its input view.
      await connection.run('CREATE VIEW stage.d1_input AS SELECT n FROM stage.d1_raw');
      await connection.run('CREATE TEMP TABLE d1_incoming AS SELECT 1 AS n');
      await dropStageTables(connection, ['d1'], ['d1_listed'], ['stage']);
    });
    expect(await scratchTables()).toEqual(['stage.d1_listed', 'stage.d2_raw', 'temp.d1_incoming']);

    await warehouse.withWriter((connection) => dropStageTables(connection, ['d1']));
    expect(await scratchTables()).toEqual(['stage.d2_raw']);
  });
});
