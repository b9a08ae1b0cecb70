import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { DEFAULT_DIALECT_PROFILE, ZDialectProfile } from '@alliage/domain';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TWarehouse } from './open-warehouse.ts';
import { stageMemberFile } from './stage-member-file.ts';
import { createTestWarehouse } from './testing/index.ts';
import type { TStageUnreadableReport } from './testing/stage-unreadable-child.ts';

const execFileAsync = promisify(execFile);
const UNREADABLE_CHILD = fileURLToPath(
  new URL('./testing/stage-unreadable-child.ts', import.meta.url),
);
const TRANSACTIONS_CSV =
  'customer_id,transaction_id,date,amount_eur,category,channel\nC1,T1,2025-01-01,1,a,web\n';

const WIN1252 = ZDialectProfile.parse({
  encoding: 'windows-1252',
  delimiter: ';',
  dateFormat: 'DD/MM/YYYY',
  decimalSeparator: ',',
  headers: { transactions: { NUMCLIENT: 'customer_id', MONTANT: 'amount_eur' } },
});

/** Stages `TRANSACTIONS_CSV` on a bare connection, its pipe in `pipeDirectory`. */
function stageTransactions(connection: DuckDBConnection, table: string, pipeDirectory: string) {
  return stageMemberFile({
    connection,
    plaintext: Readable.from([Buffer.from(TRANSACTIONS_CSV)]),
    kind: 'transactions',
    dialect: DEFAULT_DIALECT_PROFILE,
    table,
    pipeDirectory,
  });
}

function chunked(bytes: Uint8Array, size: number): Readable {
  const parts: Uint8Array[] = [];
  for (let offset = 0; offset < bytes.length; offset += size)
    parts.push(bytes.subarray(offset, offset + size));
  return Readable.from(parts);
}

function latin1(text: string): Uint8Array {
  return Uint8Array.from(text, (character) => {
    if (character === '€') return 0x80;
    if (character === 'œ') return 0x9c;
    return character.charCodeAt(0);
  });
}

describe('stageMemberFile', () => {
  let warehouse: TWarehouse;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    // Two threads: the reader splits large files across them (what these tests check).
    ({ warehouse, cleanup } = await createTestWarehouse({ threads: 2 }));
  });
  afterAll(async () => cleanup());

  it('stages a Windows-1252, semicolon, CRLF file with quoted newlines and line numbers, fields trimmed', async () => {
    const text =
      'NUMCLIENT;transaction_id;date;MONTANT;category;channel\r\n' +
      'C1;T1;01/02/2025;"12,50";cœur;web\r\n' +
      'C2;T2;01/02/2025;3;"a\r\nb";magasin\r\n' +
      'C3;T3;bad\r\n' +
      ' C4 ;T4;02/02/2025;"1 000,00 €";" x ";  \r\n';
    const staged = await warehouse.withWriter((connection) =>
      stageMemberFile({
        connection,
        plaintext: chunked(latin1(text), 7),
        kind: 'transactions',
        dialect: WIN1252,
        table: 'raw_test_1',
      }),
    );
    expect(staged.malformed).toBeNull();
    expect(staged.headerIssues).toEqual([]);
    expect(staged.rowCount).toBe(4);
    expect(staged.recordErrors).toEqual([
      { line: 5, column: null, reason: 'expected 6 fields, found 3' },
    ]);
    const rows = await warehouse.withWriter(async (connection) =>
      (
        await connection.runAndReadAll(
          `SELECT line, customer_id, amount_eur, category, channel FROM ${staged.stagedTable} ORDER BY line`,
        )
      ).getRowsJS(),
    );
    // Outer spaces go (quoted or not), inner ones and newlines stay, a blank field is NULL.
    expect(rows).toEqual([
      [2, 'C1', '12,50', 'cœur', 'web'],
      [3, 'C2', '3', 'a\r\nb', 'magasin'],
      [6, 'C4', '1 000,00 €', 'x', null],
    ]);
  });

  it('trims a field of a tab, a quoted line break, U+2028/2029 and U+FEFF as trim() does, listed or all', async () => {
    // DuckDB's plain trim strips spaces (and no-break spaces) only; the noted records get the
    // wider trim afterwards, by line, or every record once there are too many to list.
    const header = 'customer_id,transaction_id,date,amount_eur,category,channel\n';
    const odd = [
      '\tC1\t,T1,2025-01-01,1,a\u2028,\ufeffweb',
      'C2,T2,2025-01-01,1,"\nb\r\n",\t',
      'C3,T3,2025-01-01,1,Le\tGall,\u00a0web\u2029',
    ];
    for (const [table, filler] of [
      ['raw_test_trim_listed', 0],
      ['raw_test_trim_all', 100_000],
    ] as const) {
      const text = `${header}${odd.join('\n')}\n${'C9,T9,2025-01-01,1,\tx,web\n'.repeat(filler)}`;
      const staged = await warehouse.withWriter((connection) =>
        stageMemberFile({
          connection,
          plaintext: chunked(Buffer.from(text), 4096),
          kind: 'transactions',
          dialect: DEFAULT_DIALECT_PROFILE,
          table,
        }),
      );
      expect(staged.malformed).toBeNull();
      const rows = await warehouse.withWriter(async (connection) =>
        (
          await connection.runAndReadAll(
            `SELECT customer_id, category, channel FROM ${staged.stagedTable} WHERE line <= 6 ORDER BY line`,
          )
        ).getRowsJS(),
      );
      expect(rows).toEqual([
        ['C1', 'a', 'web'],
        ['C2', 'b', null],
        ['C3', 'Le\tGall', 'web'],
      ]);
      const filled = await warehouse.withWriter(async (connection) =>
        (
          await connection.runAndReadAll(
            `SELECT count(*) FROM ${staged.stagedTable} WHERE line > 6 AND category <> 'x'`,
          )
        ).getRowsJS(),
      );
      expect(filled).toEqual([[0n]]);
    }
  });

  it('stages a file larger than the reader parses per thread exactly, quoted newlines in every record', async () => {
    // ~40 MB: DuckDB's reader splits it across buffers and threads, often inside a quoted
    // field; every record must still come out whole, with its starting line.
    const records = 320_000;
    const padding = 'x'.repeat(60);
    const parts = ['customer_id,transaction_id,date,amount_eur,category,channel\r\n'];
    for (let index = 0; index < records; index++) {
      parts.push(
        `C${index},T${index},2025-01-01,1,"cat ${index} ${padding}\r\nline, ""two""",web\r\n`,
      );
    }
    const staged = await warehouse.withWriter((connection) =>
      stageMemberFile({
        connection,
        plaintext: chunked(Buffer.from(parts.join('')), 1 << 20),
        kind: 'transactions',
        dialect: DEFAULT_DIALECT_PROFILE,
        table: 'raw_test_5',
      }),
    );
    expect(staged.malformed).toBeNull();
    expect(staged.rowCount).toBe(records);
    const [counts] = await warehouse.withWriter(async (connection) =>
      (
        await connection.runAndReadAll(
          `SELECT count(*), count(*) FILTER (WHERE
             category = 'cat ' || substr(customer_id, 2) || ' ${padding}' || chr(13) || chr(10) || 'line, "two"'
             AND transaction_id = 'T' || substr(customer_id, 2) AND channel = 'web'
             AND line = 2 + 2 * CAST(substr(customer_id, 2) AS INTEGER)),
           count(DISTINCT customer_id)
           FROM ${staged.stagedTable}`,
        )
      ).getRowsJS(),
    );
    expect(counts?.map(Number)).toEqual([records, records, records]);
  });

  it('stages records as long as the scanner accepts (1 MiB) among many short ones', async () => {
    // DuckDB's read buffer on the pipe must hold the longest record the scanner forwards;
    // the long ones sit at several offsets so some straddle the reader's buffers.
    const long = (index: number) =>
      `${String(index % 10).repeat(512 * 1024 - 1)}\n${'y'.repeat(512 * 1024 - 100)}`;
    const parts = ['customer_id,transaction_id,date,amount_eur,category,channel\n'];
    const longAt = new Set([10, 40_000, 90_000, 90_001]);
    for (let index = 0; index < 120_000; index++) {
      const category = longAt.has(index) ? `"${long(index)}"` : `cat ${index}`;
      parts.push(`C${index},T${index},2025-01-01,1,${category},web\n`);
    }
    const staged = await warehouse.withWriter((connection) =>
      stageMemberFile({
        connection,
        plaintext: chunked(Buffer.from(parts.join('')), 1 << 16),
        kind: 'transactions',
        dialect: DEFAULT_DIALECT_PROFILE,
        table: 'raw_test_long',
      }),
    );
    expect(staged.malformed).toBeNull();
    expect(staged.rowCount).toBe(120_000);
    const rows = await warehouse.withWriter(async (connection) =>
      (
        await connection.runAndReadAll(
          `SELECT customer_id, length(category), md5(category), line FROM ${staged.stagedTable}
           WHERE length(category) > 1000 ORDER BY line`,
        )
      ).getRowsJS(),
    );
    expect(rows).toEqual(
      [...longAt].map((index) => [
        `C${index}`,
        BigInt(long(index).length),
        createHash('md5').update(long(index)).digest('hex'),
        // Each long record spans two lines.
        index + 2 + [...longAt].filter((other) => other < index).length,
      ]),
    );
    const [short] = await warehouse.withWriter(async (connection) =>
      (
        await connection.runAndReadAll(
          `SELECT count(*) FROM ${staged.stagedTable} WHERE category = 'cat ' || substr(customer_id, 2)`,
        )
      ).getRowsJS(),
    );
    expect(Number(short?.[0])).toBe(120_000 - longAt.size);
  });

  it('refuses only the record with a lone carriage return in an unquoted field', async () => {
    const rows = Array.from({ length: 40 }, (_, index) => `C${index},T${index},2025-01-01,1,a,web`);
    rows.splice(2, 0, 'C98,T98,2025-01-01,1,a\rb,web', 'C99,T99,2025-01-01,1,"a\rb",web');
    const staged = await warehouse.withWriter((connection) =>
      stageMemberFile({
        connection,
        plaintext: chunked(
          Buffer.from(
            `customer_id,transaction_id,date,amount_eur,category,channel\n${rows.join('\n')}\n`,
          ),
          5,
        ),
        kind: 'transactions',
        dialect: DEFAULT_DIALECT_PROFILE,
        table: 'raw_test_6',
      }),
    );
    expect(staged.malformed).toBeNull();
    expect(staged.rowCount).toBe(42);
    expect(staged.recordErrors).toEqual([
      {
        line: 4,
        column: null,
        reason: 'a carriage return (CR) not followed by a line feed, outside quotes',
      },
    ]);
    const quoted = await warehouse.withWriter(async (connection) =>
      (
        await connection.runAndReadAll(
          `SELECT line, category FROM ${staged.stagedTable} WHERE customer_id = 'C99'`,
        )
      ).getRowsJS(),
    );
    // Inside quotes a CR is data, as a quoted line break is.
    expect(quoted).toEqual([[5, 'a\rb']]);
  });

  it('calls a UTF-8 file sent under a Windows-1252 dialect malformed instead of storing mojibake', async () => {
    const rows = Array.from({ length: 30 }, (_, index) => `C${index};T${index};01/02/2025;1;a;web`);
    rows.push('C99;T99;01/02/2025;1;Électroménager;web');
    const staged = await warehouse.withWriter((connection) =>
      stageMemberFile({
        connection,
        plaintext: chunked(
          Buffer.from(
            `NUMCLIENT;transaction_id;date;MONTANT;category;channel\r\n${rows.join('\r\n')}`,
          ),
          64,
        ),
        kind: 'transactions',
        dialect: WIN1252,
        table: 'raw_test_7',
      }),
    );
    expect(staged.malformed).toMatch(
      /declares windows-1252 but the file looks like UTF-8: line 32 /,
    );
    expect(staged.stagedTable).toBeNull();
  });

  it('reports a bad header without staging anything', async () => {
    const staged = await warehouse.withWriter((connection) =>
      stageMemberFile({
        connection,
        plaintext: Readable.from([Buffer.from('foo,bar\n1,2\n')]),
        kind: 'transactions',
        dialect: DEFAULT_DIALECT_PROFILE,
        table: 'raw_test_2',
      }),
    );
    expect(staged.stagedTable).toBeNull();
    expect(staged.headerIssues.length).toBeGreaterThan(0);
  });

  it('calls invalid UTF-8 malformed without quoting it', async () => {
    const bytes = Buffer.concat([
      Buffer.from(
        'customer_id,transaction_id,date,amount_eur,category,channel\nC1,T1,2025-01-01,1,',
      ),
      Buffer.from([0xff, 0xfe]),
      Buffer.from(',web\n'),
    ]);
    const staged = await warehouse.withWriter((connection) =>
      stageMemberFile({
        connection,
        plaintext: Readable.from([bytes]),
        kind: 'transactions',
        dialect: DEFAULT_DIALECT_PROFILE,
        table: 'raw_test_3',
      }),
    );
    expect(staged.malformed).toBe('the file is not valid utf-8 text');
    expect(staged.stagedTable).toBeNull();
  });

  it('rethrows a failing source and leaves no staging table', async () => {
    async function* failing() {
      yield Buffer.from(
        'customer_id,transaction_id,date,amount_eur,category,channel\nC1,T1,2025-01-01,1,a,web\n',
      );
      throw Object.assign(new Error('integrity check failed'), { code: 'X' });
    }
    await expect(
      warehouse.withWriter((connection) =>
        stageMemberFile({
          connection,
          plaintext: Readable.from(failing()),
          kind: 'transactions',
          dialect: DEFAULT_DIALECT_PROFILE,
          table: 'raw_test_4',
        }),
      ),
    ).rejects.toThrow('integrity check failed');
    const tables = await warehouse.withWriter(async (connection) =>
      (
        await connection.runAndReadAll(
          `SELECT count(*) FROM duckdb_tables() WHERE database_name = 'stage' AND table_name = 'raw_test_4'`,
        )
      ).getRowsJS(),
    );
    expect(Number(tables[0]?.[0])).toBe(0);
  });

  it('fails as unavailable, to be retried, when DuckDB fails before it opens the pipe, leaving no pipe', async () => {
    // A connection without the `stage` catalog: DuckDB fails at bind, before reading.
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    const pipeDirectory = await mkdtemp(path.join(os.tmpdir(), 'alliage-pipe-test-'));
    try {
      const staging = stageTransactions(connection, 'raw_unbound', pipeDirectory);
      // Not the file's fault: never `malformed`, a rejection the member would be told about.
      await expect(staging).rejects.toMatchObject({ code: 'unavailable', retry: true });
      expect(await readdir(pipeDirectory)).toEqual([]);
    } finally {
      connection.closeSync();
      await rm(pipeDirectory, { recursive: true, force: true });
    }
  });

  it('fails as unavailable, to be retried, when DuckDB runs out of memory while reading the pipe', async () => {
    // Too little memory for the CSV reader's buffer and nowhere to spill: DuckDB opens the
    // pipe, then fails for a reason that is not the file's.
    const instance = await DuckDBInstance.create(':memory:', {
      memory_limit: '4MB',
      temp_directory: '',
      threads: '1',
    });
    const connection = await instance.connect();
    await connection.run(`ATTACH ':memory:' AS stage`);
    const pipeDirectory = await mkdtemp(path.join(os.tmpdir(), 'alliage-pipe-test-'));
    try {
      const failure = await stageTransactions(connection, 'raw_out_of_memory', pipeDirectory).then(
        (staged) => staged,
        (error: unknown) => error,
      );
      // Never `malformed`: the member would be told a sound file is broken, and not resend it.
      expect(failure).toMatchObject({ code: 'unavailable', retry: true });
      const message = (failure as Error).message;
      expect(message).toMatch(/while DuckDB read it.*Out of Memory/);
      expect(message).not.toMatch(/C1|T1|web/);
      expect(await readdir(pipeDirectory)).toEqual([]);
      const tables = await connection.runAndReadAll(
        `SELECT count(*) FROM duckdb_tables() WHERE database_name = 'stage'`,
      );
      expect(Number(tables.getRowsJS()[0]?.[0])).toBe(0);
    } finally {
      connection.closeSync();
      instance.closeSync();
      await rm(pipeDirectory, { recursive: true, force: true });
    }
  });

  it('does not wait for ever on the pipe when libuv has a single thread', async () => {
    // A blocking open of the pipe's write end took the only libuv thread and waited for a
    // reader that had already failed: the staging never settled.
    const pipeDirectory = await mkdtemp(path.join(os.tmpdir(), 'alliage-pipe-test-'));
    try {
      const { stdout } = await execFileAsync(process.execPath, [UNREADABLE_CHILD, pipeDirectory], {
        env: { ...process.env, UV_THREADPOOL_SIZE: '1' },
        timeout: 30_000,
      });
      const lines = stdout.trim().split('\n');
      const report = JSON.parse(lines.at(-1) ?? '{}') as TStageUnreadableReport;
      expect(report).toEqual({ outcome: 'unavailable', retry: true, leftovers: [] });
    } finally {
      await rm(pipeDirectory, { recursive: true, force: true });
    }
  }, 40_000);
});
