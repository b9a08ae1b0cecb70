import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // A list imported in batches (a member's opt-out file, a national list) waits here,
  // each batch written in its own short transaction, until one last transaction moves it
  // into repoussoir_entries: the import no longer holds a connection (PGlite's only one)
  // while the file decrypts. Rows hold hashes only, never a value. `staged_at` is when the
  // import last wrote a batch: an import idle for long (its process crashed) is deleted
  // with its rows by the next import, so they never become entries.
  await sql`
    CREATE TABLE repoussoir_imports (
      id uuid PRIMARY KEY,
      started_at timestamptz NOT NULL,
      staged_at timestamptz NOT NULL
    )`.execute(db);
  await sql`
    CREATE TABLE repoussoir_import_staging (
      import_id uuid NOT NULL REFERENCES repoussoir_imports (id) ON DELETE CASCADE,
      kind text NOT NULL,
      hmac text NOT NULL,
      scope text NOT NULL
    )`.execute(db);
  await sql`CREATE INDEX repoussoir_import_staging_import ON repoussoir_import_staging (import_id)`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE IF EXISTS repoussoir_import_staging`.execute(db);
  await sql`DROP TABLE IF EXISTS repoussoir_imports`.execute(db);
}
