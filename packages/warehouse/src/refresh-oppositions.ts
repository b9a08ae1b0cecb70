import type { TRepoussoirFeed } from '@alliage/domain';
import type { DuckDBConnection } from '@duckdb/node-api';
import {
  readRepoussoirMirrorHead,
  repoussoirMarksFingerprint,
  syncRepoussoirMirror,
} from './sync-repoussoir-mirror.ts';

/** Each record column holding a keyed hash, with the kind of entry it is matched against. */
const HASHED_CONTACT_POINTS = [
  ['email', 'email_hmac'],
  ['phone', 'mobile_hmac'],
  ['phone', 'landline_hmac'],
  ['postal', 'postal_hmac'],
] as const;

export interface RefreshOppositionsOptions {
  /**
   * SQL selecting `person_id`: every person whose records (their set, or a contact point's
   * hash) the caller changed, and every person it retired. Only they, and the persons
   * holding a hash the mirror's catch-up added or withdrew, are marked again, when the
   * marks followed the mirror before the catch-up; otherwise every person is. Without it,
   * every person is.
   */
  scopePersonsSql?: string;
}

/**
 * Brings the repoussoir mirror up to the feed's head and marks the persons one of whose
 * records matches an entry in force (email, mobile or landline, postal identity), by scope,
 * in `person_oppositions`, inside the caller's transaction — so an entry keeps working when
 * a member re-sends the person and a withdrawn entry stops — then records in
 * `repoussoir_sync` which head the marks follow, so a count does not redo them. Returns the
 * number of persons marked.
 *
 * The marks are a function of the persons' records and of the mirror: with
 * `scopePersonsSql`, a refresh after a drop recomputes those of the persons it changed and
 * of the persons whose hashes the catch-up touched, not the whole pool's (each whole
 * recomputation reads every record's four hashes against every entry: ~1 s with a
 * national list on the 2-core machine).
 *
 * @example
 * await refreshOppositions(connection, repoussoirFeed(ctx));
 * await refreshOppositions(connection, feed, { scopePersonsSql: 'SELECT person_id FROM ir_touched_persons' });
 */
export async function refreshOppositions(
  connection: DuckDBConnection,
  feed: TRepoussoirFeed,
  options: RefreshOppositionsOptions = {},
): Promise<number> {
  const held = await readRepoussoirMirrorHead(connection);
  const marksFollowedMirror =
    held !== null && (await readMarksFingerprint(connection)) === repoussoirMarksFingerprint(held);
  const sync = await syncRepoussoirMirror(connection, feed, { keepChanges: true });
  try {
    if (options.scopePersonsSql !== undefined && marksFollowedMirror && !sync.full) {
      await markPersons(connection, options.scopePersonsSql, sync.changed > 0);
    } else {
      await markEveryone(connection);
    }
  } finally {
    await connection.run('DROP TABLE IF EXISTS rp_changes');
  }
  await connection.run('DELETE FROM repoussoir_sync');
  await connection.run(
    'INSERT INTO repoussoir_sync VALUES ($fingerprint, current_timestamp::TIMESTAMP)',
    { fingerprint: repoussoirMarksFingerprint(sync.head) },
  );
  const marked = await connection.runAndReadAll(
    'SELECT count(DISTINCT person_id) FROM person_oppositions',
  );
  return Number(marked.getRowsJS()[0]?.[0] ?? 0);
}

/**
 * The head the persons' marks follow (as `repoussoirMarksFingerprint` writes it), or
 * undefined when no marks were computed since the last change that made them stale.
 *
 * @example
 * await readMarksFingerprint(connection); // '5f0c…:42'
 */
export async function readMarksFingerprint(connection: DuckDBConnection): Promise<unknown> {
  return (
    await connection.runAndReadAll('SELECT fingerprint FROM repoussoir_sync LIMIT 1')
  ).getRowsJS()[0]?.[0];
}

/** Recomputes `person_oppositions` whole from the mirror. */
async function markEveryone(connection: DuckDBConnection): Promise<void> {
  await connection.run('DELETE FROM person_oppositions');
  await connection.run(`INSERT INTO person_oppositions
    SELECT DISTINCT person_id, scope FROM (
      ${HASHED_CONTACT_POINTS.map(
        ([kind, column]) =>
          `SELECT r.person_id, e.scope FROM member_records r JOIN repoussoir_hashes e ON e.kind = '${kind}' AND e.hmac = r.${column}`,
      ).join('\n      UNION ALL\n      ')}
    ) WHERE person_id IS NOT NULL`);
}

/**
 * Recomputes the marks of the persons in scope and, when the catch-up read entries
 * (`rp_changes`: added or withdrawn), of the persons holding one of their hashes.
 */
async function markPersons(
  connection: DuckDBConnection,
  scopePersonsSql: string,
  mirrorChanged: boolean,
): Promise<void> {
  const touchedByChanges = HASHED_CONTACT_POINTS.map(
    ([kind, column]) =>
      `SELECT r.person_id FROM member_records r JOIN rp_changes c ON c.kind = '${kind}' AND c.hmac = r.${column}`,
  ).join('\n    UNION\n    ');
  await connection.run(`CREATE OR REPLACE TEMP TABLE rp_persons AS
    SELECT person_id FROM (${scopePersonsSql}) WHERE person_id IS NOT NULL
    ${mirrorChanged ? `UNION\n    ${touchedByChanges}` : ''}`);
  await connection.run(
    'DELETE FROM person_oppositions WHERE person_id IN (SELECT person_id FROM rp_persons)',
  );
  // Their records' hashes, one row per contact point, matched against the mirror at once:
  // the mirror is read once, not once per kind of contact point.
  await connection.run(`INSERT INTO person_oppositions
    WITH records AS (
      SELECT person_id, ${HASHED_CONTACT_POINTS.map(([, column]) => column).join(', ')}
      FROM member_records WHERE person_id IN (SELECT person_id FROM rp_persons)
    ), points AS (
      ${HASHED_CONTACT_POINTS.map(
        ([kind, column]) =>
          `SELECT person_id, '${kind}' AS kind, ${column} AS hmac FROM records WHERE ${column} IS NOT NULL`,
      ).join('\n      UNION ALL\n      ')}
    )
    SELECT DISTINCT p.person_id, e.scope FROM points p
    JOIN repoussoir_hashes e ON e.kind = p.kind AND e.hmac = p.hmac`);
  await connection.run('DROP TABLE rp_persons');
}
