import type { Readable } from 'node:stream';
import {
  type ControlContext,
  findDropRepoussoirImport,
  importRepoussoirEntries,
  SYSTEM_ACTOR,
  type TFileDrop,
} from '@alliage/control';
import type { TDialectProfile, TDropRepoussoirCounts, TRowError } from '@alliage/domain';
import { readOptoutList } from './read-optout-list.ts';

type TRows = { total: number; accepted: number; rejected: number };

/** What became of a member's opt-out list. */
export type TOptoutDropResult =
  | {
      outcome: 'imported';
      rows: TRows;
      rowErrors: TRowError[];
      repoussoir: TDropRepoussoirCounts;
    }
  | {
      outcome: 'rejected';
      reason: 'malformed' | 'bad_header' | 'too_many_bad_rows';
      detail: string;
      rows: TRows | null;
      rowErrors: TRowError[];
    };

/**
 * Adds a member's signed opt-out list to the repoussoir, without touching the pool:
 * the lines are read and hashed as they decrypt, nothing is written unless the
 * signature verifies and the share of refused lines stays within `maxRejectedRowRatio`,
 * then the entries go in with source `member_optout` and the member's code as reference,
 * in one transaction with a `repoussoir.changed` event naming the member and the drop.
 * Entries already in force are counted, not added again, so a retry adds nothing; a
 * retry after the import committed reports what that import added.
 *
 * @example
 * const result = await importOptoutDrop({ ctx, drop, dialect, plaintext, verified, hmacSecret, maxRejectedRowRatio: 0.05 });
 */
export async function importOptoutDrop(options: {
  ctx: ControlContext;
  drop: TFileDrop;
  dialect: TDialectProfile;
  plaintext: ReadableStream<Uint8Array> | Readable;
  /** Settles when the signature is checked: nothing is imported before it resolves. */
  verified: Promise<unknown>;
  hmacSecret: string;
  maxRejectedRowRatio: number;
}): Promise<TOptoutDropResult> {
  const reading = readOptoutList({
    plaintext: options.plaintext,
    dialect: options.dialect,
    hmacSecret: options.hmacSecret,
  });
  let read: Awaited<typeof reading>;
  try {
    [read] = await Promise.all([reading, options.verified]);
  } catch (error) {
    reading.catch(() => undefined);
    options.verified.catch(() => undefined);
    throw error;
  }
  if (read.outcome === 'rejected') return { ...read, rows: null, rowErrors: [] };
  const { rows, rowErrors, entries } = read;
  if (rows.total > 0 && rows.rejected / rows.total > options.maxRejectedRowRatio) {
    return {
      outcome: 'rejected',
      reason: 'too_many_bad_rows',
      detail: `${rows.rejected} of ${rows.total} rows are invalid (more than ${Math.round(options.maxRejectedRowRatio * 100)}%)`,
      rows,
      rowErrors,
    };
  }
  // A run after a crash between the import and the report finds the entries in force:
  // what the first run added is what the member is told.
  const earlier = await findDropRepoussoirImport(options.ctx, {
    organisationCode: options.drop.organisationCode,
    fileDropId: options.drop.id,
  });
  const repoussoir =
    earlier ??
    (entries.length === 0
      ? { added: 0, alreadyPresent: 0 }
      : await importRepoussoirEntries(
          options.ctx,
          SYSTEM_ACTOR,
          entries,
          { source: 'member_optout', sourceReference: options.drop.organisationCode },
          {
            organisationCode: options.drop.organisationCode,
            details: { fileDropId: options.drop.id },
          },
        ));
  return { outcome: 'imported', rows, rowErrors, repoussoir };
}
