import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // A list imported in batches is moved from its staging table into repoussoir_entries
  // chunk by chunk, each chunk its own short transaction (one statement for the whole
  // list held PGlite, the process's only connection, for ~15 s at 500k lines). While it
  // moves, the import holds the repoussoir for itself (`applying_import_id`, its last
  // chunk at `applying_at`): other changes wait, and its rows carry the version it will
  // take, one above `version`. Rows above `version` are pending: readers go through
  // repoussoir_committed_entries, which leaves them out, and the import puts them in
  // force by taking that version, in one short transaction that touches no entry. An
  // import that fails, or whose holder stops for long, has its pending rows deleted
  // before the repoussoir is released, so the next version never meets them.
  // Staged rows are moved in the order they were written, a chunk after the last one moved.
  await sql`ALTER TABLE repoussoir_import_staging ADD COLUMN seq bigint GENERATED ALWAYS AS IDENTITY`.execute(
    db,
  );
  await sql`DROP INDEX repoussoir_import_staging_import`.execute(db);
  await sql`CREATE INDEX repoussoir_import_staging_import ON repoussoir_import_staging (import_id, seq)`.execute(
    db,
  );
  await sql`ALTER TABLE repoussoir_state ADD COLUMN applying_import_id uuid`.execute(db);
  await sql`ALTER TABLE repoussoir_state ADD COLUMN applying_at timestamptz`.execute(db);
  await sql`ALTER TABLE repoussoir_state ADD CONSTRAINT repoussoir_state_applying CHECK (
    (applying_import_id IS NULL) = (applying_at IS NULL))`.execute(db);
  // `e.*` is expanded now: a later migration adding a column to repoussoir_entries must
  // recreate this view (repoussoir-feed.test.ts compares their columns).
  await sql`
    CREATE VIEW repoussoir_committed_entries AS
    SELECT e.* FROM repoussoir_entries e
    WHERE e.change_version <= (SELECT s.version FROM repoussoir_state s WHERE s.id = 1)`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP VIEW IF EXISTS repoussoir_committed_entries`.execute(db);
  await sql`ALTER TABLE repoussoir_state DROP CONSTRAINT IF EXISTS repoussoir_state_applying`.execute(
    db,
  );
  await sql`ALTER TABLE repoussoir_state DROP COLUMN IF EXISTS applying_at`.execute(db);
  await sql`ALTER TABLE repoussoir_state DROP COLUMN IF EXISTS applying_import_id`.execute(db);
  await sql`DROP INDEX IF EXISTS repoussoir_import_staging_import`.execute(db);
  await sql`ALTER TABLE repoussoir_import_staging DROP COLUMN IF EXISTS seq`.execute(db);
  await sql`CREATE INDEX repoussoir_import_staging_import ON repoussoir_import_staging (import_id)`.execute(
    db,
  );
}
