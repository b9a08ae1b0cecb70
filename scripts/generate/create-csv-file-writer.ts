import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { finished } from 'node:stream/promises';
import { encodeWindows1252 } from './encode-windows-1252.ts';

export interface TCsvFileWriterOptions {
  path: string;
  delimiter: string;
  lineEnding: '\n' | '\r\n';
  encoding: 'utf-8' | 'windows-1252';
  /** Starts a UTF-8 file with U+FEFF, as Excel's "CSV UTF-8" export does. */
  byteOrderMark?: boolean;
}

/** Appends CSV rows to a file in a dialect, buffering into large writes. */
export interface TCsvFileWriter {
  writeRow(fields: readonly string[]): void;
  /** A promise to await when the file stream asked to wait (backpressure), else null. */
  whenWritable(): Promise<void> | null;
  close(): Promise<void>;
}

const FLUSH_CHARACTERS = 1 << 16;

/**
 * Opens a CSV file for streaming rows: fields holding the delimiter, a quote or a
 * line break are quoted (quotes doubled), rows are joined in ~64 KiB chunks and
 * encoded (Windows-1252 by our own table), and the caller awaits `whenWritable()`
 * so memory stays flat however many rows go through.
 *
 * @example
 * const writer = createCsvFileWriter({ path, delimiter: ';', lineEnding: '\r\n', encoding: 'windows-1252' });
 * writer.writeRow(['C000001', 'Lebœuf']); await writer.whenWritable(); await writer.close();
 */
export function createCsvFileWriter(options: TCsvFileWriterOptions): TCsvFileWriter {
  const stream = createWriteStream(options.path);
  const done = finished(stream);
  // Surface stream errors at close(); without this handler they would crash the process.
  done.catch(() => undefined);
  const needsQuotes = new RegExp(`[${escapeForClass(options.delimiter)}"\\r\\n]`);
  let pending = options.byteOrderMark ? '\uFEFF' : '';
  let drain: Promise<void> | null = null;

  const flush = (): void => {
    if (pending.length === 0) return;
    const chunk = options.encoding === 'windows-1252' ? encodeWindows1252(pending) : pending;
    pending = '';
    if (!stream.write(chunk) && !drain) {
      drain = once(stream, 'drain').then(() => {
        drain = null;
      });
    }
  };

  return {
    writeRow(fields) {
      let line = '';
      for (let index = 0; index < fields.length; index += 1) {
        const field = fields[index] as string;
        if (index > 0) line += options.delimiter;
        line += needsQuotes.test(field) ? `"${field.replaceAll('"', '""')}"` : field;
      }
      pending += line + options.lineEnding;
      if (pending.length >= FLUSH_CHARACTERS) flush();
    },
    whenWritable: () => drain,
    async close() {
      flush();
      stream.end();
      await done;
    },
  };
}

function escapeForClass(character: string): string {
  return character.replace(/[\\\]^-]/g, '\\$&').replace('\t', '\\t');
}
