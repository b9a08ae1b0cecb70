import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { readColumnsInterned } from './read-columns-interned.ts';

describe('readColumnsInterned', () => {
  it('reads every chunk of a result in order, strings, numbers and nulls alike', async () => {
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    try {
      const [labels = [], numbers = [], empties = []] = await readColumnsInterned(
        connection,
        `SELECT 'v' || (i % 3), CAST(i AS DOUBLE), CASE WHEN i % 2 = 0 THEN NULL ELSE 'x' END
         FROM range(5000) t(i) ORDER BY i`,
      );
      expect(labels).toHaveLength(5000);
      expect(labels.slice(0, 4)).toEqual(['v0', 'v1', 'v2', 'v0']);
      expect(labels[4999]).toBe('v1');
      expect(numbers[4096]).toBe(4096);
      expect(empties.slice(2047, 2050)).toEqual(['x', null, 'x']);
      expect(await readColumnsInterned(connection, 'SELECT 1 WHERE false')).toEqual([[]]);
    } finally {
      connection.closeSync();
      instance.closeSync();
    }
  });
});
