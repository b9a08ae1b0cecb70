import { readFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import {
  AppError,
  REPOUSSOIR_VALUE_MAX_LENGTH,
  type TFieldIssue,
  type TRepoussoirValue,
  ZRepoussoirKind,
} from '@alliage/domain';
import { repoussoirKey } from '@alliage/normalize';
import { CsvError, parse } from 'csv-parse';

/** A refused file lists at most this many bad lines. */
const MAX_LISTED_LINES = 100;

/** One data line of a repoussoir CSV, with its line number in the file. */
export interface TRepoussoirCsvLine extends TRepoussoirValue {
  line: number;
}

/** A `kind,value` file whose every line was checked, kept as the bytes that were checked. */
export interface TCheckedRepoussoirCsv {
  file: string;
  bytes: Buffer;
  entries: number;
}

/**
 * Reads a `kind,value` CSV once and checks every line with the same normaliser the
 * platform uses, so a bad file is refused whole, by line number, before anything is
 * sent. Only the file's bytes stay in memory (a national list has millions of lines):
 * `repoussoirCsvBatches` parses them again, batch by batch. Errors never quote a value
 * (csv-parse's own messages can, so only their code is kept).
 *
 * @example
 * const csv = await checkRepoussoirCsv('bloctel.csv'); // { file, bytes, entries: 3000000 }
 */
export async function checkRepoussoirCsv(file: string): Promise<TCheckedRepoussoirCsv> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch {
    throw new AppError('validation_failed', `cannot read ${file}`, {
      fields: [{ path: '--file', message: 'cannot be read' }],
    });
  }
  const issues: TFieldIssue[] = [];
  let entries = 0;
  for await (const checked of checkedLines(file, bytes)) {
    if ('message' in checked) issues.push(checked);
    else entries += 1;
  }
  if (issues.length > 0) {
    const listed = issues.slice(0, MAX_LISTED_LINES);
    if (issues.length > listed.length) {
      listed.push({ path: '(more)', message: `${issues.length - listed.length} more bad lines` });
    }
    throw new AppError(
      'validation_failed',
      `${file}: ${issues.length} bad line(s); nothing was imported`,
      { fields: listed },
    );
  }
  if (entries === 0) {
    throw new AppError('validation_failed', `${file} holds no entries`, {
      fields: [{ path: '--file', message: 'no line after the header' }],
    });
  }
  return { file, bytes, entries };
}

/**
 * The lines of a checked file, `size` at a time, in file order.
 *
 * @example
 * for await (const batch of repoussoirCsvBatches(csv, 10_000)) await send(batch);
 */
export async function* repoussoirCsvBatches(
  csv: TCheckedRepoussoirCsv,
  size: number,
): AsyncGenerator<TRepoussoirCsvLine[]> {
  let batch: TRepoussoirCsvLine[] = [];
  for await (const checked of checkedLines(csv.file, csv.bytes)) {
    // The bytes were checked whole before: a bad line here would be a bug, not input.
    if ('message' in checked) throw new Error(`${checked.path} changed after it was checked`);
    batch.push(checked);
    if (batch.length === size) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

/** Each data line of the file, checked: the entry, or what is wrong with it. */
async function* checkedLines(
  file: string,
  bytes: Buffer,
): AsyncGenerator<TRepoussoirCsvLine | TFieldIssue> {
  // Fed in slices: given the whole buffer at once, the parser would queue every record
  // before the first is read.
  const parser = Readable.from(slices(bytes)).pipe(
    parse({ bom: true, info: true, skip_empty_lines: true, relax_column_count: true }),
  );
  let header = true;
  try {
    // csv-parse's types leave out `info: true`, which wraps each record with its line number.
    for await (const { record, info } of parser as AsyncIterable<{
      record: string[];
      info: { lines: number };
    }>) {
      if (header) {
        header = false;
        const columns = record.map((name) => name.trim().toLowerCase());
        if (columns.length !== 2 || columns[0] !== 'kind' || columns[1] !== 'value') {
          throw new AppError('validation_failed', `${file} must start with the header kind,value`, {
            fields: [{ path: 'line 1', message: 'header must be kind,value' }],
          });
        }
        continue;
      }
      yield checkLine(record, info.lines);
    }
  } catch (error) {
    if (error instanceof AppError) throw error;
    const where = error instanceof CsvError ? `line ${error.lines}` : '--file';
    const code = error instanceof CsvError ? ` (${error.code})` : '';
    throw new AppError('validation_failed', `${file} is not a readable CSV file`, {
      fields: [{ path: where, message: `not valid CSV${code}` }],
    });
  }
  if (header) {
    throw new AppError('validation_failed', `${file} must start with the header kind,value`, {
      fields: [{ path: 'line 1', message: 'header must be kind,value' }],
    });
  }
}

function* slices(bytes: Buffer): Generator<Buffer> {
  for (let start = 0; start < bytes.length; start += 64 * 1024) {
    yield bytes.subarray(start, start + 64 * 1024);
  }
}

function checkLine(record: string[], line: number): TRepoussoirCsvLine | TFieldIssue {
  const path = `line ${line}`;
  if (record.length !== 2) return { path, message: 'must have 2 columns: kind,value' };
  const kind = ZRepoussoirKind.safeParse(record[0]?.trim().toLowerCase());
  if (!kind.success) return { path, message: 'kind must be email, phone or postal' };
  const value = record[1] ?? '';
  if (value.length > REPOUSSOIR_VALUE_MAX_LENGTH) {
    return { path, message: `value: longer than ${REPOUSSOIR_VALUE_MAX_LENGTH} characters` };
  }
  const key = repoussoirKey(kind.data, value);
  if (!key.ok) return { path, message: `value: ${key.reason}` };
  return { line, kind: kind.data, value };
}
