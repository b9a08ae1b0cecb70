import type { TRepoussoirHashEntry, TRepoussoirProvenance } from '@alliage/domain';
import { sql, type Transaction } from 'kysely';
import type { TActor } from './control-context.ts';
import { nextRepoussoirVersion } from './next-repoussoir-version.ts';
import type { ControlSchema } from './schema.ts';

// 7 bound values a row: 1,000 rows stay far below PostgreSQL's 65,535 parameters.
const INSERT_CHUNK_ROWS = 1_000;
/** The columns of the unique index `repoussoir_entries_active` (control migration 0012). */
export const ACTIVE_ENTRY_KEY = sql`kind, hmac, scope, source, (coalesce(source_reference, ''))`;

/**
 * Inserts, inside `trx`, the entries not already in force with the same kind, hash, scope
 * AND provenance (source and reference), stamped with the change's repoussoir version, and
 * returns how many it created (not the rows: a national list adds millions). Entries
 * repeated in `entries` are inserted once. The same contact point from another source or
 * reference gets its own entry, so withdrawing one provenance never lifts another.
 *
 * @example
 * const created = await insertRepoussoirEntries(trx, { actor, now, entries, provenance }); // 1
 */
export async function insertRepoussoirEntries(
  trx: Transaction<ControlSchema>,
  options: {
    actor: TActor;
    now: Date;
    entries: readonly TRepoussoirHashEntry[];
    provenance: TRepoussoirProvenance;
  },
): Promise<number> {
  const version = await nextRepoussoirVersion(trx);
  let created = 0;
  // Rows are built a chunk at a time (a member's opt-out list may hold a million lines).
  // A contact point repeated in `entries`, in one chunk or two, meets the active entry
  // its first occurrence created and is counted as already there.
  for (let start = 0; start < options.entries.length; start += INSERT_CHUNK_ROWS) {
    const rows = options.entries.slice(start, start + INSERT_CHUNK_ROWS).map((entry) => ({
      kind: entry.kind,
      hmac: entry.hmac,
      scope: entry.scope,
      source: options.provenance.source,
      source_reference: options.provenance.sourceReference,
      created_at: options.now,
      created_by: options.actor.ref,
      change_version: version,
    }));
    const chunk = await trx
      .insertInto('repoussoir_entries')
      .values(rows)
      // The partial unique index decides, so a concurrent identical add cannot duplicate.
      .onConflict((conflict) =>
        conflict.expression(ACTIVE_ENTRY_KEY).where('withdrawn_at', 'is', null).doNothing(),
      )
      .returning('id')
      .execute();
    created += chunk.length;
  }
  return created;
}
