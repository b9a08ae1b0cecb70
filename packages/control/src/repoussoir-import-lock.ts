import { setTimeout as delay } from 'node:timers/promises';
import { AppError } from '@alliage/domain';
import { sql, type Transaction } from 'kysely';
import type { ControlContext } from './control-context.ts';
import type { ControlSchema } from './schema.ts';

/**
 * How long an import may hold the repoussoir without moving a chunk before it counts as
 * abandoned. A chunk takes well under a second; a holder this idle lost its process.
 */
export const ABANDONED_REPOUSSOIR_APPLY_MS = 2 * 60 * 1000;
// How often a change waiting for an import to finish moving its rows looks again.
const APPLY_POLL_MS = 50;
// What a caller that gave up waiting is told to wait: a large import moves in about a minute.
const RETRY_AFTER_SECONDS = 60;
// Pending rows deleted a transaction, when an import is discarded.
const DISCARD_CHUNK_ROWS = 5_000;

/** Thrown inside a change's transaction while an import holds the repoussoir. */
export class RepoussoirImportApplying extends Error {
  constructor() {
    super('a repoussoir import is moving its rows in; the change waits for it');
  }
}

/**
 * Runs one repoussoir change (`work`, which takes the version with
 * `nextRepoussoirVersion`) in its own transaction, waiting first, outside any
 * transaction, while an import moves its rows in (`importRepoussoirBatches`): changes
 * still apply one after the other, and an import's rows never meet another change
 * before they are in force. An import that stopped moving for
 * `ABANDONED_REPOUSSOIR_APPLY_MS` is discarded with its pending rows, so a crash never
 * holds the repoussoir for good. With `ctx.repoussoirMaxWaitMs` (interactive callers),
 * a change still held up that long by the ctx clock throws `unavailable` (retry, after
 * 60 s) having written nothing.
 *
 * @example
 * await runRepoussoirChange(ctx, async (trx) => { const version = await nextRepoussoirVersion(trx); … });
 */
export async function runRepoussoirChange<T>(
  ctx: ControlContext,
  work: (trx: Transaction<ControlSchema>) => Promise<T>,
): Promise<T> {
  for (;;) {
    try {
      return await ctx.db.transaction().execute(work);
    } catch (error) {
      if (!(error instanceof RepoussoirImportApplying)) throw error;
    }
    await waitForRepoussoirImport(ctx);
  }
}

/**
 * Resolves once no import holds the repoussoir, discarding one that was abandoned; throws
 * `unavailable` once it waited `ctx.repoussoirMaxWaitMs`.
 */
async function waitForRepoussoirImport(ctx: ControlContext): Promise<void> {
  const startedAt = ctx.clock().getTime();
  for (;;) {
    const state = await ctx.db
      .selectFrom('repoussoir_state')
      .select(['applying_import_id', 'applying_at'])
      .where('id', '=', 1)
      .executeTakeFirstOrThrow();
    if (state.applying_import_id === null || state.applying_at === null) return;
    const idleSince = ctx.clock().getTime() - ABANDONED_REPOUSSOIR_APPLY_MS;
    if (new Date(state.applying_at).getTime() < idleSince) {
      await discardRepoussoirImport(ctx, state.applying_import_id);
      return;
    }
    const maxWaitMs = ctx.repoussoirMaxWaitMs;
    if (maxWaitMs !== undefined && ctx.clock().getTime() - startedAt >= maxWaitMs) {
      throw new AppError('unavailable', 'a repoussoir import is being applied; retry in a minute', {
        retry: true,
        retryAfterSeconds: RETRY_AFTER_SECONDS,
      });
    }
    await delay(APPLY_POLL_MS);
  }
}

/**
 * Deletes an import that will not commit: its row and staged rows first (so a holder
 * still running fails at its next chunk), then, when it holds the repoussoir, its pending
 * rows chunk by chunk, each in its own short transaction, and only then releases the
 * repoussoir, so the next version never puts one in force. Safe to run twice at once.
 *
 * @example
 * await discardRepoussoirImport(ctx, importId);
 */
export async function discardRepoussoirImport(
  ctx: ControlContext,
  importId: string,
): Promise<void> {
  await ctx.db.deleteFrom('repoussoir_imports').where('id', '=', importId).execute();
  for (;;) {
    const released = await ctx.db.transaction().execute(async (trx) => {
      const state = await trx
        .selectFrom('repoussoir_state')
        .select(['applying_import_id', 'version'])
        .where('id', '=', 1)
        .executeTakeFirstOrThrow();
      // Pending rows are this import's only while it holds the repoussoir.
      if (state.applying_import_id !== importId) return true;
      const deleted = await sql`
        DELETE FROM repoussoir_entries WHERE id = ANY(ARRAY(
          SELECT e.id FROM repoussoir_entries e
          WHERE e.change_version > ${Number(state.version)}::bigint
          LIMIT ${DISCARD_CHUNK_ROWS}))`.execute(trx);
      if (Number(deleted.numAffectedRows ?? 0) > 0) return false;
      await trx
        .updateTable('repoussoir_state')
        .set({ applying_import_id: null, applying_at: null })
        .where('id', '=', 1)
        .execute();
      return true;
    });
    if (released) return;
  }
}
