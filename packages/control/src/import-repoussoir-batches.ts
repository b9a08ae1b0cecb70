import { randomUUID } from 'node:crypto';
import { setImmediate as nextTurn } from 'node:timers/promises';
import {
  parseInput,
  type TRepoussoirHashEntryInput,
  type TRepoussoirProvenance,
  type TRepoussoirProvenanceInput,
  ZRepoussoirHashEntry,
  ZRepoussoirProvenance,
} from '@alliage/domain';
import { sql, type Transaction } from 'kysely';
import { z } from 'zod';
import {
  appendRepoussoirImportEvent,
  type TRepoussoirImportAudit,
} from './append-repoussoir-import-event.ts';
import type { ControlContext, TActor } from './control-context.ts';
import { discardAbandonedRepoussoirImports } from './discard-abandoned-repoussoir-imports.ts';
import type { TRepoussoirImportResult } from './import-repoussoir-entries.ts';
import { ACTIVE_ENTRY_KEY } from './insert-repoussoir-entries.ts';
import {
  type TRepoussoirEntriesTally,
  tallyRepoussoirEntries,
} from './repoussoir-change-details.ts';
import {
  discardRepoussoirImport,
  RepoussoirImportApplying,
  runRepoussoirChange,
} from './repoussoir-import-lock.ts';
import type { ControlSchema } from './schema.ts';

// 3 bound values a row: far below PostgreSQL's 65,535 parameters.
const STAGING_INSERT_ROWS = 5_000;
// Staged rows moved into the entries a transaction: short enough that another query of
// the process (PGlite runs each statement in the main thread) waits a fraction of a second.
const MOVE_CHUNK_ROWS = 5_000;
const ZBatch = z.array(ZRepoussoirHashEntry);

/** Hands one batch of entries to the import; resolves once it is written (not committed). */
export type TStageRepoussoirEntries = (
  entries: readonly TRepoussoirHashEntryInput[],
) => Promise<void>;

/** What the producer decided once its whole list was read: commit what it staged, or not. */
export interface TStagedRepoussoirDecision<T> {
  commit: boolean;
  value: T;
}

/**
 * Imports a list too large to hold in memory (a national list, a member's opt-out file)
 * as ONE change: `produce` reads it and hands it over batch by batch through `stage`,
 * then says whether to commit. Each batch is written in its own short transaction to
 * `repoussoir_import_staging` under this import's ID, so no connection is held while
 * `produce` reads (on PGlite, the process's only one: API requests and SFTP logins go on
 * meanwhile). Then the import holds the repoussoir (other changes wait, see
 * `runRepoussoirChange`) and moves the staged rows into `repoussoir_entries` 5,000 at a
 * time, each chunk its own short transaction, as rows pending under the version it
 * will take, which no reader shows (`repoussoir_committed_entries`); one last short
 * transaction takes that version, which puts them all in force at once, and appends the
 * one `repoussoir.changed` event. A failure or a `commit: false` anywhere deletes the
 * staged and pending rows and leaves the repoussoir as it was; rows a crashed import
 * left are deleted by a later import or change (`discardAbandonedRepoussoirImports`,
 * `runRepoussoirChange`) and never become entries. Entries already in
 * force (same kind, hash, scope and provenance), or repeated in the list, are counted as
 * already present, as by `importRepoussoirEntries`. A list with no entry changes nothing
 * and appends no event. `imported` is null when nothing was committed.
 *
 * @example
 * const { value, imported } = await importRepoussoirBatches(ctx, actor, provenance, {}, async (stage) => {
 *   for await (const batch of batches) await stage(batch);
 *   return { commit: true, value: null };
 * }); // imported: { added: 2000000, alreadyPresent: 12 }
 */
export async function importRepoussoirBatches<T>(
  ctx: ControlContext,
  actor: TActor,
  options: TRepoussoirProvenanceInput,
  audit: TRepoussoirImportAudit,
  produce: (stage: TStageRepoussoirEntries) => Promise<TStagedRepoussoirDecision<T>>,
): Promise<{ value: T; imported: TRepoussoirImportResult | null }> {
  const provenance = parseInput(ZRepoussoirProvenance, options);
  await discardAbandonedRepoussoirImports(ctx);
  const importId = randomUUID();
  const startedAt = ctx.clock();
  await ctx.db
    .insertInto('repoussoir_imports')
    .values({ id: importId, started_at: startedAt, staged_at: startedAt })
    .execute();
  const tally = tallyRepoussoirEntries([]);
  try {
    const decision = await produce(async (batch) => {
      const entries = parseInput(ZBatch, batch, 'entries');
      await ctx.db.transaction().execute(async (trx) => {
        await claimImport(trx, importId, ctx.clock());
        for (let start = 0; start < entries.length; start += STAGING_INSERT_ROWS) {
          await trx
            .insertInto('repoussoir_import_staging')
            .values(
              entries
                .slice(start, start + STAGING_INSERT_ROWS)
                .map((entry) => ({ import_id: importId, ...entry })),
            )
            .execute();
        }
      });
      tallyRepoussoirEntries(entries, tally);
    });
    if (!decision.commit || tally.count === 0) {
      await discardRepoussoirImport(ctx, importId);
      return {
        value: decision.value,
        imported: decision.commit ? { added: 0, alreadyPresent: 0 } : null,
      };
    }
    const imported = await applyStagedImport(ctx, {
      importId,
      actor,
      provenance,
      audit,
      tally,
    });
    return { value: decision.value, imported };
  } catch (error) {
    // The error is what the caller needs: staged rows a failed delete leaves are
    // discarded as abandoned by a later import.
    await discardRepoussoirImport(ctx, importId).catch(() => undefined);
    throw error;
  }
}

/**
 * The import's last steps. Takes the repoussoir for this import (other changes wait, see
 * `runRepoussoirChange`), then moves its staged rows into `repoussoir_entries` chunk by
 * chunk, each chunk its own short transaction, stamped with the version the import will
 * take: above the committed one, so every reader (`repoussoir_committed_entries`) leaves
 * them out. One last short transaction takes that version, which puts them in force at
 * once, appends the event and releases the repoussoir. A failure on the way is handled
 * by the caller (`discardRepoussoirImport` deletes the pending rows).
 */
async function applyStagedImport(
  ctx: ControlContext,
  change: {
    importId: string;
    actor: TActor;
    provenance: TRepoussoirProvenance;
    audit: TRepoussoirImportAudit;
    tally: TRepoussoirEntriesTally;
  },
): Promise<TRepoussoirImportResult> {
  const { importId, actor, provenance, tally } = change;
  const version = await runRepoussoirChange(ctx, async (trx) => {
    await claimImport(trx, importId, ctx.clock());
    const state = await trx
      .updateTable('repoussoir_state')
      .set({ applying_import_id: importId, applying_at: ctx.clock() })
      .where('id', '=', 1)
      .where('applying_import_id', 'is', null)
      .returning('version')
      .executeTakeFirst();
    if (!state) throw new RepoussoirImportApplying();
    return Number(state.version) + 1;
  });
  const createdAt = ctx.clock();
  let added = 0;
  let after = 0;
  for (;;) {
    const moved = await ctx.db.transaction().execute(async (trx) => {
      await claimImport(trx, importId, ctx.clock(), { holdsRepoussoir: true });
      return moveStagedChunk(trx, { importId, actor, provenance, version, createdAt, after });
    });
    added += moved.added;
    if (moved.taken < MOVE_CHUNK_ROWS) break;
    after = moved.last;
    // PGlite answers in microtasks: without a turn of the event loop, requests that
    // arrived meanwhile (I/O) would reach the database only once every chunk is in.
    await nextTurn();
  }
  await ctx.db.transaction().execute(async (trx) => {
    await claimImport(trx, importId, ctx.clock());
    const state = await trx
      .updateTable('repoussoir_state')
      .set({ version, applying_import_id: null, applying_at: null })
      .where('id', '=', 1)
      .where('applying_import_id', '=', importId)
      .returning('version')
      .executeTakeFirst();
    if (!state) throw new Error(`repoussoir import ${importId} no longer holds the repoussoir`);
    await appendRepoussoirImportEvent(trx, ctx.clock, {
      actor,
      audit: change.audit,
      tally,
      added,
      source: provenance.source,
    });
    // Its staged rows are all moved: only its row is left.
    await trx.deleteFrom('repoussoir_imports').where('id', '=', importId).execute();
  });
  return { added, alreadyPresent: tally.count - added };
}

/**
 * Moves, inside `trx`, the import's next `MOVE_CHUNK_ROWS` staged rows (in the order
 * written, after `after`) into `repoussoir_entries` as pending rows of `version`, and
 * deletes them from the staging table. Entries in force or pending with the same kind,
 * hash, scope and provenance are skipped (ON CONFLICT DO NOTHING also skips an entry
 * repeated within the rows).
 */
async function moveStagedChunk(
  trx: Transaction<ControlSchema>,
  chunk: {
    importId: string;
    actor: TActor;
    provenance: TRepoussoirProvenance;
    version: number;
    createdAt: Date;
    after: number;
  },
): Promise<{ taken: number; last: number; added: number }> {
  const { importId, actor, provenance, version, createdAt, after } = chunk;
  // Parameters in a SELECT list have no type of their own: each is cast to its column's.
  const result = await sql<{ taken: number; last: number | null; added: number }>`
    WITH taken AS (
      DELETE FROM repoussoir_import_staging
      WHERE import_id = ${importId}::uuid AND seq = ANY(ARRAY(
        SELECT seq FROM repoussoir_import_staging
        WHERE import_id = ${importId}::uuid AND seq > ${after}::bigint
        ORDER BY seq LIMIT ${MOVE_CHUNK_ROWS}))
      RETURNING seq, kind, hmac, scope
    ), moved AS (
      INSERT INTO repoussoir_entries
        (kind, hmac, scope, source, source_reference, created_at, created_by, change_version)
      SELECT kind, hmac, scope, ${provenance.source}::text, ${provenance.sourceReference}::text,
        ${createdAt}::timestamptz, ${actor.ref}::text, ${version}::bigint
      FROM taken
      ON CONFLICT (${ACTIVE_ENTRY_KEY}) WHERE withdrawn_at IS NULL DO NOTHING
      RETURNING 1
    )
    SELECT (SELECT count(*) FROM taken)::int AS taken, (SELECT max(seq) FROM taken) AS last,
      (SELECT count(*) FROM moved)::int AS added`.execute(trx);
  const row = result.rows[0];
  return {
    taken: Number(row?.taken ?? 0),
    last: Number(row?.last ?? after),
    added: Number(row?.added ?? 0),
  };
}

/**
 * Marks the import as still running, inside `trx`, and locks its row until `trx` ends;
 * fails when it is gone (discarded as abandoned meanwhile), so nothing of it is written.
 * With `holdsRepoussoir`, also records that it still moves its rows, and fails when it
 * no longer holds the repoussoir.
 */
async function claimImport(
  trx: Transaction<ControlSchema>,
  importId: string,
  now: Date,
  options: { holdsRepoussoir?: boolean } = {},
): Promise<void> {
  const claimed = await trx
    .updateTable('repoussoir_imports')
    .set({ staged_at: now })
    .where('id', '=', importId)
    .returning('id')
    .executeTakeFirst();
  if (!claimed) {
    throw new Error(`repoussoir import ${importId} was discarded as abandoned; run it again`);
  }
  if (!options.holdsRepoussoir) return;
  const held = await trx
    .updateTable('repoussoir_state')
    .set({ applying_at: now })
    .where('id', '=', 1)
    .where('applying_import_id', '=', importId)
    .executeTakeFirst();
  if (Number(held.numUpdatedRows) === 0) {
    throw new Error(`repoussoir import ${importId} no longer holds the repoussoir`);
  }
}
