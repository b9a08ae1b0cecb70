import type { TRepoussoirFeed } from '@alliage/domain';
import type { DuckDBConnection } from '@duckdb/node-api';
import { repoussoirMarksFingerprint, syncRepoussoirMirror } from './sync-repoussoir-mirror.ts';

/**
 * Brings the repoussoir mirror up to the feed's head and marks again every person one
 * of whose records matches an entry in force (email, mobile or landline, postal
 * identity), by scope, in `person_oppositions` — recomputed whole inside the caller's
 * transaction, so an entry keeps working when a member re-sends the person and a
 * withdrawn entry stops — then records in `repoussoir_sync` which head the marks
 * follow, so a count does not redo them. Returns the number of persons marked.
 *
 * @example
 * await refreshOppositions(connection, repoussoirFeed(ctx));
 */
export async function refreshOppositions(
  connection: DuckDBConnection,
  feed: TRepoussoirFeed,
): Promise<number> {
  const { head } = await syncRepoussoirMirror(connection, feed);
  const marked = await markOppositions(connection);
  await connection.run('DELETE FROM repoussoir_sync');
  await connection.run(
    'INSERT INTO repoussoir_sync VALUES ($fingerprint, current_timestamp::TIMESTAMP)',
    { fingerprint: repoussoirMarksFingerprint(head) },
  );
  return marked;
}

/** Recomputes `person_oppositions` from the mirror, in the caller's transaction. */
async function markOppositions(connection: DuckDBConnection): Promise<number> {
  await connection.run('DELETE FROM person_oppositions');
  await connection.run(`INSERT INTO person_oppositions
    SELECT DISTINCT person_id, scope FROM (
      SELECT r.person_id, e.scope FROM member_records r JOIN repoussoir_hashes e ON e.kind = 'email' AND e.hmac = r.email_hmac
      UNION ALL
      SELECT r.person_id, e.scope FROM member_records r JOIN repoussoir_hashes e ON e.kind = 'phone' AND e.hmac = r.mobile_hmac
      UNION ALL
      SELECT r.person_id, e.scope FROM member_records r JOIN repoussoir_hashes e ON e.kind = 'phone' AND e.hmac = r.landline_hmac
      UNION ALL
      SELECT r.person_id, e.scope FROM member_records r JOIN repoussoir_hashes e ON e.kind = 'postal' AND e.hmac = r.postal_hmac
    ) WHERE person_id IS NOT NULL`);
  const marked = await connection.runAndReadAll(
    'SELECT count(DISTINCT person_id) FROM person_oppositions',
  );
  return Number(marked.getRowsJS()[0]?.[0] ?? 0);
}
