import { controlCharacterReason } from '@alliage/normalize';

const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;
const DEL = 0x7f;
/** UTF-8's lead byte of U+0080–U+00BF; followed by 0x80–0x9F it is a C1 control. */
const C1_LEAD = 0xc2;
const C1_LAST_CONTINUATION = 0x9f;
/** U+2028, U+2029 and U+FEFF in UTF-8: white space `trim()` strips and DuckDB's `trim` keeps. */
const WIDE_SPACES = [
  Buffer.from([0xe2, 0x80, 0xa8]),
  Buffer.from([0xe2, 0x80, 0xa9]),
  Buffer.from([0xef, 0xbb, 0xbf]),
];
/** Lines kept in `untrimmedLines`; past this, `untrimmedOverflow` says "every line". */
const MAX_UNTRIMMED_LINES = 100_000;
/** A longer record is not a customer line: the file is malformed (and memory stays bounded). */
const MAX_RECORD_BYTES = 1 << 20;

/** Why a record holding a bare CR is refused (DuckDB's reader, told `\n`, fails the whole file on it). */
const LONE_CR = 'a carriage return (CR) not followed by a line feed, outside quotes';

/** A record the scanner refused: where, and why (never its content). */
export interface TScannedRecordError {
  line: number;
  /** 1-based position of the field at fault in the record, when one field is. */
  field?: number;
  reason: string;
}

export interface CsvRecordScannerOptions {
  /** One-byte field delimiter (`,`, `;`, tab or `|`). */
  delimiter: string;
  /** One-byte quote character; a doubled quote inside a quoted field is a literal quote. */
  quote: string;
  /** Called once with the header's fields (decoded as UTF-8, unquoted). Returns the expected field count. */
  onHeader: (fields: string[]) => number;
  /**
   * When set, each well-formed record is handed over as fields (decoded as UTF-8,
   * unquoted) with its starting line, instead of being forwarded as bytes.
   */
  onRecord?: (line: number, fields: string[]) => void;
}

/**
 * Splits clear UTF-8 CSV bytes into records with strict RFC 4180 quoting, the way
 * DuckDB's reader splits them, and forwards only well-formed records, each
 * prefixed with its 1-based starting line number as an extra first field and
 * ended by `\n` (CRLF becomes LF). Records with the wrong number of fields, a
 * misplaced quote or a carriage return outside quotes that does not end the line
 * are reported by line instead, and so are records with a control character
 * (`CONTROL_CHARACTER` of `@alliage/normalize`: C0 but TAB, LF and CR, DEL, C1) in a
 * field, quoted or not, by line and field, one error per such field. Empty lines are skipped; a UTF-8
 * BOM at the start is dropped. It keeps only the record being read in memory.
 *
 * @example
 * const scanner = new CsvRecordScanner({ delimiter: ';', quote: '"', onHeader: (h) => h.length });
 * const out = scanner.push(chunk); // bytes for DuckDB's read_csv
 * const rest = scanner.end();
 */
export class CsvRecordScanner {
  readonly errors: TScannedRecordError[] = [];
  /** Records forwarded (the header excluded). */
  forwarded = 0;
  /**
   * Lines of forwarded records holding white space that the row schemas' `trim()`
   * strips and DuckDB's plain `trim` keeps (a tab that is text, a line break inside
   * quotes, U+2028, U+2029, U+FEFF), wherever it is in the record: staging trims those
   * records' fields of it afterwards, so the wider trim costs only where it can matter.
   */
  readonly untrimmedLines: number[] = [];
  /** More than `MAX_UNTRIMMED_LINES` such records: treat every record as one. */
  untrimmedOverflow = false;
  /** Records refused. */
  refused = 0;
  /** Set when the text cannot be split at all (an unterminated quote at the end). */
  malformed: string | null = null;

  private readonly delimiter: number;
  private readonly quote: number;
  private readonly onHeader: (fields: string[]) => number;
  private readonly onRecord: ((line: number, fields: string[]) => void) | undefined;
  private expectedFields = -1;
  private line = 1;
  private started = false;
  /** Bytes of the record being read that arrived in earlier chunks. */
  private carry: Uint8Array = new Uint8Array(0);
  // Record state, kept across chunks.
  private recordLine = 1;
  private fields = 1;
  private inQuotes = false;
  private afterClosingQuote = false;
  private atFieldStart = true;
  private badQuote = false;
  /** The previous byte was a CR outside quotes (its LF may be in the next chunk). */
  private pendingCr = false;
  /** A CR outside quotes was followed by something other than LF. */
  private loneCr = false;
  private recordEmpty = true;
  /** The first control character of each field of the record that holds one. */
  private controls: { field: number; codePoint: number }[] = [];
  /** The chunk ended on a C1_LEAD byte: the next byte says whether it was a C1 control. */
  private pendingLead = false;
  /** The record holds a CR or a tab inside quotes. */
  private quotedSpace = false;
  /**
   * The chunk being scanned holds a tab (not the delimiter), U+2028, U+2029 or U+FEFF:
   * its records are searched for them (found by native search per chunk, so the
   * per-byte loops stay as they are).
   */
  private chunkMayHoldSpace = false;

  constructor(options: CsvRecordScannerOptions) {
    if (Buffer.byteLength(options.delimiter) !== 1 || Buffer.byteLength(options.quote) !== 1) {
      throw new Error('delimiter and quote must be one byte each');
    }
    this.delimiter = options.delimiter.charCodeAt(0);
    this.quote = options.quote.charCodeAt(0);
    this.onHeader = options.onHeader;
    this.onRecord = options.onRecord;
  }

  /** Scans one chunk; returns the bytes to forward (possibly empty). Once `malformed` is set, input is ignored. */
  push(input: Uint8Array): Uint8Array {
    if (this.malformed) return new Uint8Array(0);
    let chunk = input;
    if (!this.started) {
      if (this.carry.length + chunk.length < 3 && chunk.length > 0) {
        this.carry = concat(this.carry, chunk);
        return new Uint8Array(0);
      }
      chunk = concat(this.carry, chunk);
      this.carry = new Uint8Array(0);
      this.started = true;
      if (chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) chunk = chunk.subarray(3);
    }
    // Each record gains its line number and a delimiter: room for them up front (up to 8
    // bytes for a record of 16), so the buffer seldom grows by a copy of itself (~10% of
    // staging a transactions file when it grew for every chunk).
    const out = new OutputBuffer(chunk.length + (chunk.length >> 1) + 64);
    let recordStart = 0;
    const { delimiter, quote } = this;
    this.chunkMayHoldSpace = mayHoldUntrimmedSpace(chunk, delimiter);
    for (let index = 0; index < chunk.length; index++) {
      if (index === recordStart && this.carry.length === 0 && this.fields === 1 && !this.inQuotes) {
        // Fast path: a whole record in this chunk with no quote nor inner CR (most records).
        const end = chunk.indexOf(LF, index);
        if (end !== -1) {
          const counted = countPlainFields(chunk, index, end, delimiter, quote);
          if (counted !== SLOW) {
            const blank = counted === BLANK;
            const fields = blank ? 1 : counted;
            if (!blank && fields === this.expectedFields && !this.onRecord) {
              // The common case, forwarded here without finishRecord's allocations:
              // line number, delimiter, the record without its CR, LF.
              const recordEnd = end > index && chunk[end - 1] === CR ? end - 1 : end;
              if (
                this.chunkMayHoldSpace &&
                holdsUntrimmedSpace(chunk, index, recordEnd, delimiter, quote)
              ) {
                this.noteUntrimmed(this.recordLine);
              }
              this.forward(out, this.recordLine, chunk, index, recordEnd);
              this.recordLine = this.line + 1;
            } else {
              this.fields = fields;
              this.recordEmpty = blank && fields === 1;
              this.finishRecord(chunk, recordStart, end, out);
            }
            this.line += 1;
            recordStart = end + 1;
            index = end;
            continue;
          }
        }
      }
      const byte = chunk[index] as number;
      if (this.pendingLead) {
        this.pendingLead = false;
        if (byte <= C1_LAST_CONTINUATION) this.noteControl(byte);
      } else if (isControlByte(byte)) {
        this.noteControl(byte);
      } else if (byte === C1_LEAD) {
        if (index + 1 === chunk.length) this.pendingLead = true;
        else if ((chunk[index + 1] as number) <= C1_LAST_CONTINUATION) {
          this.noteControl(chunk[index + 1] as number);
        }
      }
      if (this.inQuotes) {
        if (byte === quote) {
          this.inQuotes = false;
          this.afterClosingQuote = true;
        } else if (byte === LF) {
          this.line += 1;
        } else if (byte === CR || byte === TAB) {
          this.quotedSpace = true;
        }
        continue;
      }
      if (this.pendingCr) {
        this.pendingCr = false;
        if (byte !== LF) this.loneCr = true;
      }
      if (this.afterClosingQuote) {
        this.afterClosingQuote = false;
        if (byte === quote) {
          // A doubled quote: a literal quote inside the quoted field.
          this.inQuotes = true;
          continue;
        }
        if (byte !== delimiter && byte !== LF && byte !== CR) this.badQuote = true;
      }
      if (byte === LF) {
        this.finishRecord(chunk, recordStart, index, out);
        this.line += 1;
        recordStart = index + 1;
        continue;
      }
      if (byte === delimiter) {
        this.fields += 1;
        this.atFieldStart = true;
        this.recordEmpty = false;
        continue;
      }
      if (byte === quote) {
        if (this.atFieldStart) this.inQuotes = true;
        else this.badQuote = true;
      }
      if (byte === CR) this.pendingCr = true;
      else this.recordEmpty = false;
      this.atFieldStart = false;
    }
    if (recordStart < chunk.length) {
      this.carry = concat(this.carry, chunk.subarray(recordStart));
      if (this.carry.length > MAX_RECORD_BYTES) {
        this.malformed = `the record starting on line ${this.recordLine} is longer than ${MAX_RECORD_BYTES} bytes`;
      }
    }
    return out.bytes();
  }

  /** Ends the input: scans the last record (no final newline needed); returns the bytes left to forward. */
  end(): Uint8Array {
    if (this.malformed) return new Uint8Array(0);
    if (!this.started) {
      const rest = this.carry;
      this.carry = new Uint8Array(0);
      this.started = true;
      if (rest.length > 0) {
        const head =
          rest[0] === 0xef && rest[1] === 0xbb && rest[2] === 0xbf ? rest.subarray(3) : rest;
        return concat(this.push(head), this.end());
      }
    }
    const out = new OutputBuffer(this.carry.length + 64);
    if (this.inQuotes) {
      this.malformed = `a quoted field opened on line ${this.recordLine} is never closed`;
      this.carry = new Uint8Array(0);
      return new Uint8Array(0);
    }
    if (this.carry.length > 0 || !this.recordEmpty) {
      this.finishRecord(new Uint8Array(0), 0, 0, out);
    }
    return out.bytes();
  }

  /** Whether the header line has been read. */
  get headerSeen(): boolean {
    return this.expectedFields >= 0;
  }

  private finishRecord(chunk: Uint8Array, start: number, end: number, out: OutputBuffer): void {
    const carried = this.carry;
    this.carry = new Uint8Array(0);
    let record = carried.length > 0 ? concat(carried, chunk.subarray(start, end)) : null;
    let recordEnd = end;
    // Drop the CR of a CRLF ending.
    if (record) {
      if (record[record.length - 1] === CR) record = record.subarray(0, record.length - 1);
    } else if (recordEnd > start && chunk[recordEnd - 1] === CR) {
      recordEnd -= 1;
    }
    const fields = this.fields;
    const badQuote = this.badQuote;
    const loneCr = this.loneCr;
    const empty = this.recordEmpty && fields === 1;
    const line = this.recordLine;
    const controls = this.controls;
    // A line break inside quotes (the record spans lines), or a CR or tab there.
    const quotedSpace = this.line !== line || this.quotedSpace;
    this.controls = [];
    this.pendingLead = false;
    this.quotedSpace = false;
    this.fields = 1;
    this.badQuote = false;
    this.pendingCr = false;
    this.loneCr = false;
    this.atFieldStart = true;
    this.recordEmpty = true;
    this.afterClosingQuote = false;
    this.recordLine = this.line + 1;
    if (empty) return;
    const bytes = record ?? chunk.subarray(start, recordEnd);
    if (this.expectedFields < 0) {
      this.expectedFields = this.onHeader(splitFields(bytes, this.delimiter, this.quote));
      return;
    }
    if (badQuote) {
      this.reject(
        line,
        'a quote appears inside a field that is not quoted, or after a closing quote',
      );
      return;
    }
    if (loneCr) {
      this.reject(line, LONE_CR);
      return;
    }
    if (fields !== this.expectedFields) {
      this.reject(line, `expected ${this.expectedFields} fields, found ${fields}`);
      return;
    }
    if (controls.length > 0) {
      this.refused += 1;
      for (const { field, codePoint } of controls) {
        this.pushError({ line, field, reason: controlCharacterReason(codePoint) });
      }
      return;
    }
    if (this.onRecord) {
      this.forwarded += 1;
      this.onRecord(line, splitFields(bytes, this.delimiter, this.quote));
      return;
    }
    if (
      quotedSpace ||
      // A record carried over from an earlier chunk may hold what this chunk's search missed.
      ((this.chunkMayHoldSpace || carried.length > 0) &&
        holdsUntrimmedSpace(bytes, 0, bytes.length, this.delimiter, this.quote))
    ) {
      this.noteUntrimmed(line);
    }
    this.forward(out, line, bytes, 0, bytes.length);
  }

  private noteUntrimmed(line: number): void {
    if (this.untrimmedLines.length < MAX_UNTRIMMED_LINES) this.untrimmedLines.push(line);
    else this.untrimmedOverflow = true;
  }

  /** Forwards a well-formed record: its line number, the delimiter, `bytes[start, end)`, LF. */
  private forward(
    out: OutputBuffer,
    line: number,
    bytes: Uint8Array,
    start: number,
    end: number,
  ): void {
    this.forwarded += 1;
    out.writeDecimal(line);
    out.writeByte(this.delimiter);
    out.writeRange(bytes, start, end);
    out.writeByte(LF);
  }

  private reject(line: number, reason: string): void {
    this.refused += 1;
    this.pushError({ line, reason });
  }

  private pushError(error: TScannedRecordError): void {
    if (this.errors.length < 10_000) this.errors.push(error);
  }

  /** Keeps the first control character of the current field. */
  private noteControl(codePoint: number): void {
    const field = this.fields;
    if (!this.controls.some((control) => control.field === field)) {
      this.controls.push({ field, codePoint });
    }
  }
}

const SLOW = -1;
const BLANK = 0;

/**
 * Fields of `bytes[start, end)` when it holds no quote: their count, `BLANK` when
 * there is nothing but CRs, `SLOW` when a quote, a CR before the last byte or a
 * control character appears (the byte-by-byte path decides).
 * Small and monomorphic so the engine optimises the per-byte loop.
 */
function countPlainFields(
  bytes: Uint8Array,
  start: number,
  end: number,
  delimiter: number,
  quote: number,
): number {
  let fields = 1;
  let blank = true;
  for (let at = start; at < end; at++) {
    const byte = bytes[at] as number;
    if (byte === delimiter) fields += 1;
    else if (byte === quote) return SLOW;
    else if (byte === CR) {
      if (at !== end - 1) return SLOW;
    } else {
      blank = false;
      if (isControlByte(byte)) return SLOW;
      // UTF-8 was checked upstream: a lead byte is followed by its continuation.
      if (byte === C1_LEAD && (bytes[at + 1] as number) <= C1_LAST_CONTINUATION) return SLOW;
    }
  }
  return blank && fields === 1 ? BLANK : fields;
}

/** Whether a chunk holds a tab that is not the delimiter, U+2028, U+2029 or U+FEFF (native search). */
function mayHoldUntrimmedSpace(chunk: Uint8Array, delimiter: number): boolean {
  const buffer = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  if (delimiter !== TAB && buffer.indexOf(TAB) !== -1) return true;
  return WIDE_SPACES.some((space) => buffer.indexOf(space) !== -1);
}

/**
 * Whether `bytes[start, end)`, one record, holds a tab that is text (any tab, or one
 * inside quotes when the tab is the delimiter), a line break inside quotes, U+2028,
 * U+2029 or U+FEFF.
 */
function holdsUntrimmedSpace(
  bytes: Uint8Array,
  start: number,
  end: number,
  delimiter: number,
  quote: number,
): boolean {
  let inQuotes = false;
  for (let at = start; at < end; at++) {
    const byte = bytes[at] as number;
    if (byte === quote) inQuotes = !inQuotes;
    else if (byte === TAB) {
      if (inQuotes || delimiter !== TAB) return true;
    } else if (byte === LF || byte === CR) {
      if (inQuotes) return true;
    } else if (byte === 0xe2) {
      if (bytes[at + 1] === 0x80 && (bytes[at + 2] === 0xa8 || bytes[at + 2] === 0xa9)) return true;
    } else if (byte === 0xef) {
      if (bytes[at + 1] === 0xbb && bytes[at + 2] === 0xbf) return true;
    }
  }
  return false;
}

/** A one-byte control character a field may not hold: C0 but TAB, LF and CR, or DEL. */
function isControlByte(byte: number): boolean {
  return byte < 0x20 ? byte !== TAB && byte !== LF && byte !== CR : byte === DEL;
}

function splitFields(bytes: Uint8Array, delimiter: number, quote: number): string[] {
  const text = Buffer.from(bytes).toString('utf8');
  const fields: string[] = [];
  let current = '';
  let inQuotes = false;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (inQuotes) {
      if (code === quote) {
        if (text.charCodeAt(index + 1) === quote) {
          current += text[index];
          index += 1;
        } else inQuotes = false;
      } else current += text[index];
    } else if (code === quote) inQuotes = true;
    else if (code === delimiter) {
      fields.push(current);
      current = '';
    } else current += text[index];
  }
  fields.push(current);
  return fields;
}

function concat(first: Uint8Array, second: Uint8Array): Uint8Array {
  if (first.length === 0) return second;
  if (second.length === 0) return first;
  const joined = new Uint8Array(first.length + second.length);
  joined.set(first, 0);
  joined.set(second, first.length);
  return joined;
}

/** A growable byte buffer for the forwarded records. */
class OutputBuffer {
  private buffer: Uint8Array;
  private length = 0;

  constructor(capacity: number) {
    this.buffer = new Uint8Array(Math.max(capacity, 64));
  }

  writeByte(byte: number): void {
    this.reserve(1);
    this.buffer[this.length++] = byte;
  }

  /** Copies `bytes[start, end)` without a subarray view per call. */
  writeRange(bytes: Uint8Array, start: number, end: number): void {
    this.reserve(end - start);
    const buffer = this.buffer;
    let length = this.length;
    for (let index = start; index < end; index++) buffer[length++] = bytes[index] as number;
    this.length = length;
  }

  /** Writes a non-negative integer in decimal ASCII. */
  writeDecimal(value: number): void {
    let digits = 1;
    for (let rest = value; rest >= 10; rest = Math.floor(rest / 10)) digits += 1;
    this.reserve(digits);
    let rest = value;
    for (let at = this.length + digits - 1; at >= this.length; at--) {
      this.buffer[at] = 0x30 + (rest % 10);
      rest = Math.floor(rest / 10);
    }
    this.length += digits;
  }

  bytes(): Uint8Array {
    return this.buffer.subarray(0, this.length);
  }

  private reserve(extra: number): void {
    if (this.length + extra <= this.buffer.length) return;
    const grown = new Uint8Array(Math.max(this.buffer.length * 2, this.length + extra));
    grown.set(this.buffer.subarray(0, this.length));
    this.buffer = grown;
  }
}
