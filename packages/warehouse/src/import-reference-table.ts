import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { AppError } from '@alliage/domain';
import type { DuckDBConnection } from '@duckdb/node-api';
import { classifyReadCsvFailure } from './classify-read-csv-failure.ts';
import type { TWarehouse } from './open-warehouse.ts';
import { runPoolTransaction } from './run-pool-transaction.ts';
import { sqlIdentifier, sqlString } from './sql-literal.ts';

export interface ImportReferenceTableOptions {
  /** The pool's writer connection (inside `withWriter`). */
  connection: DuckDBConnection;
  /** The warehouse whose writer that is: it confirms its ownership before the import commits. */
  warehouse: Pick<TWarehouse, 'confirmOwnership'>;
  /** Short name; the table is stored as `ref_<name>`. */
  name: string;
  /** A public, non-personal CSV keyed by commune INSEE code (e.g. INSEE income by commune). */
  filePath: string;
  /** The column holding the INSEE code; stored as `insee_code`. */
  keyColumn: string;
  now: Date;
}

/** One column of an imported reference table, as stored. */
export interface TReferenceColumn {
  name: string;
  type: string;
}

/** What an import stored. */
export interface TReferenceTableImport {
  name: string;
  rows: number;
  columns: TReferenceColumn[];
}

const TABLE_NAME = /^[a-z][a-z0-9_]{0,40}$/;
const INSEE_CODE_PATTERN = '^[0-9][0-9AB][0-9]{3}$';
const MAX_COLUMNS = 200;
// `ref_communes` is the built-in commune reference.
const RESERVED_NAMES = new Set(['communes']);
const SCRATCH_TABLE = 'ref_import_scratch';

function invalid(message: string): AppError {
  return new AppError('validation_failed', message, { retry: false });
}

/**
 * Imports a public, non-personal CSV table keyed by commune INSEE code as
 * `ref_<name>` (key column renamed `insee_code`, other columns and types as
 * DuckDB detects them over the whole file) and registers it in
 * `reference_tables` with the file's SHA-256; a re-import replaces it. Checks
 * the name, the key column, that every key is a 5-character INSEE code and
 * unique, and at most 200 columns; errors say what is wrong and where, never a
 * value. A DuckDB failure that is not the file's (out of memory, I/O, interrupted)
 * is a retryable `unavailable`, not a rejection. The file is loaded and checked in a TEMP table, then the table and its
 * registration are written in one transaction of its own: call it outside one.
 *
 * @example
 * await importReferenceTable({ connection, warehouse, name: 'income', filePath: 'filo2021.csv', keyColumn: 'CODGEO', now: new Date() });
 */
export async function importReferenceTable(
  options: ImportReferenceTableOptions,
): Promise<TReferenceTableImport> {
  const { connection, name, keyColumn } = options;
  if (!TABLE_NAME.test(name)) {
    throw invalid(
      'reference table name must start with a lowercase letter and hold at most 41 lowercase letters, digits or underscores',
    );
  }
  if (RESERVED_NAMES.has(name)) {
    throw invalid(`reference table name ${name} is reserved for the built-in commune reference`);
  }
  if (keyColumn.trim() === '') throw invalid('the key column name is empty');
  // read_csv would expand a glob: the file hashed must be the one file read.
  if (/[*?[\]{}]/.test(options.filePath)) {
    throw invalid('the reference file path must not contain glob characters (* ? [ ] { })');
  }
  const fileStat = await stat(options.filePath).catch(() => null);
  if (!fileStat?.isFile()) {
    throw new AppError('not_found', 'the reference file does not exist or is not a file');
  }
  const sha256 = await hashFile(options.filePath);

  // Scan the whole file to detect types (a late value of another type would otherwise fail the
  // load); a header on the first line, nothing skipped (left to itself, the sniffer may skip
  // leading rows that do not fit the dialect it prefers); the key as text so 01001 keeps its zero.
  const source = `read_csv(${sqlString(options.filePath)}, sample_size = -1, header = true, skip = 0`;
  let detected: string[];
  try {
    detected = (
      await connection.runAndReadAll(`SELECT column_name FROM (DESCRIBE SELECT * FROM ${source}))`)
    ).getColumnsJS()[0] as string[];
  } catch (error) {
    throw readFailure(error);
  }
  if (detected.length > MAX_COLUMNS) {
    throw invalid(
      `the reference file has ${detected.length} columns; at most ${MAX_COLUMNS} are allowed`,
    );
  }
  if (!detected.includes(keyColumn)) {
    throw invalid(
      `key column ${keyColumn} is not in the file header (${detected.length} column(s) detected: check the name and the delimiter)`,
    );
  }
  if (keyColumn !== 'insee_code' && detected.includes('insee_code')) {
    throw invalid(
      'the file already has a column insee_code besides the key column: rename one of them',
    );
  }

  // Loaded and checked in TEMP before the transaction: rowid is then the CSV order (data row − 1).
  const key = sqlIdentifier(keyColumn);
  try {
    await connection.run(
      `CREATE OR REPLACE TEMP TABLE ${SCRATCH_TABLE} AS SELECT * FROM ${source}, types = {${sqlString(keyColumn)}: 'VARCHAR'})`,
    );
  } catch (error) {
    throw readFailure(error);
  }
  try {
    await validateKeys(connection, key);
    return await replaceReferenceTable(connection, { ...options, key, sha256 });
  } finally {
    await connection.run(`DROP TABLE IF EXISTS ${SCRATCH_TABLE}`);
  }
}

// One transaction: the table, then its registration.
async function replaceReferenceTable(
  connection: DuckDBConnection,
  options: ImportReferenceTableOptions & { key: string; sha256: string },
): Promise<TReferenceTableImport> {
  const { name, key } = options;
  const table = `ref_${name}`;
  return runPoolTransaction(options.warehouse, connection, async () => {
    await connection.run(`DROP TABLE IF EXISTS ${sqlIdentifier(table)}`);
    await connection.run(
      `CREATE TABLE ${sqlIdentifier(table)} AS
       SELECT ${key} AS insee_code, * EXCLUDE (${key}) FROM ${SCRATCH_TABLE} ORDER BY rowid`,
    );
    const columns = (
      await connection.runAndReadAll(
        `SELECT column_name, column_type FROM (DESCRIBE ${sqlIdentifier(table)})`,
      )
    )
      .getRowsJS()
      .map(([columnName, columnType]) => ({ name: String(columnName), type: String(columnType) }));
    const rows = Number(
      (await connection.runAndReadAll(`SELECT count(*) FROM ${SCRATCH_TABLE}`)).getRowsJS()[0]?.[0],
    );
    await connection.run('DELETE FROM reference_tables WHERE name = $1', [name]);
    await connection.run(
      `INSERT INTO reference_tables (name, key_column, columns, rows, source_file_name, sha256, imported_at)
       VALUES ($1, $2, $3, $4, $5, $6, CAST($7 AS TIMESTAMP))`,
      [
        name,
        options.keyColumn,
        JSON.stringify(columns),
        rows,
        path.basename(options.filePath),
        options.sha256,
        options.now.toISOString(),
      ],
    );
    return { name, rows, columns };
  });
}

async function validateKeys(connection: DuckDBConnection, key: string): Promise<void> {
  // rowid is the CSV order (a committed TEMP table, insertion order preserved): data row = rowid + 1.
  const [invalidCount, firstInvalid, total] = (
    await connection.runAndReadAll(
      `SELECT count(*) FILTER (WHERE ${key} IS NULL OR NOT regexp_full_match(${key}, ${sqlString(INSEE_CODE_PATTERN)})),
        min(rowid) FILTER (WHERE ${key} IS NULL OR NOT regexp_full_match(${key}, ${sqlString(INSEE_CODE_PATTERN)})),
        count(*)
       FROM ${SCRATCH_TABLE}`,
    )
  ).getRowsJS()[0] as [bigint, bigint | null, bigint];
  if (total === 0n) throw invalid('the reference file has no data rows');
  if (invalidCount > 0n) {
    throw invalid(
      `key column: ${invalidCount} value(s) are not a 5-character commune INSEE code such as 01001 or 2A004 (first at data row ${Number(firstInvalid) + 1}; a spreadsheet may have dropped a leading zero)`,
    );
  }
  const [duplicateKeys, firstDuplicate] = (
    await connection.runAndReadAll(
      `SELECT count(DISTINCT ${key}), min(rowid) FROM ${SCRATCH_TABLE}
       WHERE ${key} IN (SELECT ${key} FROM ${SCRATCH_TABLE} GROUP BY ${key} HAVING count(*) > 1)`,
    )
  ).getRowsJS()[0] as [bigint, bigint | null];
  if (duplicateKeys > 0n) {
    throw invalid(
      `key column: ${duplicateKeys} INSEE code(s) appear on more than one row (first at data row ${Number(firstDuplicate) + 1}); keys must be unique`,
    );
  }
}

/**
 * A rejection only when DuckDB's error is about the file's content; out of memory, I/O or
 * an interrupt may pass on a retry. DuckDB's message may quote the file: it is not passed on.
 */
function readFailure(error: unknown): AppError {
  const failure = classifyReadCsvFailure(error);
  if (failure.fileAtFault) {
    return invalid(
      `the reference file could not be read as CSV: ${failure.reason} (check delimiter, quoting and UTF-8 encoding)`,
    );
  }
  return new AppError(
    'unavailable',
    `reading the reference file failed (${failure.errorType}; the file is not at fault); retry`,
    { retry: true },
  );
}

async function hashFile(filePath: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(filePath)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
