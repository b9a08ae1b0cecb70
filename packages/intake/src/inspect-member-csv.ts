import { Readable } from 'node:stream';
import {
  checkFileHeader,
  type TDialectProfile,
  type THeaderIssue,
  type TMemberFileKind,
  type TRowError,
} from '@alliage/domain';
import { parse } from 'csv-parse';

/** What the parser stage learned of a clear member file, with no data kept. */
export interface TCsvInspection {
  headerIssues: THeaderIssue[];
  /** Canonical column per file column. */
  columns: string[];
  rowCount: number;
  rejectedRowCount: number;
  /** The first `maxRowErrors` row errors (line and reason, never content). */
  rowErrors: TRowError[];
  /** Set when the bytes are not text in the profile's encoding or not CSV at all. */
  malformed: string | null;
}

export interface InspectMemberCsvOptions {
  plaintext: ReadableStream<Uint8Array> | Readable;
  kind: TMemberFileKind;
  dialect: TDialectProfile;
  maxRowErrors?: number;
}

/**
 * Streams a clear member file through the member's dialect (encoding, delimiter,
 * quote, BOM, CRLF, quoted newlines), checks its header against the canonical
 * columns and counts rows, reporting rows whose field count is wrong by line.
 * Always reads to the end, so the decryptor can finish its integrity check.
 *
 * @example
 * const inspection = await inspectMemberCsv({ plaintext, kind: 'customers', dialect });
 */
export async function inspectMemberCsv(options: InspectMemberCsvOptions): Promise<TCsvInspection> {
  const maxRowErrors = options.maxRowErrors ?? 1000;
  const source =
    options.plaintext instanceof Readable
      ? options.plaintext
      : Readable.fromWeb(options.plaintext as never);
  const decoder = new TextDecoder(options.dialect.encoding, { fatal: true });
  const parser = parse({
    delimiter: options.dialect.delimiter,
    quote: options.dialect.quote,
    bom: true,
    relax_column_count: true,
    skip_empty_lines: true,
    info: true,
  });
  const inspection: TCsvInspection = {
    headerIssues: [],
    columns: [],
    rowCount: 0,
    rejectedRowCount: 0,
    rowErrors: [],
    malformed: null,
  };

  let parserFailed = false;
  parser.on('error', () => {
    parserFailed = true;
  });
  const waitForDrain = () =>
    new Promise<void>((resolve) => {
      const done = () => {
        parser.off('drain', done);
        parser.off('error', done);
        parser.off('close', done);
        resolve();
      };
      parser.once('drain', done);
      parser.once('error', done);
      parser.once('close', done);
    });

  const parsed = (async () => {
    let header = true;
    for await (const { record, info } of parser as AsyncIterable<{
      record: string[];
      info: { lines: number };
    }>) {
      if (header) {
        header = false;
        const check = checkFileHeader(record, options.kind, options.dialect);
        inspection.headerIssues = check.issues;
        inspection.columns = check.columns;
        continue;
      }
      inspection.rowCount += 1;
      if (record.length !== inspection.columns.length) {
        inspection.rejectedRowCount += 1;
        if (inspection.rowErrors.length < maxRowErrors) {
          inspection.rowErrors.push({
            line: info.lines,
            column: null,
            reason: `expected ${inspection.columns.length} fields, found ${record.length}`,
          });
        }
      }
    }
    if (header)
      inspection.headerIssues = [{ column: null, reason: 'the file is empty: no header line' }];
  })();

  // Decode in our loop (not in csv-parse) so Windows-1252 and strict UTF-8 are both
  // handled; once the text is malformed, keep draining the source without parsing.
  try {
    for await (const chunk of source as AsyncIterable<Uint8Array>) {
      if (inspection.malformed || parserFailed) continue;
      try {
        const text = decoder.decode(chunk, { stream: true });
        if (text && !parser.write(text)) await waitForDrain();
      } catch {
        inspection.malformed = `the file is not valid ${options.dialect.encoding} text`;
      }
    }
    if (!inspection.malformed && !parserFailed) {
      try {
        const rest = decoder.decode();
        if (rest) parser.write(rest);
      } catch {
        inspection.malformed = `the file is not valid ${options.dialect.encoding} text`;
      }
    }
  } finally {
    if (!parserFailed) parser.end();
  }
  try {
    await parsed;
  } catch (error) {
    // csv-parse errors name the line; keep only that, never the offending text.
    const line = (error as { lines?: number }).lines;
    inspection.malformed ??= `the file is not valid CSV${line ? ` near line ${line}` : ''} (${(error as { code?: string }).code ?? 'parse error'})`;
  }
  return inspection;
}
