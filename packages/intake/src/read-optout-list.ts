import type { Readable } from 'node:stream';
import {
  checkFileHeader,
  parseOptoutRow,
  type TDialectProfile,
  type TRepoussoirHashEntry,
  type TRowError,
} from '@alliage/domain';
import { hashRepoussoirValue } from '@alliage/rights';
import { readCsvRecords } from '@alliage/warehouse';

/** Entries handed to `onEntries` at a time when the caller does not say. */
const DEFAULT_BATCH_SIZE = 5_000;

/** What an opt-out list held once read: line counts and refused lines (never a value). */
export type TOptoutListRead =
  | {
      outcome: 'read';
      rows: { total: number; accepted: number; rejected: number };
      rowErrors: TRowError[];
    }
  | { outcome: 'rejected'; reason: 'malformed' | 'bad_header'; detail: string };

/**
 * Reads a member's `optouts` CSV (header `kind;value;scope` in its dialect's encoding,
 * delimiter and quote; `type` may stand for `kind`) line by line: each line is checked
 * against the repoussoir contract, normalised and hashed with the platform secret at
 * once, so clear values never outlive their line. The hashed entries go to `onEntries`
 * in file order, `batchSize` at a time (the last batch fewer), and the stream is not
 * read further until `onEntries` resolves: a national-size list is never held whole.
 * A `rejected` outcome can come after some batches were handed over (a malformed end):
 * the caller discards them. A refused line is listed with its line number, column and
 * reason. The stream is always read to its end, unless `onEntries` throws.
 *
 * @example
 * const read = await readOptoutList({ plaintext, dialect, hmacSecret, onEntries: (batch) => stage(batch) });
 */
export async function readOptoutList(options: {
  plaintext: ReadableStream<Uint8Array> | Readable;
  dialect: TDialectProfile;
  hmacSecret: string;
  /** Receives the hashed entries of accepted lines, at most `batchSize` at a time. */
  onEntries: (entries: TRepoussoirHashEntry[]) => Promise<void>;
  batchSize?: number;
  /** Most row errors kept (the counts stay exact). */
  maxRowErrors?: number;
}): Promise<TOptoutListRead> {
  const maxRowErrors = options.maxRowErrors ?? 1000;
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  let header: ReturnType<typeof checkFileHeader> = { columns: [], issues: [] };
  // The entries read since the last batch went out: fewer than `batchSize` plus the
  // lines of one 64 KiB slice of the file.
  const pending: TRepoussoirHashEntry[] = [];
  const handOver = async (all: boolean) => {
    while (pending.length >= batchSize || (all && pending.length > 0)) {
      await options.onEntries(pending.splice(0, batchSize));
    }
  };
  const rowErrors: TRowError[] = [];
  let rejectedLines = 0;
  const refuse = (line: number, column: string | null, reason: string) => {
    if (rowErrors.length < maxRowErrors) rowErrors.push({ line, column, reason });
  };
  const read = await readCsvRecords({
    plaintext: options.plaintext,
    dialect: options.dialect,
    onHeader: (fields) => {
      header = checkFileHeader(fields, 'optouts', options.dialect);
      return header.issues.length === 0;
    },
    onRecord: (line, fields) => {
      const parsed = parseOptoutRow(fields, header.columns);
      if (!parsed.ok) {
        rejectedLines += 1;
        for (const issue of parsed.issues) refuse(line, issue.column, issue.reason);
        return;
      }
      const hashed = hashRepoussoirValue(options.hmacSecret, parsed.row);
      if (!hashed.ok) {
        rejectedLines += 1;
        refuse(line, 'value', hashed.reason);
        return;
      }
      pending.push({ kind: hashed.kind, hmac: hashed.hmac, scope: parsed.row.scope });
    },
    afterSlice: () => handOver(false),
  });
  if (read.malformed) return { outcome: 'rejected', reason: 'malformed', detail: read.malformed };
  if (!read.headerSeen) {
    return {
      outcome: 'rejected',
      reason: 'bad_header',
      detail: 'the file is empty: no header line',
    };
  }
  if (header.issues.length > 0) {
    return {
      outcome: 'rejected',
      reason: 'bad_header',
      detail: header.issues
        .map((issue) => (issue.column ? `column ${issue.column}: ${issue.reason}` : issue.reason))
        .join('; '),
    };
  }
  await handOver(true);
  const rejected = read.refusedCount + rejectedLines;
  return {
    outcome: 'read',
    rows: { total: read.rowCount, accepted: read.rowCount - rejected, rejected },
    rowErrors: [
      ...read.recordErrors.map((error) => ({
        line: error.line,
        // A control character names its field; structural errors concern the whole line.
        column: error.field === undefined ? null : (header.columns[error.field - 1] ?? null),
        reason: error.reason,
      })),
      ...rowErrors,
    ]
      .sort((a, b) => a.line - b.line)
      .slice(0, maxRowErrors),
  };
}
