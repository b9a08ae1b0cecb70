import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { blockingKeysSql, blockNeighboursSql } from './score-candidate-pairs-sql.ts';

describe('blockNeighboursSql', () => {
  it('finds the persons of the records sharing a block key with a seed record', async () => {
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    try {
      // Value spaces small enough for blocks to collide, with NULLs; mobiles and landlines
      // share numbers but not blocks.
      const value = (column: string, prefix: string, spread: number) =>
        `CASE WHEN random() < 0.2 THEN NULL ELSE '${prefix}' || floor(random() * ${spread})::INT END AS ${column}`;
      await connection.run('SELECT setseed(0.42)');
      await connection.run(`CREATE TABLE records AS
        SELECT range AS record_id, CASE WHEN random() < 0.1 THEN NULL ELSE range % 2500 END AS person_id,
          ${value('email', 'e', 1500)}, ${value('phone_mobile', '+336', 1500)},
          ${value('phone_landline', '+336', 1500)}, ${value('postcode', '4200', 10)},
          ${value('last_name_phonetic', 'N', 50)}, ${value('first_name_key', 'F', 40)},
          CASE WHEN random() < 0.3 THEN NULL ELSE DATE '1980-01-01' + (floor(random() * 30))::INT END AS birth_date,
          ${value('address_key', 'A', 1500)}
        FROM range(3000)`);
      await connection.run('CREATE TABLE seeds AS SELECT * FROM records USING SAMPLE 40 ROWS');
      const byKeys = await connection.runAndReadAll(`SELECT DISTINCT o.person_id
        FROM (${blockingKeysSql('seeds', 'record_id')}) s
        JOIN (${blockingKeysSql('records', 'record_id')}) k ON k.block = s.block
        JOIN records o ON o.record_id = k.idx
        WHERE o.person_id IS NOT NULL ORDER BY 1`);
      const byValues = await connection.runAndReadAll(`SELECT DISTINCT person_id
        FROM (${blockNeighboursSql('seeds', 'records')}) WHERE person_id IS NOT NULL ORDER BY 1`);
      expect(byKeys.getRowsJS().length).toBeGreaterThan(100);
      expect(byKeys.getRowsJS().length).toBeLessThan(2000);
      expect(byValues.getRowsJS()).toEqual(byKeys.getRowsJS());
    } finally {
      connection.closeSync();
      instance.closeSync();
    }
  });
});
