import type { Readable } from 'node:stream';
import {
  type ControlContext,
  findDropRepoussoirImport,
  importRepoussoirBatches,
  SYSTEM_ACTOR,
  type TFileDrop,
  type TStageRepoussoirEntries,
} from '@alliage/control';
import type { TDialectProfile, TDropRepoussoirCounts, TRowError } from '@alliage/domain';
import { readOptoutList, type TOptoutListRead } from './read-optout-list.ts';

type TRows = { total: number; accepted: number; rejected: number };

/** What became of a member's opt-out list. */
export type TOptoutDropResult =
  | {
      outcome: 'imported';
      rows: TRows;
      rowErrors: TRowError[];
      repoussoir: TDropRepoussoirCounts;
    }
  | TOptoutDropRejected;

type TOptoutDropRejected = {
  outcome: 'rejected';
  reason: 'malformed' | 'bad_header' | 'too_many_bad_rows';
  detail: string;
  rows: TRows | null;
  rowErrors: TRowError[];
};

/**
 * Adds a member's signed opt-out list to the repoussoir, without touching the pool:
 * the lines are read and hashed as they decrypt and staged `batchSize` at a time
 * (`importRepoussoirBatches`, no connection held in between), then added as one change
 * (one version, in force at once) only if the signature verifies and the share of refused lines stays
 * within `maxRejectedRowRatio`: the entries go in with source `member_optout` and the
 * member's code as reference, with one `repoussoir.changed` event naming the member and
 * the drop. Anything else (a rejection, a decryption or database error mid-file) adds
 * nothing and deletes what was staged. Entries already in force are counted, not added
 * again, so a retry adds nothing; a retry after the import committed reports what that
 * import added.
 *
 * @example
 * const result = await importOptoutDrop({ ctx, drop, dialect, plaintext, verified, hmacSecret, maxRejectedRowRatio: 0.05 });
 */
export async function importOptoutDrop(options: {
  ctx: ControlContext;
  drop: TFileDrop;
  dialect: TDialectProfile;
  plaintext: ReadableStream<Uint8Array> | Readable;
  /** Settles when the signature is checked: nothing is committed before it resolves. */
  verified: Promise<unknown>;
  hmacSecret: string;
  maxRejectedRowRatio: number;
  /** Entries written to the database at a time (tests make it small). */
  batchSize?: number;
}): Promise<TOptoutDropResult> {
  // Awaited only once the list is read, after queries: a signature failure that comes
  // first must not be an unhandled rejection meanwhile (it is still thrown from there).
  options.verified.catch(() => undefined);
  const readAndVerify = async (onEntries: TStageRepoussoirEntries) => {
    const reading = readOptoutList({
      plaintext: options.plaintext,
      dialect: options.dialect,
      hmacSecret: options.hmacSecret,
      onEntries,
      ...(options.batchSize === undefined ? {} : { batchSize: options.batchSize }),
    });
    try {
      const [read] = await Promise.all([reading, options.verified]);
      return judgeOptoutList(read, options.maxRejectedRowRatio);
    } catch (error) {
      reading.catch(() => undefined);
      throw error;
    }
  };
  const { organisationCode } = options.drop;
  // A run after a crash between the import and the report finds the import's event:
  // what the first run added is what the member is told, and nothing is staged again.
  const earlier = await findDropRepoussoirImport(options.ctx, {
    organisationCode,
    fileDropId: options.drop.id,
  });
  if (earlier) {
    const judged = await readAndVerify(async () => undefined);
    return judged.outcome === 'rejected' ? judged : { ...judged, repoussoir: earlier };
  }
  const { value: judged, imported } = await importRepoussoirBatches(
    options.ctx,
    SYSTEM_ACTOR,
    { source: 'member_optout', sourceReference: organisationCode },
    { organisationCode, details: { fileDropId: options.drop.id } },
    async (stage) => {
      const judged = await readAndVerify(stage);
      return { commit: judged.outcome === 'imported', value: judged };
    },
  );
  if (judged.outcome === 'rejected') return judged;
  return { ...judged, repoussoir: imported ?? { added: 0, alreadyPresent: 0 } };
}

/** A read list, refused whole when it cannot be read or holds too many bad lines. */
function judgeOptoutList(
  read: TOptoutListRead,
  maxRejectedRowRatio: number,
): TOptoutDropRejected | { outcome: 'imported'; rows: TRows; rowErrors: TRowError[] } {
  if (read.outcome === 'rejected') return { ...read, rows: null, rowErrors: [] };
  const { rows, rowErrors } = read;
  if (rows.total > 0 && rows.rejected / rows.total > maxRejectedRowRatio) {
    return {
      outcome: 'rejected',
      reason: 'too_many_bad_rows',
      detail: `${rows.rejected} of ${rows.total} rows are invalid (more than ${Math.round(maxRejectedRowRatio * 100)}%)`,
      rows,
      rowErrors,
    };
  }
  return { outcome: 'imported', rows, rowErrors };
}
