import { Readable } from 'node:stream';
import type { TDialectProfile } from '@alliage/domain';
import { CsvRecordScanner, type TScannedRecordError } from './csv-record-scanner.ts';
import { transcodeToUtf8 } from './transcode-to-utf8.ts';

export interface ReadCsvRecordsOptions {
  /** Clear bytes as they decrypt; always read to the end so the decryptor can verify. */
  plaintext: ReadableStream<Uint8Array> | Readable;
  /** Encoding, delimiter and quote of the member's files. */
  dialect: Pick<TDialectProfile, 'encoding' | 'delimiter' | 'quote'>;
  /** Called once with the header's fields; returning false skips every record after it. */
  onHeader: (fields: string[]) => boolean;
  /** Called with each well-formed record (as many fields as the header) and its starting line. */
  onRecord: (line: number, fields: string[]) => void;
  /**
   * Awaited after each slice of at most 64 KiB has been scanned, before more is read: the
   * caller writes out what `onRecord` gathered, so a file of millions of lines is never
   * held whole (the records of one slice at most wait for it).
   */
  afterSlice?: () => Promise<void>;
}

/** Bytes scanned between two `afterSlice` calls: bounds the records gathered in between. */
const SLICE_BYTES = 64 * 1024;

/** What reading found, in counts and line numbers (never content). */
export interface TCsvRecordsRead {
  headerSeen: boolean;
  /** Records after the header (well-formed or not). */
  rowCount: number;
  /** Structural errors (field count, quoting), by line. */
  recordErrors: TScannedRecordError[];
  refusedCount: number;
  /** The file as a whole cannot be read (encoding, unterminated quote…). */
  malformed: string | null;
}

/**
 * Reads a clear member CSV record by record in memory, with the same transcoding and
 * strict splitting as the pool's staging (`CsvRecordScanner`), for files that do not go
 * to DuckDB (opt-out lists). The stream is always read to its end (unless `afterSlice`
 * throws); an error of the stream itself (decryption, signature) is thrown once it has ended.
 *
 * @example
 * const read = await readCsvRecords({ plaintext, dialect, onHeader: (h) => h[0] === 'kind', onRecord: (line, fields) => {} });
 */
export async function readCsvRecords(options: ReadCsvRecordsOptions): Promise<TCsvRecordsRead> {
  let headerAccepted = false;
  const scanner = new CsvRecordScanner({
    delimiter: options.dialect.delimiter,
    quote: options.dialect.quote,
    onHeader: (fields) => {
      headerAccepted = options.onHeader(fields);
      return fields.length;
    },
    onRecord: (line, fields) => {
      if (headerAccepted) options.onRecord(line, fields);
    },
  });
  const source =
    options.plaintext instanceof Readable
      ? options.plaintext
      : Readable.fromWeb(options.plaintext as never);
  let malformed: string | null = null;
  try {
    for await (const chunk of transcodeToUtf8(
      source as AsyncIterable<Uint8Array>,
      options.dialect.encoding,
    )) {
      for (let start = 0; start < chunk.length; start += SLICE_BYTES) {
        scanner.push(chunk.subarray(start, start + SLICE_BYTES));
        await options.afterSlice?.();
      }
    }
    scanner.end();
  } catch (error) {
    // transcodeToUtf8 reads its source to the end before it throws this.
    if ((error as { code?: string }).code !== 'ALLIAGE_ENCODING') throw error;
    malformed = (error as Error).message;
  }
  return {
    headerSeen: scanner.headerSeen,
    rowCount: scanner.forwarded + scanner.refused,
    recordErrors: scanner.errors,
    refusedCount: scanner.refused,
    malformed: malformed ?? scanner.malformed,
  };
}
