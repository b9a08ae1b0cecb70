import { LIST, listValue, VARCHAR } from '@duckdb/node-api';
import type { TWarehouse } from './open-warehouse.ts';
import { sqlIdentifier } from './sql-literal.ts';

/**
 * Which of `values` still occur, as a substring, in some text column of some
 * pool table: a value found in the file's bytes is explained when it is part of
 * a row the pool rightly keeps (another member's customer "MARTINEZ" holds
 * "MARTIN"). Meant for the few values a byte search found, not for bulk use.
 *
 * @example
 * const explained = await findValuesInPoolColumns(warehouse, found);
 */
export async function findValuesInPoolColumns(
  warehouse: TWarehouse,
  values: readonly string[],
): Promise<string[]> {
  if (values.length === 0) return [];
  const connection = await warehouse.connect();
  try {
    const columns = (
      await connection.runAndReadAll(
        // Tables only: the views (member_records, held_records) show rows of customer_records.
        `SELECT c.table_name, c.column_name FROM duckdb_columns() c
         SEMI JOIN duckdb_tables() t USING (database_name, schema_name, table_name)
         WHERE c.database_name = 'pool' AND NOT c.internal AND c.data_type = 'VARCHAR'`,
      )
    ).getRowsJS() as [string, string][];
    const explained = new Set<string>();
    for (const [table, column] of columns) {
      const rows = (
        await connection.runAndReadAll(
          `SELECT DISTINCT n.value FROM unnest($1) AS n(value)
           WHERE EXISTS (SELECT 1 FROM pool.main.${sqlIdentifier(table)} t
                         WHERE contains(t.${sqlIdentifier(column)}, n.value))`,
          [listValue([...values])],
          [LIST(VARCHAR)],
        )
      ).getRowsJS() as [string][];
      for (const [value] of rows) explained.add(value);
    }
    return [...explained];
  } finally {
    connection.closeSync();
  }
}
