import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classifyReadCsvFailure } from './classify-read-csv-failure.ts';
import { sqlString } from './sql-literal.ts';

/** A value that must never reach a reason: DuckDB quotes the failing line in its messages. */
const SECRET = 'Zoé-Secret';

describe('classifyReadCsvFailure', () => {
  let directory: string;
  let instance: DuckDBInstance;
  let connection: DuckDBConnection;
  beforeAll(async () => {
    directory = await mkdtemp(path.join(os.tmpdir(), 'alliage-read-csv-failure-'));
    instance = await DuckDBInstance.create(':memory:', { threads: '1' });
    connection = await instance.connect();
  });
  afterAll(async () => {
    connection.closeSync();
    instance.closeSync();
    await rm(directory, { recursive: true, force: true });
  });

  /** DuckDB's own error for `bytes` read as staging reads the pipe (strict, typed `line`). */
  async function readCsvError(name: string, bytes: Uint8Array | string): Promise<unknown> {
    const file = path.join(directory, name);
    await writeFile(file, bytes);
    return connection
      .run(
        `SELECT * FROM read_csv(${sqlString(file)}, columns = {'line': 'INTEGER', 'a': 'VARCHAR', 'b': 'VARCHAR'},
           header = false, auto_detect = false, delim = ',', quote = '"', escape = '"',
           new_line = '\\n', strict_mode = true)`,
      )
      .then(
        () => null,
        (error: unknown) => error,
      );
  }

  it.each([
    ['too few fields', `1,a,b\n2,${SECRET}\n`, 'the file is not valid CSV near record 2'],
    ['an unterminated quote', `1,"${SECRET},b\n`, 'the file is not valid CSV near record 1'],
    ['a value DuckDB cannot convert', `${SECRET},a,b\n`, 'the file is not valid CSV near record 1'],
  ])('calls %s the file’s fault, without quoting it', async (_case, text, reason) => {
    const error = await readCsvError(`${reason.length}-${text.length}.csv`, text);
    expect((error as Error).message).toContain(SECRET);
    expect(classifyReadCsvFailure(error)).toEqual({ fileAtFault: true, reason });
  });

  it('calls invalid UTF-8 the file’s fault', async () => {
    const bytes = Buffer.concat([Buffer.from(`1,${SECRET},`), Buffer.from([0xff, 0x0a])]);
    const error = await readCsvError('not-utf8.csv', bytes);
    expect(classifyReadCsvFailure(error)).toEqual({
      fileAtFault: true,
      reason: 'the file is not valid UTF-8 text',
    });
  });

  it('calls a file whose dialect the auto-detection cannot find the file’s fault', async () => {
    // Auto-detection errors carry no "CSV Error": "Error when sniffing file …".
    const file = path.join(directory, 'binary.csv');
    await writeFile(file, Buffer.from([0, 1, 2, 3, 255, 254, 0, 0, 10, 0, 0, 13]));
    const error = await connection
      .run(`SELECT * FROM read_csv(${sqlString(file)}, header = true)`)
      .then(
        () => null,
        (caught: unknown) => caught,
      );
    expect((error as Error).message).toMatch(/^Invalid Input Error: Error when sniffing file/);
    expect(classifyReadCsvFailure(error)).toEqual({
      fileAtFault: true,
      reason: 'the file’s CSV dialect (delimiter, quoting, header) could not be detected',
    });
  });

  it('does not blame the file when DuckDB runs out of memory or cannot open it', async () => {
    const starved = await DuckDBInstance.create(':memory:', {
      memory_limit: '4MB',
      temp_directory: '',
      threads: '1',
    });
    const starvedConnection = await starved.connect();
    try {
      const file = path.join(directory, 'sound.csv');
      await writeFile(file, `1,${SECRET},b\n`);
      const outOfMemory = await starvedConnection
        .run(`CREATE TABLE t AS SELECT * FROM read_csv(${sqlString(file)}, header = false)`)
        .then(
          () => null,
          (error: unknown) => error,
        );
      expect(classifyReadCsvFailure(outOfMemory)).toEqual({
        fileAtFault: false,
        errorType: 'Out of Memory error',
      });
    } finally {
      starvedConnection.closeSync();
      starved.closeSync();
    }
    const missing = await connection
      .run(`SELECT * FROM read_csv(${sqlString(path.join(directory, 'gone.csv'))})`)
      .then(
        () => null,
        (error: unknown) => error,
      );
    expect(classifyReadCsvFailure(missing)).toEqual({ fileAtFault: false, errorType: 'IO error' });
    expect(classifyReadCsvFailure(new Error('no type here'))).toEqual({
      fileAtFault: false,
      errorType: 'unknown error',
    });
  });
});
