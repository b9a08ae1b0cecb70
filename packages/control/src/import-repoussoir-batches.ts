import {
  parseInput,
  type TRepoussoirHashEntryInput,
  type TRepoussoirProvenanceInput,
  ZRepoussoirHashEntry,
  ZRepoussoirProvenance,
} from '@alliage/domain';
import { sql } from 'kysely';
import { z } from 'zod';
import {
  appendRepoussoirImportEvent,
  type TRepoussoirImportAudit,
} from './append-repoussoir-import-event.ts';
import type { ControlContext, TActor } from './control-context.ts';
import type { TRepoussoirImportResult } from './import-repoussoir-entries.ts';
import { ACTIVE_ENTRY_KEY } from './insert-repoussoir-entries.ts';
import { nextRepoussoirVersion } from './next-repoussoir-version.ts';
import { tallyRepoussoirEntries } from './repoussoir-change-details.ts';

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
 * then says whether to commit. Everything runs in one transaction, so a failure or a
 * `commit: false` anywhere leaves the control plane as it was. The batches wait in a
 * temporary table (dropped with the transaction) and reach `repoussoir_entries` in one
 * statement at the end, with one repoussoir version and one `repoussoir.changed` event:
 * the version lock that serialises repoussoir changes is held only for that last step,
 * not while the list is read. Entries already in force (same kind, hash, scope and
 * provenance), or repeated in the list, are counted as already present, as by
 * `importRepoussoirEntries`. A list with no entry changes nothing and appends no event.
 * `imported` is null when nothing was committed.
 *
 * On PGlite the transaction holds the only connection while `produce` runs: other
 * control-plane queries of the process wait until the list is read.
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
  try {
    return await ctx.db.transaction().execute(async (trx) => {
      await sql`CREATE TEMPORARY TABLE repoussoir_import_staging (
        kind text NOT NULL, hmac text NOT NULL, scope text NOT NULL
      ) ON COMMIT DROP`.execute(trx);
      const staging = trx.withTables<{
        repoussoir_import_staging: { kind: string; hmac: string; scope: string };
      }>();
      const tally = tallyRepoussoirEntries([]);
      const decision = await produce(async (batch) => {
        const entries = parseInput(ZBatch, batch, 'entries');
        for (let start = 0; start < entries.length; start += STAGING_INSERT_ROWS) {
          await staging
            .insertInto('repoussoir_import_staging')
            .values(entries.slice(start, start + STAGING_INSERT_ROWS))
            .execute();
        }
        tallyRepoussoirEntries(entries, tally);
      });
      if (!decision.commit) throw new DeclinedImport(decision.value);
      if (tally.count === 0) {
        return { value: decision.value, imported: { added: 0, alreadyPresent: 0 } };
      }
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
          ON CONFLICT (${ACTIVE_ENTRY_KEY}) WHERE withdrawn_at IS NULL DO NOTHING
          RETURNING 1
        )
        SELECT count(*)::int AS added FROM moved`.execute(trx);
      const added = Number(moved.rows[0]?.added ?? 0);
      await appendRepoussoirImportEvent(trx, ctx.clock, {
        actor,
        audit,
        tally,
        added,
        source: provenance.source,
      });
      return { value: decision.value, imported: { added, alreadyPresent: tally.count - added } };
    });
  } catch (error) {
    // Only this call's own producer can have thrown it: its value is a T.
    if (error instanceof DeclinedImport) return { value: error.value as T, imported: null };
    throw error;
  }
}

/** Rolls the transaction back when the producer declines the import (not an error). */
class DeclinedImport extends Error {
  readonly value: unknown;
  constructor(value: unknown) {
    super('the repoussoir import was declined');
    this.value = value;
  }
}
