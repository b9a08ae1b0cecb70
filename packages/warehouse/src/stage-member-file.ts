import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import type { Socket } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { promisify } from 'node:util';
import {
  AppError,
  checkFileHeader,
  type TDialectProfile,
  type THeaderIssue,
  type TMemberFileKind,
} from '@alliage/domain';
import { TRIMMED_WHITESPACE } from '@alliage/normalize';
import type { DuckDBConnection } from '@duckdb/node-api';
import { classifyReadCsvFailure } from './classify-read-csv-failure.ts';
import { CsvRecordScanner } from './csv-record-scanner.ts';
import { openPipeWriter } from './open-pipe-writer.ts';
import { sqlIdentifier, sqlString } from './sql-literal.ts';
import { transcodeToUtf8 } from './transcode-to-utf8.ts';

const execFileAsync = promisify(execFile);
/**
 * How far the scanner may run ahead of DuckDB reading the pipe: with Node's default
 * (16 KiB) it waited for DuckDB after nearly every chunk, so the two did not overlap.
 */
const PIPE_BUFFER_BYTES = 4 * 2 ** 20;
/**
 * DuckDB's CSV buffer on the pipe. Its default (32 MiB, 16 × the longest line) made the
 * reader wait for 32 MiB from the scanner before parsing any of it, so the two took
 * turns; at 4 MiB they overlap. Measured with the scanner's output buffer sized up front
 * (2026-12-06, medians of interleaved runs): M01's transactions from the clear file 1.2
 * instead of 1.8 s, its customers 0.97 instead of 1.5 s; the four files of M01 and M02
 * decrypted by gpg as they stage 5.8 instead of 7.0 s. It must hold the longest record the
 * scanner forwards (1 MiB and its line number).
 */
const READ_BUFFER_BYTES = 4 * 2 ** 20;

export interface StageMemberFileOptions {
  connection: DuckDBConnection;
  /** Clear bytes as they decrypt; always read to the end so the decryptor can verify. */
  plaintext: ReadableStream<Uint8Array> | Readable;
  kind: TMemberFileKind;
  dialect: TDialectProfile;
  /** Name of the staging table to create in the in-memory `stage` catalog. */
  table: string;
  /** A private (0700) folder for the named pipe; a fresh one under the OS temp dir when unset. */
  pipeDirectory?: string;
}

/** What staging learned of a file; row content stays in DuckDB memory. */
export interface TStagedFile {
  headerIssues: THeaderIssue[];
  /** Canonical column per file column. */
  columns: string[];
  /** Records after the header (well-formed or not). */
  rowCount: number;
  /**
   * Records the scanner refused, by line: structure (field count, quoting; column null)
   * or a control character in a field (its canonical column).
   */
  recordErrors: { line: number; column: string | null; reason: string }[];
  refusedCount: number;
  /** The file as a whole cannot be read (encoding, unterminated quote…). */
  malformed: string | null;
  /** `stage.<table>` holds `line` plus one VARCHAR column per canonical column present (trimmed, blank as NULL). */
  stagedTable: string | null;
}

/**
 * Streams a clear member file into DuckDB without it touching the disk: the
 * bytes are transcoded to UTF-8, split by `CsvRecordScanner` (which refuses
 * malformed records by line and tags each good one with its line number) and
 * fed through a named pipe to DuckDB's own CSV reader, which fills an in-memory
 * staging table with all-VARCHAR columns, each field trimmed and a blank one NULL.
 * Validation happens afterwards, in bulk.
 * The reader runs in parallel even on the pipe (it parses buffers it has read on
 * every thread; quoted newlines across buffers come out the same as with one
 * thread), and the staged row count must equal the scanner's, so any disagreement
 * on record boundaries rejects the file rather than guessing.
 *
 * @example
 * const staged = await stageMemberFile({ connection, plaintext, kind: 'customers', dialect, table: 'raw_1' });
 */
export async function stageMemberFile(options: StageMemberFileOptions): Promise<TStagedFile> {
  const staged: TStagedFile = {
    headerIssues: [],
    columns: [],
    rowCount: 0,
    recordErrors: [],
    refusedCount: 0,
    malformed: null,
    stagedTable: null,
  };
  const scanner = new CsvRecordScanner({
    delimiter: options.dialect.delimiter,
    quote: options.dialect.quote,
    onHeader: (fields) => {
      const check = checkFileHeader(fields, options.kind, options.dialect);
      staged.headerIssues = check.issues;
      staged.columns = check.columns;
      return fields.length;
    },
  });
  const source =
    options.plaintext instanceof Readable
      ? options.plaintext
      : Readable.fromWeb(options.plaintext as never);
  const utf8 = transcodeToUtf8(source as AsyncIterable<Uint8Array>, options.dialect.encoding);
  const iterator = utf8[Symbol.asyncIterator]();

  // Read until the header is known: DuckDB needs the columns before it starts.
  const pending: Uint8Array[] = [];
  let sourceEnded = false;
  try {
    while (!scanner.headerSeen && !scanner.malformed) {
      const next = await iterator.next();
      if (next.done) {
        pending.push(scanner.end());
        sourceEnded = true;
        break;
      }
      pending.push(scanner.push(next.value));
    }
  } catch (error) {
    if (!isEncodingError(error)) throw error;
    staged.malformed = (error as Error).message;
  }
  if (!scanner.headerSeen && !staged.malformed) {
    staged.headerIssues = [{ column: null, reason: 'the file is empty: no header line' }];
  }
  if (staged.malformed || scanner.malformed || staged.headerIssues.length > 0) {
    staged.malformed ??= scanner.malformed;
    await drain(iterator, sourceEnded);
    return staged;
  }

  const directory =
    options.pipeDirectory ?? (await mkdtemp(path.join(os.tmpdir(), 'alliage-pipe-')));
  const pipePath = path.join(directory, `${options.table}.csv`);
  let streamError: unknown = null;
  /** DuckDB failed reading the pipe for a reason that is not the file's. */
  let readerUnavailable: { errorType: string; cause: unknown } | null = null;
  try {
    await execFileAsync('mkfifo', ['-m', '600', pipePath]);
    const loading = options.connection.run(readCsvStatement(options, staged.columns, pipePath));
    // Settled below or in the writer; observed now, as it can fail before either waits on it.
    loading.catch(() => undefined);
    const pipe = await openPipeWriter(pipePath, loading, PIPE_BUFFER_BYTES);
    if (!pipe) {
      // DuckDB failed before it opened the pipe, so before it read a byte: its statement
      // or the pool is at fault, not the file. Stop decrypting and let the job retry.
      const cause = await loading.then(
        () => undefined,
        (error: unknown) => error,
      );
      iterator.return?.(undefined).catch(() => undefined);
      throw new AppError(
        'unavailable',
        'staging the file failed before DuckDB read it (the file is not at fault); retry',
        { retry: true, cause },
      );
    }
    streamError = await writeRecords({
      pipe,
      loading,
      scanner,
      iterator,
      pending,
      sourceEnded,
      staged,
    });
    try {
      await loading;
    } catch (error) {
      const failure = classifyReadCsvFailure(error);
      if (failure.fileAtFault) staged.malformed ??= failure.reason;
      else readerUnavailable = { errorType: failure.errorType, cause: error };
    }
  } finally {
    await rm(pipePath, { force: true });
    if (!options.pipeDirectory) await rm(directory, { recursive: true, force: true });
  }
  if (streamError) {
    // Decryption or verification failed mid-stream: nothing staged may survive.
    await options.connection.run(`DROP TABLE IF EXISTS stage.${sqlIdentifier(options.table)}`);
    throw streamError;
  }
  staged.malformed ??= scanner.malformed;
  if (readerUnavailable && !staged.malformed) {
    // Out of memory or temp space, I/O, interrupted: the file may load on a retry, so it
    // is not rejected. (A fault our own checks found in the file still rejects it.)
    await options.connection
      .run(`DROP TABLE IF EXISTS stage.${sqlIdentifier(options.table)}`)
      .catch(() => undefined);
    throw new AppError(
      'unavailable',
      `staging the file failed while DuckDB read it (${readerUnavailable.errorType}; the file is not at fault); retry`,
      { retry: true, cause: readerUnavailable.cause },
    );
  }
  staged.recordErrors = scanner.errors.map((error) => ({
    line: error.line,
    column: error.field === undefined ? null : (staged.columns[error.field - 1] ?? null),
    reason: error.reason,
  }));
  staged.refusedCount = scanner.refused;
  staged.rowCount = scanner.forwarded + scanner.refused;
  if (staged.malformed) {
    await options.connection.run(`DROP TABLE IF EXISTS stage.${sqlIdentifier(options.table)}`);
    return staged;
  }
  const loaded = await options.connection.runAndReadAll(
    `SELECT count(*) FROM stage.${sqlIdentifier(options.table)}`,
  );
  if (Number(loaded.getRowsJS()[0]?.[0]) !== scanner.forwarded) {
    // The scanner and DuckDB disagree on record boundaries: never guess which is right.
    staged.malformed = 'the CSV structure could not be read unambiguously';
    await options.connection.run(`DROP TABLE IF EXISTS stage.${sqlIdentifier(options.table)}`);
    return staged;
  }
  await trimUntrimmedRecords(options.connection, options.table, staged.columns, scanner);
  staged.stagedTable = `stage.${sqlIdentifier(options.table)}`;
  return staged;
}

/** Lines per `UPDATE` when trimming the records the scanner noted. */
const UNTRIMMED_LINES_PER_UPDATE = 10_000;

/**
 * Trims the fields of the records the scanner noted (`untrimmedLines`) of every
 * character the row schemas' `trim()` strips. The staging statement's plain `trim`
 * strips spaces (Unicode Zs) only; `trim(value, characters)` costs ~5× as much, so it
 * runs on those records alone (or on all when there were too many to list). Both paths
 * then give a field edged with a tab, a quoted line break, U+2028/2029 or U+FEFF the
 * same value and the same verdict.
 */
async function trimUntrimmedRecords(
  connection: DuckDBConnection,
  table: string,
  columns: string[],
  scanner: CsvRecordScanner,
): Promise<void> {
  if (columns.length === 0) return;
  if (!scanner.untrimmedOverflow && scanner.untrimmedLines.length === 0) return;
  const whitespace = sqlString(TRIMMED_WHITESPACE);
  const assignments = columns
    .map((column) => {
      const name = sqlIdentifier(column);
      return `${name} = nullif(trim(${name}, ${whitespace}), '')`;
    })
    .join(', ');
  const update = `UPDATE stage.${sqlIdentifier(table)} SET ${assignments}`;
  if (scanner.untrimmedOverflow) {
    await connection.run(update);
    return;
  }
  const lines = scanner.untrimmedLines;
  for (let start = 0; start < lines.length; start += UNTRIMMED_LINES_PER_UPDATE) {
    const batch = lines.slice(start, start + UNTRIMMED_LINES_PER_UPDATE);
    await connection.run(`${update} WHERE line IN (${batch.join(', ')})`);
  }
}

async function drain(iterator: AsyncIterator<Uint8Array>, finished: boolean): Promise<void> {
  if (finished) return;
  try {
    for (;;) {
      const next = await iterator.next();
      if (next.done) return;
    }
  } catch (error) {
    if (!isEncodingError(error)) throw error;
  }
}

function isEncodingError(error: unknown): boolean {
  return (error as { code?: string }).code === 'ALLIAGE_ENCODING';
}

/** DuckDB's statement that fills the staging table from the pipe. */
function readCsvStatement(
  options: StageMemberFileOptions,
  columns: string[],
  pipePath: string,
): string {
  const columnsSpec = [
    `'line': 'INTEGER'`,
    ...columns.map((column) => `${sqlString(column)}: 'VARCHAR'`),
  ].join(', ');
  // Trimmed, blank as NULL, as the parallel reader goes: a copy of the rows less afterwards.
  const tidyColumns = columns
    .map((column) => `nullif(trim(${sqlIdentifier(column)}), '') AS ${sqlIdentifier(column)}`)
    .join(', ');
  return `CREATE OR REPLACE TABLE stage.${sqlIdentifier(options.table)} AS
     SELECT line, ${tidyColumns} FROM read_csv(${sqlString(pipePath)}, columns = {${columnsSpec}}, header = false,
       auto_detect = false, delim = ${sqlString(options.dialect.delimiter)},
       quote = ${sqlString(options.dialect.quote)}, escape = ${sqlString(options.dialect.quote)},
       new_line = '\\n', strict_mode = true, parallel = true, buffer_size = ${READ_BUFFER_BYTES})`;
}

interface TWriteRecordsOptions {
  pipe: Socket;
  /** DuckDB's statement reading the pipe. */
  loading: Promise<unknown>;
  scanner: CsvRecordScanner;
  iterator: AsyncIterator<Uint8Array>;
  /** Records already scanned (the header's chunks). */
  pending: Uint8Array[];
  /** The source already ended. */
  sourceEnded: boolean;
  staged: TStagedFile;
}

/**
 * Feeds the scanned records into the pipe and reads the source to its end (so the
 * decryptor verifies), whatever happens to DuckDB; returns the source's own error, if any.
 */
async function writeRecords(options: TWriteRecordsOptions): Promise<unknown> {
  const { pipe, scanner, iterator, staged } = options;
  let pipeFailed = false;
  pipe.on('error', () => {
    pipeFailed = true;
  });
  pipe.on('close', () => {
    pipeFailed = true;
  });
  // DuckDB failing mid-file may keep the pipe open and stop reading it: no drain would come.
  options.loading.catch(() => pipe.destroy());
  const write = async (bytes: Uint8Array) => {
    if (pipeFailed || bytes.length === 0) return;
    if (!pipe.write(bytes)) {
      await new Promise<void>((resolve) => {
        const done = () => {
          pipe.off('drain', done);
          pipe.off('close', done);
          resolve();
        };
        pipe.once('drain', done);
        pipe.once('close', done);
      });
    }
  };
  let streamError: unknown = null;
  try {
    for (const bytes of options.pending) await write(bytes);
    if (!options.sourceEnded) {
      for (;;) {
        const next = await iterator.next();
        if (next.done) break;
        if (scanner.malformed) continue;
        await write(scanner.push(next.value));
      }
      if (!scanner.malformed) await write(scanner.end());
    }
  } catch (error) {
    if (isEncodingError(error)) {
      staged.malformed = (error as Error).message;
      await drain(iterator, false).catch((drainError) => {
        streamError = drainError;
      });
    } else streamError = error;
  } finally {
    // Closing the write end is DuckDB's end of file.
    if (!pipe.destroyed) pipe.end();
    await finished(pipe, { readable: false }).catch(() => undefined);
  }
  return streamError;
}
