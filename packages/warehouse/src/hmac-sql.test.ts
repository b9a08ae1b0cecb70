import { createHmac } from 'node:crypto';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { hmacSql } from './hmac-sql.ts';

describe('hmacSql', () => {
  it('equals Node HMAC-SHA-256 for short and long secrets, accents included', async () => {
    const connection = await (await DuckDBInstance.create(':memory:')).connect();
    for (const secret of ['0123456789abcdef0123456789abcdef', 'x'.repeat(100)]) {
      for (const value of [
        'jean@exemple.fr',
        '+33612345678',
        'DUPONT|JEAN|75016|12 AVENUE VICTOR HUGO',
        'é',
      ]) {
        const rows = (
          await connection.runAndReadAll(`SELECT ${hmacSql(secret, '$1')}`, [value])
        ).getRowsJS();
        expect(rows[0]?.[0]).toBe(createHmac('sha256', secret).update(value).digest('hex'));
      }
    }
    const empty = (
      await connection.runAndReadAll(`SELECT ${hmacSql('s'.repeat(32), 'NULL::VARCHAR')}`)
    ).getRowsJS();
    expect(empty[0]?.[0]).toBeNull();
    connection.closeSync();
  });
});
