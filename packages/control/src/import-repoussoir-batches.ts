import { randomUUID } from 'node:crypto';
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
import { nextRepoussoirVersion } from './next-repoussoir-version.ts';
import {
  type TRepoussoirEntriesTally,
  tallyRepoussoirEntries,
} from './repoussoir-change-details.ts';
import type { ControlSchema } from './schema.ts';

// 3 bound values a row: far below PostgreSQL's 65,535 parameters.
const STAGING_INSERT_ROWS = 5_000;
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
 * meanwhile). One last transaction moves the staged rows into `repoussoir_entries` in one
 * statement, with one repoussoir version and one `repoussoir.changed` event, and deletes
 * them: the version lock that serialises repoussoir changes is held only for that step.
 * A failure or a `commit: false` anywhere deletes the staged rows and leaves the
 * repoussoir as it was; rows a crashed import left are deleted by a later import
 * (`discardAbandonedRepoussoirImports`) and never become entries. Entries already in
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
      await discardImport(ctx, importId);
      return {
        value: decision.value,
        imported: decision.commit ? { added: 0, alreadyPresent: 0 } : null,
      };
    }
    const imported = await ctx.db
      .transaction()
      .execute((trx) =>
        commitStagedImport(trx, ctx, { importId, actor, provenance, audit, tally }),
      );
    return { value: decision.value, imported };
  } catch (error) {
    // The error is what the caller needs: staged rows a failed delete leaves are
    // discarded as abandoned by a later import.
    await discardImport(ctx, importId).catch(() => undefined);
    throw error;
  }
}

/**
 * The import's last step, inside `trx`: moves its staged rows into `repoussoir_entries`
 * in one statement under the next repoussoir version, appends the event and deletes them.
 */
async function commitStagedImport(
  trx: Transaction<ControlSchema>,
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
  await claimImport(trx, importId, ctx.clock());
  const version = await nextRepoussoirVersion(trx);
  // Parameters in a SELECT list have no type of their own: each is cast to its column's.
  // ON CONFLICT DO NOTHING also skips an entry repeated within the staged rows.
  const moved = await sql<{ added: number }>`
    WITH moved AS (
      INSERT INTO repoussoir_entries
        (kind, hmac, scope, source, source_reference, created_at, created_by, change_version)
      SELECT kind, hmac, scope, ${provenance.source}::text, ${provenance.sourceReference}::text,
        ${ctx.clock()}::timestamptz, ${actor.ref}::text, ${version}::bigint
      FROM repoussoir_import_staging
      WHERE import_id = ${importId}::uuid
      ON CONFLICT (${ACTIVE_ENTRY_KEY}) WHERE withdrawn_at IS NULL DO NOTHING
      RETURNING 1
    )
    SELECT count(*)::int AS added FROM moved`.execute(trx);
  const added = Number(moved.rows[0]?.added ?? 0);
  await appendRepoussoirImportEvent(trx, ctx.clock, {
    actor,
    audit: change.audit,
    tally,
    added,
    source: provenance.source,
  });
  // Its staged rows go with it (ON DELETE CASCADE).
  await trx.deleteFrom('repoussoir_imports').where('id', '=', importId).execute();
  return { added, alreadyPresent: tally.count - added };
}

/**
 * Marks the import as still running, inside `trx`, and locks its row until `trx` ends;
 * fails when it is gone (discarded as abandoned meanwhile), so nothing of it is written.
 */
async function claimImport(
  trx: Transaction<ControlSchema>,
  importId: string,
  now: Date,
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
}

/** Deletes an import that will not commit, with its staged rows. */
async function discardImport(ctx: ControlContext, importId: string): Promise<void> {
  await ctx.db.deleteFrom('repoussoir_imports').where('id', '=', importId).execute();
}
