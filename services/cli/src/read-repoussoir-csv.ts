import { open } from 'node:fs/promises';
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

/** A `kind,value` file whose every line was checked, and how many entries it holds. */
export interface TCheckedRepoussoirCsv {
  file: string;
  entries: number;
}

/**
 * Streams a `kind,value` CSV once and checks every line with the same normaliser the
 * platform uses, so a bad file is refused whole, by line number, before anything is
 * sent. Nothing of the file stays in memory (a national list is hundreds of MB):
 * `repoussoirCsvBatches` streams it again, batch by batch. Errors never quote a value
 * (csv-parse's own messages can, so only their code is kept).
 *
 * @example
 * const csv = await checkRepoussoirCsv('bloctel.csv'); // { file, entries: 3000000 }
 */
export async function checkRepoussoirCsv(file: string): Promise<TCheckedRepoussoirCsv> {
  const issues: TFieldIssue[] = [];
  let entries = 0;
  for await (const checked of checkedLines(file)) {
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
  return { file, entries };
}

/**
 * The lines of a checked file, streamed again, `size` at a time, in file order. A file
 * that changed since it was checked (a bad line, another number of entries) fails the
 * pass before its last batch is handed over.
 *
 * @example
 * for await (const batch of repoussoirCsvBatches(csv, 10_000)) await send(batch);
 */
export async function* repoussoirCsvBatches(
  csv: TCheckedRepoussoirCsv,
  size: number,
): AsyncGenerator<TRepoussoirCsvLine[]> {
  let batch: TRepoussoirCsvLine[] = [];
  let entries = 0;
  for await (const checked of checkedLines(csv.file)) {
    if ('message' in checked) throw changedSinceChecked(csv.file, checked.path);
    entries += 1;
    // A file grown since its check fails at once, not after the extra lines went out.
    if (entries > csv.entries) throw changedSinceChecked(csv.file, '--file');
    batch.push(checked);
    // Held back while it may be the last: a file grown or cut since its check fails
    // before its last batch is handed over.
    if (batch.length === size + 1) {
      yield batch.slice(0, size);
      batch = batch.slice(size);
    }
  }
  if (entries !== csv.entries) throw changedSinceChecked(csv.file, '--file');
  if (batch.length > 0) yield batch;
}

function changedSinceChecked(file: string, where: string): AppError {
  return new AppError('conflict', `${file} changed after it was checked`, {
    fields: [{ path: where, message: 'changed since the check; run the import again' }],
  });
}

/** Each data line of the file, streamed and checked: the entry, or what is wrong with it. */
async function* checkedLines(file: string): AsyncGenerator<TRepoussoirCsvLine | TFieldIssue> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(file);
  } catch {
    throw new AppError('validation_failed', `cannot read ${file}`, {
      fields: [{ path: '--file', message: 'cannot be read' }],
    });
  }
  const stream = handle.createReadStream();
  const parser = stream.pipe(
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
  } finally {
    // A pass left early (a refused header, a failed import) closes the file too.
    stream.destroy();
  }
  if (header) {
    throw new AppError('validation_failed', `${file} must start with the header kind,value`, {
      fields: [{ path: 'line 1', message: 'header must be kind,value' }],
    });
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
