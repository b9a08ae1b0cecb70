import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { AppError } from '@alliage/domain';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importReferenceTable } from './import-reference-table.ts';
import type { TWarehouse } from './open-warehouse.ts';
import { createTestWarehouse } from './testing/index.ts';

const NOW = new Date('2026-06-30T10:00:00Z');

describe('importReferenceTable', () => {
  let warehouse: TWarehouse;
  let directory: string;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    ({ warehouse, directory, cleanup } = await createTestWarehouse());
  });
  afterAll(async () => cleanup());

  async function fixture(fileName: string, text: string): Promise<string> {
    const filePath = path.join(directory, fileName);
    await writeFile(filePath, text);
    return filePath;
  }

  function importFile(filePath: string, name = 'income', keyColumn = 'CODGEO') {
    return warehouse.withWriter((connection) =>
      importReferenceTable({ connection, warehouse, name, filePath, keyColumn, now: NOW }),
    );
  }

  async function query(sql: string): Promise<unknown[][]> {
    return warehouse.withWriter(async (connection) =>
      (await connection.runAndReadAll(sql)).getRowsJS(),
    );
  }

  async function rejection(promise: Promise<unknown>): Promise<AppError> {
    const error = await promise.then(
      () => null,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(AppError);
    return error as AppError;
  }

  it('stores the table keyed by insee_code, leading zeros kept, and registers it', async () => {
    const text =
      'CODGEO;LIBGEO;MED21\n01001;Commune A;22140.5\n2A004;Commune B;21000\n97411;Commune C;17500\n';
    const filePath = await fixture('income.csv', text);
    const imported = await importFile(filePath);
    expect(imported.name).toBe('income');
    expect(imported.rows).toBe(3);
    expect(imported.columns.map((column) => column.name)).toEqual([
      'insee_code',
      'LIBGEO',
      'MED21',
    ]);
    expect(imported.columns[0]?.type).toBe('VARCHAR');
    expect(imported.columns[2]?.type).toBe('DOUBLE');
    expect(await query('SELECT insee_code, "MED21" FROM ref_income ORDER BY insee_code')).toEqual([
      ['01001', 22140.5],
      ['2A004', 21000],
      ['97411', 17500],
    ]);
    const [registered] = await query(
      `SELECT name, key_column, columns, rows, source_file_name, sha256, CAST(imported_at AS VARCHAR)
       FROM reference_tables`,
    );
    expect(registered).toEqual([
      'income',
      'CODGEO',
      JSON.stringify(imported.columns),
      3n,
      'income.csv',
      createHash('sha256').update(text).digest('hex'),
      '2026-06-30 10:00:00',
    ]);
  });

  it('replaces the table and its registration on re-import', async () => {
    const filePath = await fixture('income-2.csv', 'CODGEO,MED22\n01001,23000\n');
    const imported = await importFile(filePath);
    expect(imported.rows).toBe(1);
    expect(await query('SELECT * FROM ref_income')).toEqual([['01001', 23000n]]);
    expect(await query(`SELECT rows, source_file_name FROM reference_tables`)).toEqual([
      [1n, 'income-2.csv'],
    ]);
  });

  it('rejects a bad or reserved table name', async () => {
    const filePath = await fixture('ok.csv', 'CODGEO,X\n01001,1\n');
    for (const name of ['Income', '1income', 'in-come', '', 'a'.repeat(42)]) {
      const error = await rejection(importFile(filePath, name));
      expect(error.code).toBe('validation_failed');
      expect(error.message).toMatch(/table name/);
    }
    expect((await rejection(importFile(filePath, 'communes'))).message).toMatch(/reserved/);
  });

  it('rejects a missing key column, a clashing insee_code column and too many columns', async () => {
    const noKey = await fixture('no-key.csv', 'CODE,X\n01001,1\n');
    expect((await rejection(importFile(noKey))).message).toBe(
      'key column CODGEO is not in the file header (2 column(s) detected: check the name and the delimiter)',
    );
    const clash = await fixture('clash.csv', 'CODGEO,insee_code\n01001,1\n');
    expect((await rejection(importFile(clash))).message).toMatch(/already has a column insee_code/);
    const header = ['CODGEO', ...Array.from({ length: 200 }, (_, index) => `C${index}`)];
    const wide = await fixture(
      'wide.csv',
      `${header.join(',')}\n01001,${Array.from({ length: 200 }, () => '1').join(',')}\n`,
    );
    expect((await rejection(importFile(wide))).message).toMatch(/201 columns; at most 200/);
  });

  it('rejects keys that are not INSEE codes without echoing them', async () => {
    const filePath = await fixture('bad-keys.csv', 'CODGEO;X\n01001;1\n1001;2\n75X56;3\n;4\n');
    const error = await rejection(importFile(filePath));
    expect(error.code).toBe('validation_failed');
    expect(error.message).toMatch(/3 value\(s\) are not a 5-character commune INSEE code/);
    expect(error.message).toMatch(/first at data row 2/);
    expect(error.message).not.toMatch(/1001;|75X56/);
  });

  it('rejects duplicate keys and an empty file, and leaves the previous table in place', async () => {
    const duplicates = await fixture('dupes.csv', 'CODGEO,X\n01001,1\n2A004,2\n01001,3\n');
    const error = await rejection(importFile(duplicates));
    expect(error.message).toMatch(
      /1 INSEE code\(s\) appear on more than one row \(first at data row 1\)/,
    );
    const empty = await fixture('empty.csv', 'CODGEO,X\n');
    expect((await rejection(importFile(empty))).message).toMatch(/no data rows/);
    expect(await query('SELECT count(*) FROM ref_income')).toEqual([[1n]]);
    expect(await query('SELECT count(*) FROM reference_tables')).toEqual([[1n]]);
  });

  it('rejects a file DuckDB cannot parse without passing its message on', async () => {
    const latin1 = path.join(directory, 'latin1.csv');
    await writeFile(
      latin1,
      Buffer.concat([
        Buffer.from('CODGEO,X\n01001,caf'),
        Buffer.from([0xe9]),
        Buffer.from('SECRETVALUE\n'),
      ]),
    );
    const error = await rejection(importFile(latin1));
    expect(error.code).toBe('validation_failed');
    expect(error.message).toMatch(/could not be read as CSV/);
    expect(error.message).not.toMatch(/SECRETVALUE|CODGEO/);
  });

  it('never skips rows that do not fit: a ragged file fails instead of losing lines', async () => {
    const ragged = await fixture(
      'ragged.csv',
      'CODGEO,X\n01001,1\n2A004,2\n97411,3\n01002,SECRETVALUE,9,9,9\n',
    );
    const error = await rejection(importFile(ragged));
    expect(error.code).toBe('validation_failed');
    expect(error.message).not.toMatch(/SECRETVALUE/);
  });

  it('rejects a file whose CSV dialect DuckDB cannot detect, without quoting it', async () => {
    const binary = path.join(directory, 'binary.csv');
    await writeFile(
      binary,
      Buffer.concat([Buffer.from([0, 1, 2, 255, 254, 0, 10]), Buffer.from('SECRETVALUE\r\0\n')]),
    );
    const error = await rejection(importFile(binary));
    expect(error.code).toBe('validation_failed');
    expect(error.message).toMatch(/CSV dialect.*could not be detected/);
    expect(error.message).not.toMatch(/SECRETVALUE|binary\.csv/);
  });

  it('names the record of a file that is not UTF-8, without quoting it', async () => {
    const lateLatin1 = path.join(directory, 'late-latin1.csv');
    await writeFile(
      lateLatin1,
      Buffer.concat([
        Buffer.from(`CODGEO,X\n${'01001,1\n'.repeat(3)}01002,caf`),
        Buffer.from([0xe9]),
        Buffer.from('SECRETVALUE\n'),
      ]),
    );
    const error = await rejection(importFile(lateLatin1));
    expect(error.code).toBe('validation_failed');
    expect(error.message).toMatch(/not valid UTF-8/);
    expect(error.message).not.toMatch(/SECRETVALUE|CODGEO/);
  });

  it('answers a retryable unavailable, not a rejection, when DuckDB runs out of memory', async () => {
    const filePath = await fixture('sound.csv', 'CODGEO,X\n01001,SECRETVALUE\n');
    // A pool this starved cannot even buffer the file: the file is not at fault.
    const starved = await DuckDBInstance.create(':memory:', {
      memory_limit: '1MB',
      temp_directory: '',
      threads: '1',
    });
    const connection = await starved.connect();
    try {
      const error = await rejection(
        importReferenceTable({
          connection,
          warehouse,
          name: 'sound',
          filePath,
          keyColumn: 'CODGEO',
          now: NOW,
        }),
      );
      expect(error.code).toBe('unavailable');
      expect(error.retry).toBe(true);
      expect(error.message).toMatch(/Out of Memory error.*not at fault/);
      expect(error.message).not.toMatch(/SECRETVALUE|sound\.csv/);
    } finally {
      connection.closeSync();
      starved.closeSync();
    }
  });

  it('rejects a missing file and a glob path', async () => {
    const missing = await rejection(importFile(path.join(directory, 'nope.csv')));
    expect(missing.code).toBe('not_found');
    const glob = await rejection(importFile(path.join(directory, '*.csv')));
    expect(glob.message).toMatch(/glob/);
  });
});
