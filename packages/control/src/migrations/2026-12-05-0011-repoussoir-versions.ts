import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // Every change to the repoussoir (entries added, an entry withdrawn) takes the next
  // version from this one row and stamps it on the entries it touches. The row's lock is
  // held until the change commits, so versions commit in order and a copy of the list
  // (the pool's mirror) catches up by reading the entries changed after the version it
  // holds, instead of the whole list. `epoch` names this list: a copy made from another
  // control plane (restored, replaced) starts over.
  await sql`
    CREATE TABLE repoussoir_state (
      id smallint PRIMARY KEY CHECK (id = 1),
      epoch uuid NOT NULL DEFAULT gen_random_uuid(),
      version bigint NOT NULL CHECK (version >= 0)
    )`.execute(db);
  await sql`ALTER TABLE repoussoir_entries ADD COLUMN change_version bigint NOT NULL DEFAULT 1`.execute(
    db,
  );
  await sql`ALTER TABLE repoussoir_entries ALTER COLUMN change_version DROP DEFAULT`.execute(db);
  // The entries already there are version 1 (0 when there are none).
  await sql`
    INSERT INTO repoussoir_state (id, version)
    SELECT 1, CASE WHEN EXISTS (SELECT 1 FROM repoussoir_entries) THEN 1 ELSE 0 END`.execute(db);
  await sql`CREATE INDEX repoussoir_entries_changes ON repoussoir_entries (change_version, id)`.execute(
    db,
  );
  // Listing entries newest first (GET /v1/repoussoir/entries) sorted the whole table for
  // each page: 0.8 s at 1M entries on PostgreSQL, more with a national list.
  await sql`CREATE INDEX repoussoir_entries_newest ON repoussoir_entries (created_at DESC, id DESC)`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP INDEX IF EXISTS repoussoir_entries_newest`.execute(db);
  await sql`DROP INDEX IF EXISTS repoussoir_entries_changes`.execute(db);
  await sql`ALTER TABLE repoussoir_entries DROP COLUMN IF EXISTS change_version`.execute(db);
  await sql`DROP TABLE IF EXISTS repoussoir_state`.execute(db);
}
