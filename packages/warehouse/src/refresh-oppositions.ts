import type { DuckDBConnection } from '@duckdb/node-api';
import { appendRows } from './append-rows.ts';

/** One active repoussoir entry, as the control plane stores it (no clear value). */
export interface TRepoussoirHash {
  kind: 'email' | 'phone' | 'postal';
  hmac: string;
  scope: string;
}

/**
 * Marks every person one of whose records matches an active repoussoir entry
 * (email, mobile or landline, postal identity), by scope, in
 * `person_oppositions` — recomputed whole inside the caller's transaction, so an
 * entry keeps working when a member re-sends the person and a withdrawn entry
 * stops. The pool build passes the entries it read; the marks are also
 * recomputed whenever the selection path re-mirrors a changed repoussoir
 * (`syncRepoussoirHashes`), whose fingerprint the build clears so the next
 * count re-mirrors after it. Returns the number of persons marked.
 *
 * @example
 * await refreshOppositions(connection, await listActiveRepoussoirHashes(ctx));
 */
export async function refreshOppositions(
  connection: DuckDBConnection,
  entries: readonly TRepoussoirHash[],
): Promise<number> {
  await connection.run(
    'CREATE OR REPLACE TEMP TABLE rp_entries (kind VARCHAR, hmac VARCHAR, scope VARCHAR)',
  );
  await appendRows(connection, 'rp_entries', entries.length, (index) => {
    const entry = entries[index] as TRepoussoirHash;
    return [entry.kind, entry.hmac, entry.scope];
  });
  const marked = await markOppositions(connection, 'rp_entries');
  // The mirror selections compare against may now be older than these marks.
  await connection.run('DELETE FROM repoussoir_sync');
  return marked;
}

/**
 * Recomputes `person_oppositions` from the entries in `entriesTable`
 * (kind, hmac, scope), in the caller's transaction; returns the persons marked.
 *
 * @example
 * await markOppositions(connection, 'repoussoir_hashes');
 */
export async function markOppositions(
  connection: DuckDBConnection,
  entriesTable: 'rp_entries' | 'repoussoir_hashes',
): Promise<number> {
  await connection.run('DELETE FROM person_oppositions');
  await connection.run(`INSERT INTO person_oppositions
    SELECT DISTINCT person_id, scope FROM (
      SELECT r.person_id, e.scope FROM member_records r JOIN ${entriesTable} e ON e.kind = 'email' AND e.hmac = r.email_hmac
      UNION ALL
      SELECT r.person_id, e.scope FROM member_records r JOIN ${entriesTable} e ON e.kind = 'phone' AND e.hmac = r.mobile_hmac
      UNION ALL
      SELECT r.person_id, e.scope FROM member_records r JOIN ${entriesTable} e ON e.kind = 'phone' AND e.hmac = r.landline_hmac
      UNION ALL
      SELECT r.person_id, e.scope FROM member_records r JOIN ${entriesTable} e ON e.kind = 'postal' AND e.hmac = r.postal_hmac
    ) WHERE person_id IS NOT NULL`);
  const marked = await connection.runAndReadAll(
    'SELECT count(DISTINCT person_id) FROM person_oppositions',
  );
  return Number(marked.getRowsJS()[0]?.[0] ?? 0);
}
