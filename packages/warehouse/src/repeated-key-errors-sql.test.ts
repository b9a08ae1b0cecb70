import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { repeatedKeyErrorsSql } from './repeated-key-errors-sql.ts';

describe('repeatedKeyErrorsSql', () => {
  it('flags every line repeating an earlier value with that first line, never a blank one', async () => {
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    try {
      await connection.run(`CREATE TABLE rows AS SELECT * FROM (VALUES
        (2, 'T1'), (3, 'T2'), (4, 'T1'), (5, NULL), (6, NULL), (7, 'T3'), (8, 'T1'), (9, 'T3'))
        v(line, transaction_id)`);
      const errors = await connection.runAndReadAll(
        `${repeatedKeyErrorsSql('rows', 'transaction_id')} ORDER BY line`,
      );
      expect(errors.getRowsJS()).toEqual([
        [4, 'transaction_id', 'transaction_id repeats line 2', true],
        [8, 'transaction_id', 'transaction_id repeats line 2', true],
        [9, 'transaction_id', 'transaction_id repeats line 7', true],
      ]);
    } finally {
      connection.closeSync();
      instance.closeSync();
    }
  });
});
